import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { ProverPool } from "../../prover/pool.ts";
import { proveJobOf } from "../../prover/prove-job.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { runSetup } from "../../scripts/setup/setup.ts";

const params = loadParams("test");
let pool: ProverPool;
let artifacts: Awaited<ReturnType<typeof runSetup>>["artifacts"];

beforeAll(async () => {
  artifacts = (await runSetup(params, { progress: false })).artifacts;
  pool = new ProverPool({ workers: 2 });
});
afterAll(async () => {
  await pool?.close();
});

describe("ProverPool", () => {
  it("should prove several batches in parallel on worker threads, each proof valid", async () => {
    const batches = [
      sampleBatch(params),
      sampleBatch(params, { events: 2 }),
      sampleBatch(params, { payers: 1 }),
    ];
    const results = await Promise.all(
      batches.map((b, i) => pool.prove(proveJobOf(i + 1, b), artifacts)),
    );
    const vkey = readVerificationKey(artifacts.verificationKey);
    for (const [i, result] of results.entries()) {
      expect(result.ok).toBe(true);
      if (!result.ok) continue;
      expect(result.batchNumber).toBe(i + 1);
      expect(await verifyProof(vkey, result.publicSignals.map(BigInt), result.proof)).toBe(true);
    }
  });

  it("should return a failed proof as an error result and keep working", async () => {
    const bad = sampleBatch(params);
    const input = structuredClone(bad.input);
    input.eventAmount = ["0", ...(input.eventAmount as string[]).slice(1)];
    const failed = await pool.prove({ ...proveJobOf(7, bad), input }, artifacts);
    expect(failed).toMatchObject({ ok: false, batchNumber: 7, code: "WITNESS_FAILED" });
    const retried = await pool.prove(proveJobOf(7, bad), artifacts);
    expect(retried.ok).toBe(true);
  });
});
