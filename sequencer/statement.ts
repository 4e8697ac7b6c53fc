import { RoyaltyError } from "../core/errors.ts";
import { toJsonValue } from "../core/json.ts";
import { type LineageStep, lineageShares } from "../core/lineage.ts";
import { eventsTree } from "../core/merkle.ts";
import type { CircuitParams } from "../core/params.ts";
import type { Split } from "../core/split.ts";
import { type CreditPart, creditOf, type LineageSplit } from "../core/statement.ts";
import type {
  BatchContent,
  BatchIndex,
  Credit,
  EventFields,
  IndexedCredit,
  Store,
  StoredEvent,
} from "./store/types.ts";

/** One event that credited the account: everything a verifier needs to check it on chain. */
export interface StatementLine extends EventFields {
  status: "settled" | "pending";
  batch: number;
  leafIndex: number;
  /** the split the batch applied to the event's asset (account ids, basis points, parent) */
  split: Credit["split"];
  /** the account's whole share of the event: the sum of `parts` */
  share: bigint;
  /** level 0's bps, or the first part's when the event's own split does not name the account */
  bps: number;
  /** the rounding remainder in that level's share (the split's first recipient takes it) */
  remainder: bigint;
  /** per level of the event's lineage whose split names the account (level 0: the event's asset) */
  parts: CreditPart[];
  /** the splits from the event's asset up to the highest level with a part, to recompute them */
  lineage: LineageSplit[];
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

/**
 * The split each asset slot of a batch applied, from the circuit input stored at cut: accounts
 * up to the first empty entry and, for an asset with a parent (`splitParent`, absent in batches
 * cut before lineage), the parent with the bps of the last entry (docs/protocol.md §3).
 */
function splitsOf(content: BatchContent, K: number): Map<bigint, Split> {
  const input = content.input as unknown as {
    assetId: string[];
    splitRecipient: string[][];
    splitBps: string[][];
    splitParent?: string[];
  };
  const splits = new Map<bigint, Split>();
  input.assetId.forEach((id, a) => {
    if (id === "0") return;
    const parent = BigInt(input.splitParent?.[a] ?? "0");
    const bps = input.splitBps[a] ?? [];
    const ids = (input.splitRecipient[a] ?? []).map(BigInt).slice(0, parent === 0n ? K : K - 1);
    const used = ids.indexOf(0n);
    const n = used < 0 ? ids.length : used;
    const split: Split = { recipients: ids.slice(0, n), bps: bps.slice(0, n).map(Number) };
    if (parent !== 0n) split.parent = { assetId: parent, bps: Number(bps[K - 1] ?? 0) };
    splits.set(BigInt(id), split);
  });
  return splits;
}

/**
 * A batch's statement index, once, at cut: every account's credit from every event, over every
 * level of the event's lineage that names it (the shares recomputed from the splits the batch
 * applied, with their rounding, `lineageShares`), and every event's Merkle receipt under the
 * batch's eventsRoot. `events` are in batch order; event i sits at leaf `content.events[i].leaf`
 * (its event slot; its position in batches cut before lineage), lineage slots are 0 leaves.
 */
export function batchIndexOf(
  params: CircuitParams,
  content: BatchContent,
  events: readonly Pick<StoredEvent, "assetId" | "amount" | "eventHash">[],
): BatchIndex {
  const splits = splitsOf(content, params.K);
  const splitOf = (id: bigint) => splits.get(id);
  const leafOf = events.map((_, i) => content.events[i]?.leaf ?? i);
  const credits: Credit[] = [];
  events.forEach((e, i) => {
    const leafIndex = leafOf[i] as number;
    if (!splits.has(e.assetId)) return;
    const steps = lineageShares(e.amount, e.assetId, splitOf, params.D);
    const accounts = new Set(steps.flatMap((s) => s.split.recipients));
    const split = (steps[0] as LineageStep).split;
    for (const accountId of accounts) {
      const credit = creditOf(steps, accountId);
      if (!credit) continue;
      // The fields of before lineage: level 0's, or the first level naming the account.
      const first = credit.parts[0] as CreditPart;
      credits.push({
        accountId,
        leafIndex,
        share: credit.share,
        bps: first.bps,
        remainder: first.remainder,
        split: {
          recipients: [...split.recipients],
          bps: [...split.bps],
          ...(split.parent ? { parent: { ...split.parent } } : {}),
        },
        parts: credit.parts,
        lineage: credit.lineage,
      });
    }
  });
  const leaves = Array<bigint>(params.N).fill(0n);
  events.forEach((e, i) => {
    leaves[leafOf[i] as number] = e.eventHash;
  });
  const tree = eventsTree(params, leaves);
  const receipts = leafOf.map((leafIndex) => ({
    leafIndex,
    proof: JSON.stringify(toJsonValue(tree.createProof(leafIndex))),
  }));
  return { credits, receipts };
}

/**
 * Indexes the batches without an index (cut before the index existed, or whose index failed at
 * cut); the count indexed. A batch that fails again is left out and named in `failed`.
 */
export function indexOlderBatches(
  store: Store,
  params: CircuitParams,
  failed: (batch: number, error: Error) => void = () => {},
): number {
  let indexed = 0;
  for (const id of store.unindexedBatches()) {
    const batch = store.batchById(id);
    if (!batch?.content) continue;
    try {
      store.indexBatch(id, batchIndexOf(params, batch.content, store.batchEvents(batch.number)));
      indexed++;
    } catch (error) {
      failed(batch.number, error as Error);
    }
  }
  return indexed;
}

function lineOf(store: Store, c: IndexedCredit): StatementLine {
  const settled = c.batchStatus === "settled";
  const line: StatementLine = {
    status: settled ? "settled" : "pending",
    batch: c.batch,
    leafIndex: c.leafIndex,
    payer: c.payer,
    seq: c.seq,
    assetId: c.assetId,
    amount: c.amount,
    ref: c.ref,
    prevHead: c.prevHead,
    eventHash: c.eventHash,
    split: c.split,
    share: c.share,
    bps: c.bps,
    remainder: c.remainder,
    parts: c.parts,
    lineage: c.lineage,
    txHash: settled ? c.txHash : null,
    settledAt: c.settledAt ? new Date(c.settledAt).toISOString() : null,
  };
  if (settled) {
    const proof = JSON.parse(store.receipt(c.batchId, c.leafIndex) ?? "null") as {
      root: string;
    } | null;
    if (proof) line.receipt = { eventsRoot: proof.root, proof };
  }
  return line;
}

/**
 * The account's statement over settled batches `fromBatch..toBatch`: one line per event that
 * credited it, with the split, the share and its rounding, the settlement and the receipt;
 * totals over the whole range, lines one page at a time. Read from the index written at cut.
 */
export function buildStatement(store: Store, q: StatementQuery): Statement {
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
  const inTime = (settledAt: number | null) =>
    (q.fromTime === undefined || (settledAt ?? 0) >= q.fromTime) &&
    (q.toTime === undefined || (settledAt ?? 0) <= q.toTime);
  const page: IndexedCredit[] = [];
  let more = false;
  const range = { accountId: q.accountId, fromBatch: q.fromBatch, toBatch: q.toBatch };
  for (const c of store.credits({ ...range, settled: true })) {
    if (!inTime(c.settledAt)) continue;
    totals.total += c.share;
    totals.lines++;
    add(totals.perAsset, String(c.assetId), c.share);
    add(totals.perPayer, c.payer, c.share);
    add(totals.perBatch, String(c.batch), c.share);
    const afterCursor =
      !q.after ||
      c.batch > q.after.batch ||
      (c.batch === q.after.batch && c.leafIndex > q.after.leafIndex);
    if (!afterCursor) continue;
    if (page.length < q.limit) page.push(c);
    else more = true;
  }
  const lines = page.map((c) => lineOf(store, c));
  const pending = q.after
    ? []
    : store
        .credits({ ...range, fromBatch: 1, toBatch: Number.MAX_SAFE_INTEGER, settled: false })
        .map((c) => lineOf(store, c));
  const unavailableBatches = store
    .chainOriginBatches(q.fromBatch, q.toBatch)
    .filter((b) => inTime(b.settledAt))
    .map((b) => b.number);
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
  "parts",
  "ref",
  "prevHead",
  "eventHash",
  "txHash",
  "settledAt",
] as const;

type PartCell = { level: unknown; assetId: unknown; bps: unknown; share: unknown };

/**
 * The `parts` column: `level:assetId:bps:share` per level of the lineage naming the account,
 * joined by `;` (one part, `0:…`, for a line of the event's own split alone).
 */
export function partsCell(parts: readonly PartCell[] | undefined): string {
  return (parts ?? []).map((p) => `${p.level}:${p.assetId}:${p.bps}:${p.share}`).join(";");
}

/** Statement lines (as built here, or as the API sent them) as CSV with a header row. */
export function linesCsv(
  lines: readonly (Partial<Record<(typeof CSV_COLUMNS)[number], unknown>> & {
    parts?: readonly PartCell[];
  })[],
): string {
  const rows = lines.map((l) =>
    CSV_COLUMNS.map((c) => (c === "parts" ? partsCell(l.parts) : String(l[c] ?? ""))).join(","),
  );
  return `${[CSV_COLUMNS.join(","), ...rows].join("\n")}\n`;
}

/** The statement's lines (settled, then pending) as CSV, for a spreadsheet. */
export function statementCsv(s: Statement): string {
  return linesCsv([...s.lines, ...s.pending]);
}
