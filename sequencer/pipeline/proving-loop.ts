import type { Logger } from "pino";
import { buildBatch } from "../../core/batch.ts";
import type { CircuitParams } from "../../core/params.ts";
import type { ProverArtifacts } from "../../prover/groth16.ts";
import type { ProverPool } from "../../prover/pool.ts";
import { batchRequestOf } from "../batch-request.ts";
import type { ChainView } from "../chain-state.ts";
import type { Metrics } from "../metrics.ts";
import type { Store } from "../store/types.ts";

export interface ProvingLoopOptions {
  store: Store;
  chain: ChainView;
  params: CircuitParams;
  pool: ProverPool;
  artifacts: ProverArtifacts;
  logger?: Logger;
  metrics?: Metrics;
  pollMs?: number;
}

/**
 * Proves every batch the batcher stored, several at once (the pool decides how many run), and
 * records each proof in the store. A failed proof leaves the batch `batched`: the next pass proves
 * it again, so no batch is ever lost. Batches are rebuilt from the stored events with the
 * reference model, so a restart needs nothing but the database.
 */
export class ProvingLoop {
  private readonly inFlight = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(private readonly o: ProvingLoopOptions) {}

  /** Starts a proof for every batch waiting for one; resolves when they have all finished. */
  async proveReady(): Promise<number> {
    const waiting = this.o.store
      .unsettledBatches()
      .filter((b) => b.status === "batched" && !this.inFlight.has(b.number));
    const results = await Promise.all(waiting.map((b) => this.prove(b.number)));
    return results.filter(Boolean).length;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      void this.proveReady().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.o.pollMs ?? 250);
      });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async prove(number: number): Promise<boolean> {
    this.inFlight.add(number);
    const started = performance.now();
    try {
      const built = buildBatch(
        batchRequestOf(this.o.store.batchEvents(number), this.o.chain, this.o.params),
      );
      const result = await this.o.pool.prove(number, this.o.artifacts, built);
      if (!result.ok) {
        this.o.logger?.error(
          { batch: number, code: result.code, err: result.message },
          "proof failed; will retry",
        );
        return false;
      }
      this.o.store.markProven(number, JSON.stringify(result.proof));
      this.o.metrics?.proofSeconds.observe((performance.now() - started) / 1000);
      this.o.logger?.info(
        {
          batch: number,
          witnessMs: Math.round(result.witnessMs),
          proveMs: Math.round(result.proveMs),
        },
        "batch proven",
      );
      return true;
    } catch (error) {
      this.o.logger?.error(
        { batch: number, err: error },
        "could not rebuild the batch for proving; will retry",
      );
      return false;
    } finally {
      this.inFlight.delete(number);
    }
  }
}
