import { writeFile } from "node:fs/promises";
import { RoyaltyError } from "../../core/errors.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";
import { fetchStatement, settledForAccount, verifyStatement } from "../../sdk/statement.ts";
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

function batchBound(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) {
    throw new RoyaltyError("INVALID_FIELD", `${name} must be a batch number from 1, not '${text}'`);
  }
  return Number(text);
}

/**
 * `royalty statement`: an account's statement from the sequencer, every line checked against the
 * chain alone: the event hash under the deployment's domain, the receipt up to the batch's
 * eventsRoot as settled, the split as the batch's split hash on chain, the share recomputed; and
 * per batch the lines' sum equal to the credit the settlement applied. Exit 1 at a discrepancy.
 */
export interface StatementSummary {
  lines: number;
  batches: number;
  total: bigint;
}

export async function statementCommand(o: StatementCommandOptions): Promise<StatementSummary> {
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
  const range = {
    fromBatch: from,
    ...(to === Number.MAX_SAFE_INTEGER ? {} : { toBatch: to }),
  };
  const settled = await settledForAccount(
    { publicClient: c.publicClient, rollup: c.rollup, fromBlock: c.info.fromBlock },
    params,
    accountId,
    range,
  );
  const statement = await fetchStatement(o.sequencer, account, range);
  const verdict = verifyStatement(statement, { params, accountId, settled });
  if (verdict.firstProblem) {
    const { where, what } = verdict.firstProblem;
    throw new RoyaltyError("STATEMENT_MISMATCH", `${where}: ${what}`, {
      details: { account, where },
    });
  }
  const total = verdict.total;
  // The same columns as the API's CSV; written only once every line above verified.
  if (o.csv) await writeFile(o.csv, linesCsv(statement.lines));
  const batches = verdict.batches.filter((b) => b.credit > 0n).length;
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
  return { lines: statement.lines.length, batches, total };
}
