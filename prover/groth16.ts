import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { RoyaltyError } from "../core/errors.ts";
import { type ProofRequest, proveJobOf } from "./jobs.ts";
import proveJob from "./prove-job.ts";

export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

export interface ProvenBatch {
  proof: Groth16Proof;
  publicSignals: bigint[];
  witnessMs: number;
  proveMs: number;
}

export interface ProverArtifacts {
  wasm: string;
  witnessCalculator: string;
  zkey: string;
}

/**
 * Witness then snarkjs Groth16 proof of one built batch, in this thread: the job the provers'
 * workers run (`prove-job.ts`), with its failure thrown as a RoyaltyError (WITNESS_FAILED,
 * PUBLIC_SIGNALS_MISMATCH, PROOF_FAILED) instead of returned.
 */
export async function proveBatch(
  artifacts: ProverArtifacts,
  built: ProofRequest,
  options: { singleThread?: boolean } = {},
): Promise<ProvenBatch> {
  const result = await proveJob(proveJobOf(0, artifacts, built), {
    singleThread: options.singleThread ?? false,
    reuseCalculator: false,
  });
  if (!result.ok) {
    throw new RoyaltyError(
      result.code,
      result.code === "PUBLIC_SIGNALS_MISMATCH"
        ? `${result.message}; the circuit and core module disagree`
        : result.message,
    );
  }
  return {
    proof: result.proof,
    publicSignals: result.publicSignals.map(BigInt),
    witnessMs: result.witnessMs,
    proveMs: result.proveMs,
  };
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
