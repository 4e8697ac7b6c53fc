// The batcher and ingest with lineage (docs/protocol.md §3, §4, §11): an event on a derived asset
// takes a slot more per parent, its parents take asset slots and their recipients recipient
// slots; leaf indices are event slots and receipts verify at them; a run whose lineage slots
// cannot fit a batch is refused at ingest; a split update due on a parent holds the child's events.
import { afterEach, describe, expect, it } from "vitest";
import { verifyEventProof } from "../../core/merkle.ts";
import type { Split } from "../../core/split.ts";
import { splitHash } from "../../core/split.ts";
import { Batcher } from "../../sequencer/batcher.ts";
import { BatchLifecycle } from "../../sequencer/pipeline/lifecycle.ts";
import { genesis, get, makeEvents, post, startServer, type TestServer } from "./helpers.ts";

let s: TestServer;
afterEach(async () => {
  await s?.close();
});

// The test set: N = 4 event slots, A = 2 asset slots, R = 4, K = 2, D = 1. Asset 10 (an image)
// routes 30% of each event to asset 11 (its model).
const IMAGE: Split = { recipients: [21n], bps: [7000], parent: { assetId: 11n, bps: 3000 } };
const MODEL: Split = { recipients: [22n], bps: [10_000] };

async function lineageServer() {
  s = await startServer({ payers: 2, assets: 2 });
  s.chain.setAsset(10n, { split: IMAGE, splitHash: splitHash(10n, IMAGE, s.params.K), level: 1 });
  s.chain.setAsset(11n, { split: MODEL, splitHash: splitHash(11n, MODEL, s.params.K), level: 0 });
  let offset = 0;
  const batcher = new Batcher({
    store: s.store,
    chain: s.chain,
    params: s.params,
    lifecycle: new BatchLifecycle({ store: s.store, view: s.chain, params: s.params }),
    maxWaitMs: 2000,
    now: () => Date.now() + offset,
  });
  return { batcher, advance: (ms: number) => (offset += ms) };
}

async function send(payer: number, items: { assetId: bigint; amount: bigint }[], signAll = true) {
  const p = s.payers[payer]!;
  const state = s.store.payerState(p.address);
  const { events } = makeEvents(
    p,
    { seq: state?.nextSeq ?? 1n, head: state?.head ?? genesis(p) },
    items,
    (i, n) => signAll || i === n - 1,
  );
  return post(s.url, { events });
}

describe("Batcher and ingest with lineage", () => {
  it("should give an event on a derived asset two slots, leaf indices at event slots, and receipts that verify there", async () => {
    const { batcher, advance } = await lineageServer();
    const image = (amount: bigint) => ({ assetId: 10n, amount });
    expect((await send(0, [image(1_000_000n), image(2_000_001n), image(5n)])).status).toBe(202);
    expect(batcher.tick()).toEqual([1]);
    const first = s.store.batchEvents(1);
    expect(first.map((e) => [e.seq, e.leafIndex])).toEqual([
      [1n, 0],
      [2n, 2],
    ]);
    const content = s.store.batch(1)!.content!;
    expect(content.input.eventLineage).toEqual(["0", "1", "0", "1"]);
    expect(content.calldata.assetIds).toEqual(["10", "11"]);
    // 30% of 1,000,000 and of 2,000,001 (floored) to the model's account 22, the rest to 21.
    const credits = content.publicData.credits as string[];
    const ids = content.publicData.recipientIds as string[];
    expect(credits[ids.indexOf("22")]).toBe(String(300_000n + 600_000n));
    expect(credits[ids.indexOf("21")]).toBe(String(700_000n + 1_400_001n));
    advance(2000);
    expect(batcher.tick()).toEqual([2]);
    expect(s.store.batchEvents(2).map((e) => e.leafIndex)).toEqual([0]);

    const id = s.store.batch(1)!.id;
    s.store.markProven(id, JSON.stringify({ pi_a: [] }));
    s.store.settleBatch(id, "0xabc", 1n);
    const receipt = (await get(s.url, `/v1/events/${s.payers[0]!.address}/2`)).body.receipt;
    expect(receipt.proof.leafIndex ?? receipt.proof.index).toBe(2);
    expect(receipt.eventsRoot).toBe(content.publicData.eventsRoot);
    expect(verifyEventProof(receipt.proof)).toBe(true);
  });

  it("should fill the batch with another payer's plain events around a derived event", async () => {
    const { batcher } = await lineageServer();
    expect((await send(0, [{ assetId: 10n, amount: 50_000n }])).status).toBe(202);
    expect(
      (
        await send(1, [
          { assetId: 11n, amount: 7n },
          { assetId: 11n, amount: 8n },
        ])
      ).status,
    ).toBe(202);
    expect(batcher.tick()).toEqual([1]);
    expect(s.store.batchEvents(1).map((e) => e.leafIndex)).toEqual([0, 2, 3]);
  });

  it("should refuse at ingest a run whose lineage slots exceed a batch, naming the slots", async () => {
    await lineageServer();
    const res = await send(
      0,
      [10n, 10n, 10n].map((assetId) => ({ assetId, amount: 100n })),
      false,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("RUN_TOO_LARGE");
    expect(res.body.error.message).toMatch(/need 6 event slots, 2 assets and 2 recipients/);
    expect(s.store.payerState(s.payers[0]!.address)).toBeUndefined();
  });

  it("should hold a derived asset's events while its parent's split update is due, then batch them", async () => {
    const { batcher, advance } = await lineageServer();
    const now = s.chain.now();
    s.chain.updateAsset(11n, {
      pendingSplit: {
        split: MODEL,
        splitHash: splitHash(11n, MODEL, s.params.K),
        effectiveAt: now + 60n,
      },
    });
    expect((await send(0, [{ assetId: 10n, amount: 1000n }])).status).toBe(202);
    advance(5000);
    expect(batcher.tick()).toEqual([]);
    s.chain.updateAsset(11n, { pendingSplit: undefined });
    expect(batcher.tick()).toEqual([1]);
  });
});
