import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { RoyaltyError } from "../core/errors.ts";
import type { ProofRequest } from "./jobs.ts";
import { encodeWtns, loadWitnessCalculator } from "./witness.ts";

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

/** Witness then Groth16 proof of one built batch; checks the proof's public signals against the model's. */
export async function proveBatch(
  artifacts: ProverArtifacts,
  built: ProofRequest,
  options: { singleThread?: boolean } = {},
): Promise<ProvenBatch> {
  const t0 = performance.now();
  const calculate = await loadWitnessCalculator(artifacts.wasm, artifacts.witnessCalculator);
  const witness = await calculate(built.input);
  const t1 = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(
    artifacts.zkey,
    { type: "mem", data: encodeWtns(witness) },
    undefined,
    {
      singleThread: options.singleThread ?? false,
    },
  );
  const t2 = performance.now();
  const signals = (publicSignals as string[]).map(BigInt);
  if (signals.some((s, i) => s !== built.publicSignals[i])) {
    throw new RoyaltyError(
      "PUBLIC_SIGNALS_MISMATCH",
      "the proof's public signals differ from the batch model's; the circuit and core module disagree",
    );
  }
  return {
    proof: proof as Groth16Proof,
    publicSignals: signals,
    witnessMs: t1 - t0,
    proveMs: t2 - t1,
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
