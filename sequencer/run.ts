import { availableParallelism } from "node:os";
import type { Logger } from "pino";
import {
  createPublicClient,
  createWalletClient,
  http,
  type PublicClient,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { RoyaltyError } from "../core/errors.ts";
import { domainOf } from "../core/event.ts";
import type { CircuitParams } from "../core/params.ts";
import { MultiThreadProver } from "../prover/multi-thread-prover.ts";
import type { ProverEngine } from "../prover/native/index.ts";
import { ProverPool } from "../prover/pool.ts";
import type { Prover } from "../prover/prover.ts";
import { QueueProver } from "../prover/queue.ts";
import { localArtifacts } from "../prover/queue-protocol.ts";
import { artifactPaths } from "../scripts/setup/paths.ts";
import { type Deployment, getDeployment, readDeploymentFile } from "../sdk/deployment.ts";
import { Batcher } from "./batcher.ts";
import { ChainWatcher } from "./chain/watcher.ts";
import { chainViewFromSeed, readChainSeed } from "./chain-seed.ts";
import { InMemoryChainView } from "./chain-state.ts";
import { inlineChainRunner, poolChainRunner } from "./crypto/pool.ts";
import { Metrics } from "./metrics.ts";
import { BatchLifecycle } from "./pipeline/lifecycle.ts";
import { ProvingLoop } from "./pipeline/proving-loop.ts";
import { buildServer } from "./server.ts";
import { ChangeApplier } from "./settlement/change-applier.ts";
import { SettlementSubmitter } from "./settlement/submitter.ts";
import { indexOlderBatches } from "./statement.ts";
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
  /** Groth16 engine of the provers in this process (default auto: native where it built) */
  proverEngine?: ProverEngine | "auto";
  /** Redis URL: send proofs to `royalty prover` processes through BullMQ instead (overrides provers) */
  redis?: string;
  /** BullMQ queue name (default royalty-prove-<set>) */
  proverQueue?: string;
  /** 0x private key that pays for settlements (none: no settlement in this process) */
  submitterKey?: `0x${string}`;
  /** blocks the chain watcher stays behind the head (default 0: a local node) */
  confirmations?: number;
  /**
   * seconds before a key rotation or split update can take effect from which the old key's
   * signatures are refused and the asset's events wait (default 600)
   */
  changeMarginSec?: number;
  /** how often the chain watcher polls (default 1000 ms) */
  watcherPollMs?: number;
  /** seconds of waiting work with no proof or no settlement before /v1/health says degraded (600) */
  stallSeconds?: number;
  /** blocks behind the confirmed head before /v1/health says the watcher is behind (50) */
  maxLagBlocks?: number;
  /**
   * the chain's JSON-RPC URL as browsers reach it, advertised by GET /v1/deployment for the
   * dashboard's in-browser checks (default: `rpc`)
   */
  publicRpc?: string;
}

/**
 * Before anything starts: the RPC serves the deployment's chain, the rollup has code, and its
 * verifier's sizes are the parameter set's (else every batch would be refused with BadBatchShape).
 */
async function checkDeployment(
  client: PublicClient,
  deployment: Deployment,
  params: CircuitParams,
): Promise<void> {
  const { sizes } = await getDeployment(client, { deployment });
  const expected = {
    N: params.N,
    K: params.K,
    A: params.A,
    P: params.P,
    R: params.R,
    D: params.D,
  };
  if (JSON.stringify(sizes) !== JSON.stringify(expected)) {
    throw new RoyaltyError(
      "PARAMS_MISMATCH",
      `the rollup's verifier has sizes ${JSON.stringify(sizes)} but set '${params.name}' has ${JSON.stringify(expected)}: pass --params ${deployment.params} (the deployment's set)`,
      { details: { rollup: sizes, params: expected } },
    );
  }
}

/** The submitter pays for every settlement: with no ETH it could never send one. */
async function checkSubmitter(client: PublicClient, key: `0x${string}`): Promise<void> {
  const { address } = privateKeyToAccount(key);
  if ((await client.getBalance({ address })) === 0n) {
    throw new RoyaltyError(
      "SUBMITTER_UNFUNDED",
      `the submitter ${address} (ROYALTY_SUBMITTER_KEY) has no ETH to pay for settlements: fund it first`,
      { details: { submitter: address } },
    );
  }
}

/**
 * One sequencer process: chain watcher, HTTP API, batcher, prover pool (or a queue to prover
 * processes, docs/protocol.md §13 beyond one machine) and settlement submitter. Returns the URL and a stop function; every part resumes from the
 * database and the chain after a restart.
 */
export async function runSequencer(o: SequencerOptions) {
  const { params, logger } = o;
  // Before anything starts or any file is written: the chain, the rollup and the submitter check
  // out, each failure one line naming what to fix.
  const transport = o.transport ?? (o.rpc ? http(o.rpc) : undefined);
  let deployment: Deployment | undefined;
  if (transport && o.deployment) {
    deployment =
      typeof o.deployment === "string" ? await readDeploymentFile(o.deployment) : o.deployment;
    await checkDeployment(createPublicClient({ transport }), deployment, params);
    if (o.submitterKey) await checkSubmitter(createPublicClient({ transport }), o.submitterKey);
  }
  // Then: an unreachable Redis is reported before anything else starts.
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
        ? new MultiThreadProver({ engine: o.proverEngine })
        : new ProverPool({ workers: o.provers, engine: o.proverEngine });
  if (prover && "engine" in prover) logger.info({ engine: prover.engine }, "prover engine");
  const store = new SqliteStore(o.db);
  const indexed = indexOlderBatches(store, params, (batch, error) =>
    logger.error({ batch, err: error.message }, "statement index: batch not indexed"),
  );
  if (indexed > 0) logger.info({ batches: indexed }, "statement index: older batches indexed");
  const metrics = new Metrics();
  let chain: InMemoryChainView;
  let lifecycle: BatchLifecycle;
  let watcher: ChainWatcher | undefined;
  if (transport && deployment) {
    chain = new InMemoryChainView(
      BigInt(deployment.chainId),
      domainOf(BigInt(deployment.chainId), deployment.rollup),
    );
    lifecycle = new BatchLifecycle({ store, view: chain, params, logger, metrics });
    lifecycle.restoreView();
    watcher = new ChainWatcher({
      client: createPublicClient({ transport }),
      rollup: deployment.rollup,
      sink: lifecycle,
      fromBlock: BigInt(deployment.deployBlock),
      confirmations: BigInt(o.confirmations ?? 0),
      pollMs: o.watcherPollMs,
      onError: (error, retryInMs) =>
        logger.warn({ err: error, retryInMs }, "chain watcher: error, backing off"),
      onFatal: (error) =>
        logger.error({ code: error.code, err: error.message }, "chain watcher stopped"),
    });
    // Accept events only once the view holds every payer and split registered so far.
    await watcher.catchUp();
    watcher.start();
  } else if (o.seed) {
    chain = chainViewFromSeed(readChainSeed(o.seed), params.K);
    lifecycle = new BatchLifecycle({ store, view: chain, params, logger, metrics });
  } else {
    throw new RoyaltyError(
      "NO_CHAIN",
      "runSequencer needs rpc (or transport) + deployment, or a seed file",
    );
  }

  const threads = o.threads ?? Math.min(2, availableParallelism());
  const runner = threads > 0 ? poolChainRunner(threads) : inlineChainRunner();
  const app = await buildServer({
    store,
    chain,
    params,
    logger,
    runner,
    metrics,
    ingest: { changeMarginSec: o.changeMarginSec },
    watcher,
    health: {
      ...(o.stallSeconds === undefined ? {} : { stallMs: o.stallSeconds * 1000 }),
      ...(o.maxLagBlocks === undefined ? {} : { maxLagBlocks: BigInt(o.maxLagBlocks) }),
    },
    ...(deployment
      ? {
          deployment: {
            chainId: deployment.chainId,
            rollup: deployment.rollup,
            deployBlock: deployment.deployBlock,
            ...((o.publicRpc ?? o.rpc) ? { rpc: (o.publicRpc ?? o.rpc) as string } : {}),
          },
        }
      : {}),
  });
  const batcher = new Batcher({
    store,
    chain,
    params,
    lifecycle,
    changeMarginSec: o.changeMarginSec,
    maxWaitMs: o.maxWaitMs ?? 2000,
    metrics,
    logger,
  });

  const proving = prover
    ? new ProvingLoop({
        store,
        lifecycle,
        prover,
        artifacts: artifactPaths(params),
        logger,
        metrics,
      })
    : undefined;
  let submitter: SettlementSubmitter | undefined;
  let applier: ChangeApplier | undefined;
  if (o.submitterKey && transport && deployment) {
    const account = privateKeyToAccount(o.submitterKey);
    const publicClient = createPublicClient({ transport });
    const walletClient = createWalletClient({ account, transport });
    const log = ({ level, msg, ...rest }: Record<string, unknown>) =>
      logger[level === "warn" ? "warn" : "info"](rest, String(msg));
    submitter = new SettlementSubmitter({
      rollup: deployment.rollup,
      publicClient,
      walletClient,
      store,
      onSent: (id, hash) => lifecycle.submitted(id, hash),
      metrics,
      log,
    });
    applier = new ChangeApplier({
      rollup: deployment.rollup,
      publicClient,
      walletClient,
      view: chain,
      store,
      log,
    });
  }

  await runner.warmUp();
  const url = await app.listen({ port: o.port ?? 8080, host: o.host ?? "127.0.0.1" });
  if (o.batcher !== false) batcher.start();
  proving?.start();
  submitter?.start();
  applier?.start();

  const stop = async () => {
    submitter?.stop();
    applier?.stop();
    proving?.stop();
    watcher?.stop();
    batcher.stop();
    await app.close();
    await prover?.close();
    store.close();
  };
  return { url, stop, store, chain, metrics, lifecycle, watcher };
}
