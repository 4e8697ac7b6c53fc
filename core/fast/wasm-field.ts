import * as circomlibjs from "circomlibjs";
import * as ffjavascript from "ffjavascript";

/**
 * Direct access to the BN254 scalar-field WebAssembly that circomlibjs itself runs (ffjavascript's
 * `frm_*` functions plus circomlibjs's `poseidon`). circomlibjs spends most of a hash or a
 * signature check in JavaScript glue (a Uint8Array per value, a copy per field operation); calling
 * the same wasm functions on preallocated slots removes that glue and keeps the arithmetic
 * byte-for-byte the library's. Values in slots are in Montgomery form, as the wasm expects.
 */
interface Exports {
  frm_mul(a: number, b: number, r: number): void;
  frm_square(a: number, r: number): void;
  frm_add(a: number, b: number, r: number): void;
  frm_sub(a: number, b: number, r: number): void;
  frm_copy(a: number, r: number): void;
  frm_eq(a: number, b: number): number;
  frm_toMontgomery(a: number, r: number): void;
  frm_fromMontgomery(a: number, r: number): void;
  poseidon(pState: number, pIn: number, n: number, pOut: number, nOut: number): void;
}

interface ThreadManager {
  instance: { exports: Exports };
  memory: WebAssembly.Memory;
  u8: Uint8Array;
  u32: Uint32Array;
  alloc(length: number): number;
}

// singleThread = true: a private wasm instance with no worker threads behind it.
// types/modules.d.ts declares only what core calls; this plug-in builder is circomlibjs's own.
const { buildPoseidonWasm } = circomlibjs as unknown as { buildPoseidonWasm: unknown };
const curve = (await ffjavascript.getCurveFromName("bn128", true, buildPoseidonWasm)) as {
  tm: ThreadManager;
};
const tm = curve.tm;

export const wasm: Exports = tm.instance.exports;

/** Bytes per field element. */
export const N8 = 32;

/** Reserves `count` consecutive field-element slots and returns the first one's address. */
export function allocSlots(count: number): number {
  const bytes = N8 * count;
  const free = (tm.u32[0] as number) + bytes + 8;
  if (free > tm.memory.buffer.byteLength) {
    // ffjavascript's allocator only bumps a pointer; growing is ours to do, and its views of the
    // old buffer are detached by the growth, so they are renewed here.
    tm.memory.grow(Math.ceil((free - tm.memory.buffer.byteLength) / 65536));
    tm.u8 = new Uint8Array(tm.memory.buffer);
    tm.u32 = new Uint32Array(tm.memory.buffer);
  }
  return tm.alloc(bytes);
}

let u32 = new Uint32Array(tm.memory.buffer);
function view(): Uint32Array {
  // A grown wasm memory detaches old views; nothing here grows it, but a stale view would corrupt.
  if (u32.buffer !== tm.memory.buffer) u32 = new Uint32Array(tm.memory.buffer);
  return u32;
}

const MASK32 = 0xffffffffn;

/** Writes a canonical integer (0 <= x < r, checked by the caller) into a slot, in Montgomery form. */
export function store(ptr: number, x: bigint): void {
  const m = view();
  let v = x;
  const base = ptr >>> 2;
  for (let i = 0; i < 8; i++) {
    m[base + i] = Number(v & MASK32);
    v >>= 32n;
  }
  wasm.frm_toMontgomery(ptr, ptr);
}

const scratch = allocSlots(1);

/** Reads a slot (Montgomery form) back as a canonical integer. */
export function load(ptr: number): bigint {
  wasm.frm_fromMontgomery(ptr, scratch);
  const m = view();
  const base = scratch >>> 2;
  let hex = "0x";
  for (let i = 7; i >= 0; i--) hex += (m[base + i] as number).toString(16).padStart(8, "0");
  return BigInt(hex);
}
