// The README's quick starts, run exactly as written: every `<!-- quickstart -->` shell block in
// order as one bash script from the top of the checkout (a local chain, deploy, sequencer, asset
// owner, marketplace, recipient, auditor), then the SDK marketplace integration with 1,000 sales.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";

const README = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
const SCRATCH = join(PROJECT_ROOT, "quickstart");
const SCRIPTS = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"))
  .scripts as Record<string, string>;

/** The fenced code blocks that follow a `<!-- marker -->` line, in README order. */
function blocks(marker: string): string[] {
  const re = new RegExp(`<!-- ${marker} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``, "g");
  return [...README.matchAll(re)].map((m) => m[1] as string);
}

/**
 * The shell blocks as one script. A line a person would leave running (ending in `&`) is
 * followed by a wait until its port answers: `--port N` on the line, or the port of the npm
 * script it runs. That wait is the only thing added.
 */
function script(): string {
  const lines = ["set -euo pipefail"];
  lines.push(
    'wait_port() { for _ in $(seq 600); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.2; done; echo "nothing on port $1" >&2; return 1; }',
  );
  for (const block of blocks("quickstart")) {
    for (const line of block.split("\n")) {
      lines.push(line);
      if (!line.trim().endsWith("&")) continue;
      const npmScript = /npm run (\S+)/.exec(line)?.[1];
      const port =
        /--port (\d+)/.exec(line)?.[1] ??
        /--port (\d+)/.exec((npmScript && SCRIPTS[npmScript]) ?? "")?.[1];
      if (!port) throw new Error(`no port to wait for after: ${line}`);
      lines.push(`wait_port ${port}`);
    }
  }
  return lines.join("\n");
}

let shell: ChildProcess | undefined;

/** Runs a command in its own process group (so its background jobs can be stopped with it). */
function runGroup(
  cmd: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: PROJECT_ROOT, env, detached: true });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
    if (cmd === "bash") shell = child;
  });
}

const logs = () =>
  ["chain.log", "sequencer.log"]
    .map((f) => join(SCRATCH, f))
    .filter(existsSync)
    .map((f) => `--- ${f}\n${readFileSync(f, "utf8").split("\n").slice(-30).join("\n")}`)
    .join("\n");

// Only what a fresh shell has: no ROYALTY_* settings of the test run leak into the quick start.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith("ROYALTY_")),
);

afterAll(() => {
  if (shell?.pid) {
    try {
      process.kill(-shell.pid, "SIGKILL"); // the chain and the sequencer the script left running
    } catch {
      // already gone
    }
  }
  rmSync(SCRATCH, { recursive: true, force: true });
});

describe("README quick starts", () => {
  it("should run every role's shell block as written: deploy, register, send, settle, claim, verify", async () => {
    if (existsSync(SCRATCH)) {
      throw new Error(`${SCRATCH} exists (a quick start of yours?): move it away to run this test`);
    }
    expect(blocks("quickstart")).toHaveLength(5);
    const { code, out } = await runGroup("bash", ["-c", script()], cleanEnv);
    expect(code, `${out}\n${logs()}`).toBe(0);
    expect(out).toMatch(/registered asset 1/);
    expect(out).toMatch(/sent 3 events of quickstart\/sales\.csv .*settled in batch \d+/);
    // 3,900,000 wei of sales; the creator's 70%:
    expect(out).toMatch(/can claim 2730000\b/);
    expect(out).toMatch(/claimed 2730000 for 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65/);
    expect(out).toMatch(/batch 1: valid/);
    expect(out).not.toMatch(/invalid/);
  }, 600_000);

  it("should run the ten-line SDK marketplace integration with 1,000 sales from a CSV file", async () => {
    const [code] = blocks("quickstart-sdk");
    const lines = (code as string).split("\n").filter((l) => l.trim() && !l.startsWith("import "));
    expect(lines.length).toBeLessThanOrEqual(10);
    writeFileSync(join(SCRATCH, "marketplace.ts"), code as string);
    const sales = Array.from({ length: 1000 }, (_, i) => `2,${1000 + i},sale-${i + 1}`);
    writeFileSync(join(SCRATCH, "sdk-sales.csv"), ["assetId,amount,ref", ...sales].join("\n"));
    const run = await runGroup(process.execPath, ["--import", "tsx", "quickstart/marketplace.ts"], {
      ...cleanEnv,
      // hardhat accounts 6 (a second marketplace) and 4 (the creator of the shell quick start)
      MARKETPLACE_KEY: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
      CREATOR_KEY: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    });
    expect(run.code, `${run.out}\n${logs()}`).toBe(0);
    // The claim paid everything: the creator has nothing left to claim.
    const balance = await runGroup(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/cli.ts",
        "account",
        "balance",
        "--deployment",
        "quickstart/deployment.json",
        "--address",
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "--json",
      ],
      cleanEnv,
    );
    expect(JSON.parse(balance.out.trim().split("\n").at(-1) as string)).toMatchObject({
      claimable: "0",
    });
  }, 900_000);
});
