// Times writeDevZkey on a built circuit: `npx tsx scripts/setup/bench-dev-zkey.ts [params]`
// (default: the "default" set, build/default/royalty_batch.r1cs).
//
// writeDevZkey checks the ptau against the secrets, so the bench first makes a fresh dev
// ptau of the needed power with known random secrets in a temp dir (timed separately, not
// part of the figure). Prints {"params","constraints","power","seconds","cpuSeconds",
// "ptauSeconds","ptauCpuSeconds"}; per-stage timings go to stderr with --stages; --prove also
// proves and verifies a sample batch with the new key (needs the circuit's wasm).
// cpuSeconds (all threads) is the steadier figure when other jobs share the cores.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { loadParams } from "../../core/params.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { encodeWtns, loadWitnessCalculator } from "../../prover/witness.ts";
import { writeDevPtau } from "./dev-ptau.ts";
import { randomDevKeySecrets, writeDevZkey } from "./dev-zkey.ts";
import { ptauPowerFor } from "./keys.ts";
import { artifactPaths } from "./paths.ts";

async function main(): Promise<void> {
  const name = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "default";
  const showStages = process.argv.includes("--stages");
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
    const stages = new Map<string, number>();
    const start = performance.now();
    const zkeyTime = await timed(() =>
      writeDevZkey({
        r1csPath: paths.r1cs,
        zkeyPath,
        ptauPath,
        secrets,
        label: "bench-dev-zkey",
        onProgress: (stage) => {
          if (!stages.has(stage)) stages.set(stage, performance.now());
        },
      }),
    );
    if (showStages) printStages(stages, start, performance.now());
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
    const cached = (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null })
      .curve_bn128;
    await cached?.terminate();
  }
}

async function timed(fn: () => Promise<void>): Promise<{ seconds: number; cpuSeconds: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpuStart);
  return {
    seconds: round2((performance.now() - start) / 1000),
    cpuSeconds: round2((cpu.user + cpu.system) / 1e6),
  };
}

async function proveSample(name: string, zkey: string): Promise<void> {
  const params = loadParams(name);
  const paths = artifactPaths(params);
  const calculate = await loadWitnessCalculator(paths.wasm, paths.witnessCalculator);
  const witness = await calculate(sampleBatch(params).input);
  const start = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, {
    type: "mem",
    data: encodeWtns(witness),
  });
  const vk = await snarkjs.zKey.exportVerificationKey(zkey);
  const ok = await snarkjs.groth16.verify(vk, publicSignals, proof);
  const proveSeconds = round2((performance.now() - start) / 1000);
  console.error(`sample proof verifies: ${ok} (${proveSeconds} s)`);
  if (!ok) process.exitCode = 1;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

// A stage's time runs from its first progress call to the next stage's first call.
function printStages(stages: Map<string, number>, start: number, end: number): void {
  const entries = [...stages.entries()];
  console.error(`setup before first stage: ${((entries[0]?.[1] ?? end) - start).toFixed(0)} ms`);
  entries.forEach(([stage, t], i) => {
    const next = entries[i + 1]?.[1] ?? end;
    console.error(`${stage}: ${(next - t).toFixed(0)} ms`);
  });
}

await main();
