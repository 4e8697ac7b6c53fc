// runSequencer with --redis: its proving loop sends batches through Redis to a queue worker
// (in this process here; `royalty prover` in production) and stores the proofs it gets back.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { ProverPool } from "../../prover/pool.ts";
import { startQueueWorker } from "../../prover/queue-worker.ts";
import { runSetup } from "../../scripts/setup/setup.ts";
import { RoyaltyClient } from "../../sdk/index.ts";
import { runSequencer } from "../../sequencer/run.ts";
import { chainSeedFor, DOMAIN, testPayer } from "../sequencer/helpers.ts";
import { deleteQueue, REDIS_URL, skipNote, uniqueQueueName } from "./redis-env.ts";

const params = loadParams("test");
const dir = mkdtempSync(join(tmpdir(), "seq-queue-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!REDIS_URL)(`sequencer proving through Redis${skipNote}`, () => {
  it("should store a proof, made by a queue worker, for every batch it cuts", async () => {
    const url = REDIS_URL as string;
    const queue = uniqueQueueName("seq");
    const { artifacts } = await runSetup(params, { progress: false });
    const payers = [1, 2].map(testPayer);
    const seed = chainSeedFor(payers, [
      { assetId: "1", recipients: ["1", "101"], bps: [6000, 4000] },
    ]);
    writeFileSync(join(dir, "seed.json"), JSON.stringify(seed));
    const logger = pino({ level: "silent" });
    const pool = new ProverPool({ workers: 1 });
    const worker = await startQueueWorker({
      redis: url,
      params,
      pool,
      concurrency: 1,
      logger,
      queue,
    });
    const sequencer = await runSequencer({
      db: join(dir, "seq.sqlite"),
      params,
      logger,
      port: 0,
      seed: join(dir, "seed.json"),
      maxWaitMs: 200,
      threads: 0,
      redis: url,
      proverQueue: queue,
    });
    try {
      for (const p of payers) {
        const client = new RoyaltyClient({
          baseUrl: sequencer.url,
          payer: p.address,
          privateKey: p.privateKey,
          domain: DOMAIN,
        });
        await client.submitMany([
          { assetId: 1n, amount: 1000n },
          { assetId: 1n, amount: 2500n },
        ]);
      }
      const proven = () =>
        sequencer.store.unsettledBatches().filter((b) => b.status === "proven").length;
      await expect.poll(proven, { timeout: 60_000, interval: 200 }).toBeGreaterThanOrEqual(1);
      await expect.poll(() => sequencer.store.queueDepths().batched, { timeout: 60_000 }).toBe(0);

      const vkey = readVerificationKey(artifacts.verificationKey);
      for (const b of sequencer.store.unsettledBatches()) {
        // Checked against the public signals the batch record was cut with.
        const signals = (b.content?.publicSignals ?? []).map(BigInt);
        expect(signals.length).toBeGreaterThan(0);
        expect(await verifyProof(vkey, signals, JSON.parse(b.proof as string))).toBe(true);
      }
    } finally {
      await sequencer.stop();
      await worker.finish();
      await pool.close();
      await deleteQueue(url, queue);
    }
  });
});
