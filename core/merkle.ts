import { IMT, type IMTMerkleProof } from "@zk-kit/imt";
import type { CircuitParams } from "./params.ts";
import { poseidon } from "./poseidon.ts";

const hashNode = (children: (bigint | number | string)[]) =>
  poseidon(children.map((c) => BigInt(c)));

/**
 * The batch's event tree: zk-kit's incremental Merkle tree with Poseidon nodes, arity
 * `params.treeArity`, exactly N leaves (padding leaves are 0). Its root is `eventsRoot`.
 */
export function eventsTree(params: CircuitParams, leaves: readonly bigint[]): IMT {
  if (leaves.length > params.N)
    throw new RangeError(`${leaves.length} leaves exceed N=${params.N}`);
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
export function verifyEventProof(proof: EventProofInput | IMTMerkleProof): boolean {
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
    return IMT.verifyProof(normal, hashNode);
  } catch {
    return false;
  }
}
