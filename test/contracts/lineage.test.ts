// Lineage (derivative royalties) in the contract (docs/protocol.md §3, §10): a split may name one
// parent asset in its last entry; an asset's level is fixed at registration (0 without a parent,
// else the parent's + 1, at most D) and a parent named later must sit strictly lower, so no
// lineage cycles or climbs past D. Settlement is unchanged: a parent is one more asset slot.
import { decodeEventLog, getAddress } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import type { AssetState } from "../../core/batch.ts";
import { poseidon } from "../../core/poseidon.ts";
import { computeShares, splitHash } from "../../core/split.ts";
import { deployScenario, increaseTime, params, prepare, revertOf } from "./fixture.ts";

type Scenario = Awaited<ReturnType<typeof deployScenario>>;
type Wallet = Scenario["wallets"]["outsider"];
type DecodedLog = { eventName: string; args: Record<string, unknown> };

const PARENT = 1001n; // the fixture's level-0 asset: r1 7000, r2 3000 (account ids 1, 2)
const CHILD = 2001n;

beforeAll(async () => {
  await prepare();
});

async function asWallet(s: Scenario, wallet: Wallet) {
  return s.viem.getContractAt("RoyaltyRollup", s.rollup.address, { client: { wallet } });
}

/** The rollup's events of a mined transaction, decoded. */
async function logsOf(s: Scenario, hash: `0x${string}`): Promise<DecodedLog[]> {
  const receipt = await s.publicClient.waitForTransactionReceipt({ hash });
  return receipt.logs
    .filter((l) => l.address.toLowerCase() === s.rollup.address.toLowerCase())
    .map(
      (l) => decodeEventLog({ abi: s.rollup.abi, data: l.data, topics: l.topics }) as DecodedLog,
    );
}

/** Lineage level from the public `assets` getter: (splitHash, owner, splitEffectiveAt, level, pendingSplitHash). */
async function levelOf(s: Scenario, assetId: bigint): Promise<number> {
  return (await s.rollup.read.assets([assetId]))[3];
}

/**
 * Registers CHILD owned by the scenario's owner: 80% to `remixer`, 20% to PARENT (K = 2 on the test
 * set: one account beside the parent). Returns the remixer's account id.
 */
async function registerChild(s: Scenario, remixer: `0x${string}`) {
  const asOwner = await asWallet(s, s.owner);
  const hash = await asOwner.write.registerAsset([CHILD, [remixer], [8000], PARENT, 2000]);
  return { id: BigInt(await s.rollup.read.accountIdOf([remixer])), logs: await logsOf(s, hash) };
}

describe("RoyaltyRollup lineage: registration", () => {
  let s: Scenario;
  let owner: Awaited<ReturnType<typeof asWallet>>;
  let x: `0x${string}`;
  let y: `0x${string}`;
  beforeAll(async () => {
    s = await deployScenario();
    owner = await asWallet(s, s.owner);
    [x, y] = [s.recipients[0]!, s.recipients[1]!];
  });

  it("should run on a deployment of the test set's depth D = 1", async () => {
    expect(params.D).toBe(1);
    expect(await s.rollup.read.maxLineageDepth()).toBe(BigInt(params.D));
  });

  it("should refuse a parent's bps without a parent, an unregistered parent (itself included), a parent of 0 bps, K accounts beside a parent and bps not summing to 10000 with the parent's", async () => {
    expect(await revertOf(owner.write.registerAsset([CHILD, [x], [9000], 0n, 1000]))).toEqual({
      name: "RoyaltyRollup__BadSplit",
      args: ["parent bps without a parent"],
    });
    expect(await revertOf(owner.write.registerAsset([CHILD, [x], [8000], 9999n, 2000]))).toEqual({
      name: "RoyaltyRollup__UnknownAsset",
      args: [9999n],
    });
    // An asset is not registered while it registers: it cannot be its own parent.
    expect(await revertOf(owner.write.registerAsset([CHILD, [x], [8000], CHILD, 2000]))).toEqual({
      name: "RoyaltyRollup__UnknownAsset",
      args: [CHILD],
    });
    expect(await revertOf(owner.write.registerAsset([CHILD, [x], [10_000], PARENT, 0]))).toEqual({
      name: "RoyaltyRollup__BadSplit",
      args: ["parent bps must be positive"],
    });
    // The parent takes the last of the K = 2 entries: one account at most beside it.
    expect(
      await revertOf(owner.write.registerAsset([CHILD, [x, y], [4000, 4000], PARENT, 2000])),
    ).toEqual({ name: "RoyaltyRollup__BadSplit", args: ["recipient count"] });
    expect(await revertOf(owner.write.registerAsset([CHILD, [], [], PARENT, 10_000]))).toEqual({
      name: "RoyaltyRollup__BadSplit",
      args: ["recipient count"],
    });
    expect(await revertOf(owner.write.registerAsset([CHILD, [x], [8000], PARENT, 1999]))).toEqual({
      name: "RoyaltyRollup__BadSplit",
      args: ["bps must sum to 10000"],
    });
    expect(await revertOf(owner.write.registerAsset([CHILD, [x], [8000], PARENT, 2001]))).toEqual({
      name: "RoyaltyRollup__BadSplit",
      args: ["bps must sum to 10000"],
    });
    // Nothing of the refused calls was stored.
    expect((await s.rollup.read.assets([CHILD]))[1]).toBe(
      "0x0000000000000000000000000000000000000000",
    );
  });

  it("should register a derived asset at level 1 under a level-0 parent, with the split hash of core and the parent in the last entry", async () => {
    const remixer = s.wallets.outsider.account.address;
    const { id, logs } = await registerChild(s, remixer);
    expect(id).toBe(4n); // after r1, r2, r3 of the fixture
    expect(await levelOf(s, PARENT)).toBe(0);
    expect(await levelOf(s, 1002n)).toBe(0);
    expect(await levelOf(s, CHILD)).toBe(1);
    const hash = await s.rollup.read.splitHashOf([CHILD]);
    expect(hash).toBe(
      splitHash(
        CHILD,
        { recipients: [id], bps: [8000], parent: { assetId: PARENT, bps: 2000 } },
        params.K,
      ),
    );
    // The entries written out: account id * 2^14 + bps, then parent * 2^46 + bps.
    expect(hash).toBe(poseidon([CHILD, (id << 14n) + 8000n, (PARENT << 46n) + 2000n]));
    // An account-only split hash is what it always was.
    expect(await s.rollup.read.splitHashOf([PARENT])).toBe(
      poseidon([PARENT, (1n << 14n) + 7000n, (2n << 14n) + 3000n]),
    );
    expect(logs.find((e) => e.eventName === "AssetRegistered")?.args).toEqual({
      assetId: CHILD,
      owner: getAddress(s.owner.account.address),
      recipientIds: [Number(id)],
      bps: [8000],
      parentAsset: PARENT,
      parentBps: 2000,
      level: 1,
      splitHash: hash,
    });
  });

  it("should refuse a grandchild: level 2 is past the test set's D = 1", async () => {
    expect(await revertOf(owner.write.registerAsset([2101n, [x], [5000], CHILD, 5000]))).toEqual({
      name: "RoyaltyRollup__LineageTooDeep",
      args: [2101n, 2n, 1n],
    });
    expect((await s.rollup.read.assets([2101n]))[1]).toBe(
      "0x0000000000000000000000000000000000000000",
    );
  });

  it("should refuse a split update naming the asset itself, a parent of its own level or of a higher one, and one breaking the split rules", async () => {
    const other = 2002n; // a second level-1 asset
    await owner.write.registerAsset([other, [y], [5000], 1002n, 5000]);
    expect(await levelOf(s, other)).toBe(1);
    expect(await revertOf(owner.write.updateSplit([CHILD, [x], [8000], CHILD, 2000]))).toEqual({
      name: "RoyaltyRollup__ParentLevelTooHigh",
      args: [CHILD, CHILD, 1n, 1n],
    });
    expect(await revertOf(owner.write.updateSplit([CHILD, [x], [8000], other, 2000]))).toEqual({
      name: "RoyaltyRollup__ParentLevelTooHigh",
      args: [CHILD, other, 1n, 1n],
    });
    // A level-0 asset can take no parent: none sits below it (no cycle 1001 -> 1002 -> 1001).
    expect(await revertOf(owner.write.updateSplit([PARENT, [x], [8000], 1002n, 2000]))).toEqual({
      name: "RoyaltyRollup__ParentLevelTooHigh",
      args: [PARENT, 1002n, 0n, 0n],
    });
    expect(await revertOf(owner.write.updateSplit([PARENT, [x], [8000], CHILD, 2000]))).toEqual({
      name: "RoyaltyRollup__ParentLevelTooHigh",
      args: [PARENT, CHILD, 1n, 0n],
    });
    expect(await revertOf(owner.write.updateSplit([CHILD, [x], [8000], 9999n, 2000]))).toEqual({
      name: "RoyaltyRollup__UnknownAsset",
      args: [9999n],
    });
    expect(await revertOf(owner.write.updateSplit([CHILD, [x], [10_000], 0n, 1]))).toEqual({
      name: "RoyaltyRollup__BadSplit",
      args: ["parent bps without a parent"],
    });
    expect(await revertOf(owner.write.updateSplit([CHILD, [x], [10_000], PARENT, 0]))).toEqual({
      name: "RoyaltyRollup__BadSplit",
      args: ["parent bps must be positive"],
    });
    expect(
      await revertOf(owner.write.updateSplit([CHILD, [x, y], [4000, 4000], PARENT, 2000])),
    ).toEqual({ name: "RoyaltyRollup__BadSplit", args: ["recipient count"] });
    const outsider = await asWallet(s, s.wallets.outsider);
    expect(await revertOf(outsider.write.updateSplit([CHILD, [x], [8000], PARENT, 2000]))).toEqual({
      name: "RoyaltyRollup__NotAssetOwner",
      args: [CHILD],
    });
    expect((await s.rollup.read.assets([CHILD]))[4]).toBe(0n); // nothing pending
  });

  it("should accept a parent of a lower level in a split update, apply it after the delay and keep the level", async () => {
    const remixerId = BigInt(await s.rollup.read.accountIdOf([s.wallets.outsider.account.address]));
    const before = await s.rollup.read.splitHashOf([CHILD]);
    const hash = await owner.write.updateSplit([
      CHILD,
      [s.wallets.outsider.account.address],
      [7000],
      1002n,
      3000,
    ]);
    const expected = splitHash(
      CHILD,
      { recipients: [remixerId], bps: [7000], parent: { assetId: 1002n, bps: 3000 } },
      params.K,
    );
    const requested = (await logsOf(s, hash)).find((e) => e.eventName === "SplitUpdateRequested");
    expect(requested?.args).toMatchObject({
      assetId: CHILD,
      recipientIds: [Number(remixerId)],
      bps: [7000],
      parentAsset: 1002n,
      parentBps: 3000,
      splitHash: expected,
    });
    const [current, , effectiveAt, level, pending] = await s.rollup.read.assets([CHILD]);
    expect([current, level, pending]).toEqual([before, 1, expected]);
    expect(effectiveAt).toBe(requested?.args.effectiveAt);
    await increaseTime(s.connection, 3601);
    await s.rollup.write.applySplitUpdate([CHILD]);
    expect(await s.rollup.read.splitHashOf([CHILD])).toBe(expected);
    expect(await levelOf(s, CHILD)).toBe(1);

    // Dropping the parent is a split update too; the level stays what registration made it.
    await owner.write.updateSplit([CHILD, [s.wallets.outsider.account.address], [10_000], 0n, 0]);
    await increaseTime(s.connection, 3601);
    await s.rollup.write.applySplitUpdate([CHILD]);
    expect(await s.rollup.read.splitHashOf([CHILD])).toBe(
      poseidon([CHILD, (remixerId << 14n) + 10_000n, 0n]),
    );
    expect(await levelOf(s, CHILD)).toBe(1);
    // Still level 1, so a grandchild stays refused.
    expect(await revertOf(owner.write.registerAsset([2101n, [x], [5000], CHILD, 5000]))).toEqual({
      name: "RoyaltyRollup__LineageTooDeep",
      args: [2101n, 2n, 1n],
    });
  });
});

/** floor(amount * bps / 10000): one entry's share before the remainder (docs/protocol.md §3). */
const floorShare = (amount: bigint, bps: bigint) => (amount * bps) / 10_000n;

describe("RoyaltyRollup lineage: settlement", () => {
  let s: Scenario;
  let remixerId: bigint;
  let child: AssetState;
  beforeAll(async () => {
    s = await deployScenario();
    remixerId = (await registerChild(s, s.wallets.outsider.account.address)).id;
    child = {
      assetId: CHILD,
      split: { recipients: [remixerId], bps: [8000], parent: { assetId: PARENT, bps: 2000 } },
    };
  });

  it("should refuse a batch that drops the parent from the derived asset's split", async () => {
    const [a] = s.payers as [Scenario["payers"][0]];
    const noParent: AssetState = {
      assetId: CHILD,
      split: { recipients: [remixerId], bps: [10_000] },
    };
    const batch = await s.proveEvents([s.event(a, 1n, CHILD, 1_000n)], {
      assets: [...s.assets, noParent],
    });
    expect(await revertOf(s.rollup.write.settleBatch([1n, batch.calldata, batch.proof]))).toEqual({
      name: "RoyaltyRollup__WrongSplitHash",
      args: [
        CHILD,
        await s.rollup.read.splitHashOf([CHILD]),
        splitHash(CHILD, noParent.split, params.K),
      ],
    });
  });

  it("should settle a proven batch with a lineage slot and credit every level by the hand computation", async () => {
    const [a, b] = s.payers as [Scenario["payers"][0], Scenario["payers"][0]];
    const X = 1_000_009n; // on the derived asset: two event slots, the event and PARENT's share
    const Y = 777_777n; // on the parent directly
    const Z = 3n;
    const batch = await s.proveEvents(
      [s.event(a, 1n, CHILD, X), s.event(b, 1n, PARENT, Y), s.event(a, 2n, PARENT, Z)],
      { assets: [...s.assets, child] },
    );
    // The layout the contract sees: both assets in slots, the event after the lineage slot.
    expect(batch.built.assetSlots).toEqual([PARENT, CHILD]);
    expect(batch.built.eventSlots).toEqual([0, 2, 3]);
    expect(batch.calldata.splitHashes).toEqual([
      await s.rollup.read.splitHashOf([PARENT]),
      await s.rollup.read.splitHashOf([CHILD]),
    ]);
    const escrow = async (p: Scenario["payers"][0]) => (await s.rollup.read.payers([p.address]))[2];
    const [escrowA, escrowB] = [await escrow(a), await escrow(b)];
    await s.rollup.write.settleBatch([1n, batch.calldata, batch.proof]);
    s.advance(batch.built);
    expect(await s.rollup.read.settledBatches()).toBe(1n);
    expect(escrowA - (await escrow(a))).toBe(X + Z);
    expect(escrowB - (await escrow(b))).toBe(Y);

    // By hand, level by level: each entry floor(amount * bps / 10000), the first entry takes the
    // remainder; the parent's share is the amount PARENT's split (r1 7000, r2 3000) divides.
    const toParent = floorShare(X, 2000n); // 200,001
    const remixer = X - toParent; // 800,008
    const parentR2 = floorShare(toParent, 3000n); // 60,000
    const parentR1 = toParent - parentR2; // 140,001
    expect([toParent, remixer, parentR2, parentR1]).toEqual([
      200_001n,
      800_008n,
      60_000n,
      140_001n,
    ]);
    const r2 = parentR2 + floorShare(Y, 3000n) + floorShare(Z, 3000n);
    const r1 = parentR1 + (Y - floorShare(Y, 3000n)) + (Z - floorShare(Z, 3000n));
    const [addr1, addr2, addr3] = s.recipients as [`0x${string}`, `0x${string}`, `0x${string}`];
    const remixerAddress = s.wallets.outsider.account.address;
    expect(await s.rollup.read.claimable([remixerAddress])).toBe(remixer);
    expect(await s.rollup.read.claimable([addr1])).toBe(r1);
    expect(await s.rollup.read.claimable([addr2])).toBe(r2);
    expect(await s.rollup.read.claimable([addr3])).toBe(0n);
    // Every base unit of the debits reached a recipient.
    expect(remixer + r1 + r2).toBe(X + Y + Z);
    expect(await s.rollup.read.eventsRootOf([1n])).toBe(batch.built.publicData.eventsRoot);
  });
});

describe("RoyaltyRollup lineage: another party's derived assets", () => {
  it("should settle a batch of other payers' events while another party registers a derived asset and requests a split update naming a parent", async () => {
    const s = await deployScenario();
    const [a, b] = s.payers as [Scenario["payers"][0], Scenario["payers"][0]];
    const events = [
      s.event(a, 1n, 1001n, 1_000_003n),
      s.event(b, 1n, 1002n, 777_777n),
      s.event(a, 2n, 1002n, 10_001n),
      s.event(b, 2n, 1001n, 3n),
    ];
    const batch = await s.proveEvents(events);
    const splitsBefore = [
      await s.rollup.read.splitHashOf([1001n]),
      await s.rollup.read.splitHashOf([1002n]),
    ];

    // Between the proof and its settlement, someone else builds on both of the batch's assets.
    const wallets = await s.viem.getWalletClients();
    const party = await asWallet(s, wallets[8]!);
    const partyRecipient = wallets[9]!.account.address;
    await party.write.registerAsset([3001n, [partyRecipient], [5000], 1001n, 5000]);
    expect(await levelOf(s, 3001n)).toBe(1);
    await party.write.updateSplit([3001n, [partyRecipient], [9000], 1002n, 1000]);
    // It cannot touch the batch's assets: they are not its own, and they are of level 0.
    expect(
      await revertOf(party.write.updateSplit([1001n, [partyRecipient], [9000], 3001n, 1000])),
    ).toEqual({ name: "RoyaltyRollup__NotAssetOwner", args: [1001n] });
    await increaseTime(s.connection, 3601);
    await party.write.applySplitUpdate([3001n]);
    expect([
      await s.rollup.read.splitHashOf([1001n]),
      await s.rollup.read.splitHashOf([1002n]),
    ]).toEqual(splitsBefore);

    await s.rollup.write.settleBatch([1n, batch.calldata, batch.proof]);
    expect(await s.rollup.read.settledBatches()).toBe(1n);
    const expected = new Map<bigint, bigint>();
    for (const ev of events) {
      const asset = s.assets.find((x) => x.assetId === ev.assetId)!;
      computeShares(ev.amount, asset.split.bps).forEach((share, k) => {
        const id = asset.split.recipients[k]!;
        expected.set(id, (expected.get(id) ?? 0n) + share);
      });
    }
    for (const [id, amount] of expected) {
      expect(await s.rollup.read.claimable([s.recipients[Number(id) - 1]!])).toBe(amount);
    }
    expect(await s.rollup.read.claimable([partyRecipient])).toBe(0n);
  });
});
