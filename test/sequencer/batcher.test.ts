// Batcher rules: slot overflow of each kind, max wait, runs ending at signed events, a payer that
// does not fit skipped for one batch only, runs no batch can hold rejected, contiguous numbers, leaf indexes, heads
// chained across unsettled batches, receipts once settled, determinism across restarts.
import type { Logger } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildBatch } from "../../core/batch.ts";
import { signHead } from "../../core/eddsa.ts";
import { eventHash } from "../../core/event.ts";
import { verifyEventProof } from "../../core/merkle.ts";
import type { CircuitParams } from "../../core/params.ts";
import { Batcher } from "../../sequencer/batcher.ts";
import type { Metrics } from "../../sequencer/metrics.ts";
import { BatchLifecycle } from "../../sequencer/pipeline/lifecycle.ts";
import type { NewEvent, PayerAdvance } from "../../sequencer/store/types.ts";
import {
  genesis,
  get,
  makeEvents,
  post,
  startServer,
  type TestPayer,
  type TestServer,
} from "./helpers.ts";

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

const WAIT = 2000;
function batcherFor(
  server: TestServer,
  opts: { params?: CircuitParams; logger?: Logger; metrics?: Metrics } = {},
) {
  let offset = 0;
  const batcher = new Batcher({
    store: server.store,
    chain: server.chain,
    params: opts.params ?? server.params,
    lifecycle: new BatchLifecycle({
      store: server.store,
      view: server.chain,
      params: opts.params ?? server.params,
      logger: opts.logger,
      metrics: opts.metrics,
    }),
    maxWaitMs: WAIT,
    now: () => Date.now() + offset,
    logger: opts.logger,
    metrics: opts.metrics,
  });
  return { batcher, advance: (ms: number) => (offset += ms) };
}

function fakeLogger() {
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
  return { logger, asLogger: logger as unknown as Logger };
}

/** Submits items for a payer continuing its chain; signs where `sign` says (last always). */
async function submit(
  payer: TestPayer,
  items: { assetId: bigint; amount: bigint }[],
  sign: (i: number, n: number) => boolean = (i, n) => i === n - 1,
) {
  const state = s.store.payerState(payer.address);
  const { events } = makeEvents(
    payer,
    { seq: state?.nextSeq ?? 1n, head: state?.head ?? genesis(payer) },
    items,
    (i, n) => i === n - 1 || sign(i, n),
  );
  const res = await post(s.url, { events });
  expect(res.status).toBe(202);
}

/**
 * Appends events straight to the store, in exactly the given order across payers, each payer's
 * chain continued from its stored state (ingest stores each request's events grouped per payer;
 * the batcher must not depend on that layout).
 */
function appendInterleaved(
  server: TestServer,
  rows: { payer: TestPayer; assetId: bigint; amount?: bigint; signed: boolean }[],
) {
  const state = new Map<string, { seq: bigint; head: bigint; debit: bigint }>();
  const events: NewEvent[] = rows.map((r) => {
    const address = r.payer.address;
    const stored = server.store.payerState(address);
    const st = state.get(address) ?? {
      seq: stored?.nextSeq ?? 1n,
      head: stored?.head ?? genesis(address),
      debit: 0n,
    };
    const amount = r.amount ?? 100n;
    const ev = { payer: BigInt(address), seq: st.seq, assetId: r.assetId, amount, ref: 0n };
    const head = eventHash(st.head, ev);
    const hash = head;
    const row: NewEvent = {
      payer: address,
      seq: st.seq,
      assetId: r.assetId,
      amount,
      ref: 0n,
      signature: r.signed ? signHead(r.payer.privateKey, head) : null,
      keyHash: r.signed ? (server.chain.payer(BigInt(address))?.keyHash ?? null) : null,
      eventHash: hash,
      prevHead: st.head,
      head,
    };
    state.set(address, { seq: st.seq + 1n, head, debit: st.debit + amount });
    return row;
  });
  const advances: PayerAdvance[] = [...state].map(([payer, st]) => ({
    payer,
    fromHead: server.store.payerState(payer)?.head ?? genesis(payer),
    nextSeq: st.seq,
    head: st.head,
    addedDebits: st.debit,
  }));
  server.store.appendEvents(events, advances);
}

/** Calls tick until it cuts nothing more; returns the batch numbers cut. */
function drain(tick: () => number[]): number[] {
  const all: number[] = [];
  for (let i = 0; i < 100; i++) {
    const cut = tick();
    if (cut.length === 0) return all;
    all.push(...cut);
  }
  throw new Error("the batcher kept cutting");
}

/** Batch invariants: slot limits, runs ending signed, per payer seqs contiguous across batches. */
function checkBatches(server: TestServer, params: CircuitParams, last: number) {
  const nextSeq = new Map<string, bigint>();
  for (let n = 1; n <= last; n++) {
    const events = server.store.batchEvents(n);
    expect(events.length, `batch ${n}`).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(params.N);
    expect(new Set(events.map((e) => e.payer)).size).toBeLessThanOrEqual(params.P);
    expect(new Set(events.map((e) => e.assetId)).size).toBeLessThanOrEqual(params.A);
    const recipients = new Set(
      events.flatMap((e) => server.chain.asset(e.assetId)!.split.recipients),
    );
    expect(recipients.size).toBeLessThanOrEqual(params.R);
    const lastOf = new Map<string, (typeof events)[number]>();
    for (const e of events) {
      expect(e.seq, `batch ${n} ${e.payer}`).toBe(nextSeq.get(e.payer) ?? 1n);
      nextSeq.set(e.payer, e.seq + 1n);
      lastOf.set(e.payer, e);
    }
    for (const e of lastOf.values()) expect(e.signature, `batch ${n} ${e.payer}`).not.toBeNull();
  }
  return nextSeq;
}

const seqsOf = (n: number) => s.store.batchEvents(n).map((e) => `${e.payer.slice(-1)}:${e.seq}`);
const ev = (assetId: bigint, amount = 100n) => ({ assetId, amount });

describe("Batcher", () => {
  it("should cut when the next event would overflow the N event slots, then the rest after the max wait", async () => {
    s = await startServer({ payers: 1 });
    const { batcher, advance } = batcherFor(s);
    const p = s.payers[0]!;
    await submit(p, [ev(1n), ev(1n), ev(1n), ev(1n), ev(1n), ev(1n)], (i) => i === 3);
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["1:1", "1:2", "1:3", "1:4"]);
    expect(s.store.batchEvents(1).map((e) => e.leafIndex)).toEqual([0, 1, 2, 3]);
    expect(batcher.tick()).toEqual([]);
    advance(WAIT);
    expect(batcher.tick()).toEqual([2]);
    expect(seqsOf(2)).toEqual(["1:5", "1:6"]);
    // Batch 2 starts from batch 1's new head although batch 1 is not settled.
    const pd1 = s.store.batch(1)!.content!.publicData;
    const pd2 = s.store.batch(2)!.content!.publicData;
    expect(pd2.oldHead?.[0]).toBe(pd1.newHead?.[0]);
    expect(pd1.oldHead?.[0]).toBe(genesis(p).toString());
  });

  it("should cut when the next event would need one payer slot too many", async () => {
    s = await startServer({ payers: 3 });
    const { batcher } = batcherFor(s);
    for (const p of s.payers) await submit(p, [ev(1n)]);
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["1:1", "2:1"]);
    expect(s.store.unbatchedEvents(10).map((e) => e.payer)).toEqual([s.payers[2]!.address]);
  });

  it("should cut when the next event would need one asset slot too many", async () => {
    s = await startServer({ payers: 1, assets: 3 });
    const { batcher } = batcherFor(s);
    await submit(s.payers[0]!, [ev(1n), ev(2n), ev(3n)], () => true);
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["1:1", "1:2"]);
  });

  it("should cut when the next event would need one recipient slot too many", async () => {
    s = await startServer({ payers: 1, assets: 2 });
    // R = 3: asset 1 brings recipients {1, 101}, asset 2 two more.
    const { batcher } = batcherFor(s, { params: { ...s.params, R: 3 } });
    await submit(s.payers[0]!, [ev(1n), ev(1n), ev(2n)], () => true);
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["1:1", "1:2"]);
    expect(s.store.batch(1)!.content!.publicData.recipientIds).toEqual(["1", "101", "0"]);
  });

  it("should skip, for one batch only, a payer whose run needs asset slots the batch no longer has, and keep filling with later payers", async () => {
    s = await startServer({ payers: 3, assets: 3 });
    const { batcher, advance } = batcherFor(s);
    const [p1, p2, p3] = s.payers as [TestPayer, TestPayer, TestPayer];
    await submit(p1, [ev(1n)]);
    // p2's run (signed at seq 2) needs assets 2 and 3: with asset 1 taken only one slot is left.
    await submit(p2, [ev(2n), ev(3n)]);
    await submit(p3, [ev(1n)]);
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["1:1", "3:1"]);
    // p2 fits an empty batch: it is next, once its wait is over.
    expect(batcher.tick()).toEqual([]);
    advance(WAIT);
    expect(batcher.tick()).toEqual([2]);
    expect(seqsOf(2)).toEqual(["2:1", "2:2"]);
    expect(s.store.unbatchedEvents(10)).toEqual([]);
  });

  it("should skip, for one batch only, a payer whose run needs recipient slots the batch no longer has; a run over R on its own is rejected", async () => {
    s = await startServer({ payers: 4, assets: 2 });
    // R = 3: asset 1 brings recipients {1, 101}, asset 2 brings {2, 102}.
    const params = { ...s.params, R: 3 };
    const { logger, asLogger } = fakeLogger();
    const { batcher, advance } = batcherFor(s, { params, logger: asLogger });
    const [p1, p2, p3, p4] = s.payers as [TestPayer, TestPayer, TestPayer, TestPayer];
    await submit(p1, [ev(1n)]);
    await submit(p2, [ev(2n), ev(2n)]);
    await submit(p3, [ev(1n)]);
    // p4's run needs 4 recipients: it can never fit, not even in an empty batch.
    await submit(p4, [ev(1n), ev(2n)]);
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["1:1", "3:1"]);
    advance(WAIT);
    expect(batcher.tick()).toEqual([2]);
    expect(seqsOf(2)).toEqual(["2:1", "2:2"]);
    expect(batcher.tick()).toEqual([]);
    // Rejected once, logged once; the payer's chain continues from before them.
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]?.[0]).toMatchObject({
      payer: p4.address,
      fromSeq: "1",
      count: 2,
      reason: "RUN_TOO_LARGE",
    });
    expect(s.store.unbatchedEvents(10)).toEqual([]);
    expect((await get(s.url, `/v1/events/${p4.address}/2`)).body).toMatchObject({
      status: "rejected",
      reason: "RUN_TOO_LARGE",
    });
    expect(s.store.payerState(p4.address)).toMatchObject({
      nextSeq: 1n,
      head: genesis(p4),
      pendingDebits: 0n,
    });
  });

  it("should reject a payer's run that exceeds an empty batch with its later events, and batch the others", async () => {
    s = await startServer({ payers: 3, assets: 3 });
    const { logger, asLogger } = fakeLogger();
    const { batcher, advance } = batcherFor(s, { logger: asLogger, metrics: s.metrics });
    const [p1, p2, p3] = s.payers as [TestPayer, TestPayer, TestPayer];
    // p1: five events before its first signature (N = 4); p2: three assets (A = 2). Ingest
    // refuses such runs (RUN_TOO_LARGE), so they are written to the store directly, as a store
    // filled before that rule, or a split update raising a run's recipients, would leave them.
    const unsigned = (payer: TestPayer, assets: bigint[]) =>
      assets.map((assetId, i) => ({ payer, assetId, signed: i === assets.length - 1 }));
    appendInterleaved(s, [...unsigned(p1, [1n, 1n, 1n, 1n, 1n]), ...unsigned(p2, [1n, 2n, 3n])]);
    await submit(p3, [ev(1n), ev(2n)], () => true);
    // p1's next run chains from the run that can never settle: it goes with it.
    await submit(p1, [ev(1n)]);
    advance(WAIT);
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["3:1", "3:2"]);
    expect(batcher.tick()).toEqual([]);
    expect(
      await s.metrics.registry.getSingleMetricAsString("royalty_events_rejected_after_ack_total"),
    ).toMatch(/reason="RUN_TOO_LARGE"} 9$/m);
    // Logged once per rejection, not on every tick.
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn.mock.calls.map((c) => c[0].payer).sort()).toEqual([p1.address, p2.address]);
    expect(s.store.unbatchedEvents(20).filter((e) => e.payer === p1.address)).toHaveLength(0);
    expect(s.store.payerState(p1.address)).toMatchObject({ nextSeq: 1n, pendingDebits: 0n });
    // Others keep being batched.
    await submit(p3, [ev(3n)]);
    advance(WAIT);
    expect(batcher.tick()).toEqual([2]);
    expect(seqsOf(2)).toEqual(["3:3"]);
  });

  it("should not reject a payer's run because another payer's run, interleaved with its own, overflowed", async () => {
    s = await startServer({ payers: 2, assets: 3 });
    const { batcher, advance } = batcherFor(s);
    const [p1, p2] = s.payers as [TestPayer, TestPayer];
    appendInterleaved(s, [
      { payer: p1, assetId: 1n, signed: false },
      { payer: p2, assetId: 2n, signed: false },
      { payer: p2, assetId: 3n, signed: true },
      { payer: p1, assetId: 1n, signed: true },
    ]);
    // p1's run {1} goes first; p2's run {2, 3} no longer fits beside it: batch 1 is full.
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["1:1", "1:2"]);
    expect(s.metrics.eventsRejectedAfterAck).toBeDefined();
    advance(WAIT);
    expect(batcher.tick()).toEqual([2]);
    expect(seqsOf(2)).toEqual(["2:1", "2:2"]);
  });

  it("should batch every event exactly once, whatever the interleaving, and cut the same batches after restarts", async () => {
    // Deterministic pseudo-random runs: 1..3 events over at most two assets, so every run fits an
    // empty batch; payers' events interleaved at random.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const plan = (payers: TestPayer[]) => {
      const queues = payers.map((payer) => {
        const rows: { payer: TestPayer; assetId: bigint; amount: bigint; signed: boolean }[] = [];
        for (let r = 0; r < 4; r++) {
          const len = 1 + rand(3);
          const pair = [BigInt(1 + rand(3)), BigInt(1 + rand(3))];
          for (let i = 0; i < len; i++) {
            rows.push({
              payer,
              assetId: pair[rand(2)] as bigint,
              amount: BigInt(1 + rand(1000)),
              signed: i === len - 1,
            });
          }
        }
        return rows;
      });
      const order: (typeof queues)[number] = [];
      while (queues.some((q) => q.length > 0)) {
        const live = queues.filter((q) => q.length > 0);
        order.push((live[rand(live.length)] as typeof order).shift()!);
      }
      return order;
    };
    s = await startServer({ payers: 3, assets: 3 });
    const rows = plan(s.payers);
    appendInterleaved(s, rows.slice(0, 20));
    appendInterleaved(s, rows.slice(20));
    const { batcher, advance } = batcherFor(s);
    advance(WAIT);
    const cut = drain(() => batcher.tick());
    expect(cut).toEqual(cut.map((_, i) => i + 1));
    expect(s.metrics.eventsRejectedAfterAck).toBeDefined();
    expect(s.store.unbatchedEvents(100)).toEqual([]);
    const next = checkBatches(s, s.params, cut.length);
    const total = [...next.values()].reduce((n, seq) => n + Number(seq - 1n), 0);
    expect(total).toBe(rows.length);

    // The same stored events on another store, with a new batcher for every batch (a restart
    // between batches), give the same batches, and batches already stored are not cut again.
    const first = s;
    const second = await startServer({ payers: 3, assets: 3 });
    try {
      appendInterleaved(second, rows.slice(0, 20));
      appendInterleaved(second, rows.slice(20));
      const again = drain(() => {
        const restarted = batcherFor(second);
        restarted.advance(WAIT);
        return restarted.batcher.tick(1);
      });
      expect(again).toEqual(cut);
      for (const n of cut) {
        expect(second.store.batchEvents(n).map((e) => `${e.payer}/${e.seq}`)).toEqual(
          first.store.batchEvents(n).map((e) => `${e.payer}/${e.seq}`),
        );
        expect(second.store.batch(n)?.content).toEqual(first.store.batch(n)?.content);
      }
      // Nothing more after one more restart.
      const late = batcherFor(second);
      late.advance(WAIT);
      expect(late.batcher.tick()).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it("should not cut a partial batch before the max wait, and cut it once the oldest event waited that long", async () => {
    s = await startServer({ payers: 1 });
    const { batcher, advance } = batcherFor(s);
    await submit(s.payers[0]!, [ev(1n)]);
    advance(WAIT - 100);
    expect(batcher.tick()).toEqual([]);
    advance(100);
    expect(batcher.tick()).toEqual([1]);
  });

  it("should end each payer's run at its last signed event; later events wait for the next batch", async () => {
    s = await startServer({ payers: 2 });
    const { batcher, advance } = batcherFor(s);
    const [p1, p2] = s.payers as [TestPayer, TestPayer];
    await submit(p1, [ev(1n), ev(1n)]);
    await submit(p1, [ev(1n), ev(1n), ev(1n), ev(1n)]);
    // Slots for 4 events, but p1's run 1..4 would end unsigned at seq 4: batch 1 ends at seq 2,
    // and batch 2, full, follows at once.
    expect(batcher.tick()).toEqual([1, 2]);
    expect(seqsOf(1)).toEqual(["1:1", "1:2"]);
    expect(seqsOf(2)).toEqual(["1:3", "1:4", "1:5", "1:6"]);
    // A payer that signs less often than every N events cannot be batched (ingest refuses it;
    // here it is in the store already); others still are.
    appendInterleaved(
      s,
      [1n, 1n, 1n, 1n, 1n].map((assetId, i) => ({ payer: p1, assetId, signed: i === 4 })),
    );
    await submit(p2, [ev(1n)]);
    advance(WAIT);
    expect(batcher.tick()).toEqual([3]);
    expect(seqsOf(3)).toEqual(["2:1"]);
  });

  it("should number batches contiguously, put every event in one batch, and match core's reference model", async () => {
    s = await startServer({ payers: 2, assets: 2 });
    const { batcher, advance } = batcherFor(s);
    const [p1, p2] = s.payers as [TestPayer, TestPayer];
    await submit(p1, [ev(1n, 10n), ev(2n, 20n), ev(1n, 30n)], () => true);
    await submit(p2, [ev(2n, 40n), ev(2n, 50n)], () => true);
    advance(WAIT);
    expect(batcher.tick()).toEqual([1, 2]);
    const seen = new Set<string>();
    for (const n of [1, 2]) {
      for (const e of s.store.batchEvents(n)) {
        expect(seen.has(`${e.payer}/${e.seq}`)).toBe(false);
        seen.add(`${e.payer}/${e.seq}`);
        expect(e.status).toBe("batched");
      }
    }
    expect(seen.size).toBe(5);
    expect(s.store.lastBatchNumber()).toBe(2);
    const res = await get(s.url, "/v1/batches/1");
    expect(res.status).toBe(200);
    expect(res.body.events.map((e: { leafIndex: number }) => e.leafIndex)).toEqual([0, 1, 2, 3]);
    // The persisted public data is exactly what core derives from the same events.
    const events = s.store.batchEvents(1);
    const built = buildBatch({
      params: s.params,
      domain: s.chain.domain,
      events: events.map((e) => ({
        payer: BigInt(e.payer),
        seq: e.seq,
        assetId: e.assetId,
        amount: e.amount,
        ref: e.ref,
      })),
      payers: s.payers.map((p) => ({
        address: BigInt(p.address),
        pubKey: p.pubKey,
        head: genesis(p),
      })),
      assets: [1n, 2n].map((a) => ({ assetId: a, split: s.chain.asset(a)!.split })),
      signatures: new Map(
        s.payers.map((p) => [
          BigInt(p.address),
          events.filter((e) => e.payer === p.address).at(-1)!.signature!,
        ]),
      ),
    });
    expect(res.body.publicData.eventsRoot).toBe(built.publicData.eventsRoot.toString());
    expect((await get(s.url, "/v1/batches/3")).body.error.code).toBe("NOT_FOUND");
  });

  it("should report pending credits, then a receipt that verifies against eventsRoot once settled", async () => {
    s = await startServer({ payers: 1, assets: 1 });
    const { batcher, advance } = batcherFor(s);
    await submit(s.payers[0]!, [ev(1n, 1001n), ev(1n, 999n)]);
    advance(WAIT);
    expect(batcher.tick()).toEqual([1]);
    const account = `0x${"ab".repeat(19)}01`;
    s.chain.setClaimable(BigInt(account), 5n);
    const before = await get(s.url, `/v1/accounts/${account}`);
    // Asset 1 pays 30% to account 101 and the rest, remainder included, to account 1: 701 + 700.
    expect(before.body).toMatchObject({ accountId: "1", claimable: "5", pendingCredits: "1401" });
    const p = s.payers[0]!.address;
    expect((await get(s.url, `/v1/events/${p}/2`)).body).toMatchObject({
      status: "batched",
      batch: 1,
      leafIndex: 1,
    });
    const id = s.store.batch(1)!.id;
    s.store.markProven(id, JSON.stringify({ pi_a: [] }));
    // What the lifecycle does when the chain's BatchSettled arrives.
    s.store.settleBatch(id, "0xabc", 123456n);
    s.store.refreshPendingDebits(p);
    const settled = await get(s.url, `/v1/events/${p}/2`);
    expect(settled.body.status).toBe("settled");
    expect(settled.body.receipt.txHash).toBe("0xabc");
    const root = s.store.batch(1)!.content!.publicData.eventsRoot;
    expect(settled.body.receipt.eventsRoot).toBe(root);
    const proof = settled.body.receipt.proof;
    // The receipt verifies as the API returned it, decimal strings and all.
    expect(verifyEventProof(proof)).toBe(true);
    expect(verifyEventProof({ ...proof, leaf: String(BigInt(proof.leaf) + 1n) })).toBe(false);
    expect((await get(s.url, `/v1/accounts/${account}`)).body.pendingCredits).toBe("0");
    expect((await get(s.url, `/v1/payers/${p}`)).body).toMatchObject({
      pendingDebits: "0",
      nextSeq: "3",
    });
    // Debits accepted after a settlement add to what the settlement left, not to a stale total.
    await submit(s.payers[0]!, [ev(1n, 7n)]);
    expect(s.store.payerState(p)?.pendingDebits).toBe(7n);
    expect((await get(s.url, "/v1/batches/1")).body).toMatchObject({
      status: "settled",
      txHash: "0xabc",
      gasUsed: "123456",
    });
  });
});
