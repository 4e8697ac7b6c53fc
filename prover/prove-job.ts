import * as snarkjs from "snarkjs";
import { RoyaltyError } from "../core/errors.ts";
import type { ProveJob, ProveResult } from "./jobs.ts";
import { nativeProve, type ProverEngine } from "./native/index.ts";
import { encodeWtns, loadWitnessCalculator } from "./witness.ts";

type Calculator = Awaited<ReturnType<typeof loadWitnessCalculator>>;
const calculators = new Map<string, Promise<Calculator>>();

export interface ProveJobOptions {
  /** snarkjs: one thread, or its own pool of one worker per core */
  singleThread: boolean;
  /** default snarkjs; "native" is prover/native (the caller checked that it loads) */
  engine?: ProverEngine;
  /** native engine: threads for this proof (default 1) */
  threads?: number;
  /**
   * keep the witness calculator of each wasm for the next job (default): worker threads prove
   * many batches of one build; a caller whose build may change between proofs says false
   */
  reuseCalculator?: boolean;
}

/**
 * One proof in a worker thread. Never throws: a failure comes back as a result with a code, so
 * the pool keeps its worker and the caller decides to retry (the batch stays in the store).
 * snarkjs runs single-threaded here: several workers prove several batches at once instead of
 * nesting thread pools. The native engine takes `threads` threads of its own.
 */
export default async function proveJob(
  job: ProveJob,
  options: ProveJobOptions = { singleThread: true },
): Promise<ProveResult> {
  try {
    const t0 = performance.now();
    const reuse = options.reuseCalculator ?? true;
    let calculator = reuse ? calculators.get(job.wasm) : undefined;
    if (!calculator) {
      calculator = loadWitnessCalculator(job.wasm, job.witnessCalculator);
      if (reuse) calculators.set(job.wasm, calculator);
    }
    const witness = await (await calculator)(job.input);
    const t1 = performance.now();
    const { proof, publicSignals } =
      options.engine === "native"
        ? await nativeProve(job.zkey, witness, { threads: options.threads ?? 1 })
        : await snarkjs.groth16.prove(
            job.zkey,
            { type: "mem", data: encodeWtns(witness) },
            undefined,
            { singleThread: options.singleThread },
          );
    const t2 = performance.now();
    const signals = (publicSignals as string[]).map(String);
    if (signals.some((s, i) => s !== job.expectedPublicSignals[i])) {
      return {
        ok: false,
        batchNumber: job.batchNumber,
        code: "PUBLIC_SIGNALS_MISMATCH",
        message: "the proof's public signals differ from the batch model's",
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
