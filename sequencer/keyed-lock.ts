/**
 * Serialises work per key. Ingest of a payer's request reads its chain head, checks signatures
 * asynchronously (maybe on a worker) and then commits; a second request of the same payer must not
 * read the head in between, while requests of other payers proceed. Keys are taken in sorted order
 * so two requests holding overlapping payer sets cannot deadlock.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(keys: readonly string[]): Promise<() => void> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    for (const key of sorted) {
      const previous = this.tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tail = previous.then(() => mine);
      this.tails.set(key, tail);
      releases.push(() => {
        release();
        // Drop the entry once nobody queued behind us, so idle payers cost no memory.
        if (this.tails.get(key) === tail) this.tails.delete(key);
      });
      await previous;
    }
    return () => {
      for (const r of releases) r();
    };
  }
}
