import type { ProveJob, ProveResult, ProverArtifacts } from "./prove-job.ts";

/**
 * What the sequencer and the queue worker need from proving, wherever it runs: in this process
 * (ProverPool's worker threads, MultiThreadProver) or in prover processes fed through Redis
 * (QueueProver, which sends the hash of `artifacts.zkey`, not the paths). A failure may come back
 * as an `{ ok: false }` result or as a rejection; the caller treats both as "retry later".
 */
export interface Prover {
  prove(job: ProveJob, artifacts: ProverArtifacts): Promise<ProveResult>;
  /** proofs asked for and not finished yet */
  readonly queued: number;
  close(): Promise<void>;
}
