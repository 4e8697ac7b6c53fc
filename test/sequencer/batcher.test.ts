// Batcher rules: slot overflow of each kind, max wait, runs ending at signed events, contiguous
// numbers, leaf indexes, heads chained across unsettled batches, receipts once settled.
import { afterEach, describe, expect, it } from "vitest";
import { buildBatch } from "../../core/batch.ts";
import { verifyEventProof } from "../../core/merkle.ts";
import { Batcher } from "../../sequencer/batcher.ts";
import { get, makeEvents, post, startServer, type TestPayer, type TestServer } from "./helpers.ts";

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

const WAIT = 2000;
function batcherFor(server: TestServer, params = server.params) {
  let offset = 0;
  const batcher = new Batcher({
    store: server.store,
    chain: server.chain,
    params,
    maxWaitMs: WAIT,
    now: () => Date.now() + offset,
  });
  return { batcher, advance: (ms: number) => (offset += ms) };
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
    { seq: state?.nextSeq ?? 1n, head: state?.head ?? 0n },
    items,
    (i, n) => i === n - 1 || sign(i, n),
  );
  const res = await post(s.url, { events });
  expect(res.status).toBe(202);
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
    const pd1 = JSON.parse(s.store.batch(1)!.publicData);
    const pd2 = JSON.parse(s.store.batch(2)!.publicData);
    expect(pd2.oldHead[0]).toBe(pd1.newHead[0]);
    expect(pd1.oldHead[0]).toBe("0");
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
    const { batcher } = batcherFor(s, { ...s.params, R: 3 });
    await submit(s.payers[0]!, [ev(1n), ev(1n), ev(2n)], () => true);
    expect(batcher.tick()).toEqual([1]);
    expect(seqsOf(1)).toEqual(["1:1", "1:2"]);
    expect(JSON.parse(s.store.batch(1)!.publicData).recipientIds).toEqual(["1", "101", "0"]);
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
    // A payer that signs less often than every N events cannot be batched; others still are.
    await submit(p1, [ev(1n), ev(1n), ev(1n), ev(1n), ev(1n)]);
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
      payers: s.payers.map((p) => ({ address: BigInt(p.address), pubKey: p.pubKey, head: 0n })),
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
    s.store.markProven(1, JSON.stringify({ pi_a: [] }));
    s.store.markSettled(1, "0xabc", 123456n);
    const settled = await get(s.url, `/v1/events/${p}/2`);
    expect(settled.body.status).toBe("settled");
    expect(settled.body.receipt.txHash).toBe("0xabc");
    const root = JSON.parse(s.store.batch(1)!.publicData).eventsRoot;
    expect(settled.body.receipt.eventsRoot).toBe(root);
    const proof = settled.body.receipt.proof;
    expect(
      verifyEventProof({
        root: BigInt(proof.root),
        leaf: BigInt(proof.leaf),
        leafIndex: proof.leafIndex,
        siblings: proof.siblings.map((xs: string[]) => xs.map(BigInt)),
        pathIndices: proof.pathIndices,
      }),
    ).toBe(true);
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
