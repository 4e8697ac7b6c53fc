// Runs the sequencer: HTTP API and batcher on one SQLite file.
//   node --import tsx sequencer/main.ts --db seq.sqlite --chain seed.json [--port 8080]
// Until the chain watcher exists, chain state comes from the seed file (sequencer/chain-seed.ts).
// Prints one JSON line {"listening": "<url>"} on stdout once it accepts requests.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { loadParams } from "../core/params.ts";
import { Batcher } from "./batcher.ts";
import { chainViewFromSeed, readChainSeed } from "./chain-seed.ts";
import { inlineChainRunner, poolChainRunner } from "./crypto/pool.ts";
import { Metrics } from "./metrics.ts";
import { buildServer } from "./server.ts";
import { SqliteStore } from "./store/sqlite.ts";

const { values: args } = parseArgs({
  options: {
    db: { type: "string" },
    chain: { type: "string" },
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
if (!args.db || !args.chain) {
  console.error("usage: sequencer/main.ts --db FILE --chain SEED.json [--port N] [--params set]");
  process.exit(2);
}

// Logs go to stderr: stdout carries only the readiness line that supervisors parse.
const logger = pino({ level: args["log-level"] }, pino.destination(2));
const params = loadParams(args.params);
const store = new SqliteStore(args.db);
const chain = chainViewFromSeed(readChainSeed(args.chain), params.K);
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
  batcher.stop();
  await app.close();
  store.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
