// Timing for the dev-setup benches (bench-dev-ptau.ts, bench-dev-zkey.ts). Wall time and CPU
// time of all threads: the CPU figure is the steadier one when other jobs share the cores.

export interface Timing {
  seconds: number;
  cpuSeconds: number;
}

export async function timed(fn: () => Promise<void>): Promise<Timing> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  await fn();
  const cpu = process.cpuUsage(cpuStart);
  return {
    seconds: round2((performance.now() - start) / 1000),
    cpuSeconds: round2((cpu.user + cpu.system) / 1e6),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Per-stage wall times from a writer's progress callbacks: a stage runs from its first progress
 * call to the next stage's first call. Create it just before the timed run.
 */
export class StageClock {
  private readonly start = performance.now();
  private readonly firstCall = new Map<string, number>();

  /** Pass as `onProgress`. */
  readonly onProgress = (stage: string): void => {
    if (!this.firstCall.has(stage)) this.firstCall.set(stage, performance.now());
  };

  /** To stderr, so stdout keeps only the JSON figure. */
  print(): void {
    const end = performance.now();
    const entries = [...this.firstCall.entries()];
    const first = entries[0]?.[1] ?? end;
    console.error(`setup before first stage: ${(first - this.start).toFixed(0)} ms`);
    entries.forEach(([stage, t], i) => {
      const next = entries[i + 1]?.[1] ?? end;
      console.error(`${stage}: ${(next - t).toFixed(0)} ms`);
    });
  }
}
