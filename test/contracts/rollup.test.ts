import { beforeAll, describe, expect, it } from "vitest";
import { payerKeyHash, publicKeyOf } from "../../core/eddsa.ts";
import { domainOf, genesisHead } from "../../core/event.ts";
import { computeShares, splitHash } from "../../core/split.ts";
import { samplePrivateKey } from "../../prover/sample-batch.ts";
import { deployScenario, increaseTime, params, prepare } from "./fixture.ts";

type Scenario = Awaited<ReturnType<typeof deployScenario>>;

beforeAll(async () => {
  await prepare();
});

/** Two payers, both assets, four events: a full test-set batch. */
async function firstBatch(s: Scenario) {
  const [a, b] = s.payers as [Scenario["payers"][0], Scenario["payers"][0]];
  return s.proveEvents([
    s.event(a, 1n, 1001n, 1_000_003n),
    s.event(b, 1n, 1002n, 777_777n),
    s.event(a, 2n, 1002n, 10_001n),
    s.event(b, 2n, 1001n, 3n),
  ]);
}

describe("RoyaltyRollup registration", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await deployScenario();
  });

  it("should compute the same domain, key hash and split hash as the core module", async () => {
    expect(await s.rollup.read.domain()).toBe(domainOf(s.chainId, s.rollup.address));
    const payer = s.payers[0]!;
    expect(await s.rollup.read.keyHashOf([payer.address])).toBe(
      payerKeyHash(s.domain, BigInt(payer.address), publicKeyOf(payer.privateKey)),
    );
    for (const asset of s.assets) {
      expect(await s.rollup.read.splitHashOf([asset.assetId])).toBe(
        splitHash(asset.assetId, asset.split, params.K),
      );
    }
  });

  it("should start every payer's chain at its genesis head, Poseidon(domain, payer)", async () => {
    const heads = new Set<bigint>();
    for (const payer of s.payers) {
      const head = (await s.rollup.read.payers([payer.address]))[1];
      expect(head).toBe(genesisHead(s.domain, BigInt(payer.address)));
      heads.add(head);
    }
    // No two chains start together: one payer's heads are never another's.
    expect(heads.size).toBe(s.payers.length);
  });

  it("should assign account ids in order of first appearance", async () => {
    expect(await s.rollup.read.accountIdOf([s.recipients[0]!])).toBe(1);
    expect(await s.rollup.read.accountIdOf([s.recipients[2]!])).toBe(3);
  });

  it("should not register a payer twice or a key off the curve", async () => {
    const asPayer = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.wallets.payerA },
    });
    await expect(asPayer.write.registerPayer([1n, 2n])).rejects.toThrow(
      /RoyaltyRollup__AlreadyRegistered/,
    );
    const asOther = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.wallets.r3 },
    });
    await expect(asOther.write.registerPayer([1n, 2n])).rejects.toThrow(
      /RoyaltyRollup__KeyNotOnCurve/,
    );
  });

  it("should not register splits with too many, zero or duplicate recipients or bps not summing to 10000", async () => {
    const asOwner = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.owner },
    });
    const [x, y, z] = s.recipients as [`0x${string}`, `0x${string}`, `0x${string}`];
    const zero = "0x0000000000000000000000000000000000000000";
    await expect(
      asOwner.write.registerAsset([7n, [x, y, z], [5000, 3000, 2000], 0n, 0]),
    ).rejects.toThrow(/recipient count/);
    await expect(asOwner.write.registerAsset([7n, [x, y], [5000, 4999], 0n, 0])).rejects.toThrow(
      /bps must sum to 10000/,
    );
    await expect(asOwner.write.registerAsset([7n, [x, zero], [5000, 5000], 0n, 0])).rejects.toThrow(
      /zero recipient/,
    );
    await expect(asOwner.write.registerAsset([7n, [x, x], [5000, 5000], 0n, 0])).rejects.toThrow(
      /duplicate recipient/,
    );
    await expect(asOwner.write.registerAsset([1001n, [x], [10000], 0n, 0])).rejects.toThrow(
      /RoyaltyRollup__AssetExists/,
    );
  });

  it("should rotate a payer's key only after the delay", async () => {
    const payer = s.payers[1]!;
    const asPayer = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.wallets.payerB },
    });
    const next = publicKeyOf(samplePrivateKey("rotated-key"));
    const before = await s.rollup.read.keyHashOf([payer.address]);
    await asPayer.write.requestKeyRotation([next[0], next[1]]);
    await expect(s.rollup.write.applyKeyRotation([payer.address])).rejects.toThrow(
      /RoyaltyRollup__TooEarly/,
    );
    expect(await s.rollup.read.keyHashOf([payer.address])).toBe(before);
    await increaseTime(s.connection, 3601);
    await s.rollup.write.applyKeyRotation([payer.address]); // anyone may apply it
    expect(await s.rollup.read.keyHashOf([payer.address])).toBe(
      payerKeyHash(s.domain, BigInt(payer.address), next),
    );
    await expect(s.rollup.write.applyKeyRotation([payer.address])).rejects.toThrow(
      /RoyaltyRollup__NothingPending/,
    );
  });

  it("should let only the owner update a split, effective after the delay", async () => {
    const asOther = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.wallets.r1 },
    });
    await expect(
      asOther.write.updateSplit([1001n, [s.recipients[0]!], [10000], 0n, 0]),
    ).rejects.toThrow(/RoyaltyRollup__NotAssetOwner/);
    const asOwner = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.owner },
    });
    const before = await s.rollup.read.splitHashOf([1001n]);
    await asOwner.write.updateSplit([1001n, [s.recipients[0]!], [10000], 0n, 0]);
    await expect(s.rollup.write.applySplitUpdate([1001n])).rejects.toThrow(
      /RoyaltyRollup__TooEarly/,
    );
    expect(await s.rollup.read.splitHashOf([1001n])).toBe(before);
    await increaseTime(s.connection, 3601);
    await s.rollup.write.applySplitUpdate([1001n]);
    expect(await s.rollup.read.splitHashOf([1001n])).toBe(
      splitHash(1001n, { recipients: [1n], bps: [10000] }, params.K),
    );
  });
});

describe("RoyaltyRollup.settleBatch", () => {
  let s: Scenario;
  let first: Awaited<ReturnType<typeof firstBatch>>;
  beforeAll(async () => {
    s = await deployScenario();
    first = await firstBatch(s);
  });

  it("should reject a batch number other than the next one", async () => {
    await expect(s.rollup.write.settleBatch([2n, first.calldata, first.proof])).rejects.toThrow(
      /RoyaltyRollup__WrongBatchNumber/,
    );
  });

  it("should reject tampered public data (a credit moved between recipients)", async () => {
    const packed = [...first.calldata.packed];
    packed[1] = (packed[1] as bigint) + 1n; // second word: the first recipient's credit
    await expect(
      s.rollup.write.settleBatch([1n, { ...first.calldata, packed }, first.proof]),
    ).rejects.toThrow(/RoyaltyRollup__InvalidProof/);
    const newHeads = [...first.calldata.newHeads];
    newHeads[0] = (newHeads[0] as bigint) + 1n;
    await expect(
      s.rollup.write.settleBatch([1n, { ...first.calldata, newHeads }, first.proof]),
    ).rejects.toThrow(/RoyaltyRollup__InvalidProof/);
    const eventsRoot = first.calldata.eventsRoot + 1n;
    await expect(
      s.rollup.write.settleBatch([1n, { ...first.calldata, eventsRoot }, first.proof]),
    ).rejects.toThrow(/RoyaltyRollup__InvalidProof/);
  });

  it("should reject a tampered proof", async () => {
    const proof = [...first.proof];
    proof[0] = proof[6]!;
    await expect(s.rollup.write.settleBatch([1n, first.calldata, proof])).rejects.toThrow(
      /RoyaltyRollup__InvalidProof/,
    );
  });

  it("should reject unsorted or duplicate payer slots", async () => {
    // Heads move with their payers, so each slot passes its head check and only the order fails.
    const c = first.calldata;
    const swapped = {
      ...c,
      payers: [...c.payers].reverse(),
      oldHeads: [...c.oldHeads].reverse(),
      newHeads: [...c.newHeads].reverse(),
    };
    await expect(s.rollup.write.settleBatch([1n, swapped, first.proof])).rejects.toThrow(
      /RoyaltyRollup__PayersNotSorted/,
    );
    const dup = [first.calldata.payers[0]!, first.calldata.payers[0]!];
    await expect(
      s.rollup.write.settleBatch([1n, { ...first.calldata, payers: dup }, first.proof]),
    ).rejects.toThrow(/RoyaltyRollup__PayersNotSorted/);
  });

  it("should settle a valid batch: debits, credits, heads, events root", async () => {
    const escrowBefore = (await s.rollup.read.payers([s.payers[0]!.address]))[2];
    const hash = await s.rollup.write.settleBatch([1n, first.calldata, first.proof]);
    const receipt = await s.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    s.advance(first.built);
    expect(await s.rollup.read.settledBatches()).toBe(1n);
    expect(await s.rollup.read.eventsRootOf([1n])).toBe(first.built.publicData.eventsRoot);
    const payerA = await s.rollup.read.payers([s.payers[0]!.address]);
    const slot = first.built.payerSlots.indexOf(BigInt(s.payers[0]!.address));
    expect(payerA[1]).toBe(first.built.publicData.newHead[slot]);
    expect(escrowBefore - payerA[2]).toBe(1_000_003n + 10_001n);
    // Credits recomputed from the events with the core split math.
    const expected = new Map<bigint, bigint>();
    for (const ev of first.built.heads.map((_, i) => i)) {
      const e = [1_000_003n, 777_777n, 10_001n, 3n][ev]!;
      const asset = s.assets[[0, 1, 1, 0][ev]!]!;
      computeShares(e, asset.split.bps).forEach((share, k) => {
        const id = asset.split.recipients[k]!;
        expected.set(id, (expected.get(id) ?? 0n) + share);
      });
    }
    for (const [id, amount] of expected) {
      expect(await s.rollup.read.claimable([s.recipients[Number(id) - 1]!])).toBe(amount);
    }
  });

  it("should reject the settled batch replayed, under its number and under the next", async () => {
    await expect(s.rollup.write.settleBatch([1n, first.calldata, first.proof])).rejects.toThrow(
      /RoyaltyRollup__WrongBatchNumber/,
    );
    await expect(s.rollup.write.settleBatch([2n, first.calldata, first.proof])).rejects.toThrow(
      /RoyaltyRollup__StalePayerHead/,
    );
  });

  it("should reject a batch proven against a stale payer head", async () => {
    const [a] = s.payers as [Scenario["payers"][0]];
    const stale = await s.proveEvents([s.event(a, 3n, 1001n, 5n)], {
      heads: new Map([[a.address, 0n]]),
    });
    await expect(s.rollup.write.settleBatch([2n, stale.calldata, stale.proof])).rejects.toThrow(
      /RoyaltyRollup__StalePayerHead/,
    );
    // A chain signed for another deployment starts at that deployment's genesis head: its proof
    // is valid, and it still never settles here.
    const elsewhere = await s.proveEvents([s.event(a, 1n, 1001n, 5n)], {
      heads: new Map([
        [a.address, genesisHead(domainOf(s.chainId + 1n, s.rollup.address), BigInt(a.address))],
      ]),
    });
    await expect(
      s.rollup.write.settleBatch([2n, elsewhere.calldata, elsewhere.proof]),
    ).rejects.toThrow(/RoyaltyRollup__StalePayerHead/);
  });

  it("should reject a batch proven against a split that is not the registered one", async () => {
    const [a] = s.payers as [Scenario["payers"][0]];
    const wrong = s.assets.map((x) =>
      x.assetId === 1001n ? { ...x, split: { recipients: [1n, 2n], bps: [6000, 4000] } } : x,
    );
    const batch = await s.proveEvents([s.event(a, 3n, 1001n, 5n)], { assets: wrong });
    await expect(s.rollup.write.settleBatch([2n, batch.calldata, batch.proof])).rejects.toThrow(
      /RoyaltyRollup__WrongSplitHash/,
    );
    // Lying about the split hash in calldata does not help: the proof is checked against storage.
    const splitHashes = [...batch.calldata.splitHashes];
    splitHashes[0] = await s.rollup.read.splitHashOf([1001n]);
    await expect(
      s.rollup.write.settleBatch([2n, { ...batch.calldata, splitHashes }, batch.proof]),
    ).rejects.toThrow(/RoyaltyRollup__InvalidProof/);
  });

  it("should settle the next batch continuing each payer's chain", async () => {
    const [a] = s.payers as [Scenario["payers"][0]];
    const next = await s.proveEvents([s.event(a, 3n, 1002n, 42n)]);
    await s.rollup.write.settleBatch([2n, next.calldata, next.proof]);
    expect(await s.rollup.read.settledBatches()).toBe(2n);
  });
});

describe("RoyaltyRollup escrow too low", () => {
  it("should reject a batch whose debit exceeds the payer's escrow", async () => {
    const s = await deployScenario({ escrow: 1000n });
    const [a] = s.payers as [Scenario["payers"][0]];
    const batch = await s.proveEvents([s.event(a, 1n, 1001n, 1001n)]);
    await expect(s.rollup.write.settleBatch([1n, batch.calldata, batch.proof])).rejects.toThrow(
      /RoyaltyRollup__InsufficientEscrow/,
    );
  });
});

for (const erc20 of [false, true]) {
  describe(`RoyaltyRollup claims and withdrawals (${erc20 ? "ERC-20" : "ETH"})`, () => {
    let s: Scenario;
    beforeAll(async () => {
      s = await deployScenario({ erc20 });
      const batch = await firstBatch(s);
      await s.rollup.write.settleBatch([1n, batch.calldata, batch.proof]);
    });

    const balanceOf = async (address: `0x${string}`) =>
      erc20
        ? await s.token!.read.balanceOf([address])
        : await s.publicClient.getBalance({ address });

    it("should pay a recipient's claim once, to the recipient, whoever triggers it", async () => {
      const r1 = s.recipients[0]!;
      const owed = await s.rollup.read.claimable([r1]);
      expect(owed > 0n).toBe(true);
      const before = await balanceOf(r1);
      await s.rollup.write.claimFor([r1]); // sent by the deployer
      expect((await balanceOf(r1)) - before).toBe(owed);
      expect(await s.rollup.read.claimable([r1])).toBe(0n);
      await expect(s.rollup.write.claimFor([r1])).rejects.toThrow(/RoyaltyRollup__NothingPending/);
    });

    it("should pay a withdrawal only after the delay, capped by what settlements left", async () => {
      const payer = s.payers[1]!;
      const asPayer = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
        client: { wallet: s.wallets.payerB },
      });
      const escrow = (await s.rollup.read.payers([payer.address]))[2];
      await asPayer.write.requestWithdrawal([escrow]);
      await expect(asPayer.write.withdraw()).rejects.toThrow(/RoyaltyRollup__TooEarly/);
      await increaseTime(s.connection, 3601);
      const before = erc20 ? await balanceOf(payer.address) : undefined;
      await asPayer.write.withdraw();
      expect((await s.rollup.read.payers([payer.address]))[2]).toBe(0n);
      if (erc20) expect((await balanceOf(payer.address)) - before!).toBe(escrow);
    });

    it(
      erc20
        ? "should refuse ETH sent with an ERC-20 deposit"
        : "should refuse a deposit whose value differs from the amount",
      async () => {
        const asPayer = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
          client: { wallet: s.wallets.payerA },
        });
        if (erc20)
          await expect(asPayer.write.deposit([1n], { value: 1n })).rejects.toThrow(
            /RoyaltyRollup__EthNotAccepted/,
          );
        else
          await expect(asPayer.write.deposit([2n], { value: 1n })).rejects.toThrow(
            /RoyaltyRollup__WrongValue/,
          );
      },
    );
  });
}

describe("RoyaltyRollup on an OP-stack chain", () => {
  it("should settle the same batch on chain type op", async () => {
    const s = await deployScenario({ chainType: "op" });
    const batch = await firstBatch(s);
    const hash = await s.rollup.write.settleBatch([1n, batch.calldata, batch.proof]);
    expect((await s.publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
  });
});
