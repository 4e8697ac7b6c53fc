import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { ProverArtifacts } from "./groth16.ts";
import { type ProofRequest, type ProveJob, type ProveResult, proveJobOf } from "./jobs.ts";
import type { Prover } from "./prover.ts";

export interface ProverPoolOptions {
  /** worker threads, each proving one batch at a time single-threaded (default: cores) */
  workers?: number;
}

/**
 * Proves batches in parallel on worker threads. snarkjs's web-worker shim treats every worker
 * thread as one of its own and loads `workerData.mod` in it (TOOLCHAIN.md); an empty data-URL
 * module satisfies it without side effects.
 */
export class ProverPool implements Prover {
  private readonly piscina: Piscina;

  constructor(options: ProverPoolOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    this.piscina = new Piscina({
      filename: fileURLToPath(new URL("./worker.mjs", import.meta.url)),
      workerData: { mod: "data:text/javascript,", type: "module", name: "royalty-prover" },
      minThreads: workers,
      maxThreads: workers,
      // One proof per worker at a time: proofs are CPU-bound, queueing beats oversubscription.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
    });
  }

  prove(
    batchNumber: number,
    artifacts: ProverArtifacts,
    built: ProofRequest,
  ): Promise<ProveResult> {
    return this.run(proveJobOf(batchNumber, artifacts, built));
  }

  /** A job as plain data: what a queue prover receives, without the rest of a BuiltBatch. */
  run(job: ProveJob): Promise<ProveResult> {
    return this.piscina.run(job) as Promise<ProveResult>;
  }

  get queued(): number {
    return this.piscina.queueSize;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
