// `royalty verify --sequencer` with lineage (docs/protocol.md §3, §4, §12): real settlements on an
// in-process chain (the contracts fixture: test set, D = 1) of batches whose events climb a
// parent, checked against a sequencer's published events. The sequencer is a stand-in serving
// GET /v1/batches/:n, the one route verify reads, so what it publishes can be chosen.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PublicClient } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AssetState, buildBatch } from "../../core/batch.ts";
import type { RoyaltyEvent } from "../../core/event.ts";
import { batchCalldata } from "../../prover/calldata.ts";
import { samplePayer, signLastHeads } from "../../prover/sample-batch.ts";
import {
  type PublishedBatchEvent,
  publishedBatchProblems,
  verifyBatches,
} from "../../scripts/verify/verify-batches.ts";
import { deployScenario, increaseTime, params, prepare } from "../contracts/fixture.ts";

const PARENT = 1001n; // the fixture's asset: account ids 1 (7000) and 2 (3000)
const CHILD = 2001n; // registered here: the remixer 8000, PARENT 2000

type Scenario = Awaited<ReturnType<typeof deployScenario>>;

/** A sequencer that publishes, per batch number, the events it is given. */
async function fakeSequencer(batches: Map<number, PublishedBatchEvent[]>) {
  const server: Server = createServer((req, res) => {
    const n = Number(/^\/v1\/batches\/(\d+)$/.exec(req.url ?? "")?.[1]);
    const events = batches.get(n);
    if (!events) return void res.writeHead(404).end("{}");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ events }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const published = (events: RoyaltyEvent[], slots: number[]): PublishedBatchEvent[] =>
  events.map((e, i) => ({
    payer: `0x${e.payer.toString(16).padStart(40, "0")}`,
    seq: String(e.seq),
    assetId: String(e.assetId),
    amount: String(e.amount),
    ref: String(e.ref),
    leafIndex: slots[i] as number,
  }));

describe("royalty verify --sequencer with lineage", () => {
  let s: Scenario;
  let remixerId: bigint;
  const published1 = new Map<number, PublishedBatchEvent[]>();
  let sequencer: Awaited<ReturnType<typeof fakeSequencer>>;
  const servers: Server[] = [];
  beforeAll(async () => {
    await prepare();
    s = await deployScenario();
    const asOwner = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.owner },
    });
    const remixer = s.wallets.outsider.account.address;
    await asOwner.write.registerAsset([CHILD, [remixer], [8000], PARENT, 2000]);
    remixerId = BigInt(await s.rollup.read.accountIdOf([remixer]));
    sequencer = await fakeSequencer(published1);
    servers.push(sequencer.server);
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  const verify = (url: string) =>
    verifyBatches({
      client: s.publicClient as unknown as PublicClient,
      rollup: s.rollup.address,
      sequencer: url,
    });

  it("should find valid a settled batch whose events climb a parent, and another after the parent was dropped", async () => {
    const [a, b] = s.payers as [Scenario["payers"][0], Scenario["payers"][0]];
    const child: AssetState = {
      assetId: CHILD,
      split: { recipients: [remixerId], bps: [8000], parent: { assetId: PARENT, bps: 2000 } },
    };
    // The child's event takes slots 0 and 1 (PARENT's share), the next event slot 2.
    const events1 = [s.event(a, 1n, CHILD, 1_000_009n), s.event(b, 1n, PARENT, 777_777n)];
    const batch1 = await s.proveEvents(events1, { assets: [...s.assets, child] });
    expect(batch1.built.eventSlots).toEqual([0, 2]);
    await s.rollup.write.settleBatch([1n, batch1.calldata, batch1.proof]);
    s.advance(batch1.built);
    published1.set(1, published(events1, batch1.built.eventSlots));

    // The parent dropped from the child's split: batch 2 has no lineage slot, and batch 1 is
    // still checked against the split in force when it settled.
    const asOwner = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.owner },
    });
    await asOwner.write.updateSplit([CHILD, [s.wallets.outsider.account.address], [10_000], 0n, 0]);
    await increaseTime(s.connection, 3601);
    await s.rollup.write.applySplitUpdate([CHILD]);
    const alone: AssetState = { assetId: CHILD, split: { recipients: [remixerId], bps: [10_000] } };
    const events2 = [s.event(a, 2n, CHILD, 5_000n)];
    const batch2 = await s.proveEvents(events2, { assets: [alone] });
    expect(batch2.built.eventSlots).toEqual([0]);
    await s.rollup.write.settleBatch([2n, batch2.calldata, batch2.proof]);
    published1.set(2, published(events2, batch2.built.eventSlots));

    expect(await verify(sequencer.url)).toEqual([
      { batch: 1n, valid: true },
      { batch: 2n, valid: true },
    ]);
  });

  it("should find invalid a sequencer that publishes events at their positions instead of their slots", async () => {
    // Receipts of such a sequencer would prove leaves the settled tree does not hold there.
    const positions = new Map(
      [...published1].map(([n, events]) => [n, events.map((e, i) => ({ ...e, leafIndex: i }))]),
    );
    const liar = await fakeSequencer(positions);
    servers.push(liar.server);
    const [first, second] = await verify(liar.url);
    expect(first).toMatchObject({ batch: 1n, valid: false });
    expect(first?.reason).toMatch(/event 0x[0-9a-f]{40}\/1 is published at leaf 1, its slot is 2/);
    expect(second).toEqual({ batch: 2n, valid: true });
  });
});

describe("publishedBatchProblems", () => {
  // The test set's sizes; payers and keys of the sample batches. The splits on chain: CHILD
  // routes 2000 bps to PARENT.
  const [a, b] = [samplePayer(0), samplePayer(1)];
  const parent: AssetState = {
    assetId: PARENT,
    split: { recipients: [1n, 2n], bps: [7000, 3000] },
  };
  const child: AssetState = {
    assetId: CHILD,
    split: { recipients: [3n], bps: [8000], parent: { assetId: PARENT, bps: 2000 } },
  };
  const onChain = new Map([parent, child].map((x) => [x.assetId, x.split]));
  const events: RoyaltyEvent[] = [
    { payer: a.state.address, seq: 1n, assetId: CHILD, amount: 1_000_009n, ref: 0n },
    { payer: b.state.address, seq: 1n, assetId: CHILD, amount: 55n, ref: 0n },
  ];
  const build = (assets: AssetState[]) =>
    buildBatch({
      params,
      domain: 7n,
      events,
      payers: [a.state, b.state],
      assets,
      signatures: signLastHeads([a, b], events),
    });

  it("should accept the batch built with the lineage", () => {
    const built = build([parent, child]);
    expect(
      publishedBatchProblems(
        published(events, built.eventSlots),
        batchCalldata(params, built),
        params,
        built.publicData,
        (id) => onChain.get(id),
      ),
    ).toEqual([]);
  });

  it("should report a settlement whose credits skip the parent: its events root, the parent's absence, the child's split and every credit", () => {
    // Settled as if the child's split had no parent: the remixer kept the parent's share, no
    // lineage slot, PARENT not among the batch's assets.
    const skipping = build([{ assetId: CHILD, split: { recipients: [3n], bps: [10_000] } }]);
    expect(skipping.eventSlots).toEqual([0, 1]);
    const problems = publishedBatchProblems(
      published(events, [0, 2]),
      batchCalldata(params, skipping),
      params,
      skipping.publicData,
      (id) => onChain.get(id),
    );
    // By hand: 1,000,009 gives PARENT 200,001 (1 140,001, 2 60,000) and the remixer 800,008; 55
    // gives PARENT 11 (1 8, 2 3) and the remixer 44.
    expect(problems).toEqual([
      "the published events do not hash to the settled events root",
      "asset 2001: its split on chain does not hash to the split hash the batch settled",
      "parent asset 1001 is not among the settled batch's assets",
      "account 3: credited 1000064, the events give 800052",
      "account 1: credited 0, the events give 140009",
      "account 2: credited 0, the events give 60003",
    ]);
  });

  it("should report events on an asset without a split on chain, and a lineage past the slots", () => {
    const built = build([parent, child]);
    const args = [batchCalldata(params, built), params, built.publicData] as const;
    expect(
      publishedBatchProblems(published(events, built.eventSlots), ...args, (id) =>
        id === CHILD ? undefined : onChain.get(id),
      ),
    ).toEqual([
      "the published events cannot be laid out with the splits on chain: asset 2001 has no registered split",
    ]);
    const three = published([...events, { ...(events[0] as RoyaltyEvent), seq: 2n }], [0, 2, 4]);
    expect(publishedBatchProblems(three, ...args, (id) => onChain.get(id))).toEqual([
      "the published events take 6 event slots with their lineage, the circuit has 4",
    ]);
  });
});
