// Bulk Fr arithmetic for the dev setup, on the curve's worker threads: the vectors here have
// 2^power elements, too many for BigInt. Elements are Fr Montgomery bytes throughout.

import { FR_BYTES, leToBigint } from "./bn254.ts";
import type { WasmFr } from "./dev-curve.ts";

type Buf = Uint8Array;

/** first * ratio^i for i < count. */
export async function geometric(Fr: WasmFr, first: Buf, ratio: Buf, count: number): Promise<Buf> {
  const ones = new Uint8Array(count * FR_BYTES);
  for (let i = 0; i < count; i++) ones.set(Fr.one, i * FR_BYTES);
  return Fr.batchApplyKey(ones, first, ratio);
}

/** k * v_i for every v_i. */
export async function scale(Fr: WasmFr, values: Buf, k: Buf): Promise<Buf> {
  return Fr.batchApplyKey(values, k, Fr.one);
}

/** The first `count` elements as bigints (standard form), for the BigInt arithmetic. */
export async function toBigints(Fr: WasmFr, mont: Buf, count: number): Promise<bigint[]> {
  const std = await Fr.batchFromMontgomery(mont.slice(0, count * FR_BYTES));
  const out = new Array<bigint>(count);
  for (let i = 0; i < count; i++) {
    out[i] = leToBigint(std.subarray(i * FR_BYTES, (i + 1) * FR_BYTES));
  }
  std.fill(0);
  return out;
}
