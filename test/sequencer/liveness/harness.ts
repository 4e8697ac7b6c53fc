// The liveness scenarios' world: one Hardhat node over HTTP, a fresh deployment of the test set
// per scenario (short delays), payers registered and funded, assets registered, and the real
// `royalty sequencer` command started as users start it. Every helper acts on chain the way a
// participant or an outsider would: plain transactions from Hardhat's public test accounts.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import {
  type Abi,
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  type PublicClient,
  toHex,
  type WalletClient,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { publicKeyOf } from "../../../core/eddsa.ts";
import { domainOf } from "../../../core/event.ts";
import { samplePrivateKey } from "../../../prover/sample-batch.ts";
import { deployCommand } from "../../../scripts/commands/deploy.ts";
import { PROJECT_ROOT } from "../../../scripts/setup/paths.ts";
import { RoyaltyClient } from "../../../sdk/index.ts";
import { royaltyRollupAbi } from "../../../sdk/rollup-abi.ts";

// Calls by a function name chosen at run time: the untyped view of the typed ABI.
const rollupAbi: Abi = royaltyRollupAbi;

import { decodeRevert } from "../../../sdk/revert.ts";
import { prepare } from "../../contracts/fixture.ts";

const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
// Hardhat's default accounts (its public test mnemonic): funded on every local Hardhat node.
const ROLES = ["deployer", "payerA", "operator", "payerB", "owner", "outsider"] as const;
export type Role = (typeof ROLES)[number];
export const KEYS = Object.fromEntries(
  ROLES.map((role, addressIndex) => [
    role,
    toHex(
      mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex }).getHdKey().privateKey as Uint8Array,
    ),
  ]),
) as Record<Role, `0x${string}`>;

export const RECIPIENTS = [
  "0x00000000000000000000000000000000000000a1",
  "0x00000000000000000000000000000000000000a2",
  "0x00000000000000000000000000000000000000a3",
  "0x00000000000000000000000000000000000000a4",
] as const;

const run = promisify(execFile);
const LOG = join(tmpdir(), "royalty-liveness.log");
const CLI = join(PROJECT_ROOT, "scripts/cli.ts");
const children: ChildProcess[] = [];

export function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

let current: Scenario | undefined;

/**
 * After each scenario, pass or fail: its sequencer stopped and the node mining again, so one
 * failed scenario does not leave the next waiting on a held mempool.
 */
export async function endScenario(): Promise<void> {
  const s = current;
  current = undefined;
  if (!s) return;
  await s.stopSequencer();
  await s.release();
}

export async function startProcess(
  args: string[],
  ready: (line: string) => string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  onStderr?: (line: string) => void,
): Promise<{ child: ChildProcess; found: string }> {
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  children.push(child);
  if (child.stderr) {
    createInterface({ input: child.stderr }).on("line", (line) => {
      appendFileSync(LOG, `${line}\n`);
      onStderr?.(line);
    });
  }
  for await (const line of createInterface({ input: child.stdout! })) {
    const found = ready(line);
    if (found) return { child, found };
  }
  throw new Error(`${args.join(" ")} exited before it was ready (logs: ${LOG})`);
}

let node: Promise<string> | undefined;

/** One Hardhat node for every scenario of the run (each scenario deploys its own rollup). */
export function hardhatNode(): Promise<string> {
  node ??= (async () => {
    await prepare();
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const { found } = await startProcess(
      [
        join(PROJECT_ROOT, "node_modules/hardhat/dist/src/cli.js"),
        "node",
        "--hostname",
        "127.0.0.1",
        "--port",
        String(port),
      ],
      (line) => (line.includes("Started HTTP") ? `http://127.0.0.1:${port}` : undefined),
      process.env,
    );
    return found;
  })();
  return node;
}

export interface SequencerProcess {
  url: string;
  child: ChildProcess;
  /** pino lines the process wrote so far, parsed */
  logs: Record<string, unknown>[];
}

/** Parameters every scenario shares: the test set (N=4, K=2, A=2, P=2, R=4), short delays. */
export const DELAY = 60;
export const FORCED_DELAY = 600;

export class Scenario {
  readonly rpc: string;
  readonly rollup: `0x${string}`;
  readonly deploymentFile: string;
  readonly db: string;
  readonly client: PublicClient;
  readonly payerKeys = new Map<string, Uint8Array>();
  private sequencer: SequencerProcess | undefined;

  private constructor(rpc: string, deploymentFile: string) {
    this.rpc = rpc;
    this.deploymentFile = deploymentFile;
    this.rollup = JSON.parse(readFileSync(deploymentFile, "utf8")).rollup;
    this.db = join(mkdtempSync(join(tmpdir(), "royalty-liveness-db-")), "seq.sqlite");
    this.client = createPublicClient({ chain: hardhat, transport: http(rpc) });
  }

  /**
   * Deploys a rollup (operator: the sequencer's submitter), registers payers A and B with escrow,
   * and assets 1 (two recipients) and 2 (one recipient).
   */
  static async create(opts: { escrow?: bigint; operator?: Role } = {}): Promise<Scenario> {
    const escrow = opts.escrow ?? 10n ** 18n;
    const rpc = await hardhatNode();
    const out = join(mkdtempSync(join(tmpdir(), "royalty-liveness-")), "deployment.json");
    process.env.ROYALTY_DEPLOYER_KEY = KEYS.deployer;
    await deployCommand({
      params: "test",
      chain: "l1",
      rpc,
      out,
      withdrawalDelay: String(DELAY),
      splitDelay: String(DELAY),
      operator: privateKeyToAccount(KEYS[opts.operator ?? "operator"]).address,
      forcedSettlementDelay: String(FORCED_DELAY),
    });
    const s = new Scenario(rpc, out);
    current = s;
    for (const payer of ["payerA", "payerB"] as const) {
      const key = samplePrivateKey(`liveness-${payer}-${out}`);
      s.payerKeys.set(payer, key);
      const [x, y] = publicKeyOf(key);
      await s.send(payer, "registerPayer", [x, y]);
      await s.send(payer, "deposit", [escrow], escrow);
    }
    await s.send("owner", "registerAsset", [
      1n,
      [RECIPIENTS[0], RECIPIENTS[1]],
      [7000, 3000],
      0n,
      0,
    ]);
    await s.send("owner", "registerAsset", [2n, [RECIPIENTS[2]], [10_000], 0n, 0]);
    return s;
  }

  address(role: Role): `0x${string}` {
    return privateKeyToAccount(KEYS[role]).address;
  }

  wallet(role: Role): WalletClient {
    return createWalletClient({
      account: privateKeyToAccount(KEYS[role]),
      chain: hardhat,
      transport: http(this.rpc),
    });
  }

  /** Sends a rollup call as `role`; with automine on, waits for it to be mined and to succeed. */
  async send(
    role: Role,
    functionName: string,
    args: unknown[],
    value = 0n,
    opts: { wait?: boolean; priority?: boolean; to?: `0x${string}`; abi?: Abi } = {},
  ): Promise<`0x${string}`> {
    const hash = await this.wallet(role).writeContract({
      address: opts.to ?? this.rollup,
      abi: opts.abi ?? rollupAbi,
      functionName,
      args,
      value,
      chain: hardhat,
      account: privateKeyToAccount(KEYS[role]),
      // A higher tip puts the transaction first in the next block (Hardhat orders by fee).
      ...(opts.priority
        ? { maxPriorityFeePerGas: 50_000_000_000n, maxFeePerGas: 100_000_000_000n, gas: 3_000_000n }
        : {}),
    });
    if (opts.wait !== false) {
      const receipt = await this.client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${functionName} reverted (${hash})`);
    }
    return hash;
  }

  /** The custom error a call from `role` reverts with, or undefined if it would succeed. */
  async revertOf(role: Role, functionName: string, args: unknown[]): Promise<string | undefined> {
    try {
      await this.client.simulateContract({
        account: privateKeyToAccount(KEYS[role]),
        address: this.rollup,
        abi: rollupAbi,
        functionName,
        args,
      });
      return undefined;
    } catch (error) {
      return decodeRevert(error)?.name ?? String(error);
    }
  }

  read(functionName: string, args: unknown[] = []): Promise<unknown> {
    return this.client.readContract({ address: this.rollup, abi: rollupAbi, functionName, args });
  }

  private test() {
    return createTestClient({ chain: hardhat, mode: "hardhat", transport: http(this.rpc) });
  }

  /** Moves chain time forward and mines a block (a delay has passed); `mine: false` leaves the
   * mining to `release` (the time applies to the next block). */
  async increaseTime(seconds: number, opts: { mine?: boolean } = {}): Promise<void> {
    await this.test().increaseTime({ seconds });
    if (opts.mine !== false) await this.test().mine({ blocks: 1 });
  }

  /** Removes a transaction from the node's mempool (it was never mined). */
  async drop(hash: `0x${string}`): Promise<void> {
    await this.test().dropTransaction({ hash });
  }

  /** Stops mining: transactions wait in the mempool until `release`. */
  async hold(): Promise<void> {
    await this.test().setAutomine(false);
  }

  /** Mines what waits (highest tip first) and mines every transaction at once again. */
  async release(): Promise<void> {
    await this.test().mine({ blocks: 1 });
    await this.test().setAutomine(true);
  }

  /** Starts `royalty sequencer` (settling as the operator unless `settle` is false). */
  async startSequencer(
    opts: { settle?: boolean; args?: string[] } = {},
  ): Promise<SequencerProcess> {
    const logs: Record<string, unknown>[] = [];
    const { child, found } = await startProcess(
      [
        "--import",
        "tsx",
        CLI,
        "sequencer",
        "--rpc",
        this.rpc,
        "--deployment",
        this.deploymentFile,
        "--params",
        "test",
        "--db",
        this.db,
        "--port",
        "0",
        "--provers",
        "1",
        "--threads",
        "0",
        "--max-wait-ms",
        "300",
        "--change-margin",
        "20",
        "--watcher-poll-ms",
        "200",
        ...(opts.args ?? []),
      ],
      (line) => (JSON.parse(line) as { listening?: string }).listening,
      {
        ...process.env,
        ...(opts.settle === false ? {} : { ROYALTY_SUBMITTER_KEY: KEYS.operator }),
      },
      (line) => {
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {}
      },
    );
    this.sequencer = { url: found, child, logs };
    return this.sequencer;
  }

  get url(): string {
    if (!this.sequencer) throw new Error("no sequencer running");
    return this.sequencer.url;
  }

  /** Kills the sequencer: SIGKILL (a crash) by default. */
  async stopSequencer(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.sequencer?.child;
    this.sequencer = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  }

  /** How many lines the sequencer has logged: `logged` after this mark sees only later ones. */
  mark(): number {
    return this.sequencer?.logs.length ?? 0;
  }

  /** Resolves once the sequencer has logged a line with this message (after `since` lines). */
  async logged(msg: string, since = 0, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    return waitFor(
      () => this.sequencer?.logs.slice(since).find((l) => l.msg === msg),
      timeoutMs,
      `log line "${msg}"`,
    );
  }

  /** An SDK client for a payer, signing often enough for the test set's batches. */
  payer(role: "payerA" | "payerB", key?: Uint8Array, from?: { seq: bigint; head: bigint }) {
    return new RoyaltyClient({
      baseUrl: this.url,
      payer: this.address(role),
      privateKey: key ?? (this.payerKeys.get(role) as Uint8Array),
      domain: domainOf(31337n, this.rollup),
      signEvery: 2,
      signAfterAssets: 1,
      retries: 0,
      ...(from ? { startSeq: from.seq, startHead: from.head } : {}),
    });
  }

  /** Waits until the sequencer's chain watcher has applied every block mined so far. */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const latest = await this.client.getBlockNumber();
    await waitFor(
      async () => {
        const chain = (await this.api("/v1/health")).body.chain as { nextBlock?: string };
        return chain?.nextBlock !== undefined && BigInt(chain.nextBlock) > latest;
      },
      timeoutMs,
      `the chain watcher past block ${latest}`,
    );
  }

  async api(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async eventStatus(
    role: "payerA" | "payerB",
    seq: bigint | string,
  ): Promise<Record<string, unknown>> {
    return (await this.api(`/v1/events/${this.address(role)}/${seq}`)).body;
  }

  /** Waits until each (payer, seq) is settled according to the API. */
  async settled(
    role: "payerA" | "payerB",
    seqs: readonly (bigint | string)[],
    timeoutMs = 120_000,
  ) {
    for (const seq of seqs) {
      await waitFor(
        async () => (await this.eventStatus(role, seq)).status === "settled",
        timeoutMs,
        `${role} seq ${seq} settled`,
      );
    }
  }

  /** `royalty verify --sequencer`: one JSON line per settled batch. */
  async verify(): Promise<{ batch: number; valid: boolean; reason?: string }[]> {
    const out = await run(
      process.execPath,
      [
        "--import",
        "tsx",
        CLI,
        "verify",
        "--rpc",
        this.rpc,
        "--rollup",
        this.rollup,
        "--sequencer",
        this.url,
        "--json",
      ],
      { cwd: PROJECT_ROOT },
    )
      .then((r) => r.stdout)
      .catch((e: { stdout: string }) => e.stdout);
    return out
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  /** The API's payers and accounts against the chain's storage. */
  async apiAgreesWithChain(): Promise<void> {
    for (const role of ["payerA", "payerB"] as const) {
      const onChain = (await this.read("payers", [this.address(role)])) as readonly bigint[];
      const api = (await this.api(`/v1/payers/${this.address(role)}`)).body;
      if (BigInt(api.settledHead as string) !== onChain[1]) {
        throw new Error(`${role}: API settled head ${api.settledHead}, chain ${onChain[1]}`);
      }
      if (BigInt(api.escrow as string) !== onChain[2]) {
        throw new Error(`${role}: API escrow ${api.escrow}, chain ${onChain[2]}`);
      }
      if (api.pendingDebits !== "0")
        throw new Error(`${role}: pending debits ${api.pendingDebits}`);
    }
    for (const r of RECIPIENTS) {
      const api = (await this.api(`/v1/accounts/${r}`)).body;
      const onChain = (await this.read("claimable", [r])) as bigint;
      if (BigInt(api.claimable as string) !== onChain) {
        throw new Error(`${r}: API claimable ${api.claimable}, chain ${onChain}`);
      }
    }
  }
}

/** Polls `check` until it returns something truthy. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (logs: ${LOG})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * A sequencer in front of `upstream` that rewrites statements on their way (what a dishonest
 * operator could serve) and passes everything else through as it is, the dashboard included.
 */
export async function lyingSequencer(
  upstream: string,
  rewrite: (body: { lines: Record<string, unknown>[] }) => Promise<void> | void,
): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const answer = await fetch(`${upstream}${req.url}`, { redirect: "manual" });
    const type = answer.headers.get("content-type") ?? "application/json";
    const text = await answer.text();
    if (!req.url?.includes("/statement") || !answer.ok || !type.includes("json")) {
      const location = answer.headers.get("location");
      res.writeHead(answer.status, { "content-type": type, ...(location ? { location } : {}) });
      res.end(text);
      return;
    }
    const body = JSON.parse(text);
    await rewrite(body);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
