import type { ProverArtifacts } from "./groth16.ts";
import { type ProofRequest, type ProveJob, type ProveResult, proveJobOf } from "./jobs.ts";
import proveJob from "./prove-job.ts";
import type { Prover } from "./prover.ts";

/**
 * One proof at a time, each on snarkjs's own pool of worker threads (one per core): the other
 * prover configuration of DESIGN §9, next to ProverPool's several single-threaded proofs at once.
 * The calling thread only coordinates, so the sequencer's API stays responsive while it proves.
 * Later batches wait their turn in order; a failure comes back as a result, as from the pool.
 */
export class MultiThreadProver implements Prover {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  prove(
    batchNumber: number,
    artifacts: ProverArtifacts,
    built: ProofRequest,
  ): Promise<ProveResult> {
    return this.run(proveJobOf(batchNumber, artifacts, built));
  }

  run(job: ProveJob): Promise<ProveResult> {
    this.pending++;
    const result = this.tail.then(() => proveJob(job, { singleThread: false }));
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
