import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ErrorCode } from "../core/errors.ts";
import type { CircuitParams } from "../core/params.ts";
import type { ProveResult, ProverArtifacts } from "./prove-job.ts";
import type { Prover } from "./prover.ts";
import {
  defaultQueueName,
  fileSha256,
  jobFailure,
  localArtifacts,
  type QueuePayload,
} from "./queue-protocol.ts";
import { assertRedisReachable, redisConnection } from "./redis.ts";

export interface QueueWorkerOptions {
  redis: string;
  params: CircuitParams;
  /** proves the jobs: ProverPool (several single-threaded proofs on worker threads) or
   * MultiThreadProver (one proof at a time on all cores) */
  pool: Pick<Prover, "prove">;
  /** jobs taken at once: what the pool proves at once, so none waits inside this process */
  concurrency: number;
  logger: Logger;
  queue?: string;
  /**
   * How long a job's lock lasts without renewal: a prover that dies mid-proof has its job put
   * back on the queue by another prover about this long (plus one stalled check) later.
   */
  lockMs?: number;
  artifacts?: ProverArtifacts;
}

/**
 * Consumes proving jobs from Redis: checks the job names this machine's set and zkey, proves it
 * on the local pool (off the event loop, so lock renewals keep running during a proof) and
 * returns the ProveResult as the job's value. A failed proof fails the job with a RoyaltyError
 * whose message carries its stable code in front (jobFailure).
 */
export async function startQueueWorker(o: QueueWorkerOptions) {
  const artifacts = o.artifacts ?? localArtifacts(o.params);
  const zkeyHash = await fileSha256(artifacts.zkey);
  await assertRedisReachable(o.redis);
  const queueName = o.queue ?? defaultQueueName(o.params.name);
  const active = new Map<string, { queued: Job<QueuePayload>; token: string | undefined }>();
  const lockMs = o.lockMs ?? 30_000;

  const handle = async (queued: Job<QueuePayload>, token?: string): Promise<ProveResult> => {
    const { params, zkeyHash: wantedHash, job } = queued.data;
    const log = o.logger.child({ job: queued.id, batch: job?.batchNumber });
    const fail = (code: ErrorCode, message: string): never => {
      log.error({ code, err: message }, "job failed");
      throw jobFailure(code, message);
    };
    if (!job?.input) {
      fail(
        "PROVER_JOB_FAILED",
        "job data is not { params, zkeyHash, job } (docs/protocol.md §13): sent by a sequencer of another version?",
      );
    }
    if (params !== o.params.name) {
      fail(
        "PARAMS_MISMATCH",
        `job is for parameter set '${params}', this prover proves '${o.params.name}'`,
      );
    }
    const localHash = await fileSha256(artifacts.zkey); // re-read if setup re-ran meanwhile
    if (wantedHash !== localHash) {
      fail(
        "ZKEY_MISMATCH",
        `job needs zkey sha256 ${wantedHash}, this prover has ${localHash} in build/${o.params.name}/: copy the sequencer's build/${o.params.name}/ here`,
      );
    }
    active.set(queued.id as string, { queued, token });
    try {
      const waitedMs = (queued.processedOn ?? Date.now()) - queued.timestamp;
      log.info({ waitedMs }, "proving");
      const result = await o.pool.prove(job, artifacts);
      if (!result.ok) return fail(result.code, result.message);
      log.info(
        { witnessMs: Math.round(result.witnessMs), proveMs: Math.round(result.proveMs) },
        "batch proven",
      );
      return result;
    } finally {
      active.delete(queued.id as string);
    }
  };

  const connection: Redis = redisConnection(o.redis, true);
  const worker = new Worker<QueuePayload, ProveResult>(queueName, handle, {
    connection,
    concurrency: o.concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.max(1000, Math.min(30_000, lockMs)),
    // A job whose prover died twice is failed; the sequencer's next pass queues it again.
    maxStalledCount: 1,
  });
  worker.on("error", (error) => o.logger.warn({ err: error.message }, "queue worker: Redis error"));
  await worker.waitUntilReady();
  o.logger.info(
    { queue: queueName, params: o.params.name, zkeyHash, concurrency: o.concurrency },
    "prover ready",
  );

  return {
    queueName,
    zkeyHash,
    /** jobs being proven right now */
    get inFlight(): number {
      return active.size;
    },
    /** Stops taking jobs and waits for the ones in flight to finish. */
    finish: async () => {
      await worker.close();
      connection.disconnect();
    },
    /**
     * Puts the jobs in flight back on the queue for another prover. Does not wait for their
     * proofs (a graceful `finish` may be waiting for them): the caller exits next, and a late
     * result is refused by Redis since this worker no longer holds the job's lock.
     */
    release: async () => {
      for (const { queued, token } of active.values()) {
        if (!token) continue;
        await queued.moveToWait(token).then(
          () =>
            o.logger.warn({ job: queued.id, batch: queued.data.job.batchNumber }, "job released"),
          (error: Error) =>
            o.logger.warn({ job: queued.id, err: error.message }, "could not release job"),
        );
      }
      active.clear();
      void worker.close(true).catch(() => {});
    },
  };
}
