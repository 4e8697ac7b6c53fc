import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CircuitParams,
  decodePublicSignals,
  loadParams,
  MAX_AMOUNT,
  type PackedValues,
  type PublicData,
  packedWordCount,
  packingLayout,
  packWords,
  publicSignalCount,
  publicSignals,
  SNARK_FIELD,
  unpackWords,
  WORD_BITS,
} from "../../core/index.ts";
import { expectRoyaltyError } from "./helpers.ts";

const SETS = ["test", "default", "large"] as const;

/**
 * Pinned sizes. A word holds at most 253 bits; totals are 97 + log2(N) bits, ids 32 bits.
 * Each word takes as many totals as fit, then as many ids as fit in what is left.
 */
const PINNED: Record<(typeof SETS)[number], { totalBits: number; words: number; signals: number }> =
  {
    // totalBits = 97 + log2(4) = 99; 2 totals + 1 id = 230 bits per word (a 2nd id would make 262):
    // P + R = 6 totals fill 3 words carrying 3 ids; the 1 remaining id takes 1 word -> 4.
    // signals = 1 + 3P + A + W = 1 + 6 + 2 + 4 = 13.
    test: { totalBits: 99, words: 4, signals: 13 },
    // totalBits = 97 + log2(64) = 103; 2 totals + 1 id = 238 bits per word:
    // 20 totals in 10 words carrying 10 ids; 6 remaining ids (7 fit in 224 bits) in 1 word -> 11.
    // signals = 1 + 12 + 8 + 11 = 32.
    default: { totalBits: 103, words: 11, signals: 32 },
    // totalBits = 97 + log2(256) = 105; 2 totals + 1 id = 242 bits per word:
    // 40 totals in 20 words carrying 20 ids; 12 remaining ids at 7 per word -> 2 words -> 22.
    // signals = 1 + 24 + 16 + 22 = 63.
    large: { totalBits: 105, words: 22, signals: 63 },
  };

/** A value of exactly `bits` bits or fewer, a quarter of them at the maximum 2^bits - 1. */
const widthArb = (bits: number) =>
  fc.oneof(
    { arbitrary: fc.constant((1n << BigInt(bits)) - 1n), weight: 1 },
    { arbitrary: fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }), weight: 3 },
  );
const listArb = <T>(arb: fc.Arbitrary<T>, n: number) =>
  fc.array(arb, { minLength: n, maxLength: n });

const valuesArb = (params: CircuitParams): fc.Arbitrary<PackedValues> =>
  fc.record({
    debits: listArb(widthArb(params.totalBits), params.P),
    credits: listArb(widthArb(params.totalBits), params.R),
    recipientIds: listArb(widthArb(32), params.R),
  });

const fieldArb = fc.bigInt({ min: 0n, max: SNARK_FIELD - 1n });
const publicDataArb = (params: CircuitParams): fc.Arbitrary<PublicData> =>
  fc
    .record({
      domain: fieldArb,
      eventsRoot: fieldArb,
      keyHash: listArb(fieldArb, params.P),
      oldHead: listArb(fieldArb, params.P),
      newHead: listArb(fieldArb, params.P),
      splitHash: listArb(fieldArb, params.A),
      values: valuesArb(params),
    })
    .map(({ values, ...rest }) => ({ ...rest, ...values }));

describe.each(SETS)("packing with the '%s' parameter set", (name) => {
  const params = loadParams(name);
  const layout = packingLayout(params);
  const pinned = PINNED[name];

  it("should size totals as 97 + log2(N) bits: N maximum amounts fit", () => {
    expect(params.totalBits).toBe(pinned.totalBits);
    expect(2n ** BigInt(params.totalBits)).toBeGreaterThan(BigInt(params.N) * MAX_AMOUNT);
  });

  it("should pin the packed word count and the public signal count", () => {
    expect(packedWordCount(params)).toBe(pinned.words);
    expect(publicSignalCount(params)).toBe(pinned.signals);
  });

  it("should place every debit, credit and recipient id exactly once, at its width", () => {
    const keys = layout.map((p) => `${p.field.kind}[${p.field.slot}]`).sort();
    const expected = [
      ...Array.from({ length: params.P }, (_, i) => `debit[${i}]`),
      ...Array.from({ length: params.R }, (_, i) => `credit[${i}]`),
      ...Array.from({ length: params.R }, (_, i) => `id[${i}]`),
    ].sort();
    expect(keys).toEqual(expected);
    for (const p of layout) expect(p.bits).toBe(p.field.kind === "id" ? 32 : params.totalBits);
  });

  it("should never overlap fields nor exceed 253 bits per word", () => {
    expect(WORD_BITS).toBe(253);
    const words = new Set(layout.map((p) => p.word));
    expect([...words].sort((a, b) => a - b)).toEqual(
      Array.from({ length: packedWordCount(params) }, (_, i) => i),
    );
    for (const w of words) {
      const fields = layout.filter((p) => p.word === w).sort((a, b) => a.offset - b.offset);
      let end = 0;
      for (const f of fields) {
        expect(f.offset).toBeGreaterThanOrEqual(end);
        end = f.offset + f.bits;
      }
      expect(end).toBeLessThanOrEqual(253);
    }
  });

  it("should round-trip random values at up to full width through pack and unpack", () => {
    fc.assert(
      fc.property(valuesArb(params), (values) => {
        const words = packWords(params, values);
        expect(words).toHaveLength(pinned.words);
        for (const w of words) expect(w < 1n << 253n).toBe(true);
        expect(unpackWords(params, words)).toEqual(values);
      }),
      { numRuns: 500 },
    );
  });

  it("should round-trip all-maximum values", () => {
    const max = (bits: number) => (1n << BigInt(bits)) - 1n;
    const values: PackedValues = {
      debits: Array(params.P).fill(max(params.totalBits)),
      credits: Array(params.R).fill(max(params.totalBits)),
      recipientIds: Array(params.R).fill(max(32)),
    };
    expect(unpackWords(params, packWords(params, values))).toEqual(values);
  });

  it("should not pack a value of 2^bits or a negative value", () => {
    const zero = (): { debits: bigint[]; credits: bigint[]; recipientIds: bigint[] } => ({
      debits: Array(params.P).fill(0n),
      credits: Array(params.R).fill(0n),
      recipientIds: Array(params.R).fill(0n),
    });
    const tb = params.totalBits;
    const cases = [
      { list: "debits", slot: params.P - 1, kind: "debit", bits: tb },
      { list: "credits", slot: params.R - 1, kind: "credit", bits: tb },
      { list: "recipientIds", slot: 0, kind: "id", bits: 32 },
    ] as const;
    for (const c of cases) {
      for (const v of [1n << BigInt(c.bits), -1n]) {
        const values = zero();
        values[c.list][c.slot] = v;
        expectRoyaltyError(
          () => packWords(params, values),
          "FIELD_OVERFLOW",
          `${c.kind}[${c.slot}] = ${v} does not fit in ${c.bits} bits`,
        );
      }
    }
  });

  it("should round-trip random public data through publicSignals and decodePublicSignals", () => {
    fc.assert(
      fc.property(publicDataArb(params), (data) => {
        const signals = publicSignals(params, data);
        expect(signals).toHaveLength(pinned.signals);
        expect(decodePublicSignals(params, signals, data.domain)).toEqual(data);
      }),
      { numRuns: 200 },
    );
  });

  it("should order the public signals: eventsRoot, newHead, words, keyHash, oldHead, splitHash (no domain)", () => {
    const { P, A } = params;
    const seq = (start: bigint, n: number) =>
      Array.from({ length: n }, (_, i) => start + BigInt(i));
    const data: PublicData = {
      eventsRoot: 1n,
      newHead: seq(100n, P),
      domain: 2n,
      keyHash: seq(200n, P),
      oldHead: seq(300n, P),
      splitHash: seq(400n, A),
      debits: seq(1n, P),
      credits: seq(1n, params.R),
      recipientIds: seq(1n, params.R),
    };
    const words = packWords(params, data);
    expect(publicSignals(params, data)).toEqual([
      1n,
      ...seq(100n, P),
      ...words,
      ...seq(200n, P),
      ...seq(300n, P),
      ...seq(400n, A),
    ]);
  });

  it("should not decode a signal list of the wrong length", () => {
    const n = pinned.signals;
    for (const len of [n - 1, n + 1]) {
      expectRoyaltyError(
        () => decodePublicSignals(params, Array(len).fill(0n), 0n),
        "PUBLIC_SIGNALS_MALFORMED",
        `expected ${n} public signals, got ${len}`,
      );
    }
  });
});

describe("packingLayout", () => {
  it("should place the first word of the default set as debit 0, debit 1, id 0", () => {
    const first = packingLayout(loadParams("default")).filter((p) => p.word === 0);
    expect(first).toEqual([
      { field: { kind: "debit", slot: 0 }, word: 0, offset: 0, bits: 103 },
      { field: { kind: "debit", slot: 1 }, word: 0, offset: 103, bits: 103 },
      { field: { kind: "id", slot: 0 }, word: 0, offset: 206, bits: 32 },
    ]);
  });
});
