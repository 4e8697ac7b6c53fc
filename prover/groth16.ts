import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";

/** A Groth16 proof as snarkjs and the native engine give it (prove-job.ts makes them). */
export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

export function readVerificationKey(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

export async function verifyProof(
  vkey: unknown,
  publicSignals: readonly bigint[],
  proof: Groth16Proof,
): Promise<boolean> {
  return snarkjs.groth16.verify(vkey, publicSignals.map(String), proof);
}
