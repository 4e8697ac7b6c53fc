// The one proving function, outside any pool: its failures as results, and provenOrThrow.
import { beforeAll, describe, expect, it } from "vitest";
import { RoyaltyError } from "../../core/errors.ts";
import { loadParams } from "../../core/params.ts";
import { proveJob, proveJobOf, provenOrThrow } from "../../prover/prove-job.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { runSetup } from "../../scripts/setup/setup.ts";

const params = loadParams("test");
let artifacts: Awaited<ReturnType<typeof runSetup>>["artifacts"];

beforeAll(async () => {
  artifacts = (await runSetup(params, { progress: false })).artifacts;
});

describe("proveJob", () => {
  it("should prove a job on this thread, and return a circuit violation as WITNESS_FAILED", async () => {
    const built = sampleBatch(params, { events: 2 });
    const proven = provenOrThrow(await proveJob(proveJobOf(1, built), artifacts));
    expect(proven.publicSignals).toEqual(built.publicSignals.map(String));

    const input = structuredClone(built.input);
    input.eventAmount = ["0", ...(input.eventAmount as string[]).slice(1)];
    const failed = await proveJob({ ...proveJobOf(2, built), input }, artifacts);
    expect(failed).toMatchObject({ ok: false, batchNumber: 2, code: "WITNESS_FAILED" });
    const thrown = (() => {
      try {
        provenOrThrow(failed);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(RoyaltyError);
    expect(thrown).toMatchObject({ code: "WITNESS_FAILED" });
  });

  it("should answer PUBLIC_SIGNALS_MISMATCH when the proof's signals are not the expected ones", async () => {
    const job = proveJobOf(3, sampleBatch(params));
    const result = await proveJob(
      { ...job, expectedPublicSignals: ["1", ...job.expectedPublicSignals.slice(1)] },
      artifacts,
    );
    expect(result).toMatchObject({ ok: false, code: "PUBLIC_SIGNALS_MISMATCH" });
    // A list that matches as far as it goes but expects one signal more is no match either.
    const longer = await proveJob(
      { ...job, expectedPublicSignals: [...job.expectedPublicSignals, "0"] },
      artifacts,
    );
    expect(longer).toMatchObject({ ok: false, code: "PUBLIC_SIGNALS_MISMATCH" });
  });

  it("should answer NATIVE_PROVER_UNAVAILABLE for the native engine where it is disabled", async () => {
    // Read at this module instance's first look at the addon: vitest loads it afresh per file.
    process.env.ROYALTY_NATIVE_PROVER = "0";
    try {
      const result = await proveJob(proveJobOf(4, sampleBatch(params)), artifacts, {
        engine: "native",
      });
      expect(result).toMatchObject({ ok: false, code: "NATIVE_PROVER_UNAVAILABLE" });
      if (!result.ok) expect(result.message).toMatch(/disabled by ROYALTY_NATIVE_PROVER=0/);
    } finally {
      delete process.env.ROYALTY_NATIVE_PROVER;
    }
  });
});
