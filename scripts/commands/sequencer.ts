import { RoyaltyError } from "../../core/errors.ts";
import { loadParams } from "../../core/params.ts";
import { readDeploymentFile } from "../../sdk/deployment.ts";
import { runSequencer } from "../../sequencer/run.ts";
import { createLogger } from "../logger.ts";

export interface SequencerCommandOptions {
  db: string;
  rpc?: string;
  deployment?: string;
  chainSeed?: string;
  params?: string;
  port: string;
  host: string;
  provers: string;
  threadsPerProof: "1" | "all";
  proverEngine: "auto" | "native" | "snarkjs";
  threads?: string;
  maxWaitMs: string;
  batcher: boolean;
  confirmations: string;
  changeMargin: string;
  watcherPollMs: string;
  redis?: string;
  proverQueue?: string;
  stallSeconds: string;
  maxLagBlocks: string;
  publicRpc?: string;
}

/**
 * `royalty sequencer`: API, batcher, prover pool and settlement submitter in one process; with
 * --redis (or ROYALTY_REDIS_URL) proofs go to `royalty prover` processes instead of the pool.
 * Settlement transactions are paid by the key in ROYALTY_SUBMITTER_KEY (without it: no settling).
 */
export async function sequencerCommand(o: SequencerCommandOptions): Promise<void> {
  const deployment = o.deployment ? await readDeploymentFile(o.deployment) : undefined;
  // The deployment says its set: a sequencer of another set would prove batches the rollup refuses.
  const params = loadParams(o.params ?? deployment?.params ?? "default");
  const rpc = o.rpc ?? deployment?.rpc;
  const submitterKey = process.env.ROYALTY_SUBMITTER_KEY as `0x${string}` | undefined;
  if (submitterKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(submitterKey)) {
    throw new RoyaltyError(
      "BAD_SUBMITTER_KEY",
      "ROYALTY_SUBMITTER_KEY must be a 0x-prefixed 32-byte hex private key",
    );
  }
  if (!o.chainSeed && !(rpc && deployment)) {
    throw new RoyaltyError(
      "NO_CHAIN",
      "royalty sequencer needs --deployment FILE and its --rpc URL (or --chain-seed FILE for a sequencer without a chain)",
    );
  }
  const logger = createLogger();
  const { url, stop } = await runSequencer({
    db: o.db,
    params,
    logger,
    port: Number(o.port),
    host: o.host,
    rpc,
    deployment,
    seed: o.chainSeed,
    threads: o.threads === undefined ? undefined : Number(o.threads),
    batcher: o.batcher,
    confirmations: Number(o.confirmations),
    changeMarginSec: Number(o.changeMargin),
    watcherPollMs: Number(o.watcherPollMs),
    provers: Number(o.provers),
    threadsPerProof: o.threadsPerProof,
    proverEngine: o.proverEngine,
    redis: o.redis ?? process.env.ROYALTY_REDIS_URL,
    proverQueue: o.proverQueue,
    maxWaitMs: Number(o.maxWaitMs),
    submitterKey,
    stallSeconds: Number(o.stallSeconds),
    maxLagBlocks: Number(o.maxLagBlocks),
    ...(o.publicRpc ? { publicRpc: o.publicRpc } : {}),
  });
  const settling = submitterKey !== undefined;
  logger.info(
    { url, params: params.name, rollup: deployment?.rollup ?? null, settling },
    "sequencer started",
  );
  console.log(JSON.stringify({ listening: url, settling }));
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  logger.info({ signal }, "sequencer stopping: finishing requests, closing the database");
  await stop();
  logger.info("sequencer stopped");
  logger.flush();
}
