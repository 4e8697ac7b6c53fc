import type { NewEvent, PayerAdvance, Store } from "./store/types.ts";

interface Waiting {
  events: readonly NewEvent[];
  payers: readonly PayerAdvance[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: requests whose checks finish in the same turn of the event loop are written in one
 * transaction, so one fsync serves them all. Each request's promise settles only after that
 * transaction is durable, so a 202 still means "on disk"; if the transaction fails, none of the
 * group's events are stored and every request in it fails.
 *
 * Ingest holds a payer's lock until its commit settles, so a payer appears at most once per group
 * and the groups' order is the payers' seq order.
 */
export class GroupCommit {
  private queue: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly store: Store) {}

  commit(events: readonly NewEvent[], payers: readonly PayerAdvance[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, payers, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const group = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      this.store.appendEvents(
        group.flatMap((w) => w.events),
        group.flatMap((w) => w.payers),
      );
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    for (const w of group) w.resolve();
  }
}
