// Who may settle (docs/protocol.md §10): the operator, or anyone once the operator has been silent
// for forcedSettlementDelay; never a batch without a payer; and the BatchSettled event carries the
// whole settlement, so a batch sent through a relay reads the same as one sent directly.
import { decodeEventLog, encodeFunctionData, getAddress, zeroAddress } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { deployScenario, EMPTY_TEST_BATCH, increaseTime, prepare, revertOf } from "./fixture.ts";

type Scenario = Awaited<ReturnType<typeof deployScenario>>;
const DELAY = 1000;

beforeAll(async () => {
  await prepare();
});

async function asWallet(s: Scenario, wallet: Scenario["wallets"]["outsider"]) {
  return s.viem.getContractAt("RoyaltyRollup", s.rollup.address, { client: { wallet } });
}

/** A proven one-event batch of payer A against the current heads. */
async function nextBatch(s: Scenario, seq: bigint, amount: bigint) {
  const b = await s.proveEvents([s.event(s.payers[0]!, seq, 1001n, amount)]);
  return { ...b, proof: b.proof as unknown as Proof };
}

type Proof = readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
type DecodedLog = { eventName: string; args: Record<string, unknown> };

async function chainTime(s: Scenario): Promise<bigint> {
  return (await s.publicClient.getBlock()).timestamp;
}

describe("RoyaltyRollup settlement rights", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await deployScenario({ forcedSettlementDelay: DELAY });
  });

  it("should let only the operator settle until the operator has been silent for the delay, then anyone, and restart the delay at each settlement", async () => {
    expect((await s.rollup.read.operator()).toLowerCase()).toBe(
      s.deployer.account.address.toLowerCase(),
    );
    expect(await s.rollup.read.forcedSettlementDelay()).toBe(BigInt(DELAY));
    const outsider = await asWallet(s, s.wallets.outsider);
    const first = await nextBatch(s, 1n, 100n);
    const openAt = (await s.rollup.read.lastSettledAt()) + BigInt(DELAY);
    expect(await revertOf(outsider.write.settleBatch([1n, first.calldata, first.proof]))).toEqual({
      name: "RoyaltyRollup__NotOperator",
      args: [getAddress(s.wallets.outsider.account.address), openAt],
    });

    await increaseTime(s.connection, DELAY + 1);
    await outsider.write.settleBatch([1n, first.calldata, first.proof]);
    s.advance(first.built);
    expect(await s.rollup.read.settledBatches()).toBe(1n);
    expect(await s.rollup.read.lastSettledAt()).toBe(await chainTime(s));

    // The outsider's settlement restarts the delay: the next batch is the operator's again.
    const second = await nextBatch(s, 2n, 200n);
    await expect(outsider.write.settleBatch([2n, second.calldata, second.proof])).rejects.toThrow(
      /RoyaltyRollup__NotOperator/,
    );
    await s.rollup.write.settleBatch([2n, second.calldata, second.proof]);
    s.advance(second.built);
    expect(await s.rollup.read.settledBatches()).toBe(2n);
  });

  it("should let only the operator hand the role on, never to the zero address", async () => {
    const outsider = await asWallet(s, s.wallets.outsider);
    const next = s.wallets.r3.account.address;
    await expect(outsider.write.setOperator([next])).rejects.toThrow(/RoyaltyRollup__NotOperator/);
    await expect(s.rollup.write.setOperator([zeroAddress])).rejects.toThrow(
      /RoyaltyRollup__ZeroOperator/,
    );
    const hash = await s.rollup.write.setOperator([next]);
    const receipt = await s.publicClient.waitForTransactionReceipt({ hash });
    const changed = receipt.logs
      .map(
        (l) => decodeEventLog({ abi: s.rollup.abi, data: l.data, topics: l.topics }) as DecodedLog,
      )
      .find((e) => e.eventName === "OperatorChanged");
    expect(changed?.args).toEqual({
      previous: getAddress(s.deployer.account.address),
      next: getAddress(next),
    });
    expect((await s.rollup.read.operator()).toLowerCase()).toBe(next.toLowerCase());

    // The former operator is an outsider now; the new one settles.
    const batch = await nextBatch(s, 3n, 300n);
    await expect(s.rollup.write.settleBatch([3n, batch.calldata, batch.proof])).rejects.toThrow(
      /RoyaltyRollup__NotOperator/,
    );
    const asNew = await asWallet(s, s.wallets.r3);
    await asNew.write.settleBatch([3n, batch.calldata, batch.proof]);
    s.advance(batch.built);
    expect(await s.rollup.read.settledBatches()).toBe(3n);
  });
});

describe("RoyaltyRollup empty batches", () => {
  it("should refuse a batch without a payer from the operator and from anyone after the delay", async () => {
    const s = await deployScenario({ forcedSettlementDelay: DELAY });
    const empty = EMPTY_TEST_BATCH;
    const proof = Array<bigint>(8).fill(0n) as unknown as readonly [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    await expect(s.rollup.write.settleBatch([1n, empty, proof])).rejects.toThrow(
      /RoyaltyRollup__EmptyBatch/,
    );
    await increaseTime(s.connection, DELAY + 1);
    const outsider = await asWallet(s, s.wallets.outsider);
    await expect(outsider.write.settleBatch([1n, empty, proof])).rejects.toThrow(
      /RoyaltyRollup__EmptyBatch/,
    );
    // Batch 1 is still free for the operator's real batch.
    const batch = await nextBatch(s, 1n, 5n);
    await s.rollup.write.settleBatch([1n, batch.calldata, batch.proof]);
    expect(await s.rollup.read.settledBatches()).toBe(1n);
  });
});

/** BatchSettled's arguments as viem decodes them: checksummed addresses, fixed arrays as arrays. */
function expectedEvent(batchNumber: bigint, b: Awaited<ReturnType<typeof nextBatch>>) {
  return {
    batchNumber,
    batch: { ...b.calldata, payers: b.calldata.payers.map((p) => getAddress(p)) },
    proof: [...b.proof],
  };
}

describe("RoyaltyRollup BatchSettled", () => {
  it("should carry the settlement's arguments and proof, identical when the batch came through a relay", async () => {
    const s = await deployScenario({ forcedSettlementDelay: DELAY });
    const relay = await s.viem.deployContract("SettlementRelay");
    const decodeSettled = async (hash: `0x${string}`) => {
      const receipt = await s.publicClient.waitForTransactionReceipt({ hash });
      expect(receipt.status).toBe("success");
      return receipt.logs
        .filter((l) => l.address.toLowerCase() === s.rollup.address.toLowerCase())
        .map(
          (l) =>
            decodeEventLog({ abi: s.rollup.abi, data: l.data, topics: l.topics }) as DecodedLog,
        )
        .find((e) => e.eventName === "BatchSettled")?.args;
    };

    const direct = await nextBatch(s, 1n, 7n);
    const directArgs = await decodeSettled(
      await s.rollup.write.settleBatch([1n, direct.calldata, direct.proof]),
    );
    s.advance(direct.built);
    expect(directArgs).toEqual(expectedEvent(1n, direct));

    // Through a relay (the deployer is the operator, so the relay is an outsider: wait the delay).
    await increaseTime(s.connection, DELAY + 1);
    const relayed = await nextBatch(s, 2n, 9n);
    const data = encodeFunctionData({
      abi: s.rollup.abi,
      functionName: "settleBatch",
      args: [2n, relayed.calldata, relayed.proof],
    });
    // A revert inside the relay comes back as the rollup's own custom error.
    const wrongNumber = encodeFunctionData({
      abi: s.rollup.abi,
      functionName: "settleBatch",
      args: [3n, relayed.calldata, relayed.proof],
    });
    await expect(
      s.publicClient.simulateContract({
        address: relay.address,
        abi: [...relay.abi, ...s.rollup.abi],
        functionName: "forward",
        args: [s.rollup.address, wrongNumber],
        account: s.deployer.account,
      }),
    ).rejects.toThrow(/RoyaltyRollup__WrongBatchNumber/);
    const relayedArgs = await decodeSettled(await relay.write.forward([s.rollup.address, data]));
    expect(relayedArgs).toEqual(expectedEvent(2n, relayed));
    expect(await s.rollup.read.eventsRootOf([2n])).toBe(relayed.calldata.eventsRoot);
  });
});
