import type Database from "better-sqlite3";
import type { CreditPart, LineageSplit } from "../../core/statement.ts";
import type { CreditPartJson } from "../../sdk/statement.ts";
import type { EventRow } from "./sqlite.ts";
import type { BatchIndex, BatchStatus, Credit, CreditQuery, IndexedCredit } from "./types.ts";

type CreditRow = Pick<
  EventRow,
  "payer" | "seq" | "asset_id" | "amount" | "ref" | "prev_head" | "event_hash"
> & {
  account_id: string;
  batch_id: number;
  leaf_index: number;
  share: string;
  bps: number;
  remainder: string;
  split: string;
  number: number;
  status: BatchStatus;
  tx_hash: string | null;
  settled_at: number | null;
};

/** A split as the `split` column stores it: decimal strings, bps as numbers. */
interface SplitJson {
  recipients: string[];
  bps: number[];
  parent?: { assetId: string; bps: number };
}

/**
 * The `split` column: the event asset's split, and, since lineage, the credit's parts and the
 * lineage's splits in the same JSON (no new column). Rows written before lineage have neither:
 * their one part is level 0, their lineage the split itself.
 */
interface SplitColumn extends SplitJson {
  parts?: CreditPartJson[];
  lineage?: (SplitJson & { assetId: string })[];
}

const splitToJson = (s: {
  recipients: readonly bigint[];
  bps: readonly number[];
  parent?: { assetId: bigint; bps: number };
}): SplitJson => ({
  recipients: s.recipients.map(String),
  bps: [...s.bps],
  ...(s.parent ? { parent: { assetId: String(s.parent.assetId), bps: s.parent.bps } } : {}),
});

const splitFromJson = (s: SplitJson) => ({
  recipients: s.recipients.map(BigInt),
  bps: s.bps,
  ...(s.parent ? { parent: { assetId: BigInt(s.parent.assetId), bps: s.parent.bps } } : {}),
});

const toCredit = (r: CreditRow): IndexedCredit => {
  const column = JSON.parse(r.split) as SplitColumn;
  const split = splitFromJson(column);
  const assetId = BigInt(r.asset_id);
  const share = BigInt(r.share);
  const remainder = BigInt(r.remainder);
  const bps = Number(r.bps);
  const parts: CreditPart[] = column.parts
    ? column.parts.map((p) => ({
        level: p.level,
        assetId: BigInt(p.assetId),
        amount: BigInt(p.amount),
        bps: p.bps,
        share: BigInt(p.share),
        remainder: BigInt(p.remainder),
      }))
    : [{ level: 0, assetId, amount: BigInt(r.amount), bps, share, remainder }];
  const lineage: LineageSplit[] = column.lineage
    ? column.lineage.map((l) => ({ assetId: BigInt(l.assetId), ...splitFromJson(l) }))
    : [{ assetId, ...split }];
  return {
    accountId: BigInt(r.account_id),
    leafIndex: Number(r.leaf_index),
    share,
    bps,
    remainder,
    split,
    parts,
    lineage,
    batchId: Number(r.batch_id),
    batch: Number(r.number),
    batchStatus: r.status,
    txHash: r.tx_hash,
    settledAt: r.settled_at === null ? null : Number(r.settled_at),
    payer: r.payer,
    seq: BigInt(r.seq),
    assetId,
    amount: BigInt(r.amount),
    ref: BigInt(r.ref),
    prevHead: BigInt(r.prev_head),
    eventHash: BigInt(r.event_hash),
  };
};

const columnOf = (c: Credit): string => {
  const column: SplitColumn = {
    ...splitToJson(c.split),
    parts: c.parts.map((p) => ({
      level: p.level,
      assetId: String(p.assetId),
      amount: String(p.amount),
      bps: p.bps,
      share: String(p.share),
      remainder: String(p.remainder),
    })),
    lineage: c.lineage.map((l) => ({ assetId: String(l.assetId), ...splitToJson(l) })),
  };
  return JSON.stringify(column);
};

/**
 * The statement index's tables (schema.ts: credits, receipts) for SqliteStore: written once per
 * batch inside the cut's transaction, read by account with the primary key's order.
 */
export class CreditIndex {
  private readonly stmt;

  constructor(db: Database.Database) {
    // A live batch's events point at its number; a dropped batch's rows stay but never match,
    // since at most one row per number is not dropped and the filter keeps only those.
    const credits = (statuses: string) =>
      db
        .prepare(
          `SELECT c.*, b.number, b.status, b.tx_hash, b.settled_at,
             e.payer, e.seq, e.asset_id, e.amount, e.ref, e.prev_head, e.event_hash
           FROM credits c
           JOIN batches b ON b.id = c.batch_id
           JOIN events e ON e.batch = b.number AND e.leaf_index = c.leaf_index
           WHERE c.account_id = ? AND b.status IN (${statuses}) AND b.number BETWEEN ? AND ?
           ORDER BY b.number, c.leaf_index`,
        )
        .safeIntegers(true);
    this.stmt = {
      insertCredit: db.prepare(
        `INSERT OR IGNORE INTO credits (account_id, batch_id, leaf_index, share, bps, remainder, split)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertReceipt: db.prepare(
        "INSERT OR IGNORE INTO receipts (batch_id, leaf_index, proof) VALUES (?, ?, ?)",
      ),
      settledCredits: credits("'settled'"),
      pendingCredits: credits("'batched', 'proven'"),
      receipt: db.prepare("SELECT proof FROM receipts WHERE batch_id = ? AND leaf_index = ?"),
      chainOrigin: db.prepare(
        `SELECT number, settled_at AS settledAt FROM batches
         WHERE origin = 'chain' AND status = 'settled' AND number BETWEEN ? AND ? ORDER BY number`,
      ),
      unindexed: db.prepare(
        `SELECT id FROM batches b WHERE content IS NOT NULL AND status != 'dropped'
         AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.batch_id = b.id) ORDER BY number`,
      ),
    };
  }

  /** Writes a batch's index; the caller holds the transaction. */
  write(batchId: number, index: BatchIndex): void {
    for (const c of index.credits) {
      this.stmt.insertCredit.run(
        String(c.accountId),
        batchId,
        c.leafIndex,
        String(c.share),
        c.bps,
        String(c.remainder),
        columnOf(c),
      );
    }
    for (const r of index.receipts) this.stmt.insertReceipt.run(batchId, r.leafIndex, r.proof);
  }

  credits(q: CreditQuery): IndexedCredit[] {
    const stmt = q.settled ? this.stmt.settledCredits : this.stmt.pendingCredits;
    // Batch numbers above 2^53 cannot exist; clamp so SQLite compares integers.
    const to = Math.min(q.toBatch, Number.MAX_SAFE_INTEGER);
    return (stmt.all(String(q.accountId), q.fromBatch, to) as CreditRow[]).map(toCredit);
  }

  receipt(batchId: number, leafIndex: number): string | undefined {
    return (this.stmt.receipt.get(batchId, leafIndex) as { proof: string } | undefined)?.proof;
  }

  chainOriginBatches(fromBatch: number, toBatch: number): { number: number; settledAt: number }[] {
    return this.stmt.chainOrigin.all(fromBatch, Math.min(toBatch, Number.MAX_SAFE_INTEGER)) as {
      number: number;
      settledAt: number;
    }[];
  }

  unindexedBatches(): number[] {
    return (this.stmt.unindexed.all() as { id: number }[]).map((r) => r.id);
  }
}
