// scalar * generator for many scalars at once: the one engine behind every point of the dev
// ptau and the dev zkey. The comb tables are built here once per group; the multiplication runs
// in the curve's wasm (fixed-base-wasm.ts), fanned out over its worker threads in chunks.

import { FR_BYTES } from "./bn254.ts";
import { type Curve, type GroupName, runOnWorker, type WasmGroup } from "./dev-curve.ts";
import { COMB_DIGITS, COMB_WINDOWS, combFunctionName } from "./fixed-base-wasm.ts";

type Buf = Uint8Array;

// Points per worker task: ~0.1-0.3 s of work, so progress moves and both threads stay busy.
const CHUNK: Record<GroupName, number> = { G1: 4096, G2: 1024 };

/** table[w][d] = d * 256^w * G, affine Montgomery; d = 0 is left as zero bytes (never read). */
function buildCombTable(G: WasmGroup): Buf {
  const sAffine = G.F.n8 * 2;
  const table = new Uint8Array(COMB_WINDOWS * COMB_DIGITS * sAffine);
  let base = G.g;
  for (let w = 0; w < COMB_WINDOWS; w++) {
    let acc = G.zero;
    for (let d = 1; d < COMB_DIGITS; d++) {
      acc = G.add(acc, base);
      table.set(G.toAffine(acc), (w * COMB_DIGITS + d) * sAffine);
    }
    for (let k = 0; k < 8; k++) base = G.double(base);
  }
  return table;
}

export class FixedBaseMul {
  private tables: Partial<Record<GroupName, Buf>> = {};

  /** `onProgress` hears, per chunk, the points done of the current call's `stage`. */
  constructor(
    readonly curve: Curve,
    private readonly onProgress?: (stage: string, done: number, total: number) => void,
  ) {}

  private table(group: GroupName): Buf {
    this.tables[group] ??= buildCombTable(this.curve[group]);
    return this.tables[group];
  }

  pointSize(group: GroupName): number {
    return this.curve[group].F.n8 * 2;
  }

  /**
   * scalar_i * generator (affine Montgomery, the ptau/zkey point format) for every Fr
   * (Montgomery) in `scalars`, handed to `sink` chunk by chunk in order. `scalars` is not
   * modified.
   */
  async mulGenerator(
    group: GroupName,
    scalars: Buf,
    stage: string,
    sink: (points: Buf) => Promise<void> | void,
  ): Promise<void> {
    const total = scalars.byteLength / FR_BYTES;
    const chunk = Math.max(1, Math.min(CHUNK[group], Math.ceil(total / this.curve.tm.concurrency)));
    // Every chunk is queued at once so all workers start; results are consumed in order.
    const pending: Promise<Buf>[] = [];
    for (let i = 0; i < total; i += chunk) {
      pending.push(this.queueComb(group, scalars.subarray(i * FR_BYTES, (i + chunk) * FR_BYTES)));
    }
    this.onProgress?.(stage, 0, total);
    let done = 0;
    for (const p of pending) {
      const points = await p;
      await sink(points);
      done += points.byteLength / this.pointSize(group);
      this.onProgress?.(stage, done, total);
    }
  }

  private queueComb(group: GroupName, scalars: Buf): Promise<Buf> {
    const count = scalars.byteLength / FR_BYTES;
    const n8 = this.curve[group].F.n8;
    // A copy, not a view: posting a view to a worker would clone its whole backing buffer.
    const own = scalars.slice();
    const task = runOnWorker(this.curve, [
      { cmd: "ALLOCSET", var: 0, buff: this.table(group) },
      { cmd: "ALLOCSET", var: 1, buff: own },
      { cmd: "ALLOC", var: 2, len: count * this.pointSize(group) },
      { cmd: "ALLOC", var: 3, len: count * n8 },
      { cmd: "ALLOC", var: 4, len: count * n8 },
      {
        cmd: "CALL",
        fnName: combFunctionName(group),
        params: [{ var: 0 }, { var: 1 }, { val: count }, { var: 2 }, { var: 3 }, { var: 4 }],
      },
      { cmd: "GET", out: 0, var: 2, len: count * this.pointSize(group) },
    ]);
    return task.finally(() => own.fill(0));
  }
}
