// Lineage (docs/protocol.md §3): an event's amount split level by level up its asset's parents.
// Checked against an independent recomputation that shares no code with core's split math.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AssetState,
  buildBatch,
  lineageOf,
  lineageShares,
  loadParams,
  MAX_AMOUNT,
  type Split,
} from "../../core/index.ts";
import { sampleLineage, sampleLineageRequest } from "../../prover/sample-batch.ts";
import { expectRoyaltyError } from "./helpers.ts";
import { creditsByHand } from "./lineage-by-hand.ts";

const byHand = (amount: bigint, assetId: bigint, splits: Map<bigint, Split>) =>
  creditsByHand(amount, assetId, splits);

/** A random forest of assets 1..n: asset i may name a parent j < i, accounts 1..9, depth <= D. */
const forestArb = (K: number, D: number) =>
  fc
    .array(
      fc.record({
        parentPick: fc.nat(),
        hasParent: fc.boolean(),
        accounts: fc.uniqueArray(fc.integer({ min: 1, max: 9 }), {
          minLength: 1,
          maxLength: K - 1,
        }),
        cuts: fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: K, maxLength: K }),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .map((rows) => {
      const splits = new Map<bigint, Split>();
      const depth = new Map<bigint, number>();
      rows.forEach((row, i) => {
        const id = BigInt(i + 1);
        const candidates = [...depth].filter(([, d]) => d < D).map(([a]) => a);
        const parent =
          row.hasParent && candidates.length > 0
            ? candidates[row.parentPick % candidates.length]
            : undefined;
        const n = row.accounts.length + (parent ? 1 : 0);
        const sorted = [...row.cuts.slice(0, n - 1)].sort((a, b) => a - b);
        const bps = [...sorted, 10_000].map(
          (c, k) => c - (k === 0 ? 0 : (sorted[k - 1] as number)),
        );
        if (parent && bps[n - 1] === 0) {
          // a parent takes at least 1 bps: borrow it from the largest entry
          const big = bps.indexOf(Math.max(...bps));
          bps[big] = (bps[big] as number) - 1;
          bps[n - 1] = 1;
        }
        const split: Split = {
          recipients: row.accounts.map(BigInt),
          bps: bps.slice(0, row.accounts.length),
          ...(parent ? { parent: { assetId: parent, bps: bps[n - 1] as number } } : {}),
        };
        splits.set(id, split);
        depth.set(id, parent ? (depth.get(parent) as number) + 1 : 0);
      });
      return splits;
    });

describe("lineageShares", () => {
  it("should equal the independent recomputation on random lineages of depth 0..D, conserving the amount", () => {
    const { K, D } = loadParams("default");
    fc.assert(
      fc.property(
        forestArb(K, D),
        fc.nat(),
        fc.bigInt({ min: 1n, max: MAX_AMOUNT }),
        (splits, pick, amount) => {
          const ids = [...splits.keys()];
          const assetId = ids[pick % ids.length] as bigint;
          const steps = lineageShares(amount, assetId, (id) => splits.get(id), D);
          const credits = new Map<bigint, bigint>();
          for (const step of steps) {
            step.shares.forEach((share, k) => {
              const r = step.split.recipients[k] as bigint;
              credits.set(r, (credits.get(r) ?? 0n) + share);
            });
          }
          expect(credits).toEqual(byHand(amount, assetId, splits));
          expect([...credits.values()].reduce((a, b) => a + b, 0n)).toBe(amount);
          expect(steps.map((s) => s.level)).toEqual(steps.map((_, i) => i));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("should walk image -> model -> dataset, each level splitting what the level below routed up", () => {
    const splits = new Map<bigint, Split>([
      [3n, { recipients: [30n], bps: [8000], parent: { assetId: 2n, bps: 2000 } }],
      [2n, { recipients: [20n, 21n], bps: [5000, 2500], parent: { assetId: 1n, bps: 2500 } }],
      [1n, { recipients: [10n], bps: [10_000] }],
    ]);
    const steps = lineageShares(1_000_001n, 3n, (id) => splits.get(id), 3);
    expect(steps.map((s) => [s.assetId, s.amount, s.shares])).toEqual([
      [3n, 1_000_001n, [800_001n]],
      [2n, 200_000n, [100_000n, 50_000n]],
      [1n, 50_000n, [50_000n]],
    ]);
  });

  it("should refuse a lineage deeper than D, a cycle, and an unknown parent", () => {
    const splits = new Map<bigint, Split>([
      [3n, { recipients: [30n], bps: [5000], parent: { assetId: 2n, bps: 5000 } }],
      [2n, { recipients: [20n], bps: [5000], parent: { assetId: 1n, bps: 5000 } }],
      [1n, { recipients: [10n], bps: [5000], parent: { assetId: 3n, bps: 5000 } }],
      [4n, { recipients: [40n], bps: [5000], parent: { assetId: 99n, bps: 5000 } }],
    ]);
    const splitOf = (id: bigint) => splits.get(id);
    // A cycle (which the contract's levels rule out) ends at D like any lineage too deep.
    expectRoyaltyError(
      () => lineageOf(2n, splitOf, 2),
      "LINEAGE_TOO_DEEP",
      /more than 2 parents \(2 -> 1 -> 3 -> 2\)/,
    );
    expectRoyaltyError(
      () => lineageOf(3n, splitOf, 100),
      "LINEAGE_TOO_DEEP",
      /more than 100 parents/,
    );
    expectRoyaltyError(
      () => lineageOf(4n, splitOf, 3),
      "UNKNOWN_ASSET",
      "asset 99 has no registered split",
    );
  });
});

describe("buildBatch with lineage", () => {
  const params = loadParams("default");

  it("should put each event's lineage slots right after it and credit every level", () => {
    const request = sampleLineageRequest(params, {
      amounts: [1_000_000n, 77n, 5n],
      assetOf: (i) => [2001n, 2003n, 2004n][i] as bigint,
    });
    const built = buildBatch(request);
    // 2001 climbs 3 parents, 2003 one, 2004 none: slots 0-3, 4-5, 6.
    expect(built.eventSlots).toEqual([0, 4, 6]);
    expect(built.input.eventLineage?.slice(0, 8)).toEqual(["0", "1", "1", "1", "0", "1", "0", "0"]);
    expect(built.leaves.slice(0, 8).map((l) => l !== 0n)).toEqual([
      true,
      false,
      false,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(built.assetSlots.slice(0, 4)).toEqual([2001n, 2002n, 2003n, 2004n]);
    const splits = new Map(sampleLineage(params).map((a: AssetState) => [a.assetId, a.split]));
    const expected = new Map<bigint, bigint>();
    request.events.forEach((e) => {
      for (const [r, c] of byHand(e.amount, e.assetId, splits))
        expected.set(r, (expected.get(r) ?? 0n) + c);
    });
    for (const [r, c] of expected) {
      expect(built.publicData.credits[built.recipientSlots.indexOf(r)]).toBe(c);
    }
    const debits = built.publicData.debits.reduce((a, b) => a + b, 0n);
    expect(built.publicData.credits.reduce((a, b) => a + b, 0n)).toBe(debits);
  });

  it("should count lineage slots against N", () => {
    // 16 events on 2001 take 64 slots; one more needs 68.
    const amounts = Array.from({ length: 17 }, () => 1000n);
    expectRoyaltyError(
      () => buildBatch(sampleLineageRequest(params, { amounts })),
      "BATCH_OVERFLOW",
      "batch needs 68 event slots but the circuit has 64; cut the batch earlier",
    );
  });

  it("should need every parent's split in the request", () => {
    const request = sampleLineageRequest(params, { amounts: [10n] });
    expectRoyaltyError(
      () => buildBatch({ ...request, assets: request.assets.filter((a) => a.assetId !== 2003n) }),
      "UNKNOWN_ASSET",
      "asset 2003 has no registered split",
    );
  });
});
