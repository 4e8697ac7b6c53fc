import { availableParallelism } from "node:os";
import { type ProverEngine, resolveEngine } from "./native/index.ts";
import { type ProveJob, type ProveResult, type ProverArtifacts, proveJob } from "./prove-job.ts";
import type { Prover } from "./prover.ts";

/**
 * One proof at a time on every core: the native prover's threads, or snarkjs's own pool of
 * worker threads (one per core). The other prover configuration of docs/protocol.md §13, next to
 * ProverPool's several single-threaded proofs at once. The calling thread only coordinates
 * (and computes witnesses), so the sequencer's API stays responsive while it proves. Later
 * batches wait their turn in order; a failure comes back as a result, as from the pool.
 */
export class MultiThreadProver implements Prover {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  /** the engine this prover proves with */
  readonly engine: ProverEngine;
  private readonly threads: number;

  constructor(options: { engine?: ProverEngine | "auto"; threads?: number } = {}) {
    this.engine = resolveEngine(options.engine);
    this.threads = options.threads ?? availableParallelism();
  }

  prove(job: ProveJob, artifacts: ProverArtifacts): Promise<ProveResult> {
    this.pending++;
    const result = this.tail.then(() =>
      proveJob(job, artifacts, {
        singleThread: false,
        engine: this.engine,
        threads: this.threads,
        reuseCalculator: true,
      }),
    );
    this.tail = result.catch(() => undefined);
    return result.finally(() => {
      this.pending--;
    });
  }

  get queued(): number {
    return this.pending;
  }

  async close(): Promise<void> {
    await this.tail;
  }
}
