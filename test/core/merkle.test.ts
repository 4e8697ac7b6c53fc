import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CircuitParams,
  eventsRoot,
  eventsTree,
  loadParams,
  SNARK_FIELD,
  verifyEventProof,
} from "../../core/index.ts";
import { expectRoyaltyError, refHash } from "./helpers.ts";

/**
 * The events tree built by hand: arity^depth leaves (missing ones 0), each node the Poseidon
 * hash of its `arity` children, up to a single root after `depth` levels.
 */
function refRoot(params: CircuitParams, leaves: readonly bigint[]): bigint {
  const capacity = params.treeArity ** params.treeDepth;
  let level = [...leaves, ...Array<bigint>(capacity - leaves.length).fill(0n)];
  let depth = 0;
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += params.treeArity) {
      next.push(refHash(level.slice(i, i + params.treeArity)));
    }
    level = next;
    depth++;
  }
  expect(depth).toBe(params.treeDepth);
  return level[0] as bigint;
}

const leafArb = fc.bigInt({ min: 1n, max: SNARK_FIELD - 1n });

describe.each(["test", "default", "large"] as const)(
  "eventsRoot with the '%s' parameter set",
  (name) => {
    const params = loadParams(name);

    it("should have arity 16 and the least depth that holds N leaves", () => {
      expect(params.treeArity).toBe(16);
      expect(params.treeArity ** params.treeDepth).toBeGreaterThanOrEqual(params.N);
      expect(params.treeArity ** (params.treeDepth - 1)).toBeLessThan(params.N);
    });

    it("should equal a hand-built Poseidon tree with zero padding", () => {
      const runs = name === "large" ? 10 : 40;
      fc.assert(
        fc.property(
          fc
            .integer({ min: 0, max: params.N })
            .chain((n) => fc.array(leafArb, { minLength: n, maxLength: n })),
          (leaves) => {
            expect(eventsRoot(params, leaves)).toBe(refRoot(params, leaves));
          },
        ),
        { numRuns: runs },
      );
    });

    it("should equal the all-zero tree for no events and for explicit zero leaves", () => {
      const zero = refRoot(params, []);
      expect(eventsRoot(params, [])).toBe(zero);
      expect(eventsRoot(params, Array(params.N).fill(0n))).toBe(zero);
    });

    it("should not accept more than N leaves", () => {
      expectRoyaltyError(
        () => eventsTree(params, Array(params.N + 1).fill(1n)),
        "BATCH_OVERFLOW",
        `${params.N + 1} leaves exceed the tree's N=${params.N} event slots`,
      );
    });
  },
);

describe("verifyEventProof", () => {
  const params = loadParams("default");
  const leaves = Array.from({ length: 37 }, (_, i) => refHash([BigInt(i + 1)]));
  const tree = eventsTree(params, leaves);
  const root = refRoot(params, leaves);

  it("should verify a proof of every real leaf against the root", () => {
    for (let i = 0; i < leaves.length; i++) {
      const proof = tree.createProof(i);
      expect(proof.root).toBe(root);
      expect(proof.leaf).toBe(leaves[i]);
      expect(proof.leafIndex).toBe(i);
      expect(proof.siblings).toHaveLength(params.treeDepth);
      for (const level of proof.siblings) expect(level).toHaveLength(params.treeArity - 1);
      expect(verifyEventProof(proof)).toBe(true);
    }
  });

  it("should verify a proof of a padding leaf as 0", () => {
    const proof = tree.createProof(params.N - 1);
    expect(proof.leaf).toBe(0n);
    expect(verifyEventProof(proof)).toBe(true);
  });

  it("should not verify a proof with a changed leaf", () => {
    for (const i of [0, 5, 36, 63]) {
      const proof = tree.createProof(i);
      expect(verifyEventProof({ ...proof, leaf: proof.leaf + 1n })).toBe(false);
      expect(verifyEventProof({ ...proof, leaf: leaves[(i + 1) % leaves.length] })).toBe(false);
    }
  });

  it("should not verify a proof against another root, or at another position", () => {
    const proof = tree.createProof(5);
    expect(verifyEventProof({ ...proof, root: root + 1n })).toBe(false);
    const moved = proof.pathIndices.map((p, level) =>
      level === 0 ? (p + 1) % params.treeArity : p,
    );
    expect(verifyEventProof({ ...proof, pathIndices: moved })).toBe(false);
  });

  it("should verify proofs in the test set's one-level tree", () => {
    const small = loadParams("test");
    const smallLeaves = [11n, 22n, 33n];
    const smallTree = eventsTree(small, smallLeaves);
    expect(BigInt(smallTree.root)).toBe(refHash([11n, 22n, 33n, ...Array<bigint>(13).fill(0n)]));
    for (let i = 0; i < small.N; i++) {
      const proof = smallTree.createProof(i);
      expect(verifyEventProof(proof)).toBe(true);
      expect(verifyEventProof({ ...proof, leaf: 99n })).toBe(false);
    }
  });
});
