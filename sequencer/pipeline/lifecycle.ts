import type { Logger } from "pino";
import type { BuiltBatch } from "../../core/batch.ts";
import { toJsonValue } from "../../core/json.ts";
import type { CircuitParams } from "../../core/params.ts";
import { batchCalldata } from "../../prover/calldata.ts";
import { applyLog, type ChainSettlement } from "../chain/apply-log.ts";
import type { ChainRange, ChainSink, WatcherPosition } from "../chain/watcher.ts";
import type { InMemoryChainView } from "../chain-state.ts";
import type { Metrics } from "../metrics.ts";
import { batchIndexOf } from "../statement.ts";
import type {
  BatchContent,
  BatchIndex,
  BatchRecord,
  LifecycleStore,
  RejectReason,
  StoredEvent,
} from "../store/types.ts";

const POSITION_KEY = "chain.position";
const VIEW_KEY = "chain.view";

export interface LifecycleOptions {
  store: LifecycleStore;
  view: InMemoryChainView;
  params: CircuitParams;
  logger?: Logger;
  metrics?: Metrics;
}

/** Why a batch no longer matches the chain it was built on (docs/protocol.md §14). */
export type DropReason =
  | "NUMBER_TAKEN"
  | "PAYER_UNKNOWN"
  | "KEY_CHANGED"
  | "HEAD_MOVED"
  | "ESCROW_SHORT"
  | "SPLIT_CHANGED"
  | "AFTER_DROPPED_BATCH";

const hex = (address: bigint) => `0x${address.toString(16).padStart(40, "0")}`;

/**
 * The one owner of the batch and event lifecycle (docs/protocol.md §14). Every status change goes
 * through here, each in one SQLite transaction with what it implies:
 *
 * - `cut`: a batch is built once and stored whole (circuit input, public signals, settlement
 *   call, and the chain state it was built against); proving and settlement read that record.
 * - `proven`: the proof joins the record.
 * - `applyRange` (the chain watcher's sink): the chain is the source of truth. Its events update
 *   the chain view; a BatchSettled, whoever sent it, settles the matching batch (and releases its
 *   pending debits in the same write that lowers the escrow view) or, for a batch this sequencer
 *   did not cut, the events it covers. Then every unsettled batch is checked against the chain; the
 *   first that no longer matches (a key or split applied, escrow below its debits, its number
 *   taken) is dropped with every later one, and their events are cut again. Events that never can
 *   settle are rejected with a stable reason; the payer's chain continues from what remains.
 *   The view and the watcher's position are saved in the same transaction, so a range is applied
 *   once or not at all.
 */
export class BatchLifecycle implements ChainSink {
  constructor(private readonly o: LifecycleOptions) {}

  /** Loads the chain view saved with the last applied range; false when there is none. */
  restoreView(): boolean {
    const saved = this.o.store.getValue(VIEW_KEY);
    if (saved) this.o.view.restore(saved);
    const at = this.o.store.getValue(POSITION_KEY);
    if (at) this.o.view.setBlockTime(BigInt((JSON.parse(at) as { timestamp: string }).timestamp));
    return saved !== undefined;
  }

  position(): WatcherPosition | undefined {
    const saved = this.o.store.getValue(POSITION_KEY);
    if (!saved) return undefined;
    const p = JSON.parse(saved) as { next: string; lastHash: `0x${string}` };
    return { next: BigInt(p.next), lastHash: p.lastHash };
  }

  /** The number the next batch gets: after every batch cut and every batch the chain settled. */
  nextBatchNumber(): number {
    const cut = this.o.store.lastBatchNumber();
    const settled = Number(this.o.view.settledBatches);
    return Math.max(cut, settled) + 1;
  }

  /** Stores a batch built from `events` (in batch order) as a record; returns its number. */
  cut(events: readonly StoredEvent[], built: BuiltBatch): number {
    const { params } = this.o;
    const d = built.publicData;
    const used = built.payerSlots.filter((p) => p !== 0n).length;
    const content: BatchContent = {
      input: built.input,
      publicSignals: built.publicSignals.map(String),
      publicData: toJsonValue(d) as BatchContent["publicData"],
      calldata: toJsonValue(batchCalldata(params, built)) as BatchContent["calldata"],
      against: {
        payers: built.payerSlots.slice(0, used).map((address, i) => ({
          address: hex(address),
          keyHash: String(d.keyHash[i]),
          oldHead: String(d.oldHead[i]),
          newHead: String(d.newHead[i]),
          debit: String(d.debits[i]),
        })),
        assets: built.assetSlots
          .filter((a) => a !== 0n)
          .map((assetId, i) => ({ assetId: String(assetId), splitHash: String(d.splitHash[i]) })),
      },
      events: events.map((e, i) => ({
        payer: e.payer,
        seq: String(e.seq),
        leaf: built.eventSlots[i] as number,
      })),
    };
    // Computed outside the transaction: the statement index depends on the content alone. It
    // serves statements only, so failing to build it must never stop a batch: the batch is cut
    // without it, and indexed again at the next start.
    let index: BatchIndex = { credits: [], receipts: [] };
    try {
      index = batchIndexOf(params, content, events);
    } catch (error) {
      this.o.logger?.error({ err: (error as Error).message }, "statement index: batch not indexed");
    }
    return this.o.store.transaction(() => {
      const number = this.nextBatchNumber();
      this.o.store.insertBatch({ number, content, index });
      return number;
    });
  }

  /** Records a proof; false when the batch was dropped while it was being proven. */
  proven(id: number, proof: string): boolean {
    return this.o.store.markProven(id, proof);
  }

  /** Remembers the settlement transaction sent for a batch (its outcome comes from the chain). */
  submitted(id: number, txHash: string): void {
    this.o.store.recordSubmission(id, txHash);
  }

  /** Rejects a payer's events from `seq` on: they can never settle (e.g. a run no batch holds). */
  rejectFrom(payer: string, seq: bigint, reason: RejectReason): void {
    this.o.store.transaction(() => this.reject(payer, seq, reason));
  }

  applyRange(range: ChainRange): void {
    const { store, view, params } = this.o;
    const before = range.logs.length > 0 ? view.snapshot() : undefined;
    try {
      store.transaction(() => {
        const touched = new Set<string>();
        for (const log of range.logs) {
          const change = applyLog(view, params, log);
          if (change?.kind === "settled") {
            const gas = range.gasUsed.get(change.settlement.txHash) ?? null;
            this.settleFromChain(change.settlement, gas, touched);
          } else if (change?.kind === "payer") {
            touched.add(hex(change.payer));
          }
        }
        view.setBlockTime(range.timestamp);
        for (const payer of this.revalidate()) touched.add(payer);
        for (const payer of touched) this.reconcilePayer(payer);
        if (before !== undefined) store.setValue(VIEW_KEY, view.snapshot());
        store.setValue(
          POSITION_KEY,
          JSON.stringify({
            next: String(range.toBlock + 1n),
            lastHash: range.toHash,
            timestamp: String(range.timestamp),
          }),
        );
      });
    } catch (error) {
      if (before !== undefined) view.restore(before);
      throw error;
    }
  }

  /** A BatchSettled: our batch with that number and content, or someone else's. */
  private settleFromChain(s: ChainSettlement, gasUsed: bigint | null, touched: Set<string>): void {
    const { store } = this.o;
    const number = Number(s.batchNumber);
    for (const p of s.payers) if (p !== 0n) touched.add(hex(p));
    const live = store.batch(number);
    if (live?.status === "settled") return;
    if (live && matches(live, s)) {
      store.settleBatch(live.id, s.txHash, gasUsed);
      this.onSettled(live, s);
      return;
    }
    // Someone else's batch took this number: everything cut from it on is void.
    for (const b of store.unsettledBatches()) {
      if (b.number >= number)
        this.drop(b, b.number === number ? "NUMBER_TAKEN" : "AFTER_DROPPED_BATCH", touched);
    }
    // Perhaps a copy of a batch this sequencer cut and then dropped: its record still holds the
    // events and their leaves, so receipts keep working.
    const copy = store.droppedBatch(number, String(s.eventsRoot));
    if (copy && matches(copy, s)) {
      try {
        store.transaction(() => store.reviveSettled(copy.id, s.txHash, gasUsed));
        this.onSettled(copy, s);
        return;
      } catch (error) {
        this.o.logger?.warn(
          { batch: number, err: error },
          "settled copy of a dropped batch: events no longer held",
        );
      }
    }
    store.insertChainBatch(number, String(s.eventsRoot), s.txHash, gasUsed);
    s.payers.forEach((payer, i) => {
      if (payer === 0n) return;
      const e = store.eventByHead(hex(payer), s.newHeads[i] as bigint);
      if (e && e.status !== "settled") store.settleEventsUpTo(hex(payer), e.seq, number);
    });
    this.o.logger?.warn(
      { batch: number, tx: s.txHash },
      "batch settled on chain that this sequencer did not cut; the events it covers are settled, the rest cut again",
    );
    this.o.metrics?.foreignSettlements.inc();
  }

  private onSettled(batch: BatchRecord, s: ChainSettlement): void {
    if (batch.provenAt) {
      this.o.metrics?.settlementSeconds.observe((Date.now() - batch.provenAt) / 1000);
    }
    this.o.logger?.info({ batch: batch.number, tx: s.txHash }, "batch settled");
  }

  /**
   * Checks every unsettled batch, in number order, against the chain as it is now (heads carried
   * from batch to batch, escrow spent batch by batch); drops the first that fails and every later
   * one. Returns the payers of the dropped batches.
   */
  private revalidate(): Set<string> {
    const { store, view } = this.o;
    const touched = new Set<string>();
    const live = store.unsettledBatches();
    let expected = view.settledBatches + 1n;
    const heads = new Map<string, bigint>();
    const left = new Map<string, bigint>();
    const at = live.findIndex((b) => {
      const reason = this.invalidReason(b, expected, heads, left);
      if (reason) {
        this.drop(b, reason, touched);
        return true;
      }
      expected++;
      return false;
    });
    if (at >= 0) for (const b of live.slice(at + 1)) this.drop(b, "AFTER_DROPPED_BATCH", touched);
    return touched;
  }

  private invalidReason(
    b: BatchRecord,
    expected: bigint,
    heads: Map<string, bigint>,
    left: Map<string, bigint>,
  ): DropReason | undefined {
    const { view } = this.o;
    const against = b.content?.against;
    if (!against) return undefined;
    if (BigInt(b.number) !== expected) return "NUMBER_TAKEN";
    for (const p of against.payers) {
      const chain = view.payer(BigInt(p.address));
      if (!chain) return "PAYER_UNKNOWN";
      if (chain.keyHash !== BigInt(p.keyHash)) return "KEY_CHANGED";
      if ((heads.get(p.address) ?? chain.head) !== BigInt(p.oldHead)) return "HEAD_MOVED";
      if ((left.get(p.address) ?? chain.escrow) < BigInt(p.debit)) return "ESCROW_SHORT";
    }
    for (const a of against.assets) {
      if (view.asset(BigInt(a.assetId))?.splitHash !== BigInt(a.splitHash)) return "SPLIT_CHANGED";
    }
    for (const p of against.payers) {
      heads.set(p.address, BigInt(p.newHead));
      left.set(
        p.address,
        (left.get(p.address) ?? (view.payer(BigInt(p.address))?.escrow as bigint)) -
          BigInt(p.debit),
      );
    }
    return undefined;
  }

  private drop(b: BatchRecord, reason: DropReason, touched: Set<string>): void {
    this.o.store.dropBatch(b.id, reason);
    for (const p of b.content?.against.payers ?? []) touched.add(p.address);
    this.o.metrics?.batchesDropped.inc({ reason });
    this.o.logger?.warn(
      { batch: b.number, reason },
      "batch dropped: the chain changed what it was built on; its events are cut again",
    );
  }

  /**
   * Brings a payer's unsettled events in line with the chain: they must continue from the settled
   * head, every run's signature must be under the registered key (or the pending one), and the
   * runs, in seq order, must fit the escrow. The first run that breaks a rule is rejected with
   * every later event (they chain from it); the payer's chain continues from what remains.
   */
  private reconcilePayer(payer: string): void {
    const { store, view } = this.o;
    const chain = view.payer(BigInt(payer));
    const record = store.payerState(payer);
    if (!chain || !record) return;
    const events = store.unsettledEventsOf(payer);
    let keep = 0;
    let reason: RejectReason | undefined;
    if (events.length > 0 && (events[0] as StoredEvent).prevHead !== chain.head) {
      reason = "CHAIN_DIVERGED";
    } else {
      let spent = 0n;
      let run = 0n;
      for (const [i, e] of events.entries()) {
        run += e.amount;
        if (!e.signature) continue;
        if (e.keyHash !== chain.keyHash && e.keyHash !== chain.pendingKey?.keyHash) {
          reason = "KEY_ROTATED";
          break;
        }
        if (spent + run > chain.escrow) {
          reason = "UNFUNDED";
          break;
        }
        spent += run;
        run = 0n;
        keep = i + 1;
      }
    }
    if (reason && keep < events.length) {
      this.reject(payer, (events[keep] as StoredEvent).seq, reason);
      return;
    }
    const last = events.at(-1);
    store.resetPayer(payer, last ? last.seq + 1n : record.nextSeq, last ? last.head : chain.head);
  }

  private reject(payer: string, seq: bigint, reason: RejectReason): void {
    const { store, view } = this.o;
    const first = store.event(payer, seq);
    if (!first) return;
    const count = store.rejectEventsFrom(payer, seq, reason);
    // The chain continues from the head before the first rejected event, unless it is the chain
    // that moved elsewhere.
    const chainHead = view.payer(BigInt(payer))?.head;
    const head =
      reason === "CHAIN_DIVERGED" && chainHead !== undefined ? chainHead : first.prevHead;
    store.resetPayer(payer, seq, head);
    this.o.metrics?.eventsRejectedAfterAck.inc({ reason }, count);
    this.o.logger?.warn(
      { payer, fromSeq: String(seq), count, reason },
      "events rejected: they can never settle; the payer's chain continues from its last event kept",
    );
  }
}

/** The settlement is this batch: same number, events root, payers and new heads. */
function matches(b: BatchRecord, s: ChainSettlement): boolean {
  const c = b.content?.calldata;
  if (!c || BigInt(b.number) !== s.batchNumber || BigInt(c.eventsRoot) !== s.eventsRoot)
    return false;
  return (
    c.payers.every((p, i) => BigInt(p) === s.payers[i]) &&
    c.newHeads.every((h, i) => BigInt(h) === s.newHeads[i])
  );
}
