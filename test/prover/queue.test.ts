import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RoyaltyError } from "../../core/errors.ts";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { ProverPool } from "../../prover/pool.ts";
import { proveJobOf } from "../../prover/prove-job.ts";
import { QueueProver } from "../../prover/queue.ts";
import { startQueueWorker } from "../../prover/queue-worker.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { runSetup } from "../../scripts/setup/setup.ts";
import { closedPort, deleteQueue, REDIS_URL, skipNote, uniqueQueueName } from "./redis-env.ts";

const params = loadParams("test");

describe.skipIf(!REDIS_URL)(`QueueProver and an in-process BullMQ worker${skipNote}`, () => {
  const url = REDIS_URL as string;
  const queue = uniqueQueueName("queue");
  let artifacts: Awaited<ReturnType<typeof runSetup>>["artifacts"];
  let pool: ProverPool;
  let worker: Awaited<ReturnType<typeof startQueueWorker>>;
  let prover: QueueProver;

  beforeAll(async () => {
    artifacts = (await runSetup(params, { progress: false })).artifacts;
    pool = new ProverPool({ workers: 1 });
    worker = await startQueueWorker({
      redis: url,
      params,
      pool,
      concurrency: 1,
      logger: pino({ level: "silent" }),
      queue,
    });
    prover = await QueueProver.connect({ redis: url, params: "test", queue });
  });
  afterAll(async () => {
    await prover?.close();
    await worker?.finish();
    await pool?.close();
    await deleteQueue(url, queue);
  });

  it("should prove a batch through Redis, the proof valid, and answer a repeat from the stored job", async () => {
    const batch = sampleBatch(params);
    const result = await prover.prove(proveJobOf(1, batch), artifacts);
    expect(result).toMatchObject({ ok: true, batchNumber: 1 });
    if (!result.ok) return;
    const vkey = readVerificationKey(artifacts.verificationKey);
    expect(await verifyProof(vkey, result.publicSignals.map(BigInt), result.proof)).toBe(true);

    // A restarted sequencer asking for the same batch content joins the finished job.
    const again = await prover.prove(proveJobOf(1, batch), artifacts);
    expect(again).toEqual(result);
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const q = new Queue(queue, { connection });
    expect(await q.getJobCounts("completed", "failed", "wait")).toEqual({
      completed: 1,
      failed: 0,
      wait: 0,
    });
    await q.close();
    connection.disconnect();
  });

  it("should fail a job whose zkey hash differs from the prover's with ZKEY_MISMATCH, then prove it with the right keys", async () => {
    // Same circuit, other key file: the hash in the job is not the prover's.
    const other = join(mkdtempSync(join(tmpdir(), "royalty-zkey-")), "other.zkey");
    copyFileSync(artifacts.verificationKey, other);
    const batch = sampleBatch(params, { events: 2 });
    const failed = await prover.prove(proveJobOf(2, batch), { ...artifacts, zkey: other });
    expect(failed).toMatchObject({ ok: false, batchNumber: 2, code: "ZKEY_MISMATCH" });
    if (!failed.ok) expect(failed.message).toMatch(/zkey sha256 [0-9a-f]{64}.*copy/);
    const retried = await prover.prove(proveJobOf(2, batch), artifacts);
    expect(retried.ok).toBe(true);
  });

  it("should fail a job for another parameter set with PARAMS_MISMATCH", async () => {
    const wrongSet = await QueueProver.connect({ redis: url, params: "default", queue });
    try {
      const result = await wrongSet.prove(
        proveJobOf(3, sampleBatch(params, { payers: 1 })),
        artifacts,
      );
      expect(result).toMatchObject({ ok: false, code: "PARAMS_MISMATCH" });
    } finally {
      await wrongSet.close();
    }
  });
});

describe("unreachable Redis", () => {
  it("should refuse to start a QueueProver or a queue worker with REDIS_UNREACHABLE and the cause", async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const error = await QueueProver.connect({ redis: url, params: "test" }).catch((e) => e);
    expect(error).toBeInstanceOf(RoyaltyError);
    expect(error).toMatchObject({ code: "REDIS_UNREACHABLE" });
    expect(error.message).toContain(url);
    expect((error.cause as Error).message).toMatch(/ECONNREFUSED/);

    const pool = new ProverPool({ workers: 1 });
    try {
      const fromWorker = await startQueueWorker({
        redis: url,
        params,
        pool,
        concurrency: 1,
        logger: pino({ level: "silent" }),
        artifacts: { wasm: "-", witnessCalculator: "-", zkey: import.meta.filename },
      }).catch((e) => e);
      expect(fromWorker).toMatchObject({ code: "REDIS_UNREACHABLE" });
    } finally {
      await pool.close();
    }
  });
});
