import { writeFile } from "node:fs/promises";
import { getAbiItem, type Log, parseEventLogs } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import type { EventProofInput } from "../../core/merkle.ts";
import { unpackWords } from "../../core/packing.ts";
import { receiptProblems } from "../../core/receipt.ts";
import { splitHash } from "../../core/split.ts";
import { accountShare } from "../../core/statement.ts";
import { getLogsPaged } from "../../sdk/logs.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";
import { linesCsv } from "../../sequencer/statement.ts";
import { type ChainOptions, connect } from "../participant/connection.ts";
import { parseAddress, report } from "../participant/output.ts";
import { paramsOf } from "../verify/verify-batches.ts";

export interface StatementCommandOptions extends ChainOptions {
  account: string;
  sequencer: string;
  fromBatch?: string;
  toBatch?: string;
  csv?: string;
}

/** A statement line as the API sends it (decimal strings). */
interface WireLine {
  status: string;
  batch: number;
  leafIndex: number;
  payer: string;
  seq: string;
  assetId: string;
  amount: string;
  ref: string;
  eventHash: string;
  split: { recipients: string[]; bps: number[] };
  share: string;
  receipt?: { eventsRoot: string; proof: EventProofInput };
}

interface WirePage {
  lines: WireLine[];
  unavailableBatches: number[];
  nextCursor: string | null;
}

const BATCH_SETTLED = getAbiItem({ abi: royaltyRollupAbi, name: "BatchSettled" });

function batchBound(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) {
    throw new RoyaltyError("INVALID_FIELD", `${name} must be a batch number from 1, not '${text}'`);
  }
  return Number(text);
}

async function fetchStatement(o: StatementCommandOptions, account: string): Promise<WirePage> {
  const all: WirePage = { lines: [], unavailableBatches: [], nextCursor: null };
  let cursor: string | null = null;
  do {
    const url = new URL(`${o.sequencer.replace(/\/$/, "")}/v1/accounts/${account}/statement`);
    if (o.fromBatch) url.searchParams.set("fromBatch", o.fromBatch);
    if (o.toBatch) url.searchParams.set("toBatch", o.toBatch);
    url.searchParams.set("limit", "10000");
    if (cursor) url.searchParams.set("cursor", cursor);
    const res = await fetch(url).catch((cause: unknown) => {
      throw new RoyaltyError(
        "SEQUENCER_UNREACHABLE",
        `the sequencer at ${o.sequencer} does not answer (${(cause as Error).message}): is it running, and is the URL right?`,
        { cause },
      );
    });
    const body = (await res.json()) as WirePage & { error?: { code: string; message: string } };
    if (!res.ok) {
      throw new RoyaltyError(
        body.error?.code ?? "SEQUENCER_ERROR",
        `the sequencer refused the statement: ${body.error?.message ?? `HTTP ${res.status}`}`,
      );
    }
    all.lines.push(...body.lines);
    if (!cursor) all.unavailableBatches = body.unavailableBatches;
    cursor = body.nextCursor;
  } while (cursor);
  return all;
}

/**
 * `royalty statement`: an account's statement from the sequencer, every line checked against the
 * chain alone: the event hash under the deployment's domain, the receipt up to the batch's
 * eventsRoot as settled, the split as the batch's split hash on chain, the share recomputed; and
 * per batch the lines' sum equal to the credit the settlement applied. Exit 1 at a discrepancy.
 */
export async function statementCommand(o: StatementCommandOptions): Promise<void> {
  const account = parseAddress("--account", o.account);
  const from = batchBound("--from-batch", o.fromBatch) ?? 1;
  const to = batchBound("--to-batch", o.toBatch) ?? Number.MAX_SAFE_INTEGER;
  const c = await connect(o);
  const params = await paramsOf(c.publicClient, c.rollup);
  const accountId = BigInt(
    await c.publicClient.readContract({
      address: c.rollup,
      abi: royaltyRollupAbi,
      functionName: "accountIdOf",
      args: [account],
    }),
  );
  if (accountId === 0n) {
    throw new RoyaltyError(
      "UNKNOWN_ACCOUNT",
      `${account} is no recipient of any split on this rollup: it has no statement`,
    );
  }
  // What the chain settled, batch by batch: the root, the asset slots' split hashes, and the
  // credit the settlement applied to this account (whoever sent it).
  const logs = await getLogsPaged(c.publicClient, {
    address: c.rollup,
    events: [BATCH_SETTLED],
    fromBlock: c.info.fromBlock,
  });
  const settled = new Map<number, { root: bigint; splits: Map<bigint, bigint>; credit: bigint }>();
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
    const splits = new Map<bigint, bigint>();
    b.assetIds.forEach((id, slot) => {
      splits.set(BigInt(id), b.splitHashes[slot] as bigint);
    });
    settled.set(n, { root: b.eventsRoot, splits, credit });
  }

  const statement = await fetchStatement(o, account);
  const sums = new Map<number, bigint>();
  const fail = (where: string, what: string): never => {
    throw new RoyaltyError("STATEMENT_MISMATCH", `${where}: ${what}`, {
      details: { account, where },
    });
  };
  for (const l of statement.lines) {
    const where = `batch ${l.batch} leaf ${l.leafIndex}`;
    const chain = settled.get(l.batch);
    if (!chain) fail(where, "the chain has no settlement of this batch");
    const settledBatch = chain as NonNullable<typeof chain>;
    const proof = l.receipt?.proof;
    const [problem] = receiptProblems(c.info.domain, l, proof);
    if (problem) fail(where, problem);
    if (String(proof?.root) !== String(settledBatch.root)) {
      fail(where, `the receipt's root is not the eventsRoot batch ${l.batch} settled with`);
    }
    const split = { recipients: l.split.recipients.map(BigInt), bps: l.split.bps };
    const expectedSplit = settledBatch.splits.get(BigInt(l.assetId));
    if (
      expectedSplit === undefined ||
      splitHash(BigInt(l.assetId), split, params.K) !== expectedSplit
    ) {
      fail(where, `the split is not the one batch ${l.batch} settled asset ${l.assetId} with`);
    }
    const part = accountShare(BigInt(l.amount), split, accountId);
    if (!part) fail(where, `the account is not a recipient of asset ${l.assetId}'s split`);
    if ((part as NonNullable<typeof part>).share !== BigInt(l.share)) {
      fail(where, `the share is ${l.share}, the split gives ${part?.share}`);
    }
    sums.set(l.batch, (sums.get(l.batch) ?? 0n) + BigInt(l.share));
  }
  let total = 0n;
  for (const [n, chain] of [...settled].sort((a, b) => a[0] - b[0])) {
    const listed = sums.get(n) ?? 0n;
    if (listed !== chain.credit) {
      fail(
        `batch ${n}`,
        `the chain credited ${chain.credit}, the statement's lines add up to ${listed} (a line is missing or repeated)`,
      );
    }
    total += chain.credit;
  }
  // The same columns as the API's CSV; written only once every line above verified.
  if (o.csv) await writeFile(o.csv, linesCsv(statement.lines));
  const batches = [...settled.values()].filter((b) => b.credit > 0n).length;
  report(
    o.json,
    `statement of ${account}: ${statement.lines.length} lines in ${batches} batches, total ${total}, every line verified against the chain`,
    {
      account,
      accountId,
      lines: statement.lines.length,
      batches,
      total,
      verified: true,
      ...(o.csv ? { csv: o.csv } : {}),
    },
  );
}
