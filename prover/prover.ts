import type { ProverArtifacts } from "./groth16.ts";
import type { ProofRequest, ProveResult } from "./jobs.ts";

/**
 * What the sequencer needs from proving, wherever it runs: in this process (ProverPool, worker
 * threads) or in prover processes fed through Redis (QueueProver). A failure may come back as an
 * `{ ok: false }` result or as a rejection; the caller treats both as "retry later".
 */
export interface Prover {
  prove(batchNumber: number, artifacts: ProverArtifacts, built: ProofRequest): Promise<ProveResult>;
  /** proofs asked for and not finished yet */
  readonly queued: number;
  close(): Promise<void>;
}
