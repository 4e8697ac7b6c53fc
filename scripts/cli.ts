import { Command, Option } from "commander";
import { printError } from "./cli-errors.ts";
import { benchIngestCommand } from "./commands/bench-ingest.ts";
import { benchProveCommand } from "./commands/bench-prove.ts";
import { benchStatementCommand } from "./commands/bench-statement.ts";
import { circuitInfoCommand } from "./commands/circuit-info.ts";
import { deployCommand } from "./commands/deploy.ts";
import { proveCommand } from "./commands/prove.ts";
import { proverCommand } from "./commands/prover.ts";
import { sequencerCommand } from "./commands/sequencer.ts";
import { setupCommand } from "./commands/setup.ts";
import { type StatementCommandOptions, statementCommand } from "./commands/statement.ts";
import { verifyCommand } from "./commands/verify.ts";
import { demoCommand } from "./demo/demo.ts";
import { gasReportCommand } from "./gas/gas-report.ts";
import { registerParticipantCommands } from "./participant/register.ts";

/** `--prover-engine`, the same on `royalty sequencer` and `royalty prover`. */
function proverEngineOption(): Option {
  return new Option(
    "--prover-engine <engine>",
    "Groth16 engine: native (prover/native, C++), snarkjs (wasm), or auto: native where it built, else snarkjs (said in the log)",
  )
    .choices(["auto", "native", "snarkjs"])
    .default("auto");
}

const program = new Command()
  .name("royalty")
  .description(
    "Zero-knowledge royalty rollup: setup, proving, deployment, verification, and every participant's actions",
  )
  .showHelpAfterError();

program
  .command("setup")
  .description(
    "compile the circuit, make ptau (dev) or use --ptau, zkey, verification key and Solidity verifier; cached",
  )
  .option("--params <set>", "parameter set: test, default or large", "default")
  .option(
    "--ptau <file>",
    "powers-of-tau file from a public ceremony (production keys); default: insecure dev ptau",
  )
  .option("--json", "print one JSON line")
  .action(setupCommand);

program
  .command("circuit-info")
  .description("constraint count and sizes of a parameter set")
  .option("--params <set>", "parameter set", "default")
  .option(
    "--lineage-depth <d>",
    "build the set with another lineage depth D (0: without lineage) to compare; default the set's",
  )
  .option("--json", "print one JSON line")
  .action(circuitInfoCommand);

program
  .command("prove")
  .description("make and verify one proof of a sample batch; prints witness and proof times")
  .option("--params <set>", "parameter set", "default")
  .option("--json", "print one JSON line")
  .action(proveCommand);

program
  .command("deploy")
  .description(
    "deploy RoyaltyRollup and the set's verifier; writes a deployment JSON the other commands read",
  )
  .option("--params <set>", "parameter set whose verifier to deploy", "default")
  .option(
    "--chain <type>",
    "chain type: l1 or op (default l1; a known testnet says its own); in-process unless --rpc",
  )
  .option("--rpc <url>", "JSON-RPC endpoint (key from ROYALTY_DEPLOYER_KEY)")
  .option("--force", "replace an existing --out file")
  .option("--token <address>", "ERC-20 token of the deployment (default: ETH)")
  .option("--withdrawal-delay <seconds>", "delay of withdrawals and key rotations", "3600")
  .option("--split-delay <seconds>", "delay of split updates", "3600")
  .option(
    "--operator <address>",
    "the only address that may settle (the sequencer's submitter; default: the deployer)",
  )
  .option(
    "--forced-settlement-delay <seconds>",
    "seconds without a settlement after which anyone may settle",
    "86400",
  )
  .option(
    "--out <file>",
    "deployment JSON path (default: deployments/<chainId>-<chain>-<set>.json)",
  )
  .action(deployCommand);

program
  .command("gas-report")
  .description(
    "gas of settleBatch per event for each built set on l1 and op, beside direct L1 transfers",
  )
  .option("--params <set>", "only this parameter set")
  .option("--json", "print one JSON line")
  .action(gasReportCommand);

program
  .command("sequencer")
  .description(
    "API, batcher, prover pool (or --redis: prover processes) and settlement submitter (settles with ROYALTY_SUBMITTER_KEY)",
  )
  .option("--rpc <url>", "JSON-RPC endpoint of the rollup's chain (default: the deployment file's)")
  .option("--deployment <file>", "deployment JSON written by `royalty deploy`")
  .option(
    "--chain-seed <file>",
    "no chain: payers and assets from a seed file (benchmarks, ingest-only tests); instead of --rpc/--deployment",
  )
  .option("--db <file>", "SQLite database", "sequencer.sqlite")
  .option("--params <set>", "parameter set (default: the deployment file's, else default)")
  .option("--port <n>", "HTTP port", "8080")
  .option("--host <address>", "address to bind", "127.0.0.1")
  .option("--provers <n>", "prover worker threads", "2")
  .addOption(
    new Option(
      "--threads-per-proof <1|all>",
      "1: --provers single-threaded proofs at once (most proofs/s); all: one proof at a time on every core (lowest latency)",
    )
      .choices(["1", "all"])
      .default("1"),
  )
  .addOption(proverEngineOption())
  .option("--threads <n>", "ingest crypto worker threads (0: on the event loop)")
  .option("--max-wait-ms <ms>", "longest an event waits for its batch", "2000")
  .option("--no-batcher", "accept events but cut no batches")
  .option(
    "--confirmations <n>",
    "blocks the chain watcher stays behind the head (a reorg of fewer blocks never reaches it)",
    "0",
  )
  .option(
    "--change-margin <seconds>",
    "before a key rotation or split update can take effect: refuse old-key signatures and hold the asset's batches this long ahead",
    "600",
  )
  .option("--watcher-poll-ms <ms>", "how often the chain watcher polls", "1000")
  .option(
    "--stall-seconds <s>",
    "waiting work with no proof or no settlement for this long makes /v1/health degraded",
    "600",
  )
  .option(
    "--max-lag-blocks <n>",
    "the chain watcher this many blocks behind makes /v1/health degraded",
    "50",
  )
  .option(
    "--public-rpc <url>",
    "the chain's JSON-RPC URL as browsers reach it, for the dashboard's checks (default: --rpc)",
  )
  .option(
    "--redis <url>",
    "send proofs to `royalty prover` processes through this Redis instead of proving here (env ROYALTY_REDIS_URL)",
  )
  .option("--prover-queue <name>", "BullMQ queue of the provers (default: royalty-prove-<set>)")
  .action(sequencerCommand);

program
  .command("prover")
  .description(
    "proving worker: takes batches from the sequencer's Redis queue (BullMQ), proves them on worker threads",
  )
  .option("--redis <url>", "Redis URL (env ROYALTY_REDIS_URL)")
  .option(
    "--params <set>",
    "parameter set; its build/<set>/ must hold the sequencer's zkey",
    "default",
  )
  .option("--workers <n>", "proofs at once, one worker thread each (default: cores)")
  .option(
    "--threads-per-proof <1|all>",
    "1: --workers single-threaded proofs at once; all: one proof at a time on every core",
    "1",
  )
  .addOption(proverEngineOption())
  .option("--queue <name>", "BullMQ queue (default: royalty-prove-<set>)")
  .option(
    "--lock-ms <ms>",
    "a job whose prover died goes back to the queue after about this",
    "30000",
  )
  .option(
    "--grace-ms <ms>",
    "on SIGINT/SIGTERM, how long jobs in flight may finish before they are put back",
    "120000",
  )
  .action(proverCommand);

program
  .command("verify")
  .description(
    "check settled batches: proofs re-verified off-chain, numbering, head continuity; --sequencer recomputes every share",
  )
  .option("--deployment <file>", "deployment file (rpc, rollup and first block)")
  .option("--rpc <url>", "JSON-RPC endpoint (a testnet or a local node)")
  .option("--rollup <address>", "RoyaltyRollup address")
  .option("--network <name>", "sepolia, op-sepolia, base-sepolia or local")
  .option("--batch <n>", "only this batch (exit 1 if it is not settled)")
  .option(
    "--sequencer <url>",
    "sequencer whose published events are recomputed against the credits",
  )
  .option("--vkey <file>", "verification key (default: build/<set>/verification_key.json)")
  .option("--from-block <n>", "first block to read logs from (default: the deployment's block)")
  .option("--json", "one JSON line per batch")
  .action(verifyCommand);

program
  .command("statement")
  .description(
    "an account's royalty statement from the sequencer, every line verified against the chain",
  )
  .requiredOption("--account <address>", "the recipient whose statement it is")
  .requiredOption("--sequencer <url>", "the sequencer that publishes the lines")
  .option("--deployment <file>", "deployment file (rpc, rollup and first block)")
  .option("--rpc <url>", "JSON-RPC endpoint")
  .option("--rollup <address>", "RoyaltyRollup address")
  .option("--network <name>", "sepolia, op-sepolia, base-sepolia or local")
  .option("--from-batch <n>", "first batch")
  .option("--to-batch <n>", "last batch")
  .option("--csv <file>", "also write the verified lines as CSV")
  .option("--json", "one JSON line")
  .action(async (o: StatementCommandOptions) => {
    await statementCommand(o);
  });

program
  .command("demo")
  .description(
    "the whole product on an embedded chain: setup, deploy, events over HTTP, proofs, settlement, claim, verify",
  )
  .option("--params <set>", "parameter set", "default")
  .option("--chain <type>", "embedded chain type: l1 or op (an OP-stack L2 simulation)", "l1")
  .option("--events <n>", "royalty events to send", "256")
  .option(
    "--keep-open",
    "keep the chain, sequencer and dashboard up after the summary (Ctrl-C stops)",
  )
  .action(demoCommand);

registerParticipantCommands(program);

const bench = program.command("bench").description("benchmarks that print figures");
bench
  .command("ingest")
  .description(
    "sustained accepted events/s of the ingest API (bulk and single requests), p50/p99, baseline verify rate",
  )
  .option("--seconds <n>", "seconds of load per mode", "10")
  .option("--json", "print one JSON line")
  .action((options: { seconds: string; json?: boolean }) =>
    benchIngestCommand({ json: options.json, seconds: Number(options.seconds) }),
  );

bench
  .command("prove")
  .description(
    "proof time per batch and events proven/s for each prover configuration (pool of 1 or 2 single-threaded workers, one multi-threaded proof at a time)",
  )
  .option("--params <set>", "circuit parameter set", "default")
  .option("--batches <n>", "batches proven per configuration", "4")
  .option("--json", "print one JSON line")
  .action((options: { params: string; batches: string; json?: boolean }) =>
    benchProveCommand({ ...options, batches: Number(options.batches) }),
  );

bench
  .command("statement")
  .description(
    "a recipient's statement of N lines, all settled: time to serve it over HTTP, time for `royalty statement` to verify it, index vs rebuild",
  )
  .option("--lines <n>", "statement lines (events crediting the recipient)", "10000")
  .option("--params <set>", "circuit parameter set", "default")
  .option("--json", "print one JSON line")
  .action((options: { lines: string; params: string; json?: boolean }) =>
    benchStatementCommand({ ...options, lines: Number(options.lines) }),
  );

try {
  await program.parseAsync();
  // snarkjs keeps worker threads alive; a finished command must not hang on them.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  // Services log JSON lines; participants' commands print a sentence unless --json.
  const service = ["sequencer", "prover"].includes(process.argv[2] ?? "");
  printError(error, service || process.argv.includes("--json"));
  process.exit(1);
}
