import Database from "better-sqlite3";
import type { Signature } from "../../core/eddsa.ts";
import type {
  BatchRecord,
  BatchStatus,
  EventStatus,
  NewBatch,
  NewEvent,
  PayerAdvance,
  PayerRecord,
  QueueDepths,
  Store,
  StoredEvent,
} from "./types.ts";

// Big numbers are decimal TEXT: amounts and hashes exceed SQLite's 64-bit integers. seq is an
// INTEGER: ingest only accepts seq = next expected, so it cannot outgrow 2^63 in practice.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  ord INTEGER PRIMARY KEY,
  payer TEXT NOT NULL,
  seq INTEGER NOT NULL,
  asset_id TEXT NOT NULL,
  amount TEXT NOT NULL,
  ref TEXT NOT NULL,
  signature TEXT,
  event_hash TEXT NOT NULL,
  prev_head TEXT NOT NULL,
  head TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'accepted',
  batch INTEGER,
  leaf_index INTEGER,
  received_at INTEGER NOT NULL,
  UNIQUE (payer, seq)
);
CREATE INDEX IF NOT EXISTS events_unbatched ON events (ord) WHERE batch IS NULL;
CREATE INDEX IF NOT EXISTS events_by_batch ON events (batch, leaf_index) WHERE batch IS NOT NULL;
CREATE TABLE IF NOT EXISTS batches (
  number INTEGER PRIMARY KEY,
  status TEXT NOT NULL,
  event_count INTEGER NOT NULL,
  first_ord INTEGER NOT NULL,
  last_ord INTEGER NOT NULL,
  public_data TEXT NOT NULL,
  proof TEXT,
  tx_hash TEXT,
  gas_used TEXT,
  created_at INTEGER NOT NULL,
  proven_at INTEGER,
  settled_at INTEGER
);
CREATE TABLE IF NOT EXISTS payers (
  payer TEXT PRIMARY KEY,
  next_seq INTEGER NOT NULL,
  head TEXT NOT NULL,
  pending_debits TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

interface EventRow {
  ord: bigint;
  payer: string;
  seq: bigint;
  asset_id: string;
  amount: string;
  ref: string;
  signature: string | null;
  event_hash: string;
  prev_head: string;
  head: string;
  status: EventStatus;
  batch: bigint | null;
  leaf_index: bigint | null;
  received_at: bigint;
}

interface BatchRow {
  number: number;
  status: BatchStatus;
  event_count: number;
  public_data: string;
  proof: string | null;
  tx_hash: string | null;
  gas_used: string | null;
  created_at: number;
  proven_at: number | null;
  settled_at: number | null;
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
    number: r.number,
    status: r.status,
    eventCount: r.event_count,
    publicData: r.public_data,
    proof: r.proof,
    txHash: r.tx_hash,
    gasUsed: r.gas_used,
    createdAt: r.created_at,
    provenAt: r.proven_at,
    settledAt: r.settled_at,
  };
}

/** The default store: one SQLite file in WAL mode, fsync on every commit. */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmt;
  private readonly appendTx: (events: readonly NewEvent[], payers: readonly PayerAdvance[]) => void;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    // FULL: a commit is fsynced before it returns, which is what lets a 202 mean durable.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    const db = this.db;
    const events = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.stmt = {
      payer: db.prepare("SELECT * FROM payers WHERE payer = ?").safeIntegers(true),
      upsertPayer: db.prepare(
        `INSERT INTO payers (payer, next_seq, head, pending_debits) VALUES (?, ?, ?, ?)
         ON CONFLICT (payer) DO UPDATE SET next_seq = excluded.next_seq, head = excluded.head,
           pending_debits = excluded.pending_debits`,
      ),
      event: events("SELECT * FROM events WHERE payer = ? AND seq = ?"),
      eventRange: events(
        "SELECT * FROM events WHERE payer = ? AND seq BETWEEN ? AND ? ORDER BY seq",
      ),
      insertEvent: db.prepare(
        `INSERT INTO events (payer, seq, asset_id, amount, ref, signature, event_hash, prev_head,
           head, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      unbatched: events("SELECT * FROM events WHERE batch IS NULL ORDER BY ord LIMIT ?"),
      lastBatch: db.prepare("SELECT max(number) AS n FROM batches"),
      insertBatch: db.prepare(
        `INSERT INTO batches (number, status, event_count, first_ord, last_ord, public_data,
           created_at) VALUES (?, 'batched', ?, ?, ?, ?, ?)`,
      ),
      assignEvent: db.prepare(
        `UPDATE events SET batch = ?, leaf_index = ?, status = 'batched'
         WHERE payer = ? AND seq = ? AND batch IS NULL RETURNING ord`,
      ),
      batch: db.prepare("SELECT * FROM batches WHERE number = ?"),
      batchEvents: events("SELECT * FROM events WHERE batch = ? ORDER BY leaf_index"),
      unsettled: db.prepare("SELECT * FROM batches WHERE status != 'settled' ORDER BY number"),
      setBatchProven: db.prepare(
        "UPDATE batches SET status = 'proven', proof = ?, proven_at = ? WHERE number = ? AND status = 'batched'",
      ),
      setEventsStatus: db.prepare("UPDATE events SET status = ? WHERE batch = ?"),
      setBatchSettled: db.prepare(
        "UPDATE batches SET status = 'settled', tx_hash = ?, gas_used = ?, settled_at = ? WHERE number = ? AND status != 'settled'",
      ),
      batchDebits: db.prepare("SELECT payer, amount FROM events WHERE batch = ?"),
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
            e.eventHash.toString(),
            e.prevHead.toString(),
            e.head.toString(),
            now,
          );
        }
        for (const p of payers) {
          const pending = (this.payerState(p.payer)?.pendingDebits ?? 0n) + p.addedDebits;
          this.stmt.upsertPayer.run(p.payer, p.nextSeq, p.head.toString(), pending.toString());
        }
      },
    );
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

  unbatchedEvents(limit: number): StoredEvent[] {
    return (this.stmt.unbatched.all(limit) as EventRow[]).map(toEvent);
  }

  lastBatchNumber(): number {
    return (this.stmt.lastBatch.get() as { n: number | null }).n ?? 0;
  }

  insertBatch(batch: NewBatch): void {
    this.db.transaction(() => {
      // Contiguity is checked inside the transaction: a second writer can never leave a hole.
      const last = this.lastBatchNumber();
      if (batch.number !== last + 1) {
        throw new Error(`batch ${batch.number} does not follow batch ${last}`);
      }
      const ords: number[] = [];
      batch.events.forEach((e, leaf) => {
        const row = this.stmt.assignEvent.get(batch.number, leaf, e.payer, e.seq) as
          | { ord: number }
          | undefined;
        // An event already in a batch must never land in a second one.
        if (!row) throw new Error(`event ${e.payer}/${e.seq} is missing or already batched`);
        ords.push(row.ord);
      });
      this.stmt.insertBatch.run(
        batch.number,
        batch.events.length,
        Math.min(...ords),
        Math.max(...ords),
        batch.publicData,
        Date.now(),
      );
    })();
  }

  batch(number: number): BatchRecord | undefined {
    const r = this.stmt.batch.get(number) as BatchRow | undefined;
    return r && toBatch(r);
  }

  batchEvents(number: number): StoredEvent[] {
    return (this.stmt.batchEvents.all(number) as EventRow[]).map(toEvent);
  }

  unsettledBatches(): BatchRecord[] {
    return (this.stmt.unsettled.all() as BatchRow[]).map(toBatch);
  }

  markProven(number: number, proof: string): void {
    this.db.transaction(() => {
      const changed = this.stmt.setBatchProven.run(proof, Date.now(), number).changes;
      if (changed === 1) this.stmt.setEventsStatus.run("proven", number);
    })();
  }

  markSettled(number: number, txHash: string, gasUsed: bigint): void {
    this.db.transaction(() => {
      const changed = this.stmt.setBatchSettled.run(
        txHash,
        gasUsed.toString(),
        Date.now(),
        number,
      ).changes;
      if (changed !== 1) return;
      this.stmt.setEventsStatus.run("settled", number);
      const debits = new Map<string, bigint>();
      for (const r of this.stmt.batchDebits.all(number) as { payer: string; amount: string }[]) {
        debits.set(r.payer, (debits.get(r.payer) ?? 0n) + BigInt(r.amount));
      }
      for (const [payer, amount] of debits) {
        const p = this.payerState(payer);
        if (!p) continue;
        this.stmt.upsertPayer.run(
          payer,
          p.nextSeq,
          p.head.toString(),
          (p.pendingDebits - amount).toString(),
        );
      }
    })();
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
