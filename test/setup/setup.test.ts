import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { proveJob, proveJobOf, provenOrThrow } from "../../prover/prove-job.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { runSetup, type SetupSummary } from "../../scripts/setup/setup.ts";

const params = loadParams("test");
let first: SetupSummary;

beforeAll(async () => {
  first = await runSetup(params, { progress: false });
});

describe("royalty setup --params test", () => {
  it("should do nothing on a second run with unchanged sources", async () => {
    const second = await runSetup(params, { progress: false });
    expect(second.compiled).toBe(false);
    expect(second.keysMade).toBe(false);
    expect(second.constraints).toBe(first.constraints);
  });

  it("should label every key artifact as insecure when made from the dev ptau", () => {
    const vkey = JSON.parse(readFileSync(first.artifacts.verificationKey, "utf8"));
    expect(vkey.insecure).toBe(true);
    expect(vkey._origin).toMatch(/INSECURE dev key/);
    const verifier = readFileSync(first.artifacts.verifierSol, "utf8");
    expect(verifier).toMatch(/^\/\/ SPDX-License-Identifier/);
    expect(verifier).toMatch(/INSECURE dev key/);
    expect(verifier).toMatch(/contract RoyaltyVerifier_test/);
  });

  it("should make a proof of a sample batch that verifies, and reject tampered public data or proof", async () => {
    const built = sampleBatch(params);
    const proven = provenOrThrow(await proveJob(proveJobOf(1, built), first.artifacts));
    const publicSignals = proven.publicSignals.map(BigInt);
    const vkey = readVerificationKey(first.artifacts.verificationKey);
    expect(await verifyProof(vkey, publicSignals, proven.proof)).toBe(true);

    for (let i = 0; i < publicSignals.length; i++) {
      const tampered = [...publicSignals];
      tampered[i] = (tampered[i] as bigint) + 1n;
      expect(await verifyProof(vkey, tampered, proven.proof)).toBe(false);
    }
    const badProof = structuredClone(proven.proof);
    badProof.pi_a[0] = proven.proof.pi_c[0] as string;
    expect(await verifyProof(vkey, publicSignals, badProof)).toBe(false);
  });
});
