import { describe, expect, it } from "vitest";
import { type ProvenBatchCall, SettlementSubmitter } from "../../sequencer/settlement/submitter.ts";
import { deployScenario } from "../contracts/fixture.ts";

describe("SettlementSubmitter", () => {
  it("should settle proven batches in order, resume from the chain after a restart, and stop on a revert with the contract's error", async () => {
    const s = await deployScenario();
    const [a, b] = s.payers as [(typeof s.payers)[0], (typeof s.payers)[0]];
    const first = await s.proveEvents([s.event(a, 1n, 1001n, 500n), s.event(b, 1n, 1002n, 700n)]);
    s.advance(first.built);
    const second = await s.proveEvents([s.event(a, 2n, 1002n, 900n)]);
    const proven = new Map<bigint, ProvenBatchCall>([
      [1n, { batchNumber: 1n, batch: first.calldata, proof: first.proof }],
      [2n, { batchNumber: 2n, batch: second.calldata, proof: second.proof }],
    ]);
    const settled: bigint[] = [];
    const source = {
      provenBatch: (n: bigint) => proven.get(n),
      markSettled: (n: bigint) => void settled.push(n),
    };
    const wallet = s.deployer;
    const submitter = new SettlementSubmitter({
      rollup: s.rollup.address,
      publicClient: s.publicClient,
      walletClient: wallet,
      source,
    });

    // Only batch 1 is proven at first: it settles, batch 2 waits.
    proven.delete(2n);
    expect(await submitter.settleReady()).toBe(1);
    proven.set(2n, { batchNumber: 2n, batch: second.calldata, proof: second.proof });

    // A new submitter (a restart) starts from the chain's count, not from its own memory.
    const restarted = new SettlementSubmitter({
      rollup: s.rollup.address,
      publicClient: s.publicClient,
      walletClient: wallet,
      source,
    });
    expect(await restarted.chainSettled()).toBe(1n);
    expect(await restarted.settleReady()).toBe(1);
    expect(settled).toEqual([1n, 2n]);
    expect(await s.rollup.read.settledBatches()).toBe(2n);

    // Batch 3 proven against a stale head: the submitter stops with the decoded custom error.
    const stale = await s.proveEvents([s.event(a, 3n, 1001n, 5n)], {
      heads: new Map([[a.address, 0n]]),
    });
    proven.set(3n, { batchNumber: 3n, batch: stale.calldata, proof: stale.proof });
    await expect(restarted.settleReady()).rejects.toMatchObject({
      code: "SETTLEMENT_REVERTED",
      message: expect.stringContaining("RoyaltyRollup__StalePayerHead"),
    });
  });
});
