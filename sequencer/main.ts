// Runs the sequencer: HTTP API and batcher on one SQLite file.
//   node --import tsx sequencer/main.ts --db seq.sqlite --rpc URL --deployment deployments/x.json
//   node --import tsx sequencer/main.ts --db seq.sqlite --chain seed.json      (no chain: a seed file)
// With --rpc the chain watcher follows the rollup contract and saves its progress in the database.
// Prints one JSON line {"listening": "<url>"} on stdout once it accepts requests.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { createPublicClient, http } from "viem";
import { domainOf } from "../core/event.ts";
import { loadParams } from "../core/params.ts";
import type { Deployment } from "../scripts/deploy/deploy-rollup.ts";
import { Batcher } from "./batcher.ts";
import { ChainWatcher } from "./chain/watcher.ts";
import { chainViewFromSeed, readChainSeed } from "./chain-seed.ts";
import { InMemoryChainView } from "./chain-state.ts";
import { inlineChainRunner, poolChainRunner } from "./crypto/pool.ts";
import { Metrics } from "./metrics.ts";
import { buildServer } from "./server.ts";
import { SqliteStore } from "./store/sqlite.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string" },
    chain: { type: "string" },
    rpc: { type: "string" },
    deployment: { type: "string" },
    port: { type: "string", default: "8080" },
    host: { type: "string", default: "127.0.0.1" },
    params: { type: "string", default: "default" },
    "max-wait-ms": { type: "string", default: "2000" },
    "no-batcher": { type: "boolean", default: false },
    // Crypto worker threads for ingest; 0 runs it on the event loop (next to the batcher).
    threads: { type: "string", default: String(Math.min(2, availableParallelism())) },
    "log-level": { type: "string", default: "info" },
  },
});
if (!args.db || !(args.chain || (args.rpc && args.deployment))) {
  console.error(
    "usage: sequencer/main.ts --db FILE (--rpc URL --deployment FILE | --chain SEED.json) [--port N] [--params set]",
  );
  process.exit(2);
}

// Logs go to stderr: stdout carries only the readiness line that supervisors parse.
const logger = pino({ level: args["log-level"] }, pino.destination(2));
const params = loadParams(args.params);
const store = new SqliteStore(args.db);
let watcher: ChainWatcher | undefined;
let chain: InMemoryChainView;
if (args.rpc && args.deployment) {
  const deployment = JSON.parse(readFileSync(args.deployment, "utf8")) as Deployment;
  chain = new InMemoryChainView(
    BigInt(deployment.chainId),
    domainOf(BigInt(deployment.chainId), deployment.rollup),
  );
  watcher = new ChainWatcher({
    client: createPublicClient({ transport: http(args.rpc) }),
    rollup: deployment.rollup,
    params,
    view: chain,
    progress: store,
    fromBlock: BigInt(deployment.deployBlock) > 10n ? BigInt(deployment.deployBlock) - 10n : 0n,
    onError: (error, retryInMs) =>
      logger.warn({ err: error, retryInMs }, "chain watcher: RPC error, backing off"),
  });
  // Accept events only once the view holds every payer and split registered so far.
  await watcher.catchUp();
  watcher.start();
} else {
  chain = chainViewFromSeed(readChainSeed(args.chain as string), params.K);
}
const metrics = new Metrics();
const threads = Number(args.threads);
const runner = threads > 0 ? poolChainRunner(threads) : inlineChainRunner();
const app = await buildServer({ store, chain, params, logger, runner, metrics });
const batcher = new Batcher({
  store,
  chain,
  params,
  maxWaitMs: Number(args["max-wait-ms"]),
  metrics,
  logger,
});
await runner.warmUp();
const url = await app.listen({ port: Number(args.port), host: args.host });
if (!args["no-batcher"]) batcher.start();
process.stdout.write(`${JSON.stringify({ listening: url })}\n`);

const shutdown = async () => {
  watcher?.stop();
  batcher.stop();
  await app.close();
  store.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
