import type { BuiltBatch, CircuitInput } from "../core/batch.ts";

/** What a proof needs of a built batch: the circuit input and the public signals it must give. */
export type ProofRequest = Pick<BuiltBatch, "input" | "publicSignals">;

import type { Groth16Proof, ProverArtifacts } from "./groth16.ts";

/** A proving job as it crosses to a worker thread: plain data only. */
export interface ProveJob {
  batchNumber: number;
  wasm: string;
  witnessCalculator: string;
  zkey: string;
  input: CircuitInput;
  /** the public signals the batch model expects, as decimal strings */
  expectedPublicSignals: string[];
}

export type ProveResult =
  | {
      ok: true;
      batchNumber: number;
      proof: Groth16Proof;
      publicSignals: string[];
      witnessMs: number;
      proveMs: number;
    }
  | { ok: false; batchNumber: number; code: string; message: string };

/** The job that proves `built` with `artifacts`. */
export function proveJobOf(
  batchNumber: number,
  artifacts: ProverArtifacts,
  built: ProofRequest,
): ProveJob {
  return {
    batchNumber,
    wasm: artifacts.wasm,
    witnessCalculator: artifacts.witnessCalculator,
    zkey: artifacts.zkey,
    input: built.input,
    expectedPublicSignals: built.publicSignals.map(String),
  };
}
