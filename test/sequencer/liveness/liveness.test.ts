// Nobody can stop settlement (docs/protocol.md §14). Each scenario is one participant or outsider
// acting on chain, or a crash, at the worst moment, against the real `royalty sequencer` on a
// Hardhat node over HTTP. Each ends with every honest payer's acknowledged events settled on
// chain, `royalty verify --sequencer` valid for every batch, and the API agreeing with the chain;
// none needs the operator to act.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Abi } from "viem";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { publicKeyOf } from "../../../core/eddsa.ts";
import { proofCalldata } from "../../../prover/calldata.ts";
import type { Groth16Proof } from "../../../prover/groth16.ts";
import { samplePrivateKey } from "../../../prover/sample-batch.ts";
import { PROJECT_ROOT } from "../../../scripts/setup/paths.ts";
import { EMPTY_TEST_BATCH } from "../../contracts/fixture.ts";
import {
  DELAY,
  endScenario,
  FORCED_DELAY,
  killAll,
  RECIPIENTS,
  Scenario,
  waitFor,
} from "./harness.ts";

afterEach(() => endScenario());
afterAll(() => killAll());

/** The end state every scenario must reach. */
async function finish(s: Scenario): Promise<void> {
  const settled = Number(await s.read("settledBatches"));
  const results = await s.verify();
  expect(results.map((r) => r.batch)).toEqual(Array.from({ length: settled }, (_, i) => i + 1));
  expect(results.filter((r) => !r.valid)).toEqual([]);
  await s.apiAgreesWithChain();
}

const ev = (assetId: bigint, amount: bigint) => ({ assetId, amount });

describe("liveness: no participant, outsider or crash stops settlement", () => {
  it("should reject the old-key events a rotation applied early by an outsider strands, settle everyone else's, and continue the payer's chain under the new key", async () => {
    const s = await Scenario.create();
    await s.startSequencer();
    const a = s.payer("payerA");
    const b = s.payer("payerB");
    await a.submitMany([ev(1n, 1000n), ev(1n, 2000n)]);
    await s.settled("payerA", [1n, 2n]);

    const newKey = samplePrivateKey(`rotated-${s.rollup}`);
    await s.send("payerA", "requestKeyRotation", [...publicKeyOf(newKey)]);
    await s.hold();
    const since = s.mark();
    // The rotation is 60 s away (margin 20 s): the old key's signatures are still accepted.
    await Promise.all([
      a.submitMany([ev(1n, 300n), ev(2n, 400n)]),
      b.submitMany([ev(2n, 500n), ev(1n, 600n)]),
    ]);
    await s.logged("settlement sent", since);
    // The outsider applies the rotation the moment it matures, ahead of the settlement.
    await s.increaseTime(DELAY + 1, { mine: false });
    await s.send("outsider", "applyKeyRotation", [s.address("payerA")], 0n, {
      wait: false,
      priority: true,
    });
    await s.release();

    await s.settled("payerB", [1n, 2n]);
    for (const seq of [3n, 4n]) {
      expect(await s.eventStatus("payerA", seq)).toMatchObject({
        status: "rejected",
        reason: "KEY_ROTATED",
      });
    }
    const state = (await s.api(`/v1/payers/${s.address("payerA")}`)).body;
    expect(state).toMatchObject({ nextSeq: "3", pendingDebits: "0" });
    const rotated = s.payer("payerA", newKey, { seq: 3n, head: BigInt(state.head as string) });
    await rotated.submitMany([ev(1n, 700n), ev(2n, 800n)]);
    await s.settled("payerA", [3n, 4n]);
    await finish(s);
    await s.stopSequencer();
  });

  it("should refuse old-key signatures once a rotation is near, hold new-key events until it matures, and apply the rotation itself", async () => {
    const s = await Scenario.create();
    await s.startSequencer();
    const a = s.payer("payerA");
    await a.submitMany([ev(1n, 1000n), ev(1n, 2000n)]);
    await s.settled("payerA", [1n, 2n]);
    const newKey = samplePrivateKey(`rotated-${s.rollup}`);
    await s.send("payerA", "requestKeyRotation", [...publicKeyOf(newKey)]);
    // Within the margin of the rotation's effective time: an old-key event could not settle first.
    await s.increaseTime(DELAY - 10);
    const from = { seq: 3n, head: a.head };
    await s.caughtUp();
    await expect(s.payer("payerA", undefined, from).submitMany([ev(1n, 5n)])).rejects.toMatchObject(
      { code: "KEY_ROTATION_PENDING" },
    );
    // Signed with the new key: accepted, batched only once the rotation is applied.
    const rotated = s.payer("payerA", newKey, from);
    await rotated.submitMany([ev(2n, 70n), ev(2n, 80n)]);
    expect(await s.eventStatus("payerA", 3n)).toMatchObject({ status: "accepted" });
    const since = s.mark();
    await s.increaseTime(15);
    await s.logged("sent applyKeyRotation", since);
    await s.settled("payerA", [3n, 4n]);
    await finish(s);
    await s.stopSequencer();
  });

  /**
   * Asset 2 goes from one recipient to two; payer A sells `assetA` twice, payer B asset 1; an
   * outsider applies asset 2's update in the block before their first settlement lands, so that
   * settlement reverts and its batch must be dropped and proven again. Returns once all settled.
   */
  async function splitAppliedAhead(s: Scenario, assetA: bigint): Promise<void> {
    await s.startSequencer();
    const a = s.payer("payerA");
    const b = s.payer("payerB");
    await s.send("owner", "updateSplit", [2n, [RECIPIENTS[2], RECIPIENTS[3]], [5000, 5000], 0n, 0]);
    await s.hold();
    const since = s.mark();
    await Promise.all([
      a.submitMany([ev(assetA, 1000n), ev(assetA, 3000n)]),
      b.submitMany([ev(1n, 500n), ev(1n, 700n)]),
    ]);
    await s.logged("settlement sent", since);
    await s.increaseTime(DELAY + 1, { mine: false });
    await s.send("outsider", "applySplitUpdate", [2n], 0n, { wait: false, priority: true });
    await s.release();
    await s.settled("payerA", [1n, 2n]);
    await s.settled("payerB", [1n, 2n]);
  }

  it("should drop and re-prove a batch whose split an outsider applied ahead of its settlement, crediting the new split", async () => {
    const s = await Scenario.create();
    await splitAppliedAhead(s, 2n);
    // Settled under the split in force: the new recipient got half of asset 2's sales.
    expect(await s.read("claimable", [RECIPIENTS[3]])).toBe(2000n);
    expect(await s.read("claimable", [RECIPIENTS[2]])).toBe(2000n);
    await finish(s);
    await s.stopSequencer();
  });

  it("should drop and re-prove a derived asset's batch whose parent's split an outsider applied ahead of its settlement, paying the parent's new split", async () => {
    const s = await Scenario.create();
    // Asset 3 (a remix) routes 30% of each sale to asset 2, its parent.
    await s.send("owner", "registerAsset", [3n, [RECIPIENTS[0]], [7000], 2n, 3000]);
    await splitAppliedAhead(s, 3n);
    // The parent's 1,200 (30% of 4,000) split under its new split; the remix's own 2,800 to its
    // account, who also holds 70% of asset 1's 1,200.
    expect(await s.read("claimable", [RECIPIENTS[2]])).toBe(600n);
    expect(await s.read("claimable", [RECIPIENTS[3]])).toBe(600n);
    expect(await s.read("claimable", [RECIPIENTS[0]])).toBe(2800n + 840n);
    await finish(s);
    await s.stopSequencer();
  });

  it("should reject the events a withdrawal left unfunded and settle everyone else's, after settlement was held up beyond the withdrawal delay", async () => {
    // The sequencer's key is not the operator yet: its settlements wait (a backlog).
    const s = await Scenario.create({ operator: "owner" });
    await s.startSequencer();
    const a = s.payer("payerA");
    const b = s.payer("payerB");
    await a.submitMany([ev(1n, 1000n), ev(1n, 2000n)]);
    await b.submitMany([ev(2n, 500n), ev(1n, 600n)]);
    await waitFor(
      async () => (await s.api("/v1/batches/1")).body.status === "proven",
      60_000,
      "batch 1 proven",
    );
    const escrow = ((await s.read("payers", [s.address("payerA")])) as bigint[])[2] as bigint;
    await s.send("payerA", "requestWithdrawal", [escrow]);
    // Prevention: no new event of that payer is accepted against the escrow it is taking out.
    await s.caughtUp();
    await expect(
      s.payer("payerA", undefined, { seq: 3n, head: a.head }).submitMany([ev(1n, 1n)]),
    ).rejects.toMatchObject({ code: "INSUFFICIENT_ESCROW" });
    await s.increaseTime(DELAY + 1);
    await s.send("payerA", "withdraw", []);
    // The operator role reaches the sequencer's key: the backlog settles.
    await s.send("owner", "setOperator", [s.address("operator")]);

    await s.settled("payerB", [1n, 2n]);
    for (const seq of [1n, 2n]) {
      expect(await s.eventStatus("payerA", seq)).toMatchObject({
        status: "rejected",
        reason: "UNFUNDED",
      });
    }
    expect((await s.api(`/v1/payers/${s.address("payerA")}`)).body).toMatchObject({
      nextSeq: "1",
      pendingDebits: "0",
    });
    await finish(s);
    await s.stopSequencer();
  });

  it("should refuse an outsider's empty batch and a small-order payer key, and keep settling", async () => {
    const s = await Scenario.create();
    await s.startSequencer();
    expect(await s.revertOf("outsider", "registerPayer", [0n, 1n])).toBe(
      "RoyaltyRollup__SmallOrderKey",
    );
    const empty = EMPTY_TEST_BATCH;
    const proof = Array<bigint>(8).fill(0n);
    expect(await s.revertOf("outsider", "settleBatch", [1n, empty, proof])).toMatch(
      /RoyaltyRollup__(NotOperator|EmptyBatch)/,
    );
    await s.increaseTime(FORCED_DELAY + 1);
    // Even once anyone may settle, a batch without a payer is refused.
    expect(await s.revertOf("outsider", "settleBatch", [1n, empty, proof])).toBe(
      "RoyaltyRollup__EmptyBatch",
    );
    await s.payer("payerA").submitMany([ev(1n, 10n), ev(2n, 20n)]);
    await s.payer("payerB").submitMany([ev(2n, 30n), ev(1n, 40n)]);
    await s.settled("payerA", [1n, 2n]);
    await s.settled("payerB", [1n, 2n]);
    await finish(s);
    await s.stopSequencer();
  });

  it("should record a copy of its own settlement sent through a relay contract that landed first, and keep settling", async () => {
    const s = await Scenario.create();
    await s.startSequencer();
    const artifact = JSON.parse(
      readFileSync(
        join(PROJECT_ROOT, "artifacts/contracts/test/SettlementRelay.sol/SettlementRelay.json"),
        "utf8",
      ),
    ) as { abi: Abi; bytecode: `0x${string}` };
    const deployHash = await s.wallet("outsider").deployContract({
      abi: artifact.abi,
      bytecode: artifact.bytecode,
      chain: s.client.chain,
      account: s.wallet("outsider").account!,
    });
    const relay = (await s.client.waitForTransactionReceipt({ hash: deployHash }))
      .contractAddress as `0x${string}`;
    // The operator has been silent for the forced-settlement delay: anyone may settle.
    await s.increaseTime(FORCED_DELAY + 1);
    await s.hold();
    const since = s.mark();
    await Promise.all([
      s.payer("payerA").submitMany([ev(1n, 11n), ev(1n, 12n)]),
      s.payer("payerB").submitMany([ev(2n, 13n), ev(2n, 14n)]),
    ]);
    const sent = await s.logged("settlement sent", since);
    const tx = await s.client.getTransaction({ hash: sent.tx as `0x${string}` });
    const copy = await s.send("outsider", "forward", [s.rollup, tx.input], 0n, {
      wait: false,
      priority: true,
      to: relay,
      abi: artifact.abi,
    });
    await s.release();
    expect((await s.client.getTransactionReceipt({ hash: copy })).status).toBe("success");
    expect((await s.client.getTransactionReceipt({ hash: sent.tx as `0x${string}` })).status).toBe(
      "reverted",
    );
    await s.settled("payerA", [1n, 2n]);
    await s.settled("payerB", [1n, 2n]);
    const batch = Number(sent.batch);
    expect((await s.api(`/v1/batches/${batch}`)).body).toMatchObject({
      status: "settled",
      origin: "sequencer",
      txHash: copy,
    });
    // The submitter was not stopped by its own revert.
    const a = s.payer("payerA", undefined, {
      seq: 3n,
      head: BigInt((await s.eventStatus("payerA", 2n)).head as string),
    });
    await a.submitMany([ev(2n, 15n), ev(2n, 16n)]);
    await s.settled("payerA", [3n, 4n]);
    await finish(s);
    await s.stopSequencer();
  });

  it("should mark a batch settled after a crash between sending its settlement and the receipt, and settle nothing twice", async () => {
    const s = await Scenario.create();
    await s.startSequencer();
    await s.hold();
    const since = s.mark();
    await Promise.all([
      s.payer("payerA").submitMany([ev(1n, 21n), ev(1n, 22n)]),
      s.payer("payerB").submitMany([ev(2n, 23n), ev(2n, 24n)]),
    ]);
    const sent = await s.logged("settlement sent", since);
    await s.stopSequencer("SIGKILL");
    await s.release();
    expect(await s.read("settledBatches")).toBe(1n);

    await s.startSequencer();
    await s.settled("payerA", [1n, 2n]);
    await s.settled("payerB", [1n, 2n]);
    const first = await s.eventStatus(Number(sent.batch) === 1 ? "payerA" : "payerB", 1n);
    expect(first).toMatchObject({ status: "settled" });
    // Receipts are served for the batch whose receipt the crash lost.
    const settledOne = (await s.api("/v1/batches/1")).body;
    expect(settledOne).toMatchObject({ status: "settled", txHash: sent.tx });
    await finish(s);
    await s.stopSequencer();
  });

  it("should let anyone settle a proven batch after the operator stopped for the forced-settlement delay, and pick up from there when it returns", async () => {
    const s = await Scenario.create();
    await s.startSequencer();
    await s.hold();
    const since = s.mark();
    await Promise.all([
      s.payer("payerA").submitMany([ev(1n, 31n), ev(2n, 32n)]),
      s.payer("payerB").submitMany([ev(1n, 33n), ev(2n, 34n)]),
    ]);
    const sent = await s.logged("settlement sent", since);
    // Published while the operator ran: the settlement arguments and the proof.
    const published = (await s.api("/v1/batches/1")).body as {
      calldata: Record<string, string | string[]>;
      proof: Groth16Proof;
    };
    await s.stopSequencer("SIGKILL");
    await s.drop(sent.tx as `0x${string}`);
    await s.release();
    const c = published.calldata;
    const args = [
      1n,
      {
        eventsRoot: BigInt(c.eventsRoot as string),
        payers: c.payers,
        oldHeads: (c.oldHeads as string[]).map(BigInt),
        newHeads: (c.newHeads as string[]).map(BigInt),
        assetIds: (c.assetIds as string[]).map(BigInt),
        splitHashes: (c.splitHashes as string[]).map(BigInt),
        packed: (c.packed as string[]).map(BigInt),
      },
      proofCalldata(published.proof),
    ];
    expect(await s.revertOf("outsider", "settleBatch", args)).toBe("RoyaltyRollup__NotOperator");
    await s.increaseTime(FORCED_DELAY + 1);
    await s.send("outsider", "settleBatch", args);

    await s.startSequencer();
    await s.settled("payerA", [1n, 2n]);
    await s.settled("payerB", [1n, 2n]);
    await finish(s);
    await s.stopSequencer();
  });
});
