// QAP: per wire s, u_s(tau), v_s(tau), w_s(tau) = sum over constraints c of the A, B, C
// coefficient of s in c times L_c(tau); plus, as snarkjs adds them, one extra A row per
// public wire (constraint nConstraints + s, coefficient 1) that makes the public inputs
// linearly independent. Also zkey section 4, the A and B coefficients the prover needs.
//
// BigInt, not the wasm engine: the per-wire sums run over ~10 terms per constraint, and
// BigInt keeps them simple.

import { RoyaltyError } from "../../core/errors.ts";
import { SNARK_FIELD } from "../../core/field.ts";
import { FR_BYTES, frMod, view, writeLe256 } from "./bn254.ts";
import { coefReader, countAbTerms, forEachTerm, type R1cs } from "./r1cs.ts";

export interface Qap {
  u: bigint[];
  v: bigint[];
  w: bigint[];
  /** zkey section 4 */
  coefs: Uint8Array;
}

const r = SNARK_FIELD;

/** Section 4 body: count, then (matrix, constraint, wire, coefficient * R^2 mod r) each. */
class CoefWriter {
  readonly bytes: Uint8Array;
  private readonly dv: DataView;
  private at = 4;
  // snarkjs stores coefficients doubly Montgomery-encoded: the prover multiplies them,
  // as Montgomery numbers, with witness values that are not.
  private readonly r2 = frMod(1n << 512n);
  private readonly oneBytes = this.encode(1n);
  private readonly minusOneBytes = this.encode(r - 1n);

  constructor(count: number) {
    this.bytes = new Uint8Array(4 + count * (12 + FR_BYTES));
    this.dv = view(this.bytes);
    this.dv.setUint32(0, count, true);
  }

  private encode(coef: bigint): Uint8Array {
    const b = new Uint8Array(FR_BYTES);
    writeLe256(view(b), 0, (coef * this.r2) % r);
    return b;
  }

  push(matrix: number, constraint: number, wire: number, coef: bigint): void {
    this.dv.setUint32(this.at, matrix, true);
    this.dv.setUint32(this.at + 4, constraint, true);
    this.dv.setUint32(this.at + 8, wire, true);
    if (coef === 1n) this.bytes.set(this.oneBytes, this.at + 12);
    else if (coef === r - 1n) this.bytes.set(this.minusOneBytes, this.at + 12);
    else writeLe256(this.dv, this.at + 12, (coef * this.r2) % r);
    this.at += 12 + FR_BYTES;
  }

  finish(): Uint8Array {
    if (this.at !== this.bytes.byteLength) {
      throw new RoyaltyError("SETUP_FILE_MALFORMED", "r1cs coefficient count mismatch", {
        details: { written: this.at, expected: this.bytes.byteLength },
      });
    }
    return this.bytes;
  }
}

/** `lagrange[c]` = L_c(tau) for c < nConstraints + nPublic + 1. */
export function buildQap(r1cs: R1cs, lagrange: readonly bigint[]): Qap {
  const { nVars, nPublic, nConstraints } = r1cs;
  const sums = [0, 1, 2].map(() => new Array<bigint>(nVars).fill(0n));
  const coefs = new CoefWriter(countAbTerms(r1cs) + nPublic + 1);
  const coefAt = coefReader(r1cs.constraints);
  const minusOne = r - 1n;
  forEachTerm(r1cs, (m, c, s, at) => {
    if (s >= nVars) {
      throw new RoyaltyError(
        "SETUP_FILE_MALFORMED",
        `r1cs wire ${s} out of range (${nVars} wires); rebuild the circuit`,
        { details: { wire: s, nVars, constraint: c } },
      );
    }
    const coef = coefAt(at);
    const sum = sums[m]!;
    const l = lagrange[c]!;
    // Unreduced sums: one reduction per wire at the end instead of one per term.
    if (coef === 1n) sum[s]! += l;
    else if (coef === minusOne) sum[s]! -= l;
    else sum[s]! += coef * l;
    if (m < 2) coefs.push(m, c, s, coef);
  });
  const [u, v, w] = sums as [bigint[], bigint[], bigint[]];
  for (let s = 0; s <= nPublic; s++) {
    u[s]! += lagrange[nConstraints + s]!;
    coefs.push(0, nConstraints + s, s, 1n);
  }
  for (const sum of sums) for (let s = 0; s < nVars; s++) sum[s] = frMod(sum[s]!);
  return { u, v, w, coefs: coefs.finish() };
}
