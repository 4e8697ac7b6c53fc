// Constraint formulas shared by the template tests and the whole-circuit count.

/** Poseidon(16) with every input a signal (circomlib, --O2). */
const POSEIDON_16 = 609;

/**
 * MerkleRoot(leafCount, 16): each node 609, less 3 per child past the end (a constant zero
 * subtree, folded into the first round by the compiler).
 */
export function merkleRootConstraints(leafCount: number, arity = 16): number {
  let total = 0;
  for (let width = leafCount; width > 1; width = Math.ceil(width / arity)) {
    const parents = Math.ceil(width / arity);
    total += parents * POSEIDON_16 - 3 * (parents * arity - width);
  }
  return total;
}
