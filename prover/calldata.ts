import type { BuiltBatch } from "../core/batch.ts";
import { packWords } from "../core/packing.ts";
import type { CircuitParams } from "../core/params.ts";
import type { Groth16Proof } from "./groth16.ts";

/**
 * snarkjs proof -> the verifier's uint256[8] (a, b, c). The one place where pi_b's coordinates
 * are swapped: snarkjs writes G2 points as (c0, c1), the EVM pairing precompile wants (c1, c0).
 */
export type ProofWords = readonly [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];

export function proofCalldata(proof: Groth16Proof): ProofWords {
  const b = proof.pi_b;
  return [
    proof.pi_a[0],
    proof.pi_a[1],
    b[0]?.[1],
    b[0]?.[0],
    b[1]?.[1],
    b[1]?.[0],
    proof.pi_c[0],
    proof.pi_c[1],
  ].map((x) => BigInt(x as string)) as unknown as ProofWords;
}

/** Inverse of proofCalldata: the verifier's uint256[8] back to snarkjs's proof object. */
export function proofFromCalldata(words: readonly bigint[]): Groth16Proof {
  const w = words.map(String);
  return {
    pi_a: [w[0] as string, w[1] as string, "1"],
    pi_b: [
      [w[3] as string, w[2] as string],
      [w[5] as string, w[4] as string],
      ["1", "0"],
    ],
    pi_c: [w[6] as string, w[7] as string, "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}

const toAddress = (x: bigint) => `0x${x.toString(16).padStart(40, "0")}` as `0x${string}`;

/** RoyaltyRollup.settleBatch's BatchData struct, as viem encodes it. */
export interface BatchCalldata {
  eventsRoot: bigint;
  payers: readonly `0x${string}`[];
  oldHeads: readonly bigint[];
  newHeads: readonly bigint[];
  assetIds: readonly bigint[];
  splitHashes: readonly bigint[];
  packed: readonly bigint[];
}

/** The BatchData struct of RoyaltyRollup.settleBatch for a built batch. */
export function batchCalldata(params: CircuitParams, built: BuiltBatch): BatchCalldata {
  const d = built.publicData;
  return {
    eventsRoot: d.eventsRoot,
    payers: built.payerSlots.map(toAddress),
    oldHeads: [...d.oldHead],
    newHeads: [...d.newHead],
    assetIds: [...built.assetSlots],
    splitHashes: [...d.splitHash],
    packed: packWords(params, d),
  };
}
