// EventShares(K) on its own: the shares of one event equal core's computeShares at every
// boundary amount, the amount bound is the one core states (MAX_AMOUNT = 10000 * 2^83 - 1, with
// no range check of the amount itself), a tampered split of the amount is refused, and the
// constraint count is the formula's.
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_AMOUNT, SNARK_FIELD } from "../../core/field.ts";
import { computeShares } from "../../core/split.ts";
import { type TemplateUnderTest, templateUnderTest } from "./template-harness.ts";

const K = 4;
let shares: TemplateUnderTest;

beforeAll(async () => {
  shares = await templateUnderTest("event_shares.circom", "EventShares", [K]);
});

const input = (amount: bigint, bps: number[]) => ({
  amount: String(amount),
  bps: bps.map(String),
});

async function sharesOf(amount: bigint, bps: number[]): Promise<bigint[]> {
  const w = await shares.witness(input(amount, bps));
  expect(await shares.satisfies(w)).toBe(true);
  return Array.from({ length: K }, (_, k) => w[shares.signal(`main.share[${k}]`)] as bigint);
}

async function refused(amount: bigint, bps: number[]): Promise<boolean> {
  try {
    return !(await shares.satisfies(await shares.witness(input(amount, bps))));
  } catch {
    return true;
  }
}

describe("EventShares(4)", () => {
  it("should cost 107 + 40(K-1) constraints (alpha 83 bits, beta < 10000 24; per share 40)", () => {
    expect(shares.constraints).toBe(107 + 40 * (K - 1));
  });

  it("should give core's shares at every boundary amount, the remainder to recipient 0", async () => {
    const splits = [
      [10_000, 0, 0, 0],
      [6_000, 2_000, 1_200, 800],
      [1, 1, 1, 9_997],
      [2_500, 2_500, 2_500, 2_500],
      [9_997, 1, 1, 1],
    ];
    const amounts = [1n, 9_999n, 10_000n, 10_001n, (1n << 96n) - 1n, 1n << 96n, MAX_AMOUNT];
    for (const bps of splits) {
      for (const amount of amounts) {
        expect(await sharesOf(amount, bps)).toEqual(computeShares(amount, bps));
      }
    }
  });

  it("should refuse MAX_AMOUNT + 1, 2^97 and r - 1: the amount's split bounds it", async () => {
    for (const amount of [MAX_AMOUNT + 1n, 1n << 97n, SNARK_FIELD - 1n]) {
      expect(await refused(amount, [6_000, 2_000, 1_200, 800])).toBe(true);
    }
  });

  it("should refuse a tampered split of the amount or of a share", async () => {
    const bps = [6_000, 2_000, 1_200, 800];
    const honest = await shares.witness(input(123_456_789n, bps));
    const alpha = shares.signal("main.alpha");
    // alpha - 1 with beta + 10000 still gives the amount (--O2 keeps beta only as
    // amount - 10000 * alpha): beta's range check is what refuses it.
    const shifted = [...honest];
    shifted[alpha] = (honest[alpha] as bigint) - 1n;
    expect(await shares.satisfies(shifted)).toBe(false);
    // A share moved by one between two recipients.
    const moved = [...honest];
    const s1 = shares.signal("main.share[1]");
    moved[s1] = (honest[s1] as bigint) + 1n;
    expect(await shares.satisfies(moved)).toBe(false);
  });
});
