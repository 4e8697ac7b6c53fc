import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RoyaltyError } from "../../core/errors.ts";
import { loadParams } from "../../core/params.ts";
import { connectRollup } from "../../sdk/connect.ts";
import {
  fetchStatement,
  lineProblems,
  settledForAccount,
  verifyStatement,
} from "../../sdk/statement.ts";
import { batchIndexOf, buildStatement } from "../../sequencer/statement.ts";
import { startEmbeddedRollup } from "../demo/embedded-rollup.ts";
import { runSetup } from "../setup/setup.ts";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));
const say = (line: string) => process.stderr.write(`${line}\n`);

export interface BenchStatementOptions {
  lines: number;
  params: string;
  json?: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

function timed<T>(f: () => T): { value: T; ms: number } {
  const t = performance.now();
  const value = f();
  return { value, ms: performance.now() - t };
}

/** `royalty statement` as a user runs it, in its own process: exit code and wall time. */
function runStatementCli(args: string[]): Promise<{ ms: number; out: string }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "statement", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0
        ? resolve({ ms: performance.now() - t, out })
        : reject(new RoyaltyError("BENCH_FAILED", `royalty statement exited with ${code}: ${out}`)),
    );
  });
}

/**
 * `royalty bench statement`: one recipient credited by every event of `lines` events, all proven
 * and settled on an embedded chain; then the time to serve its whole statement over HTTP, the
 * time `royalty statement` takes to verify every line against the chain, and, side by side in
 * the same run, the statement built from the index against rebuilding each batch's lines and
 * receipts from its content (what every request cost before the index), and verification with
 * the per-batch memo against checking every line alone.
 */
export async function benchStatementCommand(o: BenchStatementOptions): Promise<void> {
  const params = loadParams(o.params);
  say(`setup of the '${params.name}' circuit (cached after the first run)`);
  const setup = await runSetup(params);
  const account = "0x00000000000000000000000000000000d0000000" as const;
  const assets = [1, 2].map((a) => ({
    id: BigInt(a),
    recipients: [`0x${(0xe0000000 + a).toString(16).padStart(40, "0")}` as const, account],
    bps: [6667, 3333],
  }));
  const rollup = await startEmbeddedRollup({
    params,
    chain: "l1",
    payers: params.P,
    deposit: 10n ** 19n,
    insecureKeys: setup.insecure,
    assets,
  });
  try {
    say(`${params.P} payers send ${o.lines} signed events, each crediting ${account}`);
    await rollup.send((i) => {
      const count = Math.floor(o.lines / params.P) + (i < o.lines % params.P ? 1 : 0);
      return Array.from({ length: count }, (_, j) => ({
        assetId: BigInt(1 + (j % 2)),
        amount: 10n ** 12n + BigInt(i * 7919 + j * 104_729),
        ref: BigInt(i * 1_000_000 + j),
      }));
    });
    await rollup.settled(o.lines, 60 * 60_000);
    const { sequencer } = rollup;

    // Served: the whole statement over HTTP (every page), first request and then the median of 3.
    const served: number[] = [];
    let lines = 0;
    for (let i = 0; i < 4; i++) {
      const t = performance.now();
      const statement = await fetchStatement(sequencer.url, account);
      served.push(performance.now() - t);
      lines = statement.lines.length;
    }
    if (lines !== o.lines) {
      throw new RoyaltyError("BENCH_FAILED", `the statement has ${lines} lines, not ${o.lines}`);
    }

    // Side by side in process: the index against rebuilding every batch's lines and receipts.
    const accountId = sequencer.chain.accountId(BigInt(account)) as bigint;
    const query = { accountId, fromBatch: 1, toBatch: Number.MAX_SAFE_INTEGER, limit: 10_000 };
    const indexed = median(
      [0, 1, 2].map(() => timed(() => buildStatement(sequencer.store, query)).ms),
    );
    const rebuilt = timed(() => {
      let n = 0;
      for (let b = 1; b <= sequencer.store.lastBatchNumber(); b++) {
        const batch = sequencer.store.batch(b);
        if (!batch?.content) continue;
        n += batchIndexOf(params, batch.content, sequencer.store.batchEvents(b)).credits.length;
      }
      return n;
    }).ms;

    // Verified: `royalty statement` in its own process, as a recipient runs it.
    const cli = await runStatementCli([
      "--account",
      account,
      "--sequencer",
      sequencer.url,
      "--rpc",
      rollup.rpcUrl,
      "--rollup",
      rollup.rollup.address,
      "--json",
    ]);
    const verdict = JSON.parse(cli.out.trim().split("\n").at(-1) as string) as {
      lines: number;
      verified: boolean;
    };
    if (!verdict.verified || verdict.lines !== o.lines) {
      throw new RoyaltyError("BENCH_FAILED", `royalty statement did not verify: ${cli.out}`);
    }

    // Verification side by side in process, on the same lines: with the per-batch memo of
    // Merkle nodes and split hashes, and checking each line on its own (as before the memo).
    const c = await connectRollup({ rpc: rollup.rpcUrl, rollup: rollup.rollup.address });
    const settled = await settledForAccount(
      { publicClient: c.publicClient, rollup: c.rollup, fromBlock: c.info.fromBlock },
      params,
      accountId,
      {},
    );
    const statement = await fetchStatement(sequencer.url, account);
    const ctx = { params, accountId, settled };
    const memoized = timed(() => verifyStatement(statement, ctx));
    const alone = timed(() => statement.lines.flatMap((l) => lineProblems(l, ctx)));
    if (!memoized.value.verified || alone.value.length > 0) {
      throw new RoyaltyError("BENCH_FAILED", "the statement did not verify in process");
    }

    const batches = sequencer.store.lastBatchNumber();
    const figures = {
      params: params.name,
      lines: o.lines,
      batches,
      servedFirstMs: Math.round(served[0] as number),
      servedMedianMs: Math.round(median(served.slice(1))),
      verifiedCliMs: Math.round(cli.ms),
      builtFromIndexMs: Math.round(indexed),
      rebuiltFromContentMs: Math.round(rebuilt),
      verifiedInProcessMs: Math.round(memoized.ms),
      verifiedLineByLineMs: Math.round(alone.ms),
    };
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    say("");
    say(`statement of ${o.lines} lines in ${batches} settled batches (${params.name} set):`);
    say(
      `  served over HTTP: ${s(figures.servedFirstMs)} first request, ${s(figures.servedMedianMs)} median of the next 3`,
    );
    say(
      `  verified by \`royalty statement\` against the chain (its own process): ${s(figures.verifiedCliMs)}`,
    );
    say(
      `  built in process from the index: ${s(figures.builtFromIndexMs)}; rebuilding lines and receipts from batch content (the cost per request without the index): ${s(figures.rebuiltFromContentMs)} (${(rebuilt / indexed).toFixed(1)}x)`,
    );
    say(
      `  verified in process: ${s(figures.verifiedInProcessMs)} with the per-batch memo; ${s(figures.verifiedLineByLineMs)} checking each line alone (${(alone.ms / memoized.ms).toFixed(1)}x)`,
    );
    if (o.json) console.log(JSON.stringify(figures));
  } finally {
    await rollup.close();
  }
}
