import { pino } from "pino";
import { RoyaltyError } from "../../core/errors.ts";
import { loadParams } from "../../core/params.ts";
import { runSequencer } from "../../sequencer/run.ts";

export interface SequencerCommandOptions {
  db: string;
  rpc: string;
  deployment: string;
  params: string;
  port: string;
  provers: string;
  threadsPerProof: "1" | "all";
  maxWaitMs: string;
  redis?: string;
  proverQueue?: string;
}

/**
 * `royalty sequencer`: API, batcher, prover pool and settlement submitter in one process; with
 * --redis (or ROYALTY_REDIS_URL) proofs go to `royalty prover` processes instead of the pool.
 * Settlement transactions are paid by the key in ROYALTY_SUBMITTER_KEY (without it: no settling).
 */
export async function sequencerCommand(o: SequencerCommandOptions): Promise<void> {
  const params = loadParams(o.params);
  const submitterKey = process.env.ROYALTY_SUBMITTER_KEY as `0x${string}` | undefined;
  if (submitterKey !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(submitterKey)) {
    throw new RoyaltyError(
      "BAD_SUBMITTER_KEY",
      "ROYALTY_SUBMITTER_KEY must be a 0x-prefixed 32-byte hex private key",
    );
  }
  const logger = pino({ level: "info" }, pino.destination(2));
  const { url, stop } = await runSequencer({
    db: o.db,
    params,
    logger,
    port: Number(o.port),
    rpc: o.rpc,
    deployment: o.deployment,
    provers: Number(o.provers),
    threadsPerProof: o.threadsPerProof,
    redis: o.redis ?? process.env.ROYALTY_REDIS_URL,
    proverQueue: o.proverQueue,
    maxWaitMs: Number(o.maxWaitMs),
    submitterKey,
  });
  console.log(JSON.stringify({ listening: url, settling: submitterKey !== undefined }));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await stop();
}
