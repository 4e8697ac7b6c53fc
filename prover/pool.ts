import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { type ProverEngine, resolveEngine } from "./native/index.ts";
import type { ProveJob, ProveResult, ProverArtifacts } from "./prove-job.ts";
import type { Prover } from "./prover.ts";

/** What crosses to a worker thread (worker.mjs): the job and where it is proven. */
export interface WorkerTask {
  job: ProveJob;
  artifacts: ProverArtifacts;
}

export interface ProverPoolOptions {
  /** worker threads, each proving one batch at a time single-threaded (default: cores) */
  workers?: number;
  /** default "auto": the native prover where it built, else snarkjs (said once in the log) */
  engine?: ProverEngine | "auto";
  /** native engine only: threads of each proof (default 1: one proof per worker per core) */
  threadsPerProof?: number;
}

/**
 * Proves batches in parallel on worker threads, with the native prover (prover/native) or
 * snarkjs. snarkjs's web-worker shim treats every worker thread as one of its own and loads
 * `workerData.mod` in it (web-worker 1.2, via ffjavascript); an empty data-URL module
 * satisfies it without side effects.
 */
export class ProverPool implements Prover {
  private readonly piscina: Piscina;
  /** the engine this pool proves with */
  readonly engine: ProverEngine;

  constructor(options: ProverPoolOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    this.engine = resolveEngine(options.engine);
    this.piscina = new Piscina({
      filename: fileURLToPath(new URL("./worker.mjs", import.meta.url)),
      workerData: {
        mod: "data:text/javascript,",
        type: "module",
        name: "royalty-prover",
        nativeThreads: options.threadsPerProof ?? 1,
      },
      minThreads: workers,
      maxThreads: workers,
      // One proof per worker at a time: proofs are CPU-bound, queueing beats oversubscription.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
    });
  }

  prove(job: ProveJob, artifacts: ProverArtifacts): Promise<ProveResult> {
    const task: WorkerTask = { job, artifacts };
    return this.piscina.run(task, { name: this.engine }) as Promise<ProveResult>;
  }

  get queued(): number {
    return this.piscina.queueSize;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }
}
