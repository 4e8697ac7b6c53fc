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

/** Receipt check: is `leaf` at `proof.leafIndex` under `root`? */
export function verifyEventProof(proof: IMTMerkleProof): boolean {
  return IMT.verifyProof(proof, hashNode);
}
