import { getAbiItem, type Log, parseEventLogs } from "viem";
import type { EventProofInput } from "../core/merkle.ts";
import { memoNodeHasher, type NodeHasher } from "../core/merkle.ts";
import { unpackWords } from "../core/packing.ts";
import type { CircuitParams } from "../core/params.ts";
import { receiptProblems } from "../core/receipt.ts";
import { type Split, splitHash } from "../core/split.ts";
import { type LineageSplit, lineageCredit } from "../core/statement.ts";
import type { RollupReader } from "./actions/transact.ts";
import type { EventJson } from "./client.ts";
import { getLogsPaged } from "./logs.ts";
import { royaltyRollupAbi } from "./rollup-abi.ts";
import { SequencerTransport } from "./transport.ts";

/** A split as a statement line carries it (decimal strings): account ids, bps, parent. */
export interface SplitJson {
  recipients: string[];
  bps: number[];
  parent?: { assetId: string; bps: number };
}

/** What one level of the event's lineage credited the account (`core/statement.ts` CreditPart). */
export interface CreditPartJson {
  level: number;
  assetId: string;
  amount: string;
  bps: number;
  share: string;
  remainder: string;
}

/** A statement line as `GET /v1/accounts/:address/statement` sends it (decimal strings). */
export interface StatementLineJson extends EventJson {
  status: string;
  batch: number;
  leafIndex: number;
  /** the split of the event's asset */
  split: SplitJson;
  /** the account's whole share of the event: the sum of `parts` */
  share: string;
  bps: number;
  remainder: string;
  /** per level of the lineage naming the account (absent from sequencers before lineage) */
  parts?: CreditPartJson[];
  /** the splits from the event's asset up to the highest part (absent before lineage) */
  lineage?: (SplitJson & { assetId: string })[];
  txHash: string | null;
  settledAt: string | null;
  receipt?: { eventsRoot: string; proof: EventProofInput };
}

/** Every page of a statement, joined: settled lines in order, pending lines apart. */
export interface StatementJson {
  lines: StatementLineJson[];
  pending: StatementLineJson[];
  unavailableBatches: number[];
}

export interface StatementRange {
  fromBatch?: number;
  toBatch?: number;
}

/**
 * Fetches an account's whole statement from a sequencer, following `nextCursor` page by page.
 * Nothing in it is trusted: pass it to `verifyStatement` with what the chain settled.
 *
 * @example
 * const statement = await fetchStatement("http://127.0.0.1:8080", "0xd000…", { fromBatch: 1 });
 */
export async function fetchStatement(
  sequencer: string,
  account: string,
  range: StatementRange = {},
): Promise<StatementJson> {
  const http = new SequencerTransport({ baseUrl: sequencer, retries: 0 });
  const all: StatementJson = { lines: [], pending: [], unavailableBatches: [] };
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams();
    if (range.fromBatch !== undefined) query.set("fromBatch", String(range.fromBatch));
    if (range.toBatch !== undefined) query.set("toBatch", String(range.toBatch));
    query.set("limit", "10000");
    if (cursor) query.set("cursor", cursor);
    const body = await http.getJson<StatementJson & { nextCursor: string | null }>(
      `/v1/accounts/${account}/statement?${query}`,
      { fallbackCode: "SEQUENCER_ERROR", prefix: "the sequencer refused the statement: " },
    );
    all.lines.push(...body.lines);
    if (!cursor) {
      all.unavailableBatches = body.unavailableBatches;
      all.pending = body.pending;
    }
    cursor = body.nextCursor;
  } while (cursor);
  return all;
}

/** What the chain settled in one batch, as far as one account's statement needs it. */
export interface SettledForAccount {
  eventsRoot: bigint;
  /** asset id → the split hash the settlement checked */
  splitHashes: Map<bigint, bigint>;
  /** the credit the settlement applied to the account (0 when it was not among the recipients) */
  credit: bigint;
  txHash: string | null;
}

const BATCH_SETTLED = getAbiItem({ abi: royaltyRollupAbi, name: "BatchSettled" });

/**
 * Reads every `BatchSettled` log of the rollup (paged) and keeps, per batch in the range, its
 * eventsRoot, the split hashes it checked and the account's credit: the chain's side of a
 * statement, whoever sent each settlement.
 */
export async function settledForAccount(
  reader: RollupReader & { fromBlock?: bigint },
  params: CircuitParams,
  accountId: bigint,
  range: StatementRange = {},
): Promise<Map<number, SettledForAccount>> {
  const from = range.fromBatch ?? 1;
  const to = range.toBatch ?? Number.MAX_SAFE_INTEGER;
  const logs = await getLogsPaged(reader.publicClient, {
    address: reader.rollup,
    events: [BATCH_SETTLED],
    fromBlock: reader.fromBlock ?? 0n,
  });
  const settled = new Map<number, SettledForAccount>();
  for (const e of parseEventLogs({ abi: royaltyRollupAbi, logs: logs as Log[] })) {
    if (e.eventName !== "BatchSettled") continue;
    const n = Number(e.args.batchNumber);
    if (n < from || n > to) continue;
    const b = e.args.batch;
    const unpacked = unpackWords(params, b.packed);
    let credit = 0n;
    unpacked.recipientIds.forEach((id, slot) => {
      if (id === accountId) credit += unpacked.credits[slot] ?? 0n;
    });
    const splitHashes = new Map<bigint, bigint>();
    b.assetIds.forEach((id, slot) => {
      splitHashes.set(BigInt(id), b.splitHashes[slot] as bigint);
    });
    settled.set(n, { eventsRoot: b.eventsRoot, splitHashes, credit, txHash: e.transactionHash });
  }
  return settled;
}

/**
 * What checking many lines computes once: Merkle nodes (one batch's receipts share their upper
 * nodes) and split hashes (an asset's split repeats on every line). Pure functions remembered.
 */
export interface LineCheckMemo {
  node: NodeHasher;
  splits: Map<string, bigint | undefined>;
}

export const newLineCheckMemo = (): LineCheckMemo => ({
  node: memoNodeHasher(),
  splits: new Map(),
});

export interface StatementCheckContext {
  params: CircuitParams;
  accountId: bigint;
  settled: Map<number, SettledForAccount>;
}

const splitOfJson = (s: SplitJson): Split => ({
  recipients: s.recipients.map(BigInt),
  bps: s.bps.map(Number),
  ...(s.parent ? { parent: { assetId: BigInt(s.parent.assetId), bps: Number(s.parent.bps) } } : {}),
});

/** A line's lineage and parts; a line of a sequencer from before lineage has level 0 alone. */
function lineageOfLine(line: StatementLineJson): {
  lineage: LineageSplit[];
  parts: CreditPartJson[];
} {
  const lineage = (line.lineage ?? [{ assetId: line.assetId, ...line.split }]).map((l) => ({
    assetId: BigInt(l.assetId),
    ...splitOfJson(l),
  }));
  const parts = line.parts ?? [
    {
      level: 0,
      assetId: line.assetId,
      amount: line.amount,
      bps: line.bps,
      share: line.share,
      remainder: line.remainder,
    },
  ];
  return { lineage, parts };
}

/**
 * What is wrong with one settled line, one sentence each (none: verified): the event hash after
 * its prevHead, the receipt up to the eventsRoot the batch settled with, every split of the
 * line's lineage (the event's asset's, then each parent's) as the batch's split hash of that
 * asset, and each part recomputed from the event's amount up the lineage by the §3 rule, the
 * share their sum.
 */
export function lineProblems(
  line: StatementLineJson,
  ctx: StatementCheckContext,
  memo: LineCheckMemo = newLineCheckMemo(),
): string[] {
  const chain = ctx.settled.get(line.batch);
  if (!chain) return ["the chain has no settlement of this batch"];
  const proof = line.receipt?.proof;
  const problems = receiptProblems(line, proof, memo.node);
  if (String(proof?.root) !== String(chain.eventsRoot)) {
    problems.push(`the receipt's root is not the eventsRoot batch ${line.batch} settled with`);
  }
  let lineage: LineageSplit[];
  let parts: CreditPartJson[];
  try {
    ({ lineage, parts } = lineageOfLine(line));
  } catch {
    return [...problems, "the line's splits or parts are malformed"];
  }
  const level0 = lineage[0];
  if (!level0 || String(level0.assetId) !== String(line.assetId)) {
    return [...problems, `the line's lineage does not start at the event's asset ${line.assetId}`];
  }
  if (lineage.length - 1 > ctx.params.D) {
    return [
      ...problems,
      `the line's lineage climbs ${lineage.length - 1} parents, the circuit allows ${ctx.params.D}`,
    ];
  }
  // The event's own split as the line states it is level 0 of its lineage.
  const split = splitOfJson(line.split);
  if (splitKey(level0.assetId, split) !== splitKey(level0.assetId, level0)) {
    problems.push("the line's split is not level 0 of its lineage");
  }
  let splitsOk = true;
  for (const l of lineage) {
    const key = splitKey(l.assetId, l);
    let hash = memo.splits.get(key);
    if (!memo.splits.has(key)) {
      try {
        hash = splitHash(l.assetId, l, ctx.params.K);
      } catch {
        // a malformed split (bps not summing to 10,000, too many recipients) cannot be the chain's
      }
      memo.splits.set(key, hash);
    }
    const expected = chain.splitHashes.get(l.assetId);
    if (expected === undefined || hash !== expected) {
      problems.push(`the split of asset ${l.assetId} is not the one batch ${line.batch} settled`);
      splitsOk = false;
    }
  }
  if (!splitsOk) return problems;
  let credit: ReturnType<typeof lineageCredit>;
  try {
    credit = lineageCredit(BigInt(line.amount), lineage, ctx.accountId);
  } catch (e) {
    return [...problems, `the line's lineage is broken: ${(e as Error).message}`];
  }
  if (!credit) {
    const top = (lineage.at(-1) as LineageSplit).assetId;
    const parents = lineage.length > 1 ? ` nor of its parents' up to asset ${top}` : "";
    return [
      ...problems,
      `the account is not a recipient of asset ${line.assetId}'s split${parents}`,
    ];
  }
  // What a recomputation comes from: the event's split alone, or its lineage of splits.
  const source = lineage.length > 1 ? "the lineage" : "the split";
  const stated = new Map(parts.map((p) => [Number(p.level), p]));
  for (const part of credit.parts) {
    const p = stated.get(part.level);
    if (!p) {
      problems.push(
        `the line leaves out level ${part.level} (asset ${part.assetId}), which gives ${part.share}`,
      );
      continue;
    }
    stated.delete(part.level);
    const fields: [string, unknown, unknown][] = [
      ["asset", p.assetId, part.assetId],
      ["amount", p.amount, part.amount],
      ["bps", p.bps, part.bps],
      ["share", p.share, part.share],
      ["remainder", p.remainder, part.remainder],
    ];
    for (const [name, said, computed] of fields) {
      if (String(said) !== String(computed)) {
        problems.push(`level ${part.level}: the ${name} is ${said}, ${source} gives ${computed}`);
      }
    }
  }
  for (const level of stated.keys()) {
    problems.push(`the line has a part at level ${level}, whose split does not name the account`);
  }
  if (credit.share !== BigInt(line.share)) {
    problems.push(`the share is ${line.share}, ${source} gives ${credit.share}`);
  }
  return problems;
}

/** A split's identity for the memo: asset, entries and parent. */
function splitKey(assetId: bigint, s: Split): string {
  const parent = s.parent ? `${s.parent.assetId}/${s.parent.bps}` : "";
  return `${assetId}:${s.recipients.join(",")}:${s.bps.join(",")}:${parent}`;
}

export interface StatementVerdict {
  /** every settled line and batch checks out */
  verified: boolean;
  /** per line (in the statement's order): what is wrong with it, empty when verified */
  lines: { line: StatementLineJson; problems: string[] }[];
  /** per batch the chain settled in the range: its credit and what the lines add up to */
  batches: { batch: number; credit: bigint; listed: bigint; problem?: string }[];
  /** the chain's credits over the range */
  total: bigint;
  /** the first discrepancy, with where it is ("batch 3 leaf 7", "batch 4") */
  firstProblem?: { where: string; what: string };
}

/**
 * Checks a statement (as `fetchStatement` returned it) against the chain's settlements alone:
 * every line by `lineProblems`, and per settled batch the lines' sum equal to the credit the
 * chain applied, so a dropped, repeated, altered or foreign line is caught.
 */
export function verifyStatement(
  statement: Pick<StatementJson, "lines">,
  ctx: StatementCheckContext,
): StatementVerdict {
  const sums = new Map<number, bigint>();
  let firstProblem: StatementVerdict["firstProblem"];
  // One memo per batch, so it never holds more than one batch's nodes.
  let memo = newLineCheckMemo();
  let memoBatch: number | undefined;
  const lines = statement.lines.map((line) => {
    if (line.batch !== memoBatch) {
      memo = newLineCheckMemo();
      memoBatch = line.batch;
    }
    const problems = lineProblems(line, ctx, memo);
    if (problems.length > 0) {
      firstProblem ??= {
        where: `batch ${line.batch} leaf ${line.leafIndex}`,
        what: problems[0] as string,
      };
    }
    sums.set(line.batch, (sums.get(line.batch) ?? 0n) + BigInt(line.share));
    return { line, problems };
  });
  let total = 0n;
  const batches = [...ctx.settled]
    .sort((a, b) => a[0] - b[0])
    .map(([batch, chain]) => {
      const listed = sums.get(batch) ?? 0n;
      total += chain.credit;
      if (listed === chain.credit) return { batch, credit: chain.credit, listed };
      const problem = `the chain credited ${chain.credit}, the statement's lines add up to ${listed} (a line is missing or repeated)`;
      firstProblem ??= { where: `batch ${batch}`, what: problem };
      return { batch, credit: chain.credit, listed, problem };
    });
  return {
    verified: firstProblem === undefined,
    lines,
    batches,
    total,
    ...(firstProblem ? { firstProblem } : {}),
  };
}
