// Restart safety: the real sequencer process is killed with SIGKILL during a load and restarted on
// the same database. Every acknowledged event must be there, in at most one batch, with batch
// numbers contiguous, and batching must resume.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Ack, RoyaltyClient } from "../../sdk/index.ts";
import { SqliteStore } from "../../sequencer/store/sqlite.ts";
import { chainSeedFor, DOMAIN, genesis, spawnSequencer, testPayer } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "seq-restart-"));
const db = join(dir, "seq.sqlite");
const payers = [1, 2, 3, 4].map(testPayer);
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function writeSeed(): string {
  const seed = chainSeedFor(
    payers,
    [1, 2].map((a) => ({
      assetId: String(a),
      recipients: [String(a), String(a + 100)],
      bps: [6000, 4000],
    })),
  );
  const file = join(dir, "seed.json");
  writeFileSync(file, JSON.stringify(seed));
  return file;
}

async function startSequencer(seed: string): Promise<{ url: string; child: ChildProcess }> {
  const started = await spawnSequencer([
    "--db",
    db,
    "--chain-seed",
    seed,
    "--port",
    "0",
    "--params",
    "default",
    "--max-wait-ms",
    "200",
    "--provers",
    "0",
  ]);
  children.push(started.child);
  return started;
}

/** Each client keeps sending small signed bulks until stopped; collects what was acknowledged. */
function drive(
  url: string,
  acked: Ack[],
  stop: { now: boolean },
  start?: Map<string, { seq: bigint; head: bigint }>,
) {
  return payers.map(async (p) => {
    const client = new RoyaltyClient({
      baseUrl: url,
      payer: p.address,
      privateKey: p.privateKey,
      domain: DOMAIN,
      signEvery: 4,
      retries: 1,
      retryDelayMs: 5,
      startSeq: start?.get(p.address)?.seq,
      startHead: start?.get(p.address)?.head,
    });
    let i = 0;
    while (!stop.now) {
      try {
        const acks = await client.submitMany(
          Array.from({ length: 4 }, () => ({
            assetId: BigInt(1 + (i++ % 2)),
            amount: 1000n + BigInt(i),
          })),
        );
        acked.push(...acks);
      } catch {
        return; // the server is gone
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  });
}

describe("sequencer process", () => {
  it("should keep every acknowledged event, in at most one batch, and resume batching after kill -9", async () => {
    const seed = writeSeed();
    const first = await startSequencer(seed);
    const acked: Ack[] = [];
    const stop = { now: false };
    const load = drive(first.url, acked, stop);
    await new Promise((r) => setTimeout(r, 1500));
    const exited = new Promise((r) => first.child.once("exit", r));
    first.child.kill("SIGKILL");
    await Promise.all(load);
    await exited;
    expect(acked.length).toBeGreaterThan(50);

    const second = await startSequencer(seed);
    const store = new SqliteStore(db);
    try {
      for (const a of acked) {
        const e = store.event(a.payer, BigInt(a.seq));
        expect(e?.eventHash.toString()).toBe(a.eventHash);
        expect(e?.head.toString()).toBe(a.head);
      }
      const lastBefore = store.lastBatchNumber();

      // New load from where the server's chains are (some events were stored but never acked).
      const start = new Map(
        payers.map((p) => {
          const st = store.payerState(p.address);
          return [p.address, { seq: st?.nextSeq ?? 1n, head: st?.head ?? genesis(p) }] as const;
        }),
      );
      const more: Ack[] = [];
      const stop2 = { now: false };
      const load2 = drive(second.url, more, stop2, start);
      await new Promise((r) => setTimeout(r, 500));
      stop2.now = true;
      await Promise.all(load2);
      expect(more.length).toBeGreaterThan(0);

      // Batching resumed: everything accepted ends up in a batch.
      const deadline = Date.now() + 60_000;
      while (store.queueDepths().accepted > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(store.queueDepths().accepted).toBe(0);
      const last = store.lastBatchNumber();
      expect(last).toBeGreaterThan(lastBefore);
      let total = 0;
      for (let n = 1; n <= last; n++) {
        const batch = store.batch(n);
        expect(batch, `batch ${n}`).toBeDefined();
        const events = store.batchEvents(n);
        expect(events.map((e) => e.leafIndex)).toEqual(events.map((_, i) => i));
        expect(batch!.eventCount).toBe(events.length);
        total += events.length;
      }
      const stored = payers.reduce((n, p) => n + store.events(p.address, 1n, 1_000_000n).length, 0);
      expect(total).toBe(stored);
      for (const a of more) expect(store.event(a.payer, BigInt(a.seq))?.batch).not.toBeNull();
    } finally {
      store.close();
      second.child.kill("SIGTERM");
      await new Promise((r) => second.child.once("exit", r));
    }
  });
});
