import Database from "better-sqlite3";
import type { Signature } from "../../core/eddsa.ts";
import { RoyaltyError } from "../../core/errors.ts";
import { CreditIndex } from "./credit-index.ts";
import { SCHEMA, SCHEMA_VERSION } from "./schema.ts";
import type {
  BatchContent,
  BatchIndex,
  BatchRecord,
  BatchStatus,
  BatchSummary,
  CreditQuery,
  EventStatus,
  IndexedCredit,
  LifecycleStore,
  NewBatch,
  NewEvent,
  PayerAdvance,
  PayerRecord,
  QueueDepths,
  RejectedEvent,
  RejectReason,
  StoredEvent,
} from "./types.ts";

export interface EventRow {
  ord: bigint;
  payer: string;
  seq: bigint;
  asset_id: string;
  amount: string;
  ref: string;
  signature: string | null;
  key_hash: string | null;
  event_hash: string;
  prev_head: string;
  head: string;
  status: EventStatus;
  batch: bigint | null;
  leaf_index: bigint | null;
  received_at: bigint;
}

interface BatchRow {
  id: number;
  number: number;
  status: BatchStatus;
  origin: "sequencer" | "chain";
  event_count: number;
  events_root: string;
  content: string | null;
  proof: string | null;
  tx_hash: string | null;
  gas_used: string | null;
  created_at: number;
  proven_at: number | null;
  settled_at: number | null;
  drop_reason: string | null;
}

interface RejectedRow {
  payer: string;
  seq: bigint;
  asset_id: string;
  amount: string;
  ref: string;
  event_hash: string;
  head: string;
  reason: RejectReason;
  rejected_at: bigint;
}

function signatureToText(sig: Signature | null): string | null {
  if (!sig) return null;
  return JSON.stringify({ R8: [sig.R8[0].toString(), sig.R8[1].toString()], S: sig.S.toString() });
}

function textToSignature(text: string | null): Signature | null {
  if (text === null) return null;
  const raw = JSON.parse(text) as { R8: [string, string]; S: string };
  return { R8: [BigInt(raw.R8[0]), BigInt(raw.R8[1])], S: BigInt(raw.S) };
}

function toEvent(r: EventRow): StoredEvent {
  return {
    ord: Number(r.ord),
    payer: r.payer,
    seq: r.seq,
    assetId: BigInt(r.asset_id),
    amount: BigInt(r.amount),
    ref: BigInt(r.ref),
    signature: textToSignature(r.signature),
    keyHash: r.key_hash === null ? null : BigInt(r.key_hash),
    eventHash: BigInt(r.event_hash),
    prevHead: BigInt(r.prev_head),
    head: BigInt(r.head),
    status: r.status,
    batch: r.batch === null ? null : Number(r.batch),
    leafIndex: r.leaf_index === null ? null : Number(r.leaf_index),
    receivedAt: Number(r.received_at),
  };
}

function toBatch(r: BatchRow): BatchRecord {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    origin: r.origin,
    eventCount: r.event_count,
    eventsRoot: r.events_root,
    content: r.content === null ? null : (JSON.parse(r.content) as BatchContent),
    proof: r.proof,
    txHash: r.tx_hash,
    gasUsed: r.gas_used,
    createdAt: r.created_at,
    provenAt: r.proven_at,
    settledAt: r.settled_at,
    dropReason: r.drop_reason,
  };
}

function toRejected(r: RejectedRow): RejectedEvent {
  return {
    payer: r.payer,
    seq: r.seq,
    assetId: BigInt(r.asset_id),
    amount: BigInt(r.amount),
    ref: BigInt(r.ref),
    eventHash: BigInt(r.event_hash),
    head: BigInt(r.head),
    reason: r.reason,
    rejectedAt: Number(r.rejected_at),
  };
}

/** The default store: one SQLite file in WAL mode, fsync on every commit. */
export class SqliteStore implements LifecycleStore {
  private readonly db: Database.Database;
  private readonly stmt;
  private readonly index: CreditIndex;
  private readonly appendTx: (events: readonly NewEvent[], payers: readonly PayerAdvance[]) => void;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // FULL: a commit is fsynced before it returns, which is what lets a 202 mean durable.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    const db = this.db;
    const version = db.prepare("SELECT value FROM kv WHERE key = 'schemaVersion'").get() as
      | { value: string }
      | undefined;
    if (version && version.value !== SCHEMA_VERSION) {
      throw new RoyaltyError(
        "DATABASE_SCHEMA_MISMATCH",
        `${path} has schema version ${version.value}, this sequencer needs ${SCHEMA_VERSION}; start with a new database file (the chain keeps what was settled)`,
      );
    }
    db.prepare("INSERT OR IGNORE INTO kv (key, value) VALUES ('schemaVersion', ?)").run(
      SCHEMA_VERSION,
    );
    const events = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.index = new CreditIndex(db);
    this.stmt = {
      payer: db.prepare("SELECT * FROM payers WHERE payer = ?").safeIntegers(true),
      upsertPayer: db.prepare(
        `INSERT INTO payers (payer, next_seq, head, pending_debits) VALUES (?, ?, ?, ?)
         ON CONFLICT (payer) DO UPDATE SET next_seq = excluded.next_seq, head = excluded.head,
           pending_debits = excluded.pending_debits`,
      ),
      setPending: db.prepare("UPDATE payers SET pending_debits = ? WHERE payer = ?"),
      unsettledAmounts: db.prepare(
        "SELECT amount FROM events WHERE payer = ? AND status != 'settled'",
      ),
      event: events("SELECT * FROM events WHERE payer = ? AND seq = ?"),
      eventRange: events(
        "SELECT * FROM events WHERE payer = ? AND seq BETWEEN ? AND ? ORDER BY seq",
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (payer, seq, asset_id, amount, ref, signature, key_hash, event_hash,
           prev_head, head, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      unbatched: events("SELECT * FROM events WHERE batch IS NULL ORDER BY ord LIMIT ?"),
      lastBatch: db.prepare("SELECT max(number) AS n FROM batches WHERE status != 'dropped'"),
      insertBatch: db.prepare(
        `INSERT INTO batches (number, status, event_count, events_root, content, created_at)
         VALUES (?, 'batched', ?, ?, ?, ?)`,
      ),
      insertChainBatch: db.prepare(
        `INSERT INTO batches (number, status, origin, event_count, events_root, tx_hash, gas_used,
           created_at, settled_at) VALUES (?, 'settled', 'chain', 0, ?, ?, ?, ?, ?)`,
      ),
      assignEvent: db.prepare(
        `UPDATE events SET batch = ?, leaf_index = ?, status = ?
         WHERE payer = ? AND seq = ? AND batch IS NULL RETURNING ord`,
      ),
      batch: db.prepare("SELECT * FROM batches WHERE number = ? AND status != 'dropped'"),
      batchById: db.prepare("SELECT * FROM batches WHERE id = ?"),
      recent: db.prepare(
        "SELECT id, number, status, origin, event_count, events_root, NULL AS content, NULL AS proof, tx_hash, gas_used, created_at, proven_at, settled_at, drop_reason FROM batches WHERE status != 'dropped' AND number < ? ORDER BY number DESC LIMIT ?",
      ),
      dropped: db.prepare(
        "SELECT * FROM batches WHERE number = ? AND events_root = ? AND status = 'dropped' ORDER BY id DESC LIMIT 1",
      ),
      batchEvents: events("SELECT * FROM events WHERE batch = ? ORDER BY leaf_index"),
      unsettled: db.prepare(
        "SELECT * FROM batches WHERE status IN ('batched', 'proven') ORDER BY number",
      ),
      setBatchProven: db.prepare(
        "UPDATE batches SET status = 'proven', proof = ?, proven_at = ? WHERE id = ? AND status = 'batched'",
      ),
      setEventsStatus: db.prepare("UPDATE events SET status = ? WHERE batch = ?"),
      setBatchSettled: db.prepare(
        "UPDATE batches SET status = 'settled', tx_hash = ?, gas_used = ?, settled_at = ? WHERE id = ?",
      ),
      setSubmission: db.prepare("UPDATE batches SET tx_hash = ? WHERE id = ?"),
      setBatchDropped: db.prepare(
        "UPDATE batches SET status = 'dropped', drop_reason = ? WHERE id = ? AND status IN ('batched', 'proven')",
      ),
      unassign: db.prepare(
        "UPDATE events SET batch = NULL, leaf_index = NULL, status = 'accepted' WHERE batch = ? AND status != 'settled'",
      ),
      unsettledOf: events(
        "SELECT * FROM events WHERE payer = ? AND status != 'settled' ORDER BY seq",
      ),
      lastSettledOf: events(
        "SELECT * FROM events WHERE payer = ? AND status = 'settled' ORDER BY seq DESC LIMIT 1",
      ),
      byHead: events("SELECT * FROM events WHERE payer = ? AND head = ?"),
      settleUpTo: db.prepare(
        `UPDATE events SET status = 'settled', batch = coalesce(batch, ?)
         WHERE payer = ? AND seq <= ? AND status != 'settled'`,
      ),
      moveRejected: db.prepare(
        `INSERT INTO rejected_events (payer, seq, asset_id, amount, ref, event_hash, head, reason,
           received_at, rejected_at)
         SELECT payer, seq, asset_id, amount, ref, event_hash, head, ?, received_at, ?
         FROM events WHERE payer = ? AND seq >= ? AND status != 'settled'`,
      ),
      deleteFrom: db.prepare(
        "DELETE FROM events WHERE payer = ? AND seq >= ? AND status != 'settled'",
      ),
      rejected: events(
        "SELECT * FROM rejected_events WHERE payer = ? AND seq = ? ORDER BY id DESC LIMIT 1",
      ),
      depths: db.prepare(
        "SELECT status, count(*) AS n FROM events WHERE status != 'settled' GROUP BY status",
      ),
      getValue: db.prepare("SELECT value FROM kv WHERE key = ?"),
      setValue: db.prepare(
        "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ),
    };
    this.appendTx = db.transaction(
      (events: readonly NewEvent[], payers: readonly PayerAdvance[]) => {
        const now = Date.now();
        for (const e of events) {
          this.stmt.insertEvent.run(
            e.payer,
            e.seq,
            e.assetId.toString(),
            e.amount.toString(),
            e.ref.toString(),
            signatureToText(e.signature),
            e.keyHash === null ? null : e.keyHash.toString(),
            e.eventHash.toString(),
            e.prevHead.toString(),
            e.head.toString(),
            now,
          );
        }
        for (const p of payers) {
          const current = this.payerState(p.payer);
          if (current && current.head !== p.fromHead) {
            // The lifecycle rejected or reset this payer's chain while the request was checked.
            throw new RoyaltyError(
              "PAYER_CHAIN_MOVED",
              `payer ${p.payer}'s chain changed while the request was checked (events were settled by another batch or rejected); read GET /v1/payers/${p.payer} and send again from its nextSeq`,
              { details: { payer: p.payer } },
            );
          }
          // Added inside the transaction, never written from a value read before it.
          const pending = (current?.pendingDebits ?? 0n) + p.addedDebits;
          this.stmt.upsertPayer.run(p.payer, p.nextSeq, p.head.toString(), pending.toString());
        }
      },
    );
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  payerState(payer: string): PayerRecord | undefined {
    const r = this.stmt.payer.get(payer) as
      | { payer: string; next_seq: bigint; head: string; pending_debits: string }
      | undefined;
    if (!r) return undefined;
    return {
      payer: r.payer,
      nextSeq: r.next_seq,
      head: BigInt(r.head),
      pendingDebits: BigInt(r.pending_debits),
    };
  }

  event(payer: string, seq: bigint): StoredEvent | undefined {
    const r = this.stmt.event.get(payer, seq) as EventRow | undefined;
    return r && toEvent(r);
  }

  events(payer: string, fromSeq: bigint, toSeq: bigint): StoredEvent[] {
    return (this.stmt.eventRange.all(payer, fromSeq, toSeq) as EventRow[]).map(toEvent);
  }

  appendEvents(events: readonly NewEvent[], payers: readonly PayerAdvance[]): void {
    this.appendTx(events, payers);
  }

  unbatchedEvents(limit: number, exclude: readonly string[] = []): StoredEvent[] {
    if (exclude.length === 0) {
      return (this.stmt.unbatched.all(limit) as EventRow[]).map(toEvent);
    }
    const marks = exclude.map(() => "?").join(", ");
    return (
      this.db
        .prepare(
          `SELECT * FROM events WHERE batch IS NULL AND payer NOT IN (${marks}) ORDER BY ord LIMIT ?`,
        )
        .safeIntegers(true)
        .all(...exclude, limit) as EventRow[]
    ).map(toEvent);
  }

  lastBatchNumber(): number {
    return (this.stmt.lastBatch.get() as { n: number | null }).n ?? 0;
  }

  insertBatch(batch: NewBatch): number {
    return this.transaction(() => {
      // Contiguity is checked inside the transaction: a second writer can never leave a hole.
      const last = this.lastBatchNumber();
      if (batch.number <= last) {
        throw new RoyaltyError(
          "BATCH_NUMBER_TAKEN",
          `batch ${batch.number} cannot follow batch ${last}`,
        );
      }
      const id = Number(
        this.stmt.insertBatch.run(
          batch.number,
          batch.content.events.length,
          batch.content.calldata.eventsRoot,
          JSON.stringify(batch.content),
          Date.now(),
        ).lastInsertRowid,
      );
      batch.content.events.forEach((e, position) => {
        const row = this.stmt.assignEvent.get(
          batch.number,
          e.leaf ?? position,
          "batched",
          e.payer,
          BigInt(e.seq),
        );
        // An event already in a batch must never land in a second one.
        if (!row) {
          throw new RoyaltyError(
            "EVENT_ALREADY_BATCHED",
            `event ${e.payer}/${e.seq} is missing or already batched`,
          );
        }
      });
      this.index.write(id, batch.index);
      return id;
    });
  }

  batch(number: number): BatchRecord | undefined {
    const r = this.stmt.batch.get(number) as BatchRow | undefined;
    return r && toBatch(r);
  }

  batchById(id: number): BatchRecord | undefined {
    const r = this.stmt.batchById.get(id) as BatchRow | undefined;
    return r && toBatch(r);
  }

  batchEvents(number: number): StoredEvent[] {
    return (this.stmt.batchEvents.all(number) as EventRow[]).map(toEvent);
  }

  unsettledBatches(): BatchRecord[] {
    return (this.stmt.unsettled.all() as BatchRow[]).map(toBatch);
  }

  recentBatches(limit: number, before = Number.MAX_SAFE_INTEGER): BatchSummary[] {
    return (this.stmt.recent.all(before, limit) as BatchRow[]).map((r) => {
      const { content: _c, proof: _p, ...summary } = toBatch(r);
      return summary;
    });
  }

  credits(q: CreditQuery): IndexedCredit[] {
    return this.index.credits(q);
  }

  receipt(batchId: number, leafIndex: number): string | undefined {
    return this.index.receipt(batchId, leafIndex);
  }

  chainOriginBatches(fromBatch: number, toBatch: number): { number: number; settledAt: number }[] {
    return this.index.chainOriginBatches(fromBatch, toBatch);
  }

  unindexedBatches(): number[] {
    return this.index.unindexedBatches();
  }

  indexBatch(id: number, index: BatchIndex): void {
    this.transaction(() => this.index.write(id, index));
  }

  markProven(id: number, proof: string): boolean {
    return this.transaction(() => {
      const changed = this.stmt.setBatchProven.run(proof, Date.now(), id).changes;
      const batch = this.batchById(id);
      if (changed === 1 && batch) this.stmt.setEventsStatus.run("proven", batch.number);
      return changed === 1;
    });
  }

  recordSubmission(id: number, txHash: string): void {
    this.stmt.setSubmission.run(txHash, id);
  }

  settleBatch(id: number, txHash: string, gasUsed: bigint | null): void {
    this.transaction(() => {
      const batch = this.batchById(id);
      if (!batch) throw new RoyaltyError("NOT_FOUND", `no batch with id ${id}`);
      this.stmt.setBatchSettled.run(txHash, gasUsed?.toString() ?? null, Date.now(), id);
      this.stmt.setEventsStatus.run("settled", batch.number);
    });
  }

  insertChainBatch(
    number: number,
    eventsRoot: string,
    txHash: string,
    gasUsed: bigint | null,
  ): void {
    const now = Date.now();
    this.stmt.insertChainBatch.run(
      number,
      eventsRoot,
      txHash,
      gasUsed?.toString() ?? null,
      now,
      now,
    );
  }

  dropBatch(id: number, reason: string): void {
    this.transaction(() => {
      const batch = this.batchById(id);
      if (!batch || this.stmt.setBatchDropped.run(reason, id).changes !== 1) return;
      this.stmt.unassign.run(batch.number);
    });
  }

  droppedBatch(number: number, eventsRoot: string): BatchRecord | undefined {
    const r = this.stmt.dropped.get(number, eventsRoot) as BatchRow | undefined;
    return r && toBatch(r);
  }

  reviveSettled(id: number, txHash: string, gasUsed: bigint | null): void {
    this.transaction(() => {
      const batch = this.batchById(id);
      if (!batch?.content) throw new RoyaltyError("NOT_FOUND", `no batch content for id ${id}`);
      this.stmt.setBatchSettled.run(txHash, gasUsed?.toString() ?? null, Date.now(), id);
      batch.content.events.forEach((e, position) => {
        // Its events are out of any batch now (the lifecycle dropped the batches holding them).
        const row = this.stmt.assignEvent.get(
          batch.number,
          e.leaf ?? position,
          "settled",
          e.payer,
          BigInt(e.seq),
        );
        if (!row) {
          throw new RoyaltyError(
            "EVENT_ALREADY_BATCHED",
            `event ${e.payer}/${e.seq} of settled batch ${batch.number} is missing or in another batch`,
          );
        }
      });
    });
  }

  unsettledEventsOf(payer: string): StoredEvent[] {
    return (this.stmt.unsettledOf.all(payer) as EventRow[]).map(toEvent);
  }

  lastSettledEventOf(payer: string): StoredEvent | undefined {
    const r = this.stmt.lastSettledOf.get(payer) as EventRow | undefined;
    return r && toEvent(r);
  }

  eventByHead(payer: string, head: bigint): StoredEvent | undefined {
    const r = this.stmt.byHead.get(payer, head.toString()) as EventRow | undefined;
    return r && toEvent(r);
  }

  settleEventsUpTo(payer: string, seq: bigint, batchNumber: number): void {
    this.stmt.settleUpTo.run(batchNumber, payer, seq);
  }

  rejectEventsFrom(payer: string, seq: bigint, reason: RejectReason): number {
    return this.transaction(() => {
      this.stmt.moveRejected.run(reason, Date.now(), payer, seq);
      return this.stmt.deleteFrom.run(payer, seq).changes;
    });
  }

  rejectedEvent(payer: string, seq: bigint): RejectedEvent | undefined {
    const r = this.stmt.rejected.get(payer, seq) as RejectedRow | undefined;
    return r && toRejected(r);
  }

  resetPayer(payer: string, nextSeq: bigint, head: bigint): void {
    this.transaction(() => {
      this.stmt.upsertPayer.run(payer, nextSeq, head.toString(), "0");
      this.refreshPendingDebits(payer);
    });
  }

  refreshPendingDebits(payer: string): void {
    let pending = 0n;
    for (const r of this.stmt.unsettledAmounts.all(payer) as { amount: string }[]) {
      pending += BigInt(r.amount);
    }
    this.stmt.setPending.run(pending.toString(), payer);
  }

  queueDepths(): QueueDepths {
    const depths: QueueDepths = { accepted: 0, batched: 0, proven: 0 };
    for (const r of this.stmt.depths.all() as { status: keyof QueueDepths; n: number }[]) {
      depths[r.status] = r.n;
    }
    return depths;
  }

  getValue(key: string): string | undefined {
    return (this.stmt.getValue.get(key) as { value: string } | undefined)?.value;
  }

  setValue(key: string, value: string): void {
    this.stmt.setValue.run(key, value);
  }

  close(): void {
    this.db.close();
  }
}
