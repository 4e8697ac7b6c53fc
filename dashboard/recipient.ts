// The recipient view: claimable and pending credits, and the statement with every line checked
// here, in the browser, against the chain (the sequencer is not trusted for any of it).
import { createPublicClient, http } from "viem";
import { getDeployment } from "../sdk/deployment.ts";
import { royaltyRollupAbi } from "../sdk/rollup-abi.ts";
import {
  fetchStatement,
  type StatementJson,
  type StatementVerdict,
  settledForAccount,
  verifyStatement,
} from "../sdk/statement.ts";
import { cell, type DeploymentInfo, getJson, setText, short } from "./api.ts";
import { definitions } from "./payer.ts";

interface AccountJson {
  accountId: string | null;
  claimable: string;
  pendingCredits: string;
}

/** Checks the statement against the chain through the advertised JSON-RPC URL. */
async function checkOnChain(
  deployment: DeploymentInfo,
  address: `0x${string}`,
  statement: StatementJson,
): Promise<StatementVerdict> {
  if (!deployment.rpc || !deployment.rollup) {
    throw new Error("the sequencer advertises no JSON-RPC URL of the chain (--public-rpc)");
  }
  const publicClient = createPublicClient({ transport: http(deployment.rpc) });
  const info = await getDeployment(publicClient, {
    rollup: deployment.rollup,
    fromBlock: BigInt(deployment.deployBlock ?? 0),
  });
  // The sizes are the contract's; the set's derived values (tree shape) the sequencer's, and a
  // wrong tree shape could not produce a receipt matching the root settled on chain.
  const { params } = deployment;
  for (const k of ["N", "K", "A", "P", "R", "D"] as const) {
    if (info.sizes[k] !== params[k]) {
      throw new Error(`the rollup's ${k} is ${info.sizes[k]}, the sequencer says ${params[k]}`);
    }
  }
  const accountId = BigInt(
    await publicClient.readContract({
      address: deployment.rollup,
      abi: royaltyRollupAbi,
      functionName: "accountIdOf",
      args: [address],
    }),
  );
  const settled = await settledForAccount(
    { publicClient, rollup: deployment.rollup, fromBlock: info.fromBlock },
    params,
    accountId,
  );
  return verifyStatement(statement, { params, accountId, settled });
}

/**
 * The levels of the event's lineage that credited the account: the asset of each, with its level
 * above the event's own asset (`2003 (level 2)`) and its share when there are several.
 */
function viaCell(l: StatementJson["lines"][number]): string {
  const parts = l.parts ?? [{ level: 0, assetId: l.assetId, share: l.share }];
  return parts
    .map((p) => {
      const level = p.level === 0 ? "" : ` (level ${p.level})`;
      return `${p.assetId}${level}${parts.length > 1 ? `: ${p.share}` : ""}`;
    })
    .join(", ");
}

function lineRow(
  l: StatementJson["lines"][number],
  check: { text: string; className: string },
): HTMLTableRowElement {
  const tr = document.createElement("tr");
  tr.className = l.status;
  tr.dataset.batch = String(l.batch);
  tr.dataset.leaf = String(l.leafIndex);
  tr.append(
    cell(String(l.batch)),
    cell(String(l.leafIndex)),
    cell(l.assetId),
    cell(short(l.payer), "hash"),
    cell(l.amount),
    cell(String(l.bps)),
    cell(l.share),
    cell(l.remainder),
    cell(viaCell(l)),
    cell(check.text, `check ${check.className}`),
  );
  return tr;
}

export async function showAccount(
  deployment: DeploymentInfo,
  dl: HTMLElement,
  address: `0x${string}`,
): Promise<void> {
  const section = document.getElementById("statement-section") as HTMLElement;
  const tbody = document.querySelector("#statement tbody") as HTMLTableSectionElement;
  try {
    const a = await getJson<AccountJson>(`/v1/accounts/${address}`);
    definitions(dl, [
      ["claimable on chain", a.claimable],
      ["pending credits", a.pendingCredits],
    ]);
    if (a.accountId === null) {
      section.hidden = true;
      return;
    }
  } catch (e) {
    definitions(dl, [["error", (e as Error).message]]);
    section.hidden = true;
    return;
  }
  section.hidden = false;
  const csv = document.getElementById("csv") as HTMLAnchorElement;
  csv.href = `/v1/accounts/${address}/statement?format=csv&limit=10000`;
  csv.download = `statement-${address}.csv`;
  setText("statement-summary", "fetching the statement…", "muted");
  const statement = await fetchStatement(location.origin, address);
  const pendingRows = statement.pending.map((l) =>
    lineRow(l, { text: "pending: not settled yet", className: "muted" }),
  );
  tbody.replaceChildren(
    ...statement.lines.map((l) => lineRow(l, { text: "checking…", className: "muted" })),
    ...pendingRows,
  );
  setText(
    "statement-summary",
    `checking ${statement.lines.length} lines against the chain…`,
    "muted",
  );
  let verdict: StatementVerdict;
  try {
    verdict = await checkOnChain(deployment, address, statement);
  } catch (e) {
    setText("statement-summary", `not checked: ${(e as Error).message}`, "bad");
    return;
  }
  tbody.replaceChildren(
    ...verdict.lines.map(({ line, problems }) =>
      lineRow(
        line,
        problems.length === 0
          ? { text: "✓ verified", className: "ok" }
          : { text: `✗ ${problems[0]}`, className: "bad" },
      ),
    ),
    ...pendingRows,
  );
  const batches = verdict.batches.filter((b) => b.credit > 0n).length;
  setText(
    "statement-summary",
    verdict.verified
      ? `${verdict.lines.length} lines in ${batches} batches, total ${verdict.total}: every line verified against the chain, and each batch's lines add up to its on-chain credit` +
          (statement.pending.length
            ? ` (${statement.pending.length} pending lines not settled yet)`
            : "")
      : `✗ ${verdict.firstProblem?.where}: ${verdict.firstProblem?.what}`,
    verdict.verified ? "ok" : "bad",
  );
}
