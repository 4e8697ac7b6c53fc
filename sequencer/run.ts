import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Logger } from "pino";
import { createPublicClient, createWalletClient, http, type Transport } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { domainOf } from "../core/event.ts";
import type { CircuitParams } from "../core/params.ts";
import { MultiThreadProver } from "../prover/multi-thread-prover.ts";
import { ProverPool } from "../prover/pool.ts";
import type { Prover } from "../prover/prover.ts";
import { QueueProver } from "../prover/queue.ts";
import { localArtifacts } from "../prover/queue-protocol.ts";
import type { Deployment } from "../scripts/deploy/deploy-rollup.ts";
import { artifactPaths } from "../scripts/setup/paths.ts";
import { Batcher } from "./batcher.ts";
import { ChainWatcher } from "./chain/watcher.ts";
import { chainViewFromSeed, readChainSeed } from "./chain-seed.ts";
import { InMemoryChainView } from "./chain-state.ts";
import { inlineChainRunner, poolChainRunner } from "./crypto/pool.ts";
import { Metrics } from "./metrics.ts";
import { ProvingLoop } from "./pipeline/proving-loop.ts";
import { storeSettlementSource } from "./pipeline/settlement-source.ts";
import { buildServer } from "./server.ts";
import { SettlementSubmitter } from "./settlement/submitter.ts";
import { SqliteStore } from "./store/sqlite.ts";

export interface SequencerOptions {
  db: string;
  params: CircuitParams;
  logger: Logger;
  port?: number;
  host?: string;
  /** chain access: a JSON-RPC URL (or a viem transport, e.g. an in-process chain) and the deployment */
  rpc?: string;
  transport?: Transport;
  deployment?: string | Deployment;
  /** no chain: state from a seed file (tests, benchmarks) */
  seed?: string;
  maxWaitMs?: number;
  batcher?: boolean;
  /** ingest crypto worker threads (0: on the event loop) */
  threads?: number;
  /** prover worker threads (0: no proving in this process) */
  provers?: number;
  /**
   * "1" (default): `provers` single-threaded proofs at once, the most proofs per second here
   * (`royalty bench prove`); "all": one proof at a time on snarkjs's threads, the lowest latency
   */
  threadsPerProof?: "1" | "all";
  /** Redis URL: send proofs to `royalty prover` processes through BullMQ instead (overrides provers) */
  redis?: string;
  /** BullMQ queue name (default royalty-prove-<set>) */
  proverQueue?: string;
  /** 0x private key that pays for settlements (none: no settlement in this process) */
  submitterKey?: `0x${string}`;
  onSettlementStopped?: (error: Error) => void;
}

/**
 * One sequencer process: chain watcher, HTTP API, batcher, prover pool (or a queue to prover
 * processes, DESIGN §9 beyond one machine) and settlement submitter. Returns the URL and a stop function; every part resumes from the
 * database and the chain after a restart.
 */
export async function runSequencer(o: SequencerOptions) {
  const { params, logger } = o;
  // First: an unreachable Redis is reported before anything else starts.
  // The queue names the zkey by its hash, so this machine needs the set's keys too.
  if (o.redis) localArtifacts(params);
  const prover: Prover | undefined = o.redis
    ? await QueueProver.connect({
        redis: o.redis,
        params: params.name,
        queue: o.proverQueue,
        onError: (error) => logger.warn({ err: error.message }, "prover queue: Redis error"),
      })
    : !o.provers
      ? undefined
      : o.threadsPerProof === "all"
        ? new MultiThreadProver()
        : new ProverPool({ workers: o.provers });
  const store = new SqliteStore(o.db);
  let chain: InMemoryChainView;
  let watcher: ChainWatcher | undefined;
  let deployment: Deployment | undefined;
  const transport = o.transport ?? (o.rpc ? http(o.rpc) : undefined);
  if (transport && o.deployment) {
    deployment =
      typeof o.deployment === "string"
        ? (JSON.parse(readFileSync(o.deployment, "utf8")) as Deployment)
        : o.deployment;
    chain = new InMemoryChainView(
      BigInt(deployment.chainId),
      domainOf(BigInt(deployment.chainId), deployment.rollup),
    );
    watcher = new ChainWatcher({
      client: createPublicClient({ transport }),
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
  } else if (o.seed) {
    chain = chainViewFromSeed(readChainSeed(o.seed), params.K);
  } else {
    throw new Error("runSequencer needs rpc (or transport) + deployment, or a seed file");
  }

  const metrics = new Metrics();
  const threads = o.threads ?? Math.min(2, availableParallelism());
  const runner = threads > 0 ? poolChainRunner(threads) : inlineChainRunner();
  const app = await buildServer({ store, chain, params, logger, runner, metrics });
  const batcher = new Batcher({
    store,
    chain,
    params,
    maxWaitMs: o.maxWaitMs ?? 2000,
    metrics,
    logger,
  });

  const proving = prover
    ? new ProvingLoop({
        store,
        chain,
        params,
        prover,
        artifacts: artifactPaths(params),
        logger,
        metrics,
      })
    : undefined;
  let submitter: SettlementSubmitter | undefined;
  if (o.submitterKey && transport && deployment) {
    const account = privateKeyToAccount(o.submitterKey);
    submitter = new SettlementSubmitter({
      rollup: deployment.rollup,
      publicClient: createPublicClient({ transport }),
      walletClient: createWalletClient({ account, transport }),
      source: storeSettlementSource(store, chain, params, metrics),
      log: (entry) => logger.info(entry),
    });
  }

  await runner.warmUp();
  const url = await app.listen({ port: o.port ?? 8080, host: o.host ?? "127.0.0.1" });
  if (o.batcher !== false) batcher.start();
  proving?.start();
  submitter?.start((error) =>
    logger.error({ code: error.code, err: error.message }, "settlement stopped"),
  );

  const stop = async () => {
    submitter?.stop();
    proving?.stop();
    watcher?.stop();
    batcher.stop();
    await app.close();
    await prover?.close();
    store.close();
  };
  return { url, stop, store, chain, metrics };
}
