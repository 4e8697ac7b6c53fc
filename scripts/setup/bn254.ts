// BN254 ("bn128" to snarkjs) as the ptau, zkey and r1cs files lay it out, and BigInt arithmetic
// modulo its scalar order. The order itself is core/field.ts's SNARK_FIELD: one definition for
// the circuits, the prover and the setup.

import { SNARK_FIELD } from "../../core/field.ts";

/** Bytes of an Fr (scalar) or Fq (coordinate) element, little-endian in every file. */
export const FR_BYTES = 32;
/** Bytes of an affine point, x then y: G1 over Fq, G2 over Fq2. */
export const G1_BYTES = 64;
export const G2_BYTES = 128;
/**
 * Fr's two-adicity: 2^28 is the largest power-of-two domain with a root of unity. At and past it
 * snarkjs switches to other constructions (coset H, different Lagrange sections) that the dev
 * setup does not reproduce.
 */
export const FR_TWO_ADICITY = 28;

export function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Little-endian unsigned integer; the length must be a multiple of 8 (file elements are). */
export function leToBigint(b: Uint8Array): bigint {
  const dv = view(b);
  let x = 0n;
  for (let i = b.byteLength - 8; i >= 0; i -= 8) x = (x << 64n) | dv.getBigUint64(i, true);
  return x;
}

/** x (below 2^256) as FR_BYTES little-endian bytes at `offset`. */
export function writeLe256(dv: DataView, offset: number, x: bigint): void {
  for (let i = 0; i < 4; i++) {
    dv.setBigUint64(offset + 8 * i, BigInt.asUintN(64, x >> BigInt(64 * i)), true);
  }
}

export function frMod(x: bigint): bigint {
  const m = x % SNARK_FIELD;
  return m < 0n ? m + SNARK_FIELD : m;
}

export function frPow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  let b = frMod(base);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % SNARK_FIELD;
    b = (b * b) % SNARK_FIELD;
  }
  return result;
}

/** 1/x by Fermat (x non-zero); the setup needs a handful, so speed does not matter. */
export function frInv(x: bigint): bigint {
  return frPow(x, SNARK_FIELD - 2n);
}

/** scale * x_i for every x_i, as Fr Montgomery bytes (x * R mod r, R = 2^256): the wasm form. */
export function toMontgomery(xs: readonly bigint[], scale: bigint): Uint8Array {
  const k = frMod(scale * (1n << 256n));
  const out = new Uint8Array(xs.length * FR_BYTES);
  const dv = view(out);
  for (let i = 0; i < xs.length; i++) writeLe256(dv, i * FR_BYTES, (xs[i]! * k) % SNARK_FIELD);
  return out;
}
