import { availableParallelism } from "node:os";
import { RoyaltyError } from "../../core/errors.ts";
import { loadParams } from "../../core/params.ts";
import { MultiThreadProver } from "../../prover/multi-thread-prover.ts";
import { ProverPool } from "../../prover/pool.ts";
import { startQueueWorker } from "../../prover/queue-worker.ts";
import { createLogger } from "../logger.ts";

export interface ProverCommandOptions {
  redis?: string;
  params: string;
  workers?: string;
  threadsPerProof: string;
  proverEngine: "auto" | "native" | "snarkjs";
  queue?: string;
  lockMs: string;
  graceMs: string;
}

/**
 * `royalty prover`: takes proving jobs from Redis (BullMQ) and proves them on worker threads.
 * Prints one JSON line on stdout when it takes jobs; logs (pino) go to stderr. The first SIGINT or
 * SIGTERM stops taking jobs and lets the ones in flight finish; a second one, or --grace-ms
 * passing, puts them back on the queue for another prover and exits.
 */
export async function proverCommand(o: ProverCommandOptions): Promise<void> {
  const params = loadParams(o.params);
  const redis = o.redis ?? process.env.ROYALTY_REDIS_URL;
  if (!redis) {
    throw new RoyaltyError(
      "REDIS_URL_MISSING",
      "no Redis to take jobs from: pass --redis redis://host:6379 or set ROYALTY_REDIS_URL",
    );
  }
  if (o.threadsPerProof !== "1" && o.threadsPerProof !== "all") {
    throw new RoyaltyError(
      "BAD_OPTION",
      `--threads-per-proof is 1 (several single-threaded proofs at once, --workers of them) or all (one proof at a time on snarkjs's thread pool, one thread per core); got '${o.threadsPerProof}'`,
    );
  }
  // snarkjs sizes its own thread pool by the cores (ffjavascript), so "all" is the only other choice.
  const multi = o.threadsPerProof === "all";
  const workers = multi ? 1 : Number(o.workers ?? availableParallelism());
  const logger = createLogger();
  const engine = o.proverEngine;
  const pool = multi ? new MultiThreadProver({ engine }) : new ProverPool({ workers, engine });
  logger.info({ engine: pool.engine }, "prover engine");
  let worker: Awaited<ReturnType<typeof startQueueWorker>>;
  try {
    worker = await startQueueWorker({
      redis,
      params,
      pool,
      concurrency: workers,
      logger,
      queue: o.queue,
      lockMs: Number(o.lockMs),
    });
  } catch (error) {
    await pool.close();
    throw error;
  }
  console.log(
    JSON.stringify({
      ready: true,
      queue: worker.queueName,
      params: params.name,
      workers,
      threadsPerProof: o.threadsPerProof,
    }),
  );

  // Listeners stay for the whole shutdown: with `once`, a second signal arriving before the next
  // listener is added would meet none and kill the process by the default action.
  let resolveFirst!: (signal: string) => void;
  let resolveSecond!: (signal: string) => void;
  const first = new Promise<string>((resolve) => {
    resolveFirst = resolve;
  });
  const second = new Promise<string>((resolve) => {
    resolveSecond = resolve;
  });
  let signals = 0;
  const onSignal = (signal: string) => (++signals === 1 ? resolveFirst : resolveSecond)(signal);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  logger.info({ signal: await first }, "stopping: finishing the jobs in flight");
  let graceTimer: NodeJS.Timeout | undefined;
  const hurry = Promise.race([
    second,
    new Promise<string>((resolve) => {
      graceTimer = setTimeout(() => resolve("grace period over"), Number(o.graceMs));
    }),
  ]);
  const outcome = await Promise.race([worker.finish().then(() => "finished"), hurry]);
  clearTimeout(graceTimer);
  if (outcome !== "finished") {
    logger.warn({ reason: outcome, jobs: worker.inFlight }, "releasing the jobs in flight");
    await worker.release();
    // No pool.close(): it would wait for the released jobs' proofs; the CLI exits right after.
    logger.info("prover stopped");
    return;
  }
  await pool.close();
  logger.info("prover stopped");
}
