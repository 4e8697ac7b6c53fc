import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Store } from "./store/types.ts";

/**
 * Prometheus metrics of one sequencer. A registry per instance (not prom-client's global one) so
 * several servers in one process, as in tests, do not collide.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly eventsAccepted = new Counter({
    name: "royalty_events_accepted_total",
    help: "Events newly accepted (idempotent repeats not counted)",
    registers: [this.registry],
  });
  readonly eventsRejected = new Counter({
    name: "royalty_events_rejected_total",
    help: "Events in rejected requests, by error code",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly eventsRejectedAfterAck = new Counter({
    name: "royalty_events_rejected_after_ack_total",
    help: "Accepted (202) events that can never settle and were rejected, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly batchesDropped = new Counter({
    name: "royalty_batches_dropped_total",
    help: "Unsettled batches dropped because the chain changed what they were built on, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly foreignSettlements = new Counter({
    name: "royalty_foreign_settlements_total",
    help: "Batches settled on chain that this sequencer did not cut",
    registers: [this.registry],
  });
  readonly settlementReverts = new Counter({
    name: "royalty_settlement_reverts_total",
    help: "Settlement transactions (or their simulation) that reverted, by custom error",
    labelNames: ["error"] as const,
    registers: [this.registry],
  });
  readonly ingestSeconds = new Histogram({
    name: "royalty_ingest_seconds",
    help: "POST /v1/events latency, parse to durable commit",
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
    registers: [this.registry],
  });
  readonly batchFill = new Histogram({
    name: "royalty_batch_fill_ratio",
    help: "Events per cut batch divided by the circuit's event slots N",
    buckets: [0.1, 0.25, 0.5, 0.75, 0.9, 1],
    registers: [this.registry],
  });
  readonly batchesCut = new Counter({
    name: "royalty_batches_cut_total",
    help: "Batches cut, by reason (full or timeout)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly proofSeconds = new Histogram({
    name: "royalty_proof_seconds",
    help: "Time from a batch being cut to its proof",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly settlementSeconds = new Histogram({
    name: "royalty_settlement_seconds",
    help: "Time from a batch's proof to its settlement transaction being mined",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });

  /** Queue depths are read from the store at scrape time, so they cannot drift. */
  watchQueues(store: Store): void {
    new Gauge({
      name: "royalty_queue_depth",
      help: "Events waiting per stage: accepted (not batched), batched (not proven), proven (not settled)",
      labelNames: ["queue"] as const,
      registers: [this.registry],
      collect() {
        const d = store.queueDepths();
        this.set({ queue: "accepted" }, d.accepted);
        this.set({ queue: "batched" }, d.batched);
        this.set({ queue: "proven" }, d.proven);
      },
    });
  }
}
