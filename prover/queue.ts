import { Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { ProveJob, ProveResult, ProverArtifacts } from "./prove-job.ts";
import type { Prover } from "./prover.ts";
import {
  defaultQueueName,
  fileSha256,
  jobIdOf,
  parseFailureReason,
  type QueuePayload,
} from "./queue-protocol.ts";
import { assertRedisReachable, redisConnection } from "./redis.ts";

export interface QueueProverOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379 */
  redis: string;
  /** parameter set name: provers use their own build/<set>/ */
  params: string;
  /** default: royalty-prove-<set> */
  queue?: string;
  /**
   * Longest wait for one result before answering PROOF_TIMEOUT (the batch is then asked again
   * and joins the same job, so nothing is proven twice). Default 10 minutes.
   */
  timeoutMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Proves by putting jobs on a BullMQ queue that `royalty prover` processes consume, possibly on
 * other machines. Never rejects: a failed job, a timeout or a Redis error comes back as an
 * `{ ok: false }` result, which the proving loop retries.
 */
export class QueueProver implements Prover {
  readonly queueName: string;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly connections: Redis[];
  private pending = 0;

  /** Checks Redis answers first, so a wrong URL is a clear error at start-up (REDIS_UNREACHABLE). */
  static async connect(options: QueueProverOptions): Promise<QueueProver> {
    await assertRedisReachable(options.redis);
    const prover = new QueueProver(options);
    await Promise.all([prover.queue.waitUntilReady(), prover.events.waitUntilReady()]);
    return prover;
  }

  private constructor(private readonly o: QueueProverOptions) {
    this.queueName = o.queue ?? defaultQueueName(o.params);
    const onError = o.onError ?? (() => {});
    const queueConnection = redisConnection(o.redis, false);
    const eventsConnection = redisConnection(o.redis, true);
    this.connections = [queueConnection, eventsConnection];
    this.queue = new Queue(this.queueName, {
      connection: queueConnection,
      defaultJobOptions: {
        // The proving loop owns retries; one attempt per job keeps a failure visible at once.
        attempts: 1,
        // Kept a day: a restarted sequencer asking again for a proven batch gets the stored proof.
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      },
    });
    this.events = new QueueEvents(this.queueName, { connection: eventsConnection });
    // Each waiting prove() listens for the queue closing: many batches in flight are expected.
    this.queue.setMaxListeners(0);
    this.events.setMaxListeners(0);
    this.queue.on("error", onError);
    this.events.on("error", onError);
  }

  get queued(): number {
    return this.pending;
  }

  /** Sends `job` with the hash of `artifacts.zkey`: provers use their own build of the set. */
  async prove(job: ProveJob, artifacts: ProverArtifacts): Promise<ProveResult> {
    this.pending++;
    try {
      return await this.run({
        params: this.o.params,
        zkeyHash: await fileSha256(artifacts.zkey),
        job,
      });
    } catch (error) {
      return {
        ok: false,
        batchNumber: job.batchNumber,
        code: "PROVER_QUEUE_ERROR",
        message: (error as Error).message,
      };
    } finally {
      this.pending--;
    }
  }

  /** Adds the job (or joins the one with the same id) and waits for its outcome. */
  private async run(data: QueuePayload): Promise<ProveResult> {
    const jobId = jobIdOf(data);
    const existing = await this.queue.getJob(jobId);
    // A failed job with this id would keep the id taken: asking again means proving again.
    if (existing && (await existing.isFailed())) await existing.remove();
    const job = await this.queue.add("prove", data, { jobId });
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.o.timeoutMs ?? 600_000;
    const timeout = new Promise<ProveResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            ok: false,
            batchNumber: data.job.batchNumber,
            code: "PROOF_TIMEOUT",
            message: `no prover finished job ${jobId} within ${timeoutMs} ms; is a \`royalty prover\` consuming queue ${this.queueName}?`,
          }),
        timeoutMs,
      );
    });
    const finished = job.waitUntilFinished(this.events).then(
      (value) => value as ProveResult,
      (error: Error): ProveResult => ({
        ok: false,
        batchNumber: data.job.batchNumber,
        ...parseFailureReason(error.message),
      }),
    );
    try {
      return await Promise.race([finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }
}
