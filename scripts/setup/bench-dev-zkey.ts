// Times writeDevZkey on a built circuit: `npx tsx scripts/setup/bench-dev-zkey.ts [params]`
// (default: the "default" set, build/default/royalty_batch.r1cs).
//
// writeDevZkey checks the ptau against the secrets, so the bench first makes a fresh dev
// ptau of the needed power with known random secrets in a temp dir (timed separately, not
// part of the figure). Prints {"params","constraints","power","seconds","cpuSeconds",
// "ptauSeconds","ptauCpuSeconds"}; per-stage timings go to stderr with --stages; --prove also
// proves and verifies a sample batch with the new key (needs the circuit's wasm).

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { loadParams } from "../../core/params.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { encodeWtns, loadWitnessCalculator } from "../../prover/witness.ts";
import { StageClock, timed } from "./bench-timing.ts";
import { terminateCachedCurve } from "./dev-curve.ts";
import { writeDevPtau } from "./dev-ptau.ts";
import { randomDevKeySecrets } from "./dev-secrets.ts";
import { writeDevZkey } from "./dev-zkey.ts";
import { ptauPowerFor } from "./keys.ts";
import { artifactPaths } from "./paths.ts";

async function main(): Promise<void> {
  const name = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "default";
  const paths = artifactPaths(loadParams(name));
  const info = await snarkjs.r1cs.info(paths.r1cs);
  const power = ptauPowerFor(info.nConstraints, info.nPubInputs + info.nOutputs);
  const dir = await mkdtemp(join(tmpdir(), "bench-dev-zkey-"));
  try {
    const secrets = randomDevKeySecrets();
    const ptauPath = join(dir, `dev_${power}.ptau`);
    const { tau, alpha, beta } = secrets;
    const ptauTime = await timed(() =>
      writeDevPtau({ power, path: ptauPath, secrets: { tau, alpha, beta } }),
    );

    const zkeyPath = join(dir, "bench.zkey");
    const stages = new StageClock();
    const zkeyTime = await timed(() =>
      writeDevZkey({
        r1csPath: paths.r1cs,
        zkeyPath,
        ptauPath,
        secrets,
        label: "bench-dev-zkey",
        onProgress: stages.onProgress,
      }),
    );
    if (process.argv.includes("--stages")) stages.print();
    console.log(
      JSON.stringify({
        params: name,
        constraints: info.nConstraints,
        power,
        seconds: zkeyTime.seconds,
        cpuSeconds: zkeyTime.cpuSeconds,
        ptauSeconds: ptauTime.seconds,
        ptauCpuSeconds: ptauTime.cpuSeconds,
      }),
    );
    if (process.argv.includes("--prove")) await proveSample(name, zkeyPath);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await terminateCachedCurve(); // r1cs.info and the sample proof went through snarkjs
  }
}

async function proveSample(name: string, zkey: string): Promise<void> {
  const params = loadParams(name);
  const paths = artifactPaths(params);
  const calculate = await loadWitnessCalculator(paths.wasm, paths.witnessCalculator);
  const witness = await calculate(sampleBatch(params).input);
  let ok = false;
  const { seconds } = await timed(async () => {
    const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, {
      type: "mem",
      data: encodeWtns(witness),
    });
    const vk = await snarkjs.zKey.exportVerificationKey(zkey);
    ok = await snarkjs.groth16.verify(vk, publicSignals, proof);
  });
  console.error(`sample proof verifies: ${ok} (${seconds} s)`);
  if (!ok) process.exitCode = 1;
}

await main();
