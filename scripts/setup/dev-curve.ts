// ffjavascript's bn128 curve with the fixed-base comb (fixed-base-wasm.ts) compiled into its
// wasm, on the main thread and every worker, plus the typed view of it the dev setup uses.

import * as ffjavascript from "ffjavascript";
import { RoyaltyError } from "../../core/errors.ts";
import { addCombFunctions } from "./fixed-base-wasm.ts";

type Buf = Uint8Array;

/** One step of a worker task, as ffjavascript's thread manager runs it. */
export interface TaskCmd {
  cmd: "ALLOC" | "ALLOCSET" | "SET" | "CALL" | "GET";
  var?: number;
  len?: number;
  buff?: Buf;
  fnName?: string;
  params?: ({ var: number; offset?: number } | { val: number })[];
  out?: number;
}

interface ThreadManager {
  concurrency: number;
  queueAction(task: TaskCmd[]): Promise<Buf[]>;
}

/** Fr, elements in Montgomery form (the wasm and file form). */
export interface WasmFr {
  n8: number;
  one: Buf;
  e(x: bigint | number): Buf;
  mul(a: Buf, b: Buf): Buf;
  ifft(buff: Buf): Promise<Buf>;
  batchApplyKey(buff: Buf, first: Buf, inc: Buf): Promise<Buf>;
  batchFromMontgomery(buff: Buf): Promise<Buf>;
}

export interface WasmGroup {
  F: { n8: number };
  g: Buf;
  zero: Buf;
  add(a: Buf, b: Buf): Buf;
  double(a: Buf): Buf;
  eq(a: Buf, b: Buf): boolean;
  toAffine(a: Buf): Buf;
  timesFr(a: Buf, s: Buf): Buf;
  toUncompressed(a: Buf): Buf;
  toRprUncompressed(out: Buf, offset: number, a: Buf): void;
  fromRng(rng: unknown): Buf;
  batchLEMtoC(buff: Buf): Promise<Buf>;
  batchLEMtoU(buff: Buf): Promise<Buf>;
}

export interface Curve {
  q: bigint;
  r: bigint;
  Fr: WasmFr;
  G1: WasmGroup;
  G2: WasmGroup;
  tm: ThreadManager;
  terminate(): Promise<void>;
}

export type GroupName = "G1" | "G2";

type CurveCache = { curve_bn128?: { terminate(): Promise<void> } | null };

/**
 * Runs `use` with a private dev curve and stops its workers afterwards. buildBn128 returns a
 * process-wide cached curve when one exists, and that one lacks our plugin: build a private one
 * and leave whatever snarkjs cached untouched, both now and when ours terminates (which clears
 * the global cache, never ours).
 */
export async function withDevCurve<T>(use: (curve: Curve) => Promise<T>): Promise<T> {
  const g = globalThis as CurveCache;
  const cached = g.curve_bn128;
  g.curve_bn128 = null;
  let curve: Curve;
  try {
    curve = (await ffjavascript.buildBn128(false, addCombFunctions)) as Curve;
  } finally {
    g.curve_bn128 = cached;
  }
  try {
    return await use(curve);
  } finally {
    const current = g.curve_bn128;
    await curve.terminate();
    g.curve_bn128 = current;
  }
}

/**
 * Stops the curve snarkjs caches per process (its worker threads would keep the process alive):
 * for tests and benches that called snarkjs.
 */
export async function terminateCachedCurve(): Promise<void> {
  await (globalThis as CurveCache).curve_bn128?.terminate();
}

/** Runs one task on a worker thread and returns its one output buffer. */
export async function runOnWorker(curve: Curve, task: TaskCmd[]): Promise<Buf> {
  const [out] = await curve.tm.queueAction(task);
  if (out === undefined) {
    throw new RoyaltyError("SETUP_WORKER_FAILED", "setup worker thread returned no result", {
      details: { steps: task.map((t) => t.fnName ?? t.cmd) },
    });
  }
  return out;
}

/** x * generator, affine Montgomery (the file format): for single points, not bulk. */
export function timesGenerator(curve: Curve, group: GroupName, x: bigint): Buf {
  const G = curve[group];
  return G.toAffine(G.timesFr(G.g, curve.Fr.e(x)));
}
