import { beforeAll, describe, expect, it } from "vitest";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { MultiThreadProver } from "../../prover/multi-thread-prover.ts";
import { proveJobOf } from "../../prover/prove-job.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { runSetup } from "../../scripts/setup/setup.ts";

const params = loadParams("test");
let artifacts: Awaited<ReturnType<typeof runSetup>>["artifacts"];

beforeAll(async () => {
  artifacts = (await runSetup(params, { progress: false })).artifacts;
});

describe("MultiThreadProver", () => {
  it("should prove batches one at a time, in order, each valid, and return a failure as a result", async () => {
    const prover = new MultiThreadProver();
    const good = sampleBatch(params);
    const bad = structuredClone(good.input);
    bad.eventAmount = ["0", ...(bad.eventAmount as string[]).slice(1)];
    const finished: number[] = [];
    const track = (p: ReturnType<MultiThreadProver["prove"]>) =>
      p.then((r) => {
        finished.push(r.batchNumber);
        return r;
      });
    const results = await Promise.all([
      track(prover.prove(proveJobOf(1, good), artifacts)),
      track(prover.prove({ ...proveJobOf(2, good), input: bad }, artifacts)),
      track(prover.prove(proveJobOf(3, sampleBatch(params, { events: 2 })), artifacts)),
    ]);
    expect(finished).toEqual([1, 2, 3]);
    expect(results[1]).toMatchObject({ ok: false, batchNumber: 2, code: "WITNESS_FAILED" });
    const vkey = readVerificationKey(artifacts.verificationKey);
    for (const r of [results[0], results[2]]) {
      expect(r?.ok).toBe(true);
      if (!r?.ok) continue;
      expect(await verifyProof(vkey, r.publicSignals.map(BigInt), r.proof)).toBe(true);
    }
    expect(prover.queued).toBe(0);
    await prover.close();
  });
});
