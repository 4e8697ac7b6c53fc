import type { Logger } from "pino";
import { buildBatch } from "../core/batch.ts";
import { RoyaltyError } from "../core/errors.ts";
import type { CircuitParams } from "../core/params.ts";
import { batchRequestOf } from "./batch-request.ts";
import type { ChainView } from "./chain-state.ts";
import { stringifyWithBigInts } from "./json.ts";
import type { Metrics } from "./metrics.ts";
import type { Store, StoredEvent } from "./store/types.ts";

export interface BatcherOptions {
  store: Store;
  chain: ChainView;
  params: CircuitParams;
  /** cut a non-full batch once its oldest event waited this long; default 2000 ms */
  maxWaitMs?: number;
  /** how often to look for work; default 50 ms */
  pollMs?: number;
  metrics?: Metrics;
  logger?: Logger;
  now?: () => number;
}

interface Selection {
  events: StoredEvent[];
  /** true when the next eligible event would have overflowed a slot type */
  full: boolean;
}

/**
 * Cuts accepted events into batches (DESIGN §5, docs/protocol.md §4).
 *
 * Order: acceptance order, which keeps each payer's events in seq order. A payer's events are
 * eligible only up to its last signed event, because the circuit checks one signature per payer,
 * over its last head in the batch; later events wait. Walking eligible events in order, the batch
 * is cut when the next one would need an (N+1)-th event slot or one payer, asset or recipient slot
 * too many, or when its oldest event waited maxWaitMs. After the walk each payer's run is trimmed
 * back to its last signed event in the batch. A payer whose run cannot reach a signed event
 * within one batch is stuck (its client signs too rarely); it is skipped with an error log so it
 * cannot stall other payers.
 *
 * Heads: each payer's starting head is the head before its first event in the batch, from the
 * sequencer's own accepted chain (the previous batch may not be settled: batches are proven in
 * parallel).
 */
export class Batcher {
  private readonly maxWaitMs: number;
  private readonly pollMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly stuck = new Set<string>();

  constructor(private readonly opts: BatcherOptions) {
    this.maxWaitMs = opts.maxWaitMs ?? 2000;
    this.pollMs = opts.pollMs ?? 50;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.running = true;
    const loop = () => {
      if (!this.running) return;
      try {
        this.tick();
      } catch (err) {
        this.opts.logger?.error({ err }, "batcher tick failed");
      }
      if (this.running) this.timer = setTimeout(loop, this.pollMs);
    };
    this.timer = setTimeout(loop, this.pollMs);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Cuts the batches that are due now (at most `limit`); returns their numbers. */
  tick(limit = 8): number[] {
    const cut: number[] = [];
    while (cut.length < limit) {
      const sel = this.select();
      if (sel.events.length === 0) break;
      const oldest = Math.min(...sel.events.map((e) => e.receivedAt));
      if (!sel.full && this.now() - oldest < this.maxWaitMs) break;
      cut.push(this.cut(sel));
    }
    return cut;
  }

  private select(): Selection {
    const { N, P, A, R } = this.opts.params;
    const pending = this.opts.store.unbatchedEvents(N * P * 8);
    const excluded = new Set(this.stuck);
    for (;;) {
      const lastSigned = new Map<string, number>();
      pending.forEach((e, i) => {
        if (e.signature) lastSigned.set(e.payer, i);
      });
      const events: StoredEvent[] = [];
      const payers = new Set<string>();
      const assets = new Set<bigint>();
      const recipients = new Set<bigint>();
      let full = false;
      for (const [i, e] of pending.entries()) {
        if (excluded.has(e.payer) || i > (lastSigned.get(e.payer) ?? -1)) continue;
        const split = this.split(e.assetId).recipients;
        const newRecipients = split.filter((r) => !recipients.has(r)).length;
        if (
          events.length + 1 > N ||
          payers.size + (payers.has(e.payer) ? 0 : 1) > P ||
          assets.size + (assets.has(e.assetId) ? 0 : 1) > A ||
          recipients.size + newRecipients > R
        ) {
          full = true;
          break;
        }
        events.push(e);
        payers.add(e.payer);
        assets.add(e.assetId);
        for (const r of split) recipients.add(r);
      }
      // Every event slot used is as full as an overflow: nothing more can join this batch.
      if (events.length === N) full = true;
      const trimmed = trimToSigned(events);
      if (trimmed.length > 0 || !full) return { events: trimmed, full };
      // Nothing survives the trim although the walk overflowed: the first payer cannot reach a
      // signed event within one batch. Skip it for good and try again without it.
      const first = events[0] as StoredEvent;
      this.stuck.add(first.payer);
      excluded.add(first.payer);
      this.opts.logger?.error(
        { payer: first.payer, seq: first.seq.toString() },
        "payer's unsigned run does not fit one batch; its events cannot be batched until it signs within N events",
      );
    }
  }

  private split(assetId: bigint) {
    const asset = this.opts.chain.asset(assetId);
    if (!asset)
      throw new RoyaltyError("UNKNOWN_ASSET", `asset ${assetId} vanished from the chain view`);
    return asset.split;
  }

  private cut(sel: Selection): number {
    const { store, chain, params } = this.opts;
    const events = sel.events;
    // The reference model re-derives every hash and checks each payer's signature: a batch the
    // circuit would reject is never persisted.
    const built = buildBatch(batchRequestOf(events, chain, params));
    built.heads.forEach((h, i) => {
      if (h !== events[i]?.head) {
        throw new RoyaltyError(
          "HEAD_MISMATCH",
          `event ${i} of the batch: stored head differs from the reference model`,
        );
      }
    });
    const number = store.lastBatchNumber() + 1;
    store.insertBatch({
      number,
      publicData: stringifyWithBigInts(built.publicData),
      events: events.map((e) => ({ payer: e.payer, seq: e.seq })),
    });
    this.opts.metrics?.batchFill.observe(events.length / params.N);
    this.opts.metrics?.batchesCut.inc({ reason: sel.full ? "full" : "timeout" });
    this.opts.logger?.info({ batch: number, events: events.length, full: sel.full }, "batch cut");
    return number;
  }
}

/** Drops each payer's events after its last signed event in the list. */
function trimToSigned(events: StoredEvent[]): StoredEvent[] {
  const lastSigned = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.signature) lastSigned.set(e.payer, i);
  });
  return events.filter((e, i) => i <= (lastSigned.get(e.payer) ?? -1));
}
