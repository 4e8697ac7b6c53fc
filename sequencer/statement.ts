import { RoyaltyError } from "../core/errors.ts";
import { eventsTree } from "../core/merkle.ts";
import type { CircuitParams } from "../core/params.ts";
import type { Split } from "../core/split.ts";
import { accountShare } from "../core/statement.ts";
import type { BatchRecord, Store } from "./store/types.ts";

/** One event that credited the account: everything a verifier needs to check it on chain. */
export interface StatementLine {
  status: "settled" | "pending";
  batch: number;
  leafIndex: number;
  payer: string;
  seq: bigint;
  assetId: bigint;
  amount: bigint;
  ref: bigint;
  eventHash: bigint;
  /** the split the batch applied to the asset (account ids and basis points) */
  split: { recipients: bigint[]; bps: number[] };
  share: bigint;
  bps: number;
  /** the rounding remainder in `share` (the split's first recipient takes it) */
  remainder: bigint;
  txHash: string | null;
  settledAt: string | null;
  /** settled lines: the event's Merkle proof under the batch's eventsRoot */
  receipt?: { eventsRoot: string; proof: unknown };
}

export interface StatementQuery {
  accountId: bigint;
  fromBatch: number;
  toBatch: number;
  /** only batches settled at or after / before these times (ms) */
  fromTime?: number;
  toTime?: number;
  /** lines after this (batch, leafIndex) */
  after?: { batch: number; leafIndex: number };
  limit: number;
}

export interface Statement {
  lines: StatementLine[];
  /** unsettled batches' lines (first page only): they may still change or be dropped */
  pending: StatementLine[];
  totals: {
    total: bigint;
    lines: number;
    perAsset: Record<string, bigint>;
    perPayer: Record<string, bigint>;
    perBatch: Record<string, bigint>;
  };
  /** settled batches in the range that this sequencer did not cut: their lines are unknown here */
  unavailableBatches: number[];
  nextCursor: string | null;
}

const cursorOf = (l: { batch: number; leafIndex: number }) =>
  Buffer.from(`${l.batch}:${l.leafIndex}`).toString("base64url");

/** Reads a cursor of `nextCursor`; INVALID_REQUEST for anything else. */
export function parseCursor(cursor: string): { batch: number; leafIndex: number } {
  const m = /^(\d{1,12}):(\d{1,6})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!m) {
    throw new RoyaltyError("INVALID_REQUEST", "cursor: must be a nextCursor this API returned", {
      details: { field: "cursor" },
    });
  }
  return { batch: Number(m[1]), leafIndex: Number(m[2]) };
}

/** The split each asset slot of a batch applied, from the circuit input stored at cut. */
function splitsOf(batch: BatchRecord): Map<bigint, Split> {
  const input = batch.content?.input as
    | { assetId: string[]; splitRecipient: string[][]; splitBps: string[][] }
    | undefined;
  const splits = new Map<bigint, Split>();
  input?.assetId.forEach((id, a) => {
    if (id === "0") return;
    const ids = (input.splitRecipient[a] ?? []).map(BigInt);
    const used = ids.indexOf(0n);
    const n = used < 0 ? ids.length : used;
    splits.set(BigInt(id), {
      recipients: ids.slice(0, n),
      bps: (input.splitBps[a] ?? []).slice(0, n).map(Number),
    });
  });
  return splits;
}

function linesOf(
  store: Store,
  params: CircuitParams,
  batch: BatchRecord,
  accountId: bigint,
  status: StatementLine["status"],
): StatementLine[] {
  const splits = splitsOf(batch);
  const events = store.batchEvents(batch.number);
  const lines: StatementLine[] = [];
  let tree: ReturnType<typeof eventsTree> | undefined;
  for (const e of events) {
    const split = splits.get(e.assetId);
    const part = split && accountShare(e.amount, split, accountId);
    if (!split || !part || e.leafIndex === null) continue;
    const line: StatementLine = {
      status,
      batch: batch.number,
      leafIndex: e.leafIndex,
      payer: e.payer,
      seq: e.seq,
      assetId: e.assetId,
      amount: e.amount,
      ref: e.ref,
      eventHash: e.eventHash,
      split: { recipients: [...split.recipients], bps: [...split.bps] },
      share: part.share,
      bps: part.bps,
      remainder: part.remainder,
      txHash: status === "settled" ? batch.txHash : null,
      settledAt: batch.settledAt ? new Date(batch.settledAt).toISOString() : null,
    };
    if (status === "settled") {
      tree ??= eventsTree(
        params,
        events.map((x) => x.eventHash),
      );
      const proof = tree.createProof(e.leafIndex);
      line.receipt = { eventsRoot: String(proof.root), proof };
    }
    lines.push(line);
  }
  return lines.sort((a, b) => a.leafIndex - b.leafIndex);
}

/**
 * The account's statement over settled batches `fromBatch..toBatch`: one line per event that
 * credited it, with the split, the share and its rounding, the settlement and the receipt;
 * totals over the whole range, lines one page at a time.
 */
export function buildStatement(store: Store, params: CircuitParams, q: StatementQuery): Statement {
  const totals: Statement["totals"] = {
    total: 0n,
    lines: 0,
    perAsset: {},
    perPayer: {},
    perBatch: {},
  };
  const add = (m: Record<string, bigint>, k: string, v: bigint) => {
    m[k] = (m[k] ?? 0n) + v;
  };
  const lines: StatementLine[] = [];
  const unavailableBatches: number[] = [];
  let more = false;
  const last = Math.min(q.toBatch, store.lastBatchNumber());
  for (let n = q.fromBatch; n <= last; n++) {
    const batch = store.batch(n);
    if (batch?.status !== "settled") continue;
    if (q.fromTime !== undefined && (batch.settledAt ?? 0) < q.fromTime) continue;
    if (q.toTime !== undefined && (batch.settledAt ?? 0) > q.toTime) continue;
    if (!batch.content) {
      unavailableBatches.push(n);
      continue;
    }
    for (const line of linesOf(store, params, batch, q.accountId, "settled")) {
      totals.total += line.share;
      totals.lines++;
      add(totals.perAsset, String(line.assetId), line.share);
      add(totals.perPayer, line.payer, line.share);
      add(totals.perBatch, String(line.batch), line.share);
      const afterCursor =
        !q.after ||
        line.batch > q.after.batch ||
        (line.batch === q.after.batch && line.leafIndex > q.after.leafIndex);
      if (!afterCursor) continue;
      if (lines.length < q.limit) lines.push(line);
      else more = true;
    }
  }
  const pending = q.after
    ? []
    : store
        .unsettledBatches()
        .flatMap((b) => (b.content ? linesOf(store, params, b, q.accountId, "pending") : []));
  const lastLine = lines.at(-1);
  return {
    lines,
    pending,
    totals,
    unavailableBatches,
    nextCursor: more && lastLine ? cursorOf(lastLine) : null,
  };
}

const CSV_COLUMNS = [
  "status",
  "batch",
  "leafIndex",
  "assetId",
  "payer",
  "seq",
  "amount",
  "bps",
  "share",
  "remainder",
  "ref",
  "eventHash",
  "txHash",
  "settledAt",
] as const;

/** Statement lines (as built here, or as the API sent them) as CSV with a header row. */
export function linesCsv(
  lines: readonly Partial<Record<(typeof CSV_COLUMNS)[number], unknown>>[],
): string {
  const rows = lines.map((l) => CSV_COLUMNS.map((c) => String(l[c] ?? "")).join(","));
  return `${[CSV_COLUMNS.join(","), ...rows].join("\n")}\n`;
}

/** The statement's lines (settled, then pending) as CSV, for a spreadsheet. */
export function statementCsv(s: Statement): string {
  return linesCsv([...s.lines, ...s.pending]);
}
