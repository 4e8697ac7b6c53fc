import type { Logger } from "pino";
import { type BuiltBatch, buildBatch } from "../core/batch.ts";
import { RoyaltyError } from "../core/errors.ts";
import { lineageOf } from "../core/lineage.ts";
import type { CircuitParams } from "../core/params.ts";
import { batchRequestOf, splitOfView } from "./batch-request.ts";
import type { ChainView } from "./chain-state.ts";
import type { Metrics } from "./metrics.ts";
import type { BatchLifecycle } from "./pipeline/lifecycle.ts";
import type { Store, StoredEvent } from "./store/types.ts";

export interface BatcherOptions {
  store: Store;
  chain: ChainView;
  params: CircuitParams;
  /** stores cut batches and rejects runs no batch can hold */
  lifecycle: BatchLifecycle;
  /**
   * seconds before a split update can take effect from which its asset waits: batches cut later
   * could not settle before anyone may apply the update (default 600)
   */
  changeMarginSec?: number;
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
  /** event slots: one per event and one per parent its asset's lineage climbs */
  slots: number;
  /** false when no signed event follows yet within the events read */
  signed: boolean;
  /** key hash the run's signature verified under */
  keyHash: bigint | null;
  /** every asset of every event's lineage: each takes an asset slot */
  assets: Set<bigint>;
  recipients: Set<bigint>;
}

/**
 * Cuts accepted events into batches (docs/protocol.md §7, docs/protocol.md §4 and §11).
 *
 * Runs: the circuit checks one signature per payer, over its last head in the batch, so a batch
 * ends each payer's events at a signed event and a payer joins a batch one run at a time (its next
 * events up to and including the next signed one). A payer's events stay in seq order and
 * contiguous: batch after batch, each takes the payer's next runs.
 *
 * Filling: runs are considered in acceptance order of their first event. A run that fits the slots
 * left (N event slots, P payers, A assets, R recipients; an event takes a slot more per parent of
 * its asset's lineage, whose assets take asset slots too, and recipients are those of all these
 * assets' splits in the chain view) joins the batch. A run that does not fit is skipped for this batch only, with its
 * payer's later runs (they may not jump ahead of it); the batch then counts as full and other
 * payers' runs keep filling it. The skipped run starts before anything left, so it leads the next
 * batch, where it fits. A batch is cut at once when full (or every event slot is used), otherwise
 * once its oldest event waited maxWaitMs. Its events are in acceptance order.
 *
 * Waiting: a run signed under a key that is not (yet) the registered one waits for the rotation to
 * be applied; a run on an asset whose split update takes effect within `changeMarginSec` waits for
 * the update (batches on the old split settle first). Its payer's later runs wait with it.
 *
 * Too large: a run that does not fit even an empty batch (ingest refuses those, but a split update
 * can add recipients to a stored run) can never settle: its events and the payer's later ones are
 * rejected (RUN_TOO_LARGE) so they cannot stall anyone. The selection depends only on the stored
 * events and the chain view: the same stored events give the same batches, across restarts too.
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
    const { N } = this.opts.params;
    const limit = N * this.opts.params.P * 8;
    // Payers that wait (a rotation or split update) could fill the window read: read again
    // without them, so everyone else still fills the batch.
    const waiting: string[] = [];
    for (let pass = 0; ; pass++) {
      const pending = this.opts.store.unbatchedEvents(limit, waiting);
      const sel = this.selectFrom(pending, waiting);
      if (sel.full || pending.length < limit || pass === 3 || sel.waited === 0) return sel;
    }
  }

  private selectFrom(pending: StoredEvent[], waiting: string[]): Selection & { waited: number } {
    const { N, P, A, R } = this.opts.params;
    const byPayer = new Map<string, StoredEvent[]>();
    for (const e of pending) {
      const list = byPayer.get(e.payer);
      if (list) list.push(e);
      else byPayer.set(e.payer, [e]);
    }
    /** per payer, the index in byPayer of its first event not taken into the batch */
    const next = new Map<string, number>();
    /** payers with nothing more for this batch: skipped, waiting or without a signature yet */
    const done = new Set<string>();
    const chosen: StoredEvent[] = [];
    let slots = 0;
    const payers = new Set<string>();
    const assets = new Set<bigint>();
    const recipients = new Set<bigint>();
    let full = false;
    let waited = 0;
    for (const e of pending) {
      if (done.has(e.payer)) continue;
      const list = byPayer.get(e.payer) as StoredEvent[];
      const at = next.get(e.payer) ?? 0;
      // Only the first event of the payer's next run is a decision; the run's others went with it.
      if (list[at] !== e) continue;
      const run = this.runFrom(list, at);
      if (run.slots > N || run.assets.size > A || run.recipients.size > R) {
        // Too big for an empty batch, and a run never shrinks: it can never settle.
        this.opts.lifecycle.rejectFrom(e.payer, e.seq, "RUN_TOO_LARGE");
        done.add(e.payer);
        continue;
      }
      if (!run.signed) {
        // Its signed event is beyond the events read: it waits.
        done.add(e.payer);
        continue;
      }
      if (!this.ready(e.payer, run)) {
        done.add(e.payer);
        if (at === 0) {
          waiting.push(e.payer);
          waited++;
        }
        continue;
      }
      const fits =
        slots + run.slots <= N &&
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
      slots += run.slots;
      payers.add(e.payer);
      for (const a of run.assets) assets.add(a);
      for (const r of run.recipients) recipients.add(r);
      next.set(e.payer, at + run.events.length);
    }
    // Every event slot used is as full as an overflow: nothing more can join this batch.
    if (slots === N) full = true;
    chosen.sort((x, y) => x.ord - y.ord);
    return { events: chosen, full, waited };
  }

  /**
   * A run may join a batch only when its signature is under the payer's registered key (a run
   * under a requested key waits for the rotation) and none of its assets has a split update due
   * within the margin (the update waits for batches on the old split to settle, then applies).
   */
  private ready(payer: string, run: Run): boolean {
    const chain = this.opts.chain;
    if (chain.payer(BigInt(payer))?.keyHash !== run.keyHash) return false;
    const margin = BigInt(this.opts.changeMarginSec ?? 600);
    const now = chain.now();
    for (const assetId of run.assets) {
      const pending = chain.asset(assetId)?.pendingSplit;
      if (pending && now >= pending.effectiveAt - margin) return false;
    }
    return true;
  }

  /** The run starting at list[at]: up to the payer's next signed event, or all that was read. */
  private runFrom(list: readonly StoredEvent[], at: number): Run {
    const { N } = this.opts.params;
    const run: Run = {
      events: [],
      slots: 0,
      signed: false,
      keyHash: null,
      assets: new Set(),
      recipients: new Set(),
    };
    for (let i = at; i < list.length; i++) {
      const e = list[i] as StoredEvent;
      run.events.push(e);
      const lineage = this.lineage(e.assetId);
      run.slots += lineage.length;
      for (const assetId of lineage) {
        if (run.assets.has(assetId)) continue;
        run.assets.add(assetId);
        for (const r of this.split(assetId).recipients) run.recipients.add(r);
      }
      if (e.signature) {
        run.signed = true;
        run.keyHash = e.keyHash;
        break;
      }
      // Already longer than any batch: reading further changes nothing.
      if (run.slots > N) break;
    }
    return run;
  }

  /**
   * The asset and its parents. A lineage the chain view cannot follow (deeper than D or through
   * an unknown asset: the contract's levels rule both out) counts as larger than any batch, so
   * its run is rejected rather than stalling everyone.
   */
  private lineage(assetId: bigint): bigint[] {
    const { params, chain } = this.opts;
    try {
      return lineageOf(assetId, splitOfView(chain), params.D);
    } catch (error) {
      this.opts.logger?.error(
        { err: (error as Error).message, assetId: String(assetId) },
        "lineage unreadable",
      );
      return Array<bigint>(params.N + 1).fill(assetId);
    }
  }

  private split(assetId: bigint) {
    const asset = this.opts.chain.asset(assetId);
    if (!asset)
      throw new RoyaltyError("UNKNOWN_ASSET", `asset ${assetId} vanished from the chain view`);
    return asset.split;
  }

  private cut(sel: Selection): number {
    const { chain, params } = this.opts;
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
    const number = this.opts.lifecycle.cut(events, built);
    this.opts.metrics?.batchFill.observe(slotsUsed(built) / params.N);
    this.opts.metrics?.batchesCut.inc({ reason: sel.full ? "full" : "timeout" });
    this.opts.logger?.info({ batch: number, events: events.length, full: sel.full }, "batch cut");
    return number;
  }
}

/** Event slots a built batch uses: its events and their lineage slots. */
function slotsUsed(built: BuiltBatch): number {
  const lineage = (built.input.eventLineage as string[]).filter((flag) => flag === "1").length;
  return built.eventSlots.length + lineage;
}

/** How many of `xs` are not in `have`. */
function countNew<T>(xs: ReadonlySet<T>, have: ReadonlySet<T>): number {
  let n = 0;
  for (const x of xs) if (!have.has(x)) n++;
  return n;
}
