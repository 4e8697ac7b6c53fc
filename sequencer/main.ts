// Runs the sequencer as its own process (see sequencer/run.ts for what runs inside):
//   node --import tsx sequencer/main.ts --db seq.sqlite --rpc URL --deployment deployments/x.json \
//     [--provers 2] [--port 8080] [--params default]     (ROYALTY_SUBMITTER_KEY: settle too)
//   node --import tsx sequencer/main.ts --db seq.sqlite --chain seed.json   (no chain: a seed file)
// Prints one JSON line {"listening": "<url>"} on stdout once it accepts requests; logs go to stderr.
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { loadParams } from "../core/params.ts";
import { runSequencer } from "./run.ts";

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
    // Prover worker threads; 0 leaves proving to other processes.
    provers: { type: "string", default: "0" },
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
const { url, stop } = await runSequencer({
  db: args.db,
  params: loadParams(args.params),
  logger,
  port: Number(args.port),
  host: args.host,
  rpc: args.rpc,
  deployment: args.deployment,
  seed: args.chain,
  maxWaitMs: Number(args["max-wait-ms"]),
  batcher: !args["no-batcher"],
  threads: Number(args.threads),
  provers: Number(args.provers),
  submitterKey: process.env.ROYALTY_SUBMITTER_KEY as `0x${string}` | undefined,
});
process.stdout.write(`${JSON.stringify({ listening: url })}\n`);

const shutdown = async () => {
  await stop();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
