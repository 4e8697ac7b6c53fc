// EventSlot(P, A, K) on its own: a real event's new head, leaf, debit and shares are core's
// (eventHash, computeShares); a lineage slot splits its amount, moves no head, debits nobody and
// leaves a 0 leaf; a padding slot changes nothing and leaves a 0 leaf; every rule-1 violation and
// a tampered head or leaf is refused; the constraint count is the formula's.
import { beforeAll, describe, expect, it } from "vitest";
import { eventHash, type RoyaltyEvent } from "../../core/event.ts";
import { MAX_AMOUNT } from "../../core/field.ts";
import { computeShares } from "../../core/split.ts";
import { refuses, type TemplateUnderTest, templateUnderTest } from "./template-harness.ts";

const [P, A, K] = [2, 2, 3];
let slot: TemplateUnderTest;

beforeAll(async () => {
  slot = await templateUnderTest("event_slot.circom", "EventSlot", [P, A, K, 1]);
});

const ADDRESSES = [0x1111n, 0x2222n];
const ASSETS = [1001n, 1002n];
const BPS = [
  [6000, 2500, 1500],
  [1, 9998, 1],
];
const HEADS = [777n, 888n];
/** Asset 1002's split names asset 1001 as its parent (the last entry), 1001's names none. */
const PARENTS = [0n, 1001n];

interface SlotCase {
  payer: number; // -1: padding or lineage
  asset: number;
  lineage?: boolean;
  seq?: bigint;
  amount: bigint;
  ref?: bigint;
}

const oneHot = (i: number, n: number) => Array.from({ length: n }, (_, j) => (j === i ? "1" : "0"));

function input(c: SlotCase) {
  return {
    payer: oneHot(c.payer, P),
    asset: oneHot(c.asset, A),
    seq: String(c.seq ?? 5n),
    amount: String(c.amount),
    ref: String(c.ref ?? 42n),
    assetId: ASSETS.map(String),
    splitBps: BPS.map((row) => row.map(String)),
    headBefore: HEADS.map(String),
    lineage: c.lineage ? "1" : "0",
    splitParent: PARENTS.map(String),
  };
}

async function outputs(c: SlotCase) {
  const w = await slot.witness(input(c));
  expect(await slot.satisfies(w)).toBe(true);
  const at = (name: string) => w[slot.signal(`main.${name}`)] as bigint;
  return {
    w,
    headAfter: [0, 1].map((p) => at(`headAfter[${p}]`)),
    leaf: at("leaf"),
    debit: [0, 1].map((p) => at(`debit[${p}]`)),
    assetAmount: [0, 1].map((a) => at(`assetAmount[${a}]`)),
    share: (a: number, k: number) => at(`assetShare[${a}][${k}]`),
    selectedAssetId: at("selectedAssetId"),
    parentAsset: at("parentAsset"),
    parentShare: at("parentShare"),
  };
}

describe("EventSlot(2, 2, 3)", () => {
  it("should cost 4P + A(2K+2) + shares(K) + 266 constraints (477)", () => {
    const shares = 107 + 40 * (K - 1);
    expect(slot.constraints).toBe(4 * P + A * (2 * K + 2) + shares + 266);
    expect(slot.constraints).toBe(477);
  });

  it("should extend the selected payer's chain with core's eventHash and leave the other head", async () => {
    for (const [payer, asset, amount] of [
      [0, 1, 1n],
      [1, 0, 123_456_789n],
      [1, 1, MAX_AMOUNT],
    ] as const) {
      const out = await outputs({ payer, asset, amount });
      const ev: RoyaltyEvent = {
        payer: ADDRESSES[payer] as bigint,
        seq: 5n,
        assetId: ASSETS[asset] as bigint,
        amount,
        ref: 42n,
      };
      const head = eventHash(HEADS[payer] as bigint, ev);
      expect(out.headAfter[payer]).toBe(head);
      expect(out.headAfter[1 - payer]).toBe(HEADS[1 - payer]);
      expect(out.leaf).toBe(head);
      expect(out.debit[payer]).toBe(amount);
      expect(out.debit[1 - payer]).toBe(0n);
      expect(out.assetAmount[asset]).toBe(amount);
      expect(out.assetAmount[1 - asset]).toBe(0n);
      const shares = computeShares(amount, BPS[asset] as number[]);
      for (let k = 1; k < K; k++) {
        expect(out.share(asset, k)).toBe(shares[k]);
        expect(out.share(1 - asset, k)).toBe(0n);
      }
    }
  });

  it("should give the selected asset's id, its parent and the last entry's share", async () => {
    const out = await outputs({ payer: 0, asset: 1, amount: 1_000_003n });
    expect(out.selectedAssetId).toBe(1002n);
    expect(out.parentAsset).toBe(1001n);
    expect(out.parentShare).toBe(computeShares(1_000_003n, BPS[1] as number[])[K - 1]);
    expect((await outputs({ payer: 1, asset: 0, amount: 5n })).parentAsset).toBe(0n);
  });

  it("should split a lineage slot's amount (0 included) with no head, leaf or debit", async () => {
    for (const amount of [0n, 7n, 4_321_987n]) {
      const out = await outputs({ payer: -1, asset: 0, lineage: true, amount, seq: 0n, ref: 0n });
      expect(out.headAfter).toEqual(HEADS);
      expect(out.leaf).toBe(0n);
      expect(out.debit).toEqual([0n, 0n]);
      expect(out.assetAmount).toEqual([amount, 0n]);
      const shares = amount === 0n ? [0n, 0n, 0n] : computeShares(amount, BPS[0] as number[]);
      for (let k = 1; k < K; k++) expect(out.share(0, k)).toBe(shares[k]);
    }
  });

  it("should refuse a lineage slot that selects a payer (it would debit one) or no asset", async () => {
    const lineage = input({ payer: -1, asset: 0, lineage: true, amount: 10n });
    expect(await refuses(slot, { ...lineage, payer: ["1", "0"] })).toBe(true);
    expect(await refuses(slot, { ...lineage, asset: ["0", "0"] })).toBe(true);
    expect(await refuses(slot, { ...lineage, lineage: "2" })).toBe(true);
  });

  it("should leave a padding slot without effect: heads unchanged, leaf 0, no debit", async () => {
    const out = await outputs({ payer: -1, asset: -1, amount: 0n, seq: 0n, ref: 0n });
    expect(out.headAfter).toEqual(HEADS);
    expect(out.leaf).toBe(0n);
    expect(out.debit).toEqual([0n, 0n]);
    expect(out.assetAmount).toEqual([0n, 0n]);
  });

  it("should refuse every rule-1 violation", async () => {
    const base = input({ payer: 0, asset: 0, amount: 10n });
    const cases: Record<string, unknown>[] = [
      { ...base, payer: ["1", "1"] }, // two payer slots
      { ...base, payer: ["2", "0"] }, // a selector of 2
      { ...base, asset: ["0", "0"] }, // real event without an asset slot
      { ...base, asset: ["1", "1"] }, // two asset slots
      { ...base, amount: "0" }, // real event without an amount
      { ...input({ payer: -1, asset: -1, amount: 0n }), amount: "5" }, // padding with an amount
      { ...base, amount: String(MAX_AMOUNT + 1n) }, // above the bound
    ];
    for (const c of cases) expect(await refuses(slot, c)).toBe(true);
  });

  it("should refuse a tampered new head or leaf (tampered witness)", async () => {
    const { w } = await outputs({ payer: 1, asset: 0, amount: 99n });
    for (const name of ["main.headAfter[1]", "main.headAfter[0]", "main.leaf"]) {
      const tampered = [...w];
      const i = slot.signal(name);
      tampered[i] = (w[i] as bigint) + 1n;
      expect(await slot.satisfies(tampered)).toBe(false);
    }
  });
});
