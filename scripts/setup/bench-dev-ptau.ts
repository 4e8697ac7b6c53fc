// Times writeDevPtau at one power: `npx tsx scripts/setup/bench-dev-ptau.ts [power]`.
// Prints {"power":n,"seconds":s,"cpuSeconds":c}; per-stage timings go to stderr with --stages.

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StageClock, timed } from "./bench-timing.ts";
import { writeDevPtau } from "./dev-ptau.ts";

async function main(): Promise<void> {
  const power = Number(process.argv[2] ?? 14);
  const dir = await mkdtemp(join(tmpdir(), "bench-dev-ptau-"));
  try {
    const stages = new StageClock();
    const time = await timed(() =>
      writeDevPtau({ power, path: join(dir, `dev_${power}.ptau`), onProgress: stages.onProgress }),
    );
    if (process.argv.includes("--stages")) stages.print();
    console.log(JSON.stringify({ power, ...time }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
