import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeShares,
  loadParams,
  MAX_AMOUNT,
  type Split,
  splitEntries,
  splitHash,
  splitShares,
  validateSplit,
} from "../../core/index.ts";
import { expectInvalid, refHash } from "./helpers.ts";

const DEFAULT_K = loadParams("default").K;
const TEST_K = loadParams("test").K;
const MAX_ID = (1n << 32n) - 1n;
const EDGE_AMOUNTS = [1n, 9999n, 10000n, 10001n, MAX_AMOUNT] as const;
const EDGE_BPS: readonly (readonly number[])[] = [
  [10000],
  [1, 9999],
  [9999, 1],
  [1, 1, 1, 9997],
  [9997, 1, 1, 1],
  [0, 10000],
  [10000, 0, 0, 0],
  [2500, 2500, 2500, 2500],
  [3333, 3333, 3334],
];

/** Amounts in [1, MAX_AMOUNT], a third of them drawn from the edge values. */
const amountArb = fc.oneof(
  { arbitrary: fc.constantFrom(...EDGE_AMOUNTS), weight: 1 },
  { arbitrary: fc.bigInt({ min: 1n, max: MAX_AMOUNT }), weight: 2 },
);

/** k basis points summing to 10000: the gaps between k - 1 sorted cut points in [0, 10000]. */
const bpsOfLength = (k: number) =>
  fc
    .array(fc.integer({ min: 0, max: 10000 }), { minLength: k - 1, maxLength: k - 1 })
    .map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 10000];
      return points.slice(1).map((p, i) => p - (points[i] as number));
    });

/** Valid basis points for 1..maxK recipients, with the edge splits mixed in. */
const bpsArb = (maxK: number) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...EDGE_BPS.filter((b) => b.length <= maxK)), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: maxK }).chain(bpsOfLength), weight: 3 },
  );

/** A valid split: distinct non-zero uint32 recipient ids with valid basis points. */
const splitArb = (maxK: number): fc.Arbitrary<Split> =>
  bpsArb(maxK).chain((bps) =>
    fc
      .uniqueArray(fc.bigInt({ min: 1n, max: MAX_ID }), {
        minLength: bps.length,
        maxLength: bps.length,
      })
      .map((recipients) => ({ recipients, bps })),
  );

const assetIdArb = fc.bigInt({ min: 1n, max: (1n << 64n) - 1n });

/** The split hash recomputed from docs/protocol.md §3 and core/split.ts's doc: Poseidon(assetId, id * 2^14 + bps, ..., 0...). */
function refSplitHash(assetId: bigint, split: Split, K: number): bigint {
  const entries = Array.from({ length: K }, (_, k) =>
    k < split.recipients.length
      ? (split.recipients[k] as bigint) * 16384n + BigInt(split.bps[k] as number)
      : 0n,
  );
  return refHash([assetId, ...entries]);
}

describe("computeShares", () => {
  it("should conserve the amount to the base unit", () => {
    fc.assert(
      fc.property(amountArb, bpsArb(DEFAULT_K), (amount, bps) => {
        const shares = computeShares(amount, bps);
        expect(shares).toHaveLength(bps.length);
        expect(shares.reduce((a, b) => a + b, 0n)).toBe(amount);
      }),
      { numRuns: 2000 },
    );
  });

  it("should floor every share after the first: share_i = a * b_i / 10000", () => {
    fc.assert(
      fc.property(amountArb, bpsArb(DEFAULT_K), (amount, bps) => {
        const shares = computeShares(amount, bps);
        for (let i = 1; i < bps.length; i++) {
          expect(shares[i]).toBe((amount * BigInt(bps[i] as number)) / 10000n);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("should give the rounding remainder to the first recipient, and the remainder should be below the recipient count", () => {
    fc.assert(
      fc.property(amountArb, bpsArb(DEFAULT_K), (amount, bps) => {
        const floors = bps.map((b) => (amount * BigInt(b)) / 10000n);
        const remainder = amount - floors.reduce((a, b) => a + b, 0n);
        expect(remainder >= 0n).toBe(true);
        expect(remainder < BigInt(bps.length)).toBe(true);
        expect(computeShares(amount, bps)[0]).toBe((floors[0] as bigint) + remainder);
      }),
      { numRuns: 2000 },
    );
  });

  it("should leave no remainder when the amount is a multiple of 10000", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_AMOUNT / 10000n }), bpsArb(DEFAULT_K), (q, bps) => {
        const amount = q * 10000n;
        expect(computeShares(amount, bps)).toEqual(bps.map((b) => q * BigInt(b)));
      }),
      { numRuns: 500 },
    );
  });

  it("should compute the pinned shares at the basis point edges 1, 9999 and 10000", () => {
    // 10001 * 1 / 10000 = 1.0001 -> 1, 10001 * 9999 / 10000 = 9999.9999 -> 9999, remainder 1 -> first.
    expect(computeShares(10001n, [1, 9999])).toEqual([2n, 9999n]);
    // 10001 * 9999 / 10000 -> 9999 plus remainder 1, 10001 * 1 / 10000 -> 1.
    expect(computeShares(10001n, [9999, 1])).toEqual([10000n, 1n]);
    // 9999 * 9997 / 10000 = 9996.0003 -> 9996; the three 1-bps shares floor to 0; remainder 3.
    expect(computeShares(9999n, [1, 1, 1, 9997])).toEqual([3n, 0n, 0n, 9996n]);
    expect(computeShares(1n, [1, 1, 1, 9997])).toEqual([1n, 0n, 0n, 0n]);
    expect(computeShares(1n, [9999, 1])).toEqual([1n, 0n]);
    expect(computeShares(9999n, [1, 9999])).toEqual([1n, 9998n]);
    expect(computeShares(10000n, [1, 9999])).toEqual([1n, 9999n]);
    expect(computeShares(MAX_AMOUNT, [10000])).toEqual([MAX_AMOUNT]);
    // 10000 * 2^83 - 1 = 96714065569170333976494079999; times 9999 / 10000, floored.
    const big = (96714065569170333976494079999n * 9999n) / 10000n;
    expect(computeShares(MAX_AMOUNT, [1, 9999])).toEqual([MAX_AMOUNT - big, big]);
  });

  it("should accept amounts up to 10000 * 2^83 - 1 (above 2^96 - 1)", () => {
    expect(MAX_AMOUNT).toBe(96714065569170333976494079999n);
    expect(MAX_AMOUNT > (1n << 96n) - 1n).toBe(true);
    expect(computeShares(MAX_AMOUNT, [5000, 5000])).toEqual([
      48357032784585166988247040000n,
      48357032784585166988247039999n,
    ]);
  });

  it("should not accept an amount of 0, 10000 * 2^83 or a negative amount", () => {
    for (const amount of [0n, MAX_AMOUNT + 1n, -1n, MAX_AMOUNT + 2n, 1n << 97n]) {
      expectInvalid(
        () => computeShares(amount, [10000]),
        "amount",
        "must satisfy 0 < amount < 10000 * 2^83",
      );
    }
  });
});

describe("validateSplit", () => {
  it("should accept random valid splits of 1..K recipients and return them unchanged", () => {
    fc.assert(
      fc.property(splitArb(DEFAULT_K), (split) => {
        expect(validateSplit(split, DEFAULT_K)).toBe(split);
      }),
      { numRuns: 1000 },
    );
  });

  it("should accept every recipient count from 1 to K and reject K + 1", () => {
    expect(DEFAULT_K).toBe(4);
    for (const maxK of [TEST_K, DEFAULT_K]) {
      for (let k = 1; k <= maxK + 1; k++) {
        const split: Split = {
          recipients: Array.from({ length: k }, (_, i) => BigInt(i + 1)),
          bps: Array.from({ length: k }, (_, i) => (i === 0 ? 10000 - (k - 1) : 1)),
        };
        if (k <= maxK) {
          expect(validateSplit(split, maxK)).toBe(split);
        } else {
          expectInvalid(
            () => validateSplit(split, maxK),
            "split.recipients",
            `must hold 1 to ${maxK} recipients`,
          );
        }
      }
    }
  });

  it("should accept the basis point edges 1, 9999 and 10000", () => {
    for (const bps of [[10000], [1, 9999], [9999, 1], [1, 1, 1, 9997]]) {
      const split = { recipients: bps.map((_, i) => BigInt(100 + i)), bps };
      expect(validateSplit(split, DEFAULT_K)).toBe(split);
    }
  });

  it("should not accept an empty split", () => {
    expectInvalid(
      () => validateSplit({ recipients: [], bps: [] }, DEFAULT_K),
      "split.recipients",
      "must hold 1 to 4 recipients",
    );
  });

  it("should not accept basis points that do not sum to 10000", () => {
    for (const bps of [[9999], [10000, 1], [5000, 4999], [1, 1, 1, 9996], [0, 0]]) {
      const split = { recipients: bps.map((_, i) => BigInt(i + 1)), bps };
      expectInvalid(() => validateSplit(split, DEFAULT_K), "split.bps", "must sum to 10000");
    }
  });

  it("should not accept random splits whose basis points are off by a random amount", () => {
    fc.assert(
      fc.property(splitArb(DEFAULT_K), fc.integer({ min: 1, max: 10000 }), (split, delta) => {
        const last = split.bps.length - 1;
        const up = split.bps.map((b, i) => (i === last ? b + delta : b));
        const down = split.bps.map((b, i) => (i === last ? b - delta : b));
        for (const bps of [up, down]) {
          const b = bps[last] as number;
          // Out of range entries fail on their own rule first; in-range ones on the sum.
          const [field, rule] =
            b < 0 || b > 10000
              ? [`split.bps[${last}]`, "must be an integer from 0 to 10000"]
              : ["split.bps", "must sum to 10000"];
          expectInvalid(() => validateSplit({ ...split, bps }, DEFAULT_K), field, rule);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("should not accept a zero recipient id", () => {
    expectInvalid(
      () => validateSplit({ recipients: [0n], bps: [10000] }, DEFAULT_K),
      "split.recipients[0]",
      "must not be 0",
    );
    expectInvalid(
      () => validateSplit({ recipients: [5n, 0n], bps: [5000, 5000] }, DEFAULT_K),
      "split.recipients[1]",
      "must not be 0",
    );
  });

  it("should not accept a recipient id of 2^32 or above, or a negative one", () => {
    for (const id of [1n << 32n, -1n]) {
      expectInvalid(
        () => validateSplit({ recipients: [1n, id], bps: [5000, 5000] }, DEFAULT_K),
        "split.recipients[1]",
        "must be below 2^32",
      );
    }
    expect(validateSplit({ recipients: [MAX_ID], bps: [10000] }, DEFAULT_K).recipients).toEqual([
      MAX_ID,
    ]);
  });

  it("should not accept a duplicate recipient id", () => {
    expectInvalid(
      () => validateSplit({ recipients: [7n, 8n, 7n], bps: [5000, 2500, 2500] }, DEFAULT_K),
      "split.recipients[2]",
      "must not repeat a recipient",
    );
  });

  it("should not accept basis points below 0, above 10000 or not integers", () => {
    expectInvalid(
      () => validateSplit({ recipients: [1n, 2n], bps: [10001, -1] }, DEFAULT_K),
      "split.bps[0]",
      "must be an integer from 0 to 10000",
    );
    expectInvalid(
      () => validateSplit({ recipients: [1n, 2n], bps: [10002, -2] }, DEFAULT_K),
      "split.bps[0]",
      "must be an integer from 0 to 10000",
    );
    expectInvalid(
      () => validateSplit({ recipients: [1n, 2n], bps: [5000.5, 4999.5] }, DEFAULT_K),
      "split.bps[0]",
      "must be an integer from 0 to 10000",
    );
    expectInvalid(
      () => validateSplit({ recipients: [1n, 2n], bps: [10000, Number.NaN] }, DEFAULT_K),
      "split.bps[1]",
      "must be an integer from 0 to 10000",
    );
  });

  it("should not accept a bps list whose length differs from the recipient list", () => {
    expectInvalid(
      () => validateSplit({ recipients: [1n, 2n], bps: [10000] }, DEFAULT_K),
      "split.bps",
      "must have one entry per recipient",
    );
  });

  it("should name the field under the caller's prefix", () => {
    expectInvalid(
      () => validateSplit({ recipients: [1n], bps: [9000] }, DEFAULT_K, "asset 3 split"),
      "asset 3 split.bps",
      "must sum to 10000",
    );
  });
});

describe("splitHash", () => {
  it("should equal Poseidon(assetId, id * 2^14 + bps, ..., zero entries up to K)", () => {
    fc.assert(
      fc.property(assetIdArb, splitArb(DEFAULT_K), (assetId, split) => {
        expect(splitHash(assetId, split, DEFAULT_K)).toBe(refSplitHash(assetId, split, DEFAULT_K));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(assetIdArb, splitArb(TEST_K), (assetId, split) => {
        expect(splitHash(assetId, split, TEST_K)).toBe(refSplitHash(assetId, split, TEST_K));
      }),
      { numRuns: 200 },
    );
  });

  it("should pack each entry as id * 2^14 + bps and pad with zero entries", () => {
    expect(splitEntries({ recipients: [3n, MAX_ID], bps: [1, 9999] }, 4)).toEqual([
      3n * 16384n + 1n,
      MAX_ID * 16384n + 9999n,
      0n,
      0n,
    ]);
  });

  it("should change when any basis point changes", () => {
    fc.assert(
      fc.property(
        assetIdArb,
        splitArb(DEFAULT_K).filter((s) => s.bps.length >= 2),
        fc.nat(),
        fc.nat(),
        (assetId, split, from, to) => {
          const n = split.bps.length;
          // Move one basis point between two different entries: still a valid split.
          let i = from % n;
          let j = to % n;
          if (i === j) j = (j + 1) % n;
          if ((split.bps[i] as number) === 0) [i, j] = [j, i];
          if ((split.bps[i] as number) === 0) return; // both zero: nothing to move
          const bps = split.bps.map((b, k) => (k === i ? b - 1 : k === j ? b + 1 : b));
          expect(splitHash(assetId, { ...split, bps }, DEFAULT_K)).not.toBe(
            splitHash(assetId, split, DEFAULT_K),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("should change when any recipient id changes", () => {
    fc.assert(
      fc.property(
        assetIdArb,
        splitArb(DEFAULT_K),
        fc.nat(),
        fc.bigInt({ min: 1n, max: MAX_ID }),
        (assetId, split, at, fresh) => {
          fc.pre(!split.recipients.includes(fresh));
          const i = at % split.recipients.length;
          const recipients = split.recipients.map((r, k) => (k === i ? fresh : r));
          expect(splitHash(assetId, { ...split, recipients }, DEFAULT_K)).not.toBe(
            splitHash(assetId, split, DEFAULT_K),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("should change when the recipient order changes", () => {
    const a = { recipients: [1n, 2n], bps: [5000, 5000] };
    const b = { recipients: [2n, 1n], bps: [5000, 5000] };
    expect(splitHash(1n, a, DEFAULT_K)).not.toBe(splitHash(1n, b, DEFAULT_K));
  });

  it("should change when the asset id changes", () => {
    fc.assert(
      fc.property(assetIdArb, assetIdArb, splitArb(DEFAULT_K), (a, b, split) => {
        fc.pre(a !== b);
        expect(splitHash(a, split, DEFAULT_K)).not.toBe(splitHash(b, split, DEFAULT_K));
      }),
      { numRuns: 200 },
    );
  });

  it("should not accept an asset id of 0 or 2^64", () => {
    const split = { recipients: [1n], bps: [10000] };
    expectInvalid(() => splitHash(0n, split, DEFAULT_K), "assetId", "must not be 0");
    expectInvalid(() => splitHash(1n << 64n, split, DEFAULT_K), "assetId", "must be below 2^64");
    expect(splitHash((1n << 64n) - 1n, split, DEFAULT_K)).toBe(
      refSplitHash((1n << 64n) - 1n, split, DEFAULT_K),
    );
  });

  it("should not hash an invalid split", () => {
    expectInvalid(
      () => splitHash(1n, { recipients: [1n, 2n, 3n], bps: [1, 1, 9998] }, TEST_K),
      "split.recipients",
      "must hold 1 to 2 recipients",
    );
    expectInvalid(
      () => splitHash(1n, { recipients: [1n], bps: [9999] }, TEST_K),
      "split.bps",
      "must sum to 10000",
    );
  });
});

describe("a split with a parent asset", () => {
  const withParent: Split = {
    recipients: [7n, 8n],
    bps: [5000, 2000],
    parent: { assetId: 42n, bps: 3000 },
  };

  it("should put the parent in the last entry as parent * 2^46 + bps, after the accounts", () => {
    expect(splitEntries(withParent, 4)).toEqual([
      7n * 16384n + 5000n,
      8n * 16384n + 2000n,
      0n,
      42n * 2n ** 46n + 3000n,
    ]);
    expect(splitHash(900n, withParent, 4)).toBe(
      refHash([900n, 7n * 16384n + 5000n, 8n * 16384n + 2000n, 0n, 42n * 2n ** 46n + 3000n]),
    );
  });

  it("should keep account-only split hashes as they were", () => {
    const plain: Split = { recipients: [7n], bps: [10_000] };
    expect(splitHash(900n, plain, 4)).toBe(refHash([900n, 7n * 16384n + 10000n, 0n, 0n, 0n]));
  });

  it("should leave the parent's entry to it: at most K - 1 accounts", () => {
    expectInvalid(
      () =>
        validateSplit(
          {
            recipients: [1n, 2n, 3n, 4n],
            bps: [2500, 2500, 2500, 1500],
            parent: { assetId: 5n, bps: 1000 },
          },
          4,
        ),
      "split.recipients",
      "must hold 1 to 3 recipients beside a parent asset",
    );
    expectInvalid(
      () => validateSplit({ recipients: [], bps: [], parent: { assetId: 5n, bps: 10_000 } }, 4),
      "split.recipients",
      "must hold 1 to 3 recipients beside a parent asset",
    );
  });

  it("should count the parent's bps in the sum and refuse a parent of 0 bps, asset 0 or itself", () => {
    expectInvalid(
      () => validateSplit({ ...withParent, parent: { assetId: 42n, bps: 2999 } }, 4),
      "split.bps",
      "must sum to 10000",
    );
    expectInvalid(
      () => validateSplit({ recipients: [7n], bps: [10_000], parent: { assetId: 42n, bps: 0 } }, 4),
      "split.parent.bps",
      "must be an integer from 1 to 10000",
    );
    expectInvalid(
      () => validateSplit({ ...withParent, parent: { assetId: 0n, bps: 3000 } }, 4),
      "split.parent.assetId",
      "must not be 0",
    );
    expectInvalid(
      () => validateSplit({ ...withParent, parent: { assetId: 1n << 64n, bps: 3000 } }, 4),
      "split.parent.assetId",
      "must be below 2^64",
    );
    expectInvalid(
      () => splitHash(42n, withParent, 4),
      "split.parent.assetId",
      "must not be the asset itself",
    );
  });

  it("should split an amount over the accounts and the parent, the parent's share last", () => {
    expect(splitShares(1_000_003n, withParent)).toEqual({
      accounts: [500_003n, 200_000n],
      parent: 300_000n,
    });
    expect(splitShares(3n, withParent)).toEqual({ accounts: [3n, 0n], parent: 0n });
    expect(splitShares(0n, withParent)).toEqual({ accounts: [0n, 0n], parent: 0n });
    expect(splitShares(10n, { recipients: [1n], bps: [10_000] })).toEqual({
      accounts: [10n],
      parent: 0n,
    });
  });
});
