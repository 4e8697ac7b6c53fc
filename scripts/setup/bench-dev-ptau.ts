// Times writeDevPtau at one power: `npx tsx scripts/setup/bench-dev-ptau.ts [power]`.
// Prints {"power":n,"seconds":s,"cpuSeconds":c}; per-stage timings go to stderr with --stages.
// cpuSeconds (all threads) is the steadier figure when other jobs share the cores.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeDevPtau } from "./dev-ptau.ts";

async function main(): Promise<void> {
  const power = Number(process.argv[2] ?? 14);
  const showStages = process.argv.includes("--stages");
  const dir = await mkdtemp(join(tmpdir(), "bench-dev-ptau-"));
  try {
    const stages = new Map<string, number>();
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await writeDevPtau({
      power,
      path: join(dir, `dev_${power}.ptau`),
      onProgress: (stage) => {
        if (!stages.has(stage)) stages.set(stage, performance.now());
      },
    });
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (showStages) printStages(stages, start, performance.now());
    console.log(
      JSON.stringify({ power, seconds: round2(seconds), cpuSeconds: round2(cpuSeconds) }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

// A stage's time runs from its first progress call to the next stage's first call.
function printStages(stages: Map<string, number>, start: number, end: number): void {
  const entries = [...stages.entries()];
  console.error(`setup before first stage: ${((entries[0]?.[1] ?? end) - start).toFixed(0)} ms`);
  entries.forEach(([name, t], i) => {
    const next = entries[i + 1]?.[1] ?? end;
    console.error(`${name}: ${(next - t).toFixed(0)} ms`);
  });
}

await main();
