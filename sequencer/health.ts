import { Gauge } from "prom-client";
import type { ChainWatcher } from "./chain/watcher.ts";
import type { ChainView } from "./chain-state.ts";
import type { Metrics } from "./metrics.ts";
import type { Store } from "./store/types.ts";

/** Why the sequencer is degraded: each a label of `royalty_degraded{reason}`. */
export const DEGRADED_REASONS = [
  "watcher_stopped",
  "watcher_behind",
  "proving_stalled",
  "settlement_stalled",
] as const;
export type DegradedReason = (typeof DEGRADED_REASONS)[number];

export interface HealthReport {
  status: "ok" | "degraded";
  reasons: { reason: DegradedReason; message: string }[];
}

export interface HealthOptions {
  /** work waiting this long without any progress of its stage is a stall (default 600 s) */
  stallMs?: number;
  /** the view this many blocks behind the confirmed head is behind (default 50) */
  maxLagBlocks?: bigint;
  /** how often the stages are sampled, so a stall is timed from when work began to wait */
  sampleMs?: number;
}

/** A stage's clock: since when its work has waited with no progress. */
interface StageClock {
  token: number | bigint | undefined;
  waitingSince: number | undefined;
}

/**
 * Tells whether settlement is going on. A stage (proving, settlement) is stalled when it has had
 * work waiting for `stallMs` and in that time made no progress (no proof made, no batch settled on
 * chain, whoever settled it); the watcher is behind when its view lags the confirmed head by more
 * than `maxLagBlocks`, or stopped when it failed for good. Each reason is also a gauge, so an
 * alert can say why.
 */
export class HealthMonitor {
  private readonly o: Required<HealthOptions>;
  private readonly proving: StageClock = { token: undefined, waitingSince: undefined };
  private readonly settling: StageClock = { token: undefined, waitingSince: undefined };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      store: Store;
      chain: ChainView;
      metrics: Metrics;
      watcher?: ChainWatcher;
    },
    options: HealthOptions = {},
  ) {
    const stallMs = options.stallMs ?? 600_000;
    this.o = {
      stallMs,
      maxLagBlocks: 50n,
      sampleMs: Math.max(100, Math.min(5000, stallMs / 4)),
      ...options,
    };
    const monitor = this;
    new Gauge({
      name: "royalty_degraded",
      help: "1 while the sequencer is degraded for this reason (GET /v1/health says more)",
      labelNames: ["reason"] as const,
      registers: [deps.metrics.registry],
      async collect() {
        const { reasons } = await monitor.check();
        for (const reason of DEGRADED_REASONS) {
          this.set({ reason }, reasons.some((r) => r.reason === reason) ? 1 : 0);
        }
      },
    });
  }

  /** Samples the stages now and then, so a stall is timed even when nobody asks. */
  start(): void {
    const sample = () => {
      void this.check().finally(() => {
        this.timer = setTimeout(sample, this.o.sampleMs);
        this.timer.unref();
      });
    };
    sample();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  async check(now = Date.now()): Promise<HealthReport> {
    const { store, chain, metrics, watcher } = this.deps;
    const reasons: HealthReport["reasons"] = [];
    if (watcher?.error) {
      reasons.push({
        reason: "watcher_stopped",
        message: `the chain watcher stopped (${watcher.error.code}): ${watcher.error.message}`,
      });
    } else if (watcher && watcher.lag > this.o.maxLagBlocks) {
      reasons.push({
        reason: "watcher_behind",
        message: `the view of the chain is ${watcher.lag} blocks behind the confirmed head (more than ${this.o.maxLagBlocks})`,
      });
    }
    const depths = store.queueDepths();
    const proofs = (await metrics.proofSeconds.get()).values.find((v) =>
      v.metricName?.endsWith("_count"),
    )?.value;
    const stalledFor = (clock: StageClock, waiting: number, token: number | bigint | undefined) => {
      if (waiting === 0) {
        clock.waitingSince = undefined;
      } else if (clock.waitingSince === undefined || token !== clock.token) {
        clock.waitingSince = now; // work began to wait, or the stage made progress
      }
      clock.token = token;
      return clock.waitingSince === undefined ? 0 : now - clock.waitingSince;
    };
    const provingStall = stalledFor(this.proving, depths.batched, proofs ?? 0);
    if (provingStall > this.o.stallMs) {
      reasons.push({
        reason: "proving_stalled",
        message: `${depths.batched} events have waited ${Math.round(provingStall / 1000)} s for a proof and none was made: are the provers running (royalty prover, or --provers > 0)?`,
      });
    }
    const settlingStall = stalledFor(this.settling, depths.proven, chain.settledBatches);
    if (settlingStall > this.o.stallMs) {
      reasons.push({
        reason: "settlement_stalled",
        message: `${depths.proven} proven events have waited ${Math.round(settlingStall / 1000)} s and no batch settled: is the submitter funded and the operator, and the RPC answering?`,
      });
    }
    return { status: reasons.length ? "degraded" : "ok", reasons };
  }
}
