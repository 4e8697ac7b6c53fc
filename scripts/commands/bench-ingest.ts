import { type ChildProcess, fork } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { signHead, verifyHeadSignature } from "../../core/eddsa.ts";
import { RoyaltyError } from "../../core/errors.ts";
import { expandKey, fastSignHead, fastVerifyHeadSignature } from "../../core/fast/eddsa.ts";
import { fastPoseidon } from "../../core/fast/poseidon.ts";
import { allocSlots, store, wasm } from "../../core/fast/wasm-field.ts";
import { SNARK_FIELD } from "../../core/field.ts";
import { loadParams } from "../../core/params.ts";
import { poseidon } from "../../core/poseidon.ts";
import { type ChainSeed, chainViewFromSeed } from "../../sequencer/chain-seed.ts";
import { poolChainRunner } from "../../sequencer/crypto/pool.ts";
import { buildServer } from "../../sequencer/server.ts";
import { SqliteStore } from "../../sequencer/store/sqlite.ts";
import type { DriverConfig, DriverResult } from "../bench/ingest-driver.ts";

const DRIVER = new URL("../bench/ingest-driver.ts", import.meta.url);
const ROLLUP = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

interface Mode {
  name: "bulk" | "single";
  payers: number;
  eventsPerRequest: number;
  /** events prepared per second of window: above what the server can take, so it never idles */
  preparedPerSecond: number;
}

function benchPayer(i: number) {
  const privateKey = createHash("sha256").update(`bench payer ${i}`).digest();
  return {
    address: `0x${i.toString(16).padStart(40, "0")}`,
    privateKey,
    pubKey: expandKey(privateKey).pubKey,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Verifications per second of core's circomlibjs verifier and of the sequencer's fast one. */
function verifyRates(): { circomlibjs: number; fast: number } {
  const prv = randomBytes(32);
  const key = expandKey(prv);
  const sig = signHead(prv, 12345n);
  const fastSig = fastSignHead(key, 12345n);
  const rate = (n: number, f: () => boolean) => {
    // One untimed call first: it builds wasm instances and tables that the loop should not count.
    const failed = () =>
      new RoyaltyError("BENCH_FAILED", "a signature the bench made did not verify");
    if (!f()) throw failed();
    const t = performance.now();
    for (let i = 0; i < n; i++) if (!f()) throw failed();
    return (n * 1000) / (performance.now() - t);
  };
  return {
    circomlibjs: rate(10, () => verifyHeadSignature(12345n, sig, key.pubKey)),
    fast: rate(200, () => fastVerifyHeadSignature(12345n, fastSig, key.pubKey)),
  };
}

/**
 * Microseconds per Poseidon(3) (an event hash: ingest's one hash per event) and Poseidon(2) (the
 * smallest in use, the domain and genesis heads) for circomlibjs's
 * `buildPoseidon` (core), for circomlibjs's wasm permutation called without its JS glue (the
 * previous hot path), and for the limb-field permutation the sequencer uses, run side by side.
 */
function poseidonMicros() {
  const pIn = allocSlots(3);
  const pState = allocSlots(1);
  const pOut = allocSlots(1);
  store(pState, 0n);
  const circomlibjsWasm = (xs: bigint[]) => {
    xs.forEach((x, i) => {
      store(pIn + i * 32, x);
    });
    wasm.poseidon(pState, pIn, xs.length, pOut, 1);
  };
  const time = (n: number, f: (xs: bigint[]) => unknown, xs: bigint[]) => {
    const t = performance.now();
    for (let i = 0; i < n; i++) f(xs);
    return Math.round(((performance.now() - t) * 10_000) / n) / 10;
  };
  const row = (arity: number) => {
    const xs = Array.from({ length: arity }, (_, i) => (SNARK_FIELD - 1n) / BigInt(i + 2));
    return {
      circomlibjs: time(200, poseidon, xs),
      circomlibjsWasm: time(2000, circomlibjsWasm, xs),
      sequencer: time(2000, fastPoseidon, xs),
    };
  };
  return { poseidon3: row(3), poseidon2: row(2) };
}

function startDriver(): ChildProcess {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  return fork(DRIVER, [], {
    execArgv: ["--import", tsx],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

const nextMessage = <T>(child: ChildProcess) =>
  new Promise<T>((resolve, reject) => {
    child.once("message", (m) => resolve(m as T));
    child.once("exit", (code) =>
      reject(new RoyaltyError("BENCH_FAILED", `bench driver exited with ${code}`)),
    );
  });

/**
 * Runs one mode: two driver processes (so preparing the signed load takes half as long) send
 * pre-signed requests, one at a time per payer, for `seconds`. Rate = acknowledged events / time.
 */
async function runMode(
  url: string,
  domain: bigint,
  mode: Mode,
  firstPayer: number,
  seconds: number,
) {
  const payers = Array.from({ length: mode.payers }, (_, i) => benchPayer(firstPayer + i));
  const requestsPerPayer = Math.ceil(
    (mode.preparedPerSecond * seconds) / mode.eventsPerRequest / mode.payers,
  );
  const drivers = [startDriver(), startDriver()];
  const ready = drivers.map((d) => nextMessage<{ type: "ready" }>(d));
  drivers.forEach((d, k) => {
    const config: DriverConfig = {
      type: "prepare",
      url,
      domain: domain.toString(),
      payers: payers
        .filter((_, i) => i % drivers.length === k)
        .map((p) => ({ address: p.address, privateKeyHex: p.privateKey.toString("hex") })),
      eventsPerRequest: mode.eventsPerRequest,
      requestsPerPayer,
      seconds,
    };
    d.send(config);
  });
  await Promise.all(ready);
  const done = drivers.map((d) => nextMessage<DriverResult>(d));
  for (const d of drivers) d.send({ type: "go" });
  const results = await Promise.all(done);
  const events = results.reduce((n, r) => n + r.events, 0);
  const elapsedMs = Math.max(...results.map((r) => r.elapsedMs));
  const lat = results.flatMap((r) => r.latenciesMs).sort((a, b) => a - b);
  const errors = results.flatMap((r) => r.errors);
  if (errors.length > 0) throw new RoyaltyError("BENCH_FAILED", `bench load failed: ${errors[0]}`);
  return {
    eventsPerSecond: Math.round((events * 1000) / elapsedMs),
    events,
    seconds: Math.round(elapsedMs) / 1000,
    p50Ms: Math.round(percentile(lat, 50) * 100) / 100,
    p99Ms: Math.round(percentile(lat, 99) * 100) / 100,
  };
}

/**
 * `royalty bench ingest`: the sequencer (API, SQLite file with fsync per commit, 2 crypto worker
 * threads; batcher off, so only ingest is measured) on 127.0.0.1, loaded by SDK clients in other
 * processes with pre-signed requests: bulk (100 events, signed every 16th and last) and single
 * (each event its own signed request).
 */
export async function benchIngestCommand(opts: {
  json?: boolean;
  seconds?: number;
}): Promise<void> {
  const seconds = Number(opts.seconds ?? 10);
  const params = loadParams("default");
  const dir = mkdtempSync(join(tmpdir(), "bench-ingest-"));
  const bulk: Mode = { name: "bulk", payers: 8, eventsPerRequest: 100, preparedPerSecond: 14_000 };
  const single: Mode = {
    name: "single",
    payers: 32,
    eventsPerRequest: 1,
    preparedPerSecond: 2_500,
  };
  const seed: ChainSeed = {
    chainId: "31337",
    rollupAddress: ROLLUP,
    payers: [
      ...Array.from({ length: bulk.payers }, (_, i) => benchPayer(1 + i)),
      ...Array.from({ length: single.payers }, (_, i) => benchPayer(1001 + i)),
    ].map((p) => ({
      address: p.address,
      pubKey: [p.pubKey[0].toString(), p.pubKey[1].toString()],
      escrow: (10n ** 30n).toString(),
    })),
    assets: [1, 2, 3, 4].map((a) => ({
      assetId: String(a),
      recipients: [String(a), String(a + 10), String(a + 20)],
      bps: [5000, 3000, 2000],
    })),
  };
  const chain = chainViewFromSeed(seed, params.K);
  const store = new SqliteStore(join(dir, "bench.sqlite"));
  const runner = poolChainRunner(2);
  await runner.warmUp();
  const app = await buildServer({ store, chain, params, runner });
  try {
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const verify = verifyRates();
    const hashes = poseidonMicros();
    const bulkResult = await runMode(url, chain.domain, bulk, 1, seconds);
    const singleResult = await runMode(url, chain.domain, single, 1001, seconds);
    const result = {
      bulkEventsPerSecond: bulkResult.eventsPerSecond,
      singleEventsPerSecond: singleResult.eventsPerSecond,
      bulk: bulkResult,
      single: singleResult,
      verifyPerSecond: {
        circomlibjs: Math.round(verify.circomlibjs * 10) / 10,
        sequencer: Math.round(verify.fast),
      },
      poseidonMicroseconds: hashes,
    };
    if (opts.json) {
      console.log(JSON.stringify(result));
      return;
    }
    const line = (name: string, r: typeof bulkResult) =>
      `${name.padEnd(28)} ${String(r.eventsPerSecond).padStart(7)} events/s  (${r.events} events in ${r.seconds} s; request p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms)`;
    console.log(line("bulk (100 events/request)", bulkResult));
    console.log(line("single (1 event/request)", singleResult));
    console.log(
      `${"verify EdDSA-Poseidon".padEnd(28)} circomlibjs ${result.verifyPerSecond.circomlibjs}/s, sequencer ${result.verifyPerSecond.sequencer}/s`,
    );
    for (const [name, h] of Object.entries(hashes)) {
      console.log(
        `${name.padEnd(28)} circomlibjs ${h.circomlibjs} us, its wasm without glue ${h.circomlibjsWasm} us, sequencer ${h.sequencer} us (${(h.circomlibjsWasm / h.sequencer).toFixed(2)}x)`,
      );
    }
  } finally {
    await app.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--seconds");
  await benchIngestCommand({
    json: args.includes("--json"),
    seconds: i >= 0 ? Number(args[i + 1]) : undefined,
  });
  process.exit(0);
}
