// The lazy-reduction rules of core/fast/limb-field.ts: results congruent to the exact values mod p
// and inside the bounds Poseidon relies on, at the extremes of the allowed inputs.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SNARK_FIELD as p } from "../../../core/field.ts";
import { limbFieldHarness } from "./limb-field-harness.ts";

const f = limbFieldHarness();
const Rinv = (() => {
  // R^-1 mod p by Fermat.
  let result = 1n;
  let base = f.R % p;
  let e = p - 2n;
  while (e > 0n) {
    if (e & 1n) result = (result * base) % p;
    base = (base * base) % p;
    e >>= 1n;
  }
  return result;
})();
const below = (bits: number) =>
  BigInt(`0x${randomBytes(40).toString("hex")}`) % (1n << BigInt(bits));
const mod = (x: bigint) => ((x % p) + p) % p;

describe("limb field", () => {
  it("fr_mul: a*b/R mod p, below 2^258, for inputs up to 2^259", () => {
    const extremes = [0n, 1n, p - 1n, p, 2n * p, (1n << 259n) - 1n];
    const cases: [bigint, bigint][] = [];
    for (const a of extremes) for (const b of extremes) cases.push([a, b]);
    for (let i = 0; i < 300; i++) cases.push([below(259), below(259)]);
    for (const [a, b] of cases) {
      const r = f.mul(a, b);
      expect(mod(r)).toBe(mod(a * b * Rinv));
      expect(r < 1n << 258n).toBe(true);
      const sq = f.square(a);
      expect(mod(sq)).toBe(mod(a * a * Rinv));
      expect(sq < 1n << 258n).toBe(true);
    }
  });

  it("fr_dot: sum a_k*b_k/R mod p for up to 17 terms at the bounds", () => {
    for (const n of [1, 2, 3, 4, 7, 16, 17]) {
      for (const pick of [() => (1n << 259n) - 1n, () => below(259), () => p - 1n]) {
        const as = Array.from({ length: n }, pick);
        const bs = Array.from({ length: n }, () => p - 1n - below(10));
        const r = f.dot(as, bs);
        const exact = as.reduce((s, a, k) => s + a * (bs[k] as bigint), 0n);
        expect(mod(r)).toBe(mod(exact * Rinv));
        expect(r < 1n << 258n).toBe(true);
      }
    }
  });

  it("fr_add and fr_addReduce: congruent sums; addReduce keeps a running sum below 4p + addend", () => {
    let acc = 0n;
    let exact = 0n;
    for (let i = 0; i < 500; i++) {
      const x = i % 7 === 0 ? 2n * p - 1n : below(254);
      acc = f.addReduce(acc, x);
      exact += x;
      expect(mod(acc)).toBe(mod(exact));
      expect(acc < 4n * p + 2n * p).toBe(true);
      expect(acc >= 0n).toBe(true);
    }
    const a = below(259);
    const b = below(259);
    expect(f.add(a, b)).toBe(a + b);
  });
});
