import type { Logger } from "pino";
import type { ProverArtifacts } from "../../prover/prove-job.ts";
import type { Prover } from "../../prover/prover.ts";
import type { Metrics } from "../metrics.ts";
import type { BatchRecord, Store } from "../store/types.ts";
import type { BatchLifecycle } from "./lifecycle.ts";

export interface ProvingLoopOptions {
  store: Store;
  lifecycle: BatchLifecycle;
  /** in-process pool or a queue to prover processes */
  prover: Prover;
  artifacts: ProverArtifacts;
  logger?: Logger;
  metrics?: Metrics;
  pollMs?: number;
  /** wait after a failed proof before asking again (default 2 s): a prover that fails at once
   * (wrong keys, Redis down) is not hammered every poll */
  retryMs?: number;
}

/**
 * Proves every batch the batcher stored, several at once (the prover decides how many run), and
 * records each proof through the lifecycle. A failed proof leaves the batch `batched`: the next
 * pass proves it again, so no batch is ever lost. The circuit input and the public signals come
 * from the batch record made at cut, so a restart needs nothing but the database, and a batch
 * dropped while it was being proven (the chain changed under it) simply keeps no proof.
 */
export class ProvingLoop {
  private readonly inFlight = new Set<number>();
  private readonly failedAt = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(private readonly o: ProvingLoopOptions) {}

  /** Starts a proof for every batch waiting for one; resolves when they have all finished. */
  async proveReady(): Promise<number> {
    const retryAfter = Date.now() - (this.o.retryMs ?? 2000);
    const waiting = this.o.store
      .unsettledBatches()
      .filter(
        (b) =>
          b.status === "batched" &&
          !this.inFlight.has(b.id) &&
          (this.failedAt.get(b.id) ?? 0) <= retryAfter,
      );
    const results = await Promise.all(waiting.map((b) => this.prove(b)));
    return results.filter(Boolean).length;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      // Not awaited: a batch stored while others are being proven starts at the next tick
      // instead of after the slowest of them, which keeps several prover processes busy.
      void this.proveReady();
      this.timer = setTimeout(tick, this.o.pollMs ?? 250);
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async prove(batch: BatchRecord): Promise<boolean> {
    const { id, number } = batch;
    const content = batch.content;
    if (!content) return false;
    this.inFlight.add(id);
    const started = performance.now();
    try {
      const result = await this.o.prover.prove(
        { batchNumber: number, input: content.input, expectedPublicSignals: content.publicSignals },
        this.o.artifacts,
      );
      if (!result.ok) {
        this.failedAt.set(id, Date.now());
        this.o.logger?.error(
          { batch: number, code: result.code, err: result.message },
          "proof failed; will retry",
        );
        return false;
      }
      this.failedAt.delete(id);
      if (!this.o.lifecycle.proven(id, JSON.stringify(result.proof))) {
        this.o.logger?.info({ batch: number }, "proof discarded: the batch was dropped meanwhile");
        return false;
      }
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
      // The prover rejected (a crashed pool): the next pass tries again.
      this.failedAt.set(id, Date.now());
      this.o.logger?.error({ batch: number, err: error }, "could not prove the batch; will retry");
      return false;
    } finally {
      this.inFlight.delete(id);
    }
  }
}
