import type { Logger } from "pino";
import { Gauge } from "prom-client";
import { buildBatch } from "../core/batch.ts";
import { RoyaltyError } from "../core/errors.ts";
import type { CircuitParams } from "../core/params.ts";
import { batchRequestOf } from "./batch-request.ts";
import type { ChainView } from "./chain-state.ts";
import { stringifyWithBigInts } from "./json.ts";
import type { Metrics } from "./metrics.ts";
import type { Store, StoredEvent } from "./store/types.ts";

const STUCK_GAUGE = "royalty_stuck_payers";

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
  /** true when some payer's next run did not fit the slots left, or every event slot is used */
  full: boolean;
}

/**
 * A payer's next run: its unbatched events from the first one up to and including the next signed
 * one (a batch may end a payer's events only there), with the asset and recipient slots it needs.
 */
interface Run {
  events: StoredEvent[];
  /** false when no signed event follows yet within the events read */
  signed: boolean;
  assets: Set<bigint>;
  recipients: Set<bigint>;
}

/**
 * Cuts accepted events into batches (DESIGN §5, docs/protocol.md §4 and §11).
 *
 * Runs: the circuit checks one signature per payer, over its last head in the batch, so a batch
 * ends each payer's events at a signed event and a payer joins a batch one run at a time (its next
 * events up to and including the next signed one). A payer's events stay in seq order and
 * contiguous: batch after batch, each takes the payer's next runs.
 *
 * Filling: runs are considered in acceptance order of their first event. A run that fits the slots
 * left (N events, P payers, A assets, R recipients; recipients are those of the assets' splits in
 * the chain view) joins the batch. A run that does not fit is skipped for this batch only, with its
 * payer's later runs (they may not jump ahead of it); the batch then counts as full and other
 * payers' runs keep filling it. The skipped run starts before anything left, so it leads the next
 * batch, where it fits. A batch is cut at once when full (or every event slot is used), otherwise
 * once its oldest event waited maxWaitMs. Its events are in acceptance order.
 *
 * Stuck: a payer whose run does not fit even an empty batch on its own (more than N events, or
 * more than A assets or R recipients) can never be batched, nor can anything it sent after (its
 * client signs too rarely). It is skipped so it cannot stall anyone else, and reported once per
 * run by an error log, `stuckPayers()` and the `royalty_stuck_payers` gauge. Whether a payer is
 * stuck depends only on its stored events and the splits, never on earlier ticks: the same stored
 * events give the same batches, across restarts too.
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
  /** payers found stuck by the last selection, each with the seq its stuck run starts at */
  private stuck = new Map<string, bigint>();

  constructor(private readonly opts: BatcherOptions) {
    this.maxWaitMs = opts.maxWaitMs ?? 2000;
    this.pollMs = opts.pollMs ?? 50;
    this.now = opts.now ?? Date.now;
    const registry = opts.metrics?.registry;
    if (registry && !registry.getSingleMetric(STUCK_GAUGE)) {
      const count = () => this.stuck.size;
      new Gauge({
        name: STUCK_GAUGE,
        help: "Payers whose events up to their next signed event do not fit an empty batch",
        registers: [registry],
        collect() {
          this.set(count());
        },
      });
    }
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

  /** Payers found stuck by the last look at the queue, in address order. */
  stuckPayers(): string[] {
    return [...this.stuck.keys()].sort();
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
    const byPayer = new Map<string, StoredEvent[]>();
    for (const e of pending) {
      const list = byPayer.get(e.payer);
      if (list) list.push(e);
      else byPayer.set(e.payer, [e]);
    }
    /** per payer, the index in byPayer of its first event not taken into the batch */
    const next = new Map<string, number>();
    /** payers with nothing more for this batch: skipped, stuck or waiting for a signature */
    const done = new Set<string>();
    const stuck = new Map<string, bigint>();
    const chosen: StoredEvent[] = [];
    const payers = new Set<string>();
    const assets = new Set<bigint>();
    const recipients = new Set<bigint>();
    let full = false;
    for (const e of pending) {
      if (done.has(e.payer)) continue;
      const list = byPayer.get(e.payer) as StoredEvent[];
      const at = next.get(e.payer) ?? 0;
      // Only the first event of the payer's next run is a decision; the run's others went with it.
      if (list[at] !== e) continue;
      const run = this.runFrom(list, at);
      if (run.events.length > N || run.assets.size > A || run.recipients.size > R) {
        // Too big for an empty batch, and a run never shrinks: whatever comes later, stuck.
        stuck.set(e.payer, e.seq);
        done.add(e.payer);
        continue;
      }
      if (!run.signed) {
        // Its signed event is beyond the events read: it waits.
        done.add(e.payer);
        continue;
      }
      const fits =
        chosen.length + run.events.length <= N &&
        payers.size + (payers.has(e.payer) ? 0 : 1) <= P &&
        assets.size + countNew(run.assets, assets) <= A &&
        recipients.size + countNew(run.recipients, recipients) <= R;
      if (!fits) {
        // Skip this payer for this batch only; other payers keep filling it.
        full = true;
        done.add(e.payer);
        continue;
      }
      chosen.push(...run.events);
      payers.add(e.payer);
      for (const a of run.assets) assets.add(a);
      for (const r of run.recipients) recipients.add(r);
      next.set(e.payer, at + run.events.length);
    }
    this.reportStuck(stuck);
    // Every event slot used is as full as an overflow: nothing more can join this batch.
    if (chosen.length === N) full = true;
    chosen.sort((x, y) => x.ord - y.ord);
    return { events: chosen, full };
  }

  /** The run starting at list[at]: up to the payer's next signed event, or all that was read. */
  private runFrom(list: readonly StoredEvent[], at: number): Run {
    const { N } = this.opts.params;
    const run: Run = { events: [], signed: false, assets: new Set(), recipients: new Set() };
    for (let i = at; i < list.length; i++) {
      const e = list[i] as StoredEvent;
      run.events.push(e);
      if (!run.assets.has(e.assetId)) {
        run.assets.add(e.assetId);
        for (const r of this.split(e.assetId).recipients) run.recipients.add(r);
      }
      if (e.signature) {
        run.signed = true;
        break;
      }
      // Already longer than any batch: reading further changes nothing.
      if (run.events.length > N) break;
    }
    return run;
  }

  /** Logs each payer newly stuck (once per stuck run) and each no longer stuck. */
  private reportStuck(found: Map<string, bigint>): void {
    const { N, A, R } = this.opts.params;
    for (const [payer, seq] of found) {
      if (this.stuck.get(payer) === seq) continue;
      this.opts.logger?.error(
        { payer, seq: seq.toString(), N, A, R },
        "payer stuck: its events from this seq to its next signed event do not fit an empty batch (more than N events, A assets or R recipients); none of its events can be batched",
      );
    }
    for (const [payer, seq] of this.stuck) {
      if (!found.has(payer)) {
        this.opts.logger?.info({ payer, seq: seq.toString() }, "payer no longer stuck");
      }
    }
    this.stuck = found;
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

/** How many of `xs` are not in `have`. */
function countNew<T>(xs: ReadonlySet<T>, have: ReadonlySet<T>): number {
  let n = 0;
  for (const x of xs) if (!have.has(x)) n++;
  return n;
}
