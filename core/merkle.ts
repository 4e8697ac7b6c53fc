import { IMT, type IMTMerkleProof } from "@zk-kit/imt";
import { RoyaltyError } from "./errors.ts";
import type { CircuitParams } from "./params.ts";
import { poseidon } from "./poseidon.ts";

/** A tree node's hash from its children (zk-kit's hash function signature). */
export type NodeHasher = (children: (bigint | number | string)[]) => bigint;

const hashNode: NodeHasher = (children) => poseidon(children.map((c) => BigInt(c)));

/**
 * `hashNode` remembering what it computed: receipts of one batch share their upper nodes, so
 * checking many of them hashes each shared node once. Give each batch its own (it grows with
 * the distinct nodes hashed).
 */
export function memoNodeHasher(): NodeHasher {
  const seen = new Map<string, bigint>();
  return (children) => {
    const key = children.join(",");
    let hash = seen.get(key);
    if (hash === undefined) {
      hash = hashNode(children);
      seen.set(key, hash);
    }
    return hash;
  };
}

/**
 * The batch's event tree: zk-kit's incremental Merkle tree with Poseidon nodes, arity
 * `params.treeArity` and depth `params.treeDepth`; its first N leaves are the batch's (padding
 * leaves 0) and every leaf past N is 0, the IMT's zero value. Its root is `eventsRoot`.
 */
export function eventsTree(params: CircuitParams, leaves: readonly bigint[]): IMT {
  if (leaves.length > params.N)
    throw new RoyaltyError(
      "BATCH_OVERFLOW",
      `${leaves.length} leaves exceed the tree's N=${params.N} event slots`,
    );
  const padded = [...leaves, ...Array<bigint>(params.N - leaves.length).fill(0n)];
  return new IMT(hashNode, params.treeDepth, 0n, params.treeArity, padded);
}

export function eventsRoot(params: CircuitParams, leaves: readonly bigint[]): bigint {
  return BigInt(eventsTree(params, leaves).root);
}

type Numeric = bigint | number | string;

/** A Merkle proof as zk-kit makes it, or as JSON carries it (numbers as decimal strings). */
export interface EventProofInput {
  root: Numeric;
  leaf: Numeric;
  leafIndex: number;
  siblings: readonly (readonly Numeric[])[];
  pathIndices: readonly number[];
}

/**
 * Receipt check: is `leaf` at `proof.leafIndex` under `root`? Takes the proof as the API returns
 * it (decimal strings) or as zk-kit made it; a malformed proof is false, never a throw.
 */
export function verifyEventProof(
  proof: EventProofInput | IMTMerkleProof,
  hasher: NodeHasher = hashNode,
): boolean {
  try {
    const normal: IMTMerkleProof = {
      root: BigInt(proof.root),
      leaf: BigInt(proof.leaf),
      leafIndex: proof.leafIndex,
      siblings: (proof.siblings as readonly (readonly Numeric[])[]).map((level) =>
        level.map((x) => BigInt(x)),
      ),
      pathIndices: [...proof.pathIndices],
    };
    return IMT.verifyProof(normal, hasher);
  } catch {
    return false;
  }
}
