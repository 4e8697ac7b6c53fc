// The one proving job and the one function that proves it. Every prover runs it: the piscina
// pool's worker threads (worker.mjs), MultiThreadProver on its calling thread, the queue worker
// through either of them, and one-off callers (`royalty prove`, setup and contract tests).
import * as snarkjs from "snarkjs";
import type { BuiltBatch, CircuitInput } from "../core/batch.ts";
import { type ErrorCode, RoyaltyError } from "../core/errors.ts";
import type { Groth16Proof } from "./groth16.ts";
import { nativeProve, type ProverEngine } from "./native/index.ts";
import { encodeWtns, loadWitnessCalculator } from "./witness.ts";

/**
 * What must be proven: one batch's circuit input and the public signals its proof must give.
 * Plain data, the same on a worker thread and in a queue job; where it is proven travels beside
 * it (a worker thread: ProverArtifacts; a queue: the set name and zkey hash, queue-protocol.ts).
 */
export interface ProveJob {
  batchNumber: number;
  input: CircuitInput;
  /** the public signals the batch model expects, as decimal strings */
  expectedPublicSignals: string[];
}

/** Where a job is proven on this machine: the build of its parameter set. */
export interface ProverArtifacts {
  wasm: string;
  witnessCalculator: string;
  zkey: string;
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
  | { ok: false; batchNumber: number; code: ErrorCode; message: string };

export type Proven = Extract<ProveResult, { ok: true }>;

/** The job that proves a built batch. */
export function proveJobOf(
  batchNumber: number,
  built: Pick<BuiltBatch, "input" | "publicSignals">,
): ProveJob {
  return {
    batchNumber,
    input: built.input,
    expectedPublicSignals: built.publicSignals.map(String),
  };
}

export interface ProveJobOptions {
  /** snarkjs: one thread, or (default) its own pool of one worker per core */
  singleThread?: boolean;
  /** default snarkjs; "native" is prover/native (the caller checked that it loads) */
  engine?: ProverEngine;
  /** native engine: threads for this proof (default 1) */
  threads?: number;
  /**
   * keep the witness calculator of each wasm for the next job: long-lived provers prove many
   * batches of one build; the default (false) suits a caller whose build may change between
   * proofs
   */
  reuseCalculator?: boolean;
}

type Calculator = Awaited<ReturnType<typeof loadWitnessCalculator>>;
const calculators = new Map<string, Promise<Calculator>>();

/**
 * Witness, then Groth16 proof (snarkjs or the native engine) of one job, checked against the
 * public signals it expects. Never throws: a failure comes back as a result with a code
 * (WITNESS_FAILED, PUBLIC_SIGNALS_MISMATCH, PROOF_FAILED, ...), so a pool keeps its worker and
 * the caller decides to retry (the batch stays in the store); `provenOrThrow` throws it instead.
 */
export async function proveJob(
  job: ProveJob,
  artifacts: ProverArtifacts,
  options: ProveJobOptions = {},
): Promise<ProveResult> {
  try {
    const t0 = performance.now();
    const reuse = options.reuseCalculator ?? false;
    let calculator = reuse ? calculators.get(artifacts.wasm) : undefined;
    if (!calculator) {
      calculator = loadWitnessCalculator(artifacts.wasm, artifacts.witnessCalculator);
      if (reuse) calculators.set(artifacts.wasm, calculator);
    }
    const witness = await (await calculator)(job.input);
    const t1 = performance.now();
    const { proof, publicSignals } =
      options.engine === "native"
        ? await nativeProve(artifacts.zkey, witness, { threads: options.threads ?? 1 })
        : await snarkjs.groth16.prove(
            artifacts.zkey,
            { type: "mem", data: encodeWtns(witness) },
            undefined,
            { singleThread: options.singleThread ?? false },
          );
    const t2 = performance.now();
    const signals = (publicSignals as string[]).map(String);
    const expected = job.expectedPublicSignals;
    if (signals.length !== expected.length || signals.some((s, i) => s !== expected[i])) {
      return {
        ok: false,
        batchNumber: job.batchNumber,
        code: "PUBLIC_SIGNALS_MISMATCH",
        message:
          "the proof's public signals differ from the batch model's; the circuit and core module disagree",
      };
    }
    return {
      ok: true,
      batchNumber: job.batchNumber,
      proof,
      publicSignals: signals,
      witnessMs: t1 - t0,
      proveMs: t2 - t1,
    };
  } catch (error) {
    const code = error instanceof RoyaltyError ? error.code : "PROOF_FAILED";
    return { ok: false, batchNumber: job.batchNumber, code, message: (error as Error).message };
  }
}

/** The proven result, or its failure thrown as a RoyaltyError with the result's code. */
export function provenOrThrow(result: ProveResult): Proven {
  if (!result.ok) throw new RoyaltyError(result.code, result.message);
  return result;
}
