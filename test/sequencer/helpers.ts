import { once } from "node:events";
// Shared fixtures of the sequencer tests: a real server on 127.0.0.1 with a SQLite file in a temp
// dir, a chain view seeded with payers and assets, and payers with real Baby Jubjub keys.

import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { type PubKey, payerKeyHash, publicKeyOf, signHead } from "../../core/eddsa.ts";
import { domainOf, eventHash, genesisHead, type RoyaltyEvent } from "../../core/event.ts";
import { bigIntToAddress } from "../../core/field.ts";
import { type CircuitParams, loadParams } from "../../core/params.ts";
import { splitHash } from "../../core/split.ts";
import type { ChainSeed } from "../../sequencer/chain-seed.ts";
import { InMemoryChainView } from "../../sequencer/chain-state.ts";
import type { ChainRunner } from "../../sequencer/crypto/pool.ts";
import { Metrics } from "../../sequencer/metrics.ts";
import { buildServer } from "../../sequencer/server.ts";
import { SqliteStore } from "../../sequencer/store/sqlite.ts";

export const CHAIN_ID = 31337n;
export const ROLLUP = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
export const DOMAIN = domainOf(CHAIN_ID, ROLLUP);
/** A payer's first head (the contract stores it at registration). */
export const genesis = (payer: { address: string } | string | bigint): bigint =>
  genesisHead(DOMAIN, BigInt(typeof payer === "object" ? payer.address : payer));

export interface TestPayer {
  address: string;
  privateKey: Uint8Array;
  pubKey: PubKey;
}

/** Deterministic payers: address 0x…01, 0x…02, …; key = sha256("payer i"). */
export function testPayer(i: number): TestPayer {
  const privateKey = new Uint8Array(createHash("sha256").update(`payer ${i}`).digest());
  return { address: bigIntToAddress(BigInt(i)), privateKey, pubKey: publicKeyOf(privateKey) };
}

/**
 * Assets 1..count: asset a splits between recipients a and a+100 (two recipients, K=2 in the
 * test set), so every asset brings two new recipient ids.
 */
/** A chain seed file's content for test payers (escrow 10^30) and the given assets. */
export function chainSeedFor(payers: readonly TestPayer[], assets: ChainSeed["assets"]): ChainSeed {
  return {
    chainId: CHAIN_ID.toString(),
    rollupAddress: ROLLUP,
    payers: payers.map((p) => ({
      address: p.address,
      pubKey: [p.pubKey[0].toString(), p.pubKey[1].toString()],
      escrow: (10n ** 30n).toString(),
    })),
    assets,
  };
}

export function seedChain(
  params: CircuitParams,
  payers: TestPayer[],
  assets: number,
  escrow = 10n ** 30n,
): InMemoryChainView {
  const chain = new InMemoryChainView(CHAIN_ID, DOMAIN);
  for (const p of payers) {
    const address = BigInt(p.address);
    chain.setPayer(address, {
      keyHash: payerKeyHash(DOMAIN, address, p.pubKey),
      pubKey: p.pubKey,
      head: genesis(p),
      escrow,
      pendingWithdrawal: 0n,
    });
  }
  for (let a = 1; a <= assets; a++) {
    const split = { recipients: [BigInt(a), BigInt(a + 100)], bps: [7000, 3000] };
    chain.setAsset(BigInt(a), { split, splitHash: splitHash(BigInt(a), split, params.K) });
    chain.setAccount(BigInt(`0x${"ab".repeat(19)}${a.toString(16).padStart(2, "0")}`), BigInt(a));
  }
  return chain;
}

export interface TestServer {
  url: string;
  app: FastifyInstance;
  store: SqliteStore;
  chain: InMemoryChainView;
  params: CircuitParams;
  payers: TestPayer[];
  metrics: Metrics;
  dir: string;
  /** requests the server has received, for buffering tests */
  requests: () => number;
  close: () => Promise<void>;
}

export async function startServer(
  opts: { payers?: number; assets?: number; escrow?: bigint; runner?: ChainRunner } = {},
): Promise<TestServer> {
  const params = loadParams("test");
  const dir = mkdtempSync(join(tmpdir(), "seq-test-"));
  const store = new SqliteStore(join(dir, "seq.sqlite"));
  const payers = Array.from({ length: opts.payers ?? 3 }, (_, i) => testPayer(i + 1));
  const chain = seedChain(params, payers, opts.assets ?? 4, opts.escrow);
  const metrics = new Metrics();
  const app = await buildServer({ store, chain, params, metrics, runner: opts.runner });
  let requests = 0;
  app.addHook("onRequest", async () => {
    requests++;
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url,
    app,
    store,
    chain,
    params,
    payers,
    metrics,
    dir,
    requests: () => requests,
    close: async () => {
      await app.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface WireEvent {
  payer: string;
  seq: string;
  assetId: string;
  amount: string;
  ref?: string;
  signature?: { R8: [string, string]; S: string };
}

/**
 * Builds a payer's events with core's hashing and signing (the oracle, independent of the
 * sequencer's fast crypto). `sign(i)` says which to sign; by default only the last.
 */
export function makeEvents(
  payer: TestPayer,
  from: { seq: bigint; head: bigint },
  items: { assetId: bigint; amount: bigint; ref?: bigint }[],
  sign: (i: number, n: number) => boolean = (i, n) => i === n - 1,
): { events: WireEvent[]; heads: bigint[] } {
  let head = from.head;
  const heads: bigint[] = [];
  const events = items.map((it, i) => {
    const ev: RoyaltyEvent = {
      payer: BigInt(payer.address),
      seq: from.seq + BigInt(i),
      assetId: it.assetId,
      amount: it.amount,
      ref: it.ref ?? 0n,
    };
    head = eventHash(head, ev);
    heads.push(head);
    const wire: WireEvent = {
      payer: payer.address,
      seq: ev.seq.toString(),
      assetId: ev.assetId.toString(),
      amount: ev.amount.toString(),
      ...(it.ref === undefined ? {} : { ref: it.ref.toString() }),
    };
    if (sign(i, items.length)) {
      const s = signHead(payer.privateKey, head);
      wire.signature = { R8: [s.R8[0].toString(), s.R8[1].toString()], S: s.S.toString() };
    }
    return wire;
  });
  return { events, heads };
}

// Response bodies are whatever the server sent; tests assert on their shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = any;

export async function post(
  url: string,
  body: unknown,
  raw = false,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}/v1/events`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export async function get(url: string, path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${url}${path}`);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body };
}

export function eventCount(store: SqliteStore, payers: TestPayer[]): number {
  return payers.reduce((n, p) => n + store.events(p.address, 1n, 1_000_000n).length, 0);
}

const CLI = fileURLToPath(new URL("../../scripts/cli.ts", import.meta.url));

/**
 * `royalty sequencer ARGS` as users start it, in its own process, once it listens; its
 * structured log (stderr) is collected at `logLevel`. The caller stops it (and kills it after).
 */
export async function spawnSequencer(
  args: string[],
  logLevel = "warn",
): Promise<{ url: string; child: ChildProcess; log: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "sequencer", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ROYALTY_LOG_LEVEL: logLevel },
  });
  const log: string[] = [];
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on("line", (l) => {
    log.push(l);
  });
  const closed = once(child, "close");
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    const msg = JSON.parse(line) as { listening?: string };
    if (msg.listening) return { url: msg.listening, child, log };
  }
  // Its stdout ended: wait for the exit so that the log holds everything stderr said (a crash's
  // stack arrives after the last stdout line).
  const [code, signal] = await closed;
  throw new Error(
    `sequencer exited (code ${code}, signal ${signal}) before listening:\n${log.join("\n")}`,
  );
}
