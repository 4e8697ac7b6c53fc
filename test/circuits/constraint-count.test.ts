import { describe, expect, it } from "vitest";
import { type CircuitParams, loadParams } from "../../core/params.ts";
import { ensureCircuit } from "../../scripts/setup/build-circuit.ts";
import { merkleRootConstraints } from "./counts.ts";

/**
 * Constraint count of RoyaltyBatch(N, K, A, P, R, D, 16) after circom --O2, every term measured:
 *
 *   per event   4P + A(2K+1) + shares(K) + 265, and A + 5 more with lineage (D > 0)
 *               (P: payer selector, chain mux, head update, debit (an address mux before
 *                2026-12-04, when the genesis head took over binding the payer);
 *                A(2K+1): asset selector, id mux, bps mux (K-1), amount and share sums (K);
 *                265 = event hash Poseidon(3) 261, which is the new head and the leaf
 *                (Poseidon(5) 321 before 2026-12-04, Poseidon(6) 354 + chain Poseidon(2) 240
 *                before 2026-12-03), + real flag, amount != 0, padding amount = 0, leaf gate)
 *               lineage (2026-12-07, 13.2 per slot at the default set): the parent mux (A), the
 *               lineage flag, the link to the next slot (2) and the level (2), 6 less at the
 *               batch's two ends
 *   shares(K)   107 + 40(K-1)       (alpha 83 bits, beta < 10000 24, the amount's split; the
 *                                    amount itself has no range check (96 more before 2026-12-03); per share
 *                                    quotient 14, remainder < 10000 24 (28 before 2026-12-03), two products)
 *   per payer   4520                (EdDSAPoseidonVerifier 4217, Poseidon(4) key hash 297, flags)
 *   per asset   Poseidon(K+1) + 17K + 7   (Poseidon(3) 261, Poseidon(5) 321; bps 14 bits and
 *                                          id == 0 => bps == 0 per entry), 2 more with lineage
 *                                          (the last entry's account-or-parent test)
 *   routing     R(32 + 3AK)         (recipient id 32 bits; per entry and slot: selector, id, credit)
 *   events tree merkleRootConstraints(N)   (Poseidon(16) per node of the arity-16 tree, 3 less
 *                                          per child past N: test 573, default 3,009)
 */
function expectedConstraints(p: CircuitParams): number {
  const shares = 107 + 40 * (p.K - 1);
  const poseidonOf = { 3: 261, 5: 321 } as Record<number, number>;
  // Lineage (D > 0): the parent mux (A), the lineage flag, link (2) and level (2) per slot, 6
  // less at the batch's ends, and the last entry's account-or-parent test (2) per asset slot.
  const lineage = p.D > 0;
  const asset = (poseidonOf[p.K + 1] as number) + 17 * p.K + 7 + (lineage ? 2 : 0);
  const perEvent = 4 * p.P + p.A * (2 * p.K + 1) + shares + 265 + (lineage ? p.A + 5 : 0);
  return (
    p.N * perEvent -
    (lineage ? 6 : 0) +
    4520 * p.P +
    p.A * asset +
    p.R * (32 + 3 * p.A * p.K) +
    merkleRootConstraints(p.N)
  );
}

describe("RoyaltyBatch constraint count", () => {
  it("should match the formula for every parameter set", () => {
    expect(expectedConstraints(loadParams("test"))).toBe(12_139);
    expect(expectedConstraints(loadParams("default"))).toBe(64_267);
    expect(expectedConstraints(loadParams("large"))).toBe(236_427);
    // Without lineage (D = 0): the counts before it, 991 per event slot at the default set.
    expect(expectedConstraints({ ...loadParams("test"), D: 0 })).toBe(12_113);
    expect(expectedConstraints({ ...loadParams("default"), D: 0 })).toBe(63_425);
  });

  it("should compile the test set to exactly 12,139 constraints", async () => {
    const { constraints } = await ensureCircuit(loadParams("test"));
    expect(constraints).toBe(12_139);
  });

  it("should compile the default set to 64,267 constraints with lineage (1,004.2 per event slot, 991 without), in a 2^16 domain", async () => {
    const params = loadParams("default");
    const { constraints } = await ensureCircuit(params);
    expect(constraints).toBe(64_267);
    expect(params.D).toBe(3);
    // Groth16's domain holds the constraints plus one per public signal (32) and one more.
    expect(constraints + 32 + 1).toBeLessThanOrEqual(2 ** 16);
  });
});
