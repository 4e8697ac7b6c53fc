import { RoyaltyError } from "../../core/errors.ts";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { proveJob, proveJobOf, provenOrThrow } from "../../prover/prove-job.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { runSetup } from "../setup/setup.ts";

/** Makes and verifies one proof of a full sample batch: the smoke test of a parameter set. */
export async function proveCommand(options: { params: string; json?: boolean }): Promise<void> {
  const params = loadParams(options.params);
  const { artifacts } = await runSetup(params, { progress: !options.json });
  const built = sampleBatch(params);
  const proven = provenOrThrow(await proveJob(proveJobOf(1, built), artifacts));
  const publicSignals = proven.publicSignals.map(BigInt);
  const t0 = performance.now();
  const valid = await verifyProof(
    readVerificationKey(artifacts.verificationKey),
    publicSignals,
    proven.proof,
  );
  const verifyMs = performance.now() - t0;
  const tampered = [...publicSignals];
  tampered[0] = (tampered[0] as bigint) ^ 1n;
  const rejectsTampered = !(await verifyProof(
    readVerificationKey(artifacts.verificationKey),
    tampered,
    proven.proof,
  ));
  const result = {
    params: params.name,
    events: built.heads.length,
    witnessMs: Math.round(proven.witnessMs),
    proveMs: Math.round(proven.proveMs),
    verifyMs: Math.round(verifyMs),
    valid,
    rejectsTamperedPublicSignal: rejectsTampered,
  };
  if (options.json) console.log(JSON.stringify(result));
  else {
    console.log(`proof of a sample batch (${result.events} events, set '${params.name}')`);
    console.log(`  witness   ${result.witnessMs} ms`);
    console.log(`  proof     ${result.proveMs} ms`);
    console.log(
      `  verify    ${result.verifyMs} ms: ${valid ? "valid" : "INVALID"}; tampered public signal ${rejectsTampered ? "rejected" : "ACCEPTED"}`,
    );
  }
  if (!valid || !rejectsTampered)
    throw new RoyaltyError("PROOF_CHECK_FAILED", "the sample proof did not verify as expected");
}
