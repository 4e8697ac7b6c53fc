// The r1cs file circom writes (a binfile container, bin-file.ts): its header and the constraint
// section, read as raw bytes and walked in place, since a large circuit has millions of terms.

import { open } from "node:fs/promises";
import { RoyaltyError } from "../../core/errors.ts";
import { SNARK_FIELD } from "../../core/field.ts";
import { readExact, readSectionTable } from "./bin-file.ts";
import { FR_BYTES, leToBigint, view, writeLe256 } from "./bn254.ts";

export interface R1cs {
  prime: bigint;
  nVars: number;
  /** outputs + public inputs (not counting the constant-one wire) */
  nPublic: number;
  nConstraints: number;
  /** section 2: per constraint, for A, B, C: count u32, then (wire u32, coefficient) */
  constraints: Uint8Array;
}

const TERM_BYTES = 4 + FR_BYTES;

function malformed(path: string, problem: string): RoyaltyError {
  return new RoyaltyError("SETUP_FILE_MALFORMED", `r1cs ${problem}; rebuild the circuit`, {
    details: { path },
  });
}

export async function readR1cs(path: string): Promise<R1cs> {
  const fh = await open(path, "r");
  try {
    const table = await readSectionTable(fh, "r1cs");
    const head = table.get(1);
    const body = table.get(2);
    if (!head || !body) throw malformed(path, "file lacks its header or constraints section");
    const h = await readExact(fh, head.offset, head.size);
    const dv = view(h);
    const n8 = dv.getUint32(0, true);
    if (n8 !== FR_BYTES) throw malformed(path, `field elements of ${n8} bytes; expected 32`);
    const at = 4 + n8;
    return {
      prime: leToBigint(h.subarray(4, at)),
      nVars: dv.getUint32(at, true),
      nPublic: dv.getUint32(at + 4, true) + dv.getUint32(at + 8, true),
      nConstraints: dv.getUint32(at + 24, true),
      constraints: await readExact(fh, body.offset, body.size),
    };
  } finally {
    await fh.close();
  }
}

/**
 * Walks section 2 one linear combination at a time: matrix (0 A, 1 B, 2 C), constraint, its
 * term count and the offset of its first term. Throws unless the constraint count fits the
 * section exactly.
 */
function forEachCombination(
  r1cs: R1cs,
  visit: (matrix: number, constraint: number, nTerms: number, at: number) => void,
): void {
  const { constraints } = r1cs;
  const dv = view(constraints);
  const mismatch = (walked: number) =>
    new RoyaltyError(
      "SETUP_FILE_MALFORMED",
      "r1cs constraints section does not match its constraint count; rebuild the circuit",
      { details: { nConstraints: r1cs.nConstraints, bytes: constraints.byteLength, walked } },
    );
  let at = 0;
  for (let c = 0; c < r1cs.nConstraints; c++) {
    for (let m = 0; m < 3; m++) {
      if (at + 4 > constraints.byteLength) throw mismatch(at);
      const n = dv.getUint32(at, true);
      const end = at + 4 + n * TERM_BYTES;
      if (end > constraints.byteLength) throw mismatch(at);
      visit(m, c, n, at + 4);
      at = end;
    }
  }
  if (at !== constraints.byteLength) throw mismatch(at);
}

/** Every term: matrix (0 A, 1 B, 2 C), constraint, wire, and the coefficient's offset. */
export function forEachTerm(
  r1cs: R1cs,
  visit: (matrix: number, constraint: number, wire: number, coefAt: number) => void,
): void {
  const dv = view(r1cs.constraints);
  forEachCombination(r1cs, (m, c, n, first) => {
    for (let i = 0, at = first; i < n; i++, at += TERM_BYTES) {
      visit(m, c, dv.getUint32(at, true), at + 4);
    }
  });
}

/** Terms in the A and B matrices: the prover's coefficient section lists exactly these. */
export function countAbTerms(r1cs: R1cs): number {
  let count = 0;
  forEachCombination(r1cs, (m, _c, n) => {
    if (m < 2) count += n;
  });
  return count;
}

/** Coefficient reader with fast paths for 1 and -1, most of a circom r1cs. */
export function coefReader(constraints: Uint8Array): (at: number) => bigint {
  const r = SNARK_FIELD;
  const dv = view(constraints);
  const minusOne = new Uint8Array(FR_BYTES);
  writeLe256(view(minusOne), 0, r - 1n);
  const m = view(minusOne);
  const words = Array.from({ length: 8 }, (_, i) => m.getUint32(i * 4, true));
  const isOne = (at: number) => {
    if (dv.getUint32(at, true) !== 1) return false;
    for (let i = 1; i < 8; i++) if (dv.getUint32(at + i * 4, true) !== 0) return false;
    return true;
  };
  const isMinusOne = (at: number) => {
    for (let i = 0; i < 8; i++) if (dv.getUint32(at + i * 4, true) !== words[i]) return false;
    return true;
  };
  return (at) => {
    if (isOne(at)) return 1n;
    if (isMinusOne(at)) return r - 1n;
    return leToBigint(constraints.subarray(at, at + FR_BYTES));
  };
}
