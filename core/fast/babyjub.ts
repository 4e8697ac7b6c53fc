import { RoyaltyError } from "../errors.ts";
import { SNARK_FIELD } from "../field.ts";
import { allocSlots, load, N8, store, wasm } from "./wasm-field.ts";

/**
 * Baby Jubjub (a·x² + y² = 1 + d·x²·y² over the BN254 scalar field) in extended twisted Edwards
 * coordinates (X:Y:T:Z), every field operation a call into circomlibjs's wasm field. The formulas
 * are the complete add-2008-hwcd / dbl-2008-hwcd ones (EFD), valid for every pair of curve points
 * because a is a square and d is not; circomlibjs's affine addition computes the same group law.
 */
export const A_COEF = 168700n;
export const D_COEF = 168696n;
export const BASE8: readonly [bigint, bigint] = [
  5299619240641551281634865583518297030282874472190772894086521144482721001553n,
  16950150798460657717958625567821834550301663161624707787222815936182638968203n,
];
export const SUB_ORDER =
  2736030358979909402780800718157159386076813972158567259200215660948447373041n;

/** A point is the address of 4 consecutive slots: X, Y, T, Z. */
export type Point = number;
const PT = 4 * N8;
const X = 0;
const Y = N8;
const T = 2 * N8;
const Z = 3 * N8;

export function allocPoint(): Point {
  return allocSlots(4);
}

const cA = allocSlots(1);
const cD = allocSlots(1);
const ONE = allocSlots(1);
const ZERO = allocSlots(1);
store(cA, A_COEF);
store(cD, D_COEF);
store(ONE, 1n);
store(ZERO, 0n);

const t = allocSlots(9);
const [ta, tb, tc, td, te, tf, tg, th, tx] = Array.from({ length: 9 }, (_, i) => t + i * N8) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

export function setIdentity(p: Point): void {
  wasm.frm_copy(ZERO, p + X);
  wasm.frm_copy(ONE, p + Y);
  wasm.frm_copy(ZERO, p + T);
  wasm.frm_copy(ONE, p + Z);
}

/** Loads an affine point; the caller checks it is on the curve (`onCurve`). */
export function setAffine(p: Point, x: bigint, y: bigint): void {
  store(p + X, x);
  store(p + Y, y);
  wasm.frm_mul(p + X, p + Y, p + T);
  wasm.frm_copy(ONE, p + Z);
}

export function copyPoint(src: Point, dst: Point): void {
  for (let o = 0; o < PT; o += N8) wasm.frm_copy(src + o, dst + o);
}

/** r = p + q (r may alias p or q). */
export function addPoints(p: Point, q: Point, r: Point): void {
  const m = wasm.frm_mul;
  m(p + X, q + X, ta); // A
  m(p + Y, q + Y, tb); // B
  m(p + T, q + T, tc);
  m(tc, cD, tc); // C = d·T1·T2
  m(p + Z, q + Z, td); // D
  wasm.frm_add(p + X, p + Y, te);
  wasm.frm_add(q + X, q + Y, tx);
  m(te, tx, te);
  wasm.frm_sub(te, ta, te);
  wasm.frm_sub(te, tb, te); // E
  wasm.frm_sub(td, tc, tf); // F
  wasm.frm_add(td, tc, tg); // G
  m(cA, ta, th);
  wasm.frm_sub(tb, th, th); // H = B - a·A
  m(te, tf, r + X);
  m(tg, th, r + Y);
  m(te, th, r + T);
  m(tf, tg, r + Z);
}

/** r = 2p (r may alias p). */
export function doublePoint(p: Point, r: Point): void {
  const m = wasm.frm_mul;
  wasm.frm_square(p + X, ta); // A
  wasm.frm_square(p + Y, tb); // B
  wasm.frm_square(p + Z, tc);
  wasm.frm_add(tc, tc, tc); // C = 2·Z²
  m(cA, ta, td); // D = a·A
  wasm.frm_add(p + X, p + Y, te);
  wasm.frm_square(te, te);
  wasm.frm_sub(te, ta, te);
  wasm.frm_sub(te, tb, te); // E
  wasm.frm_add(td, tb, tg); // G
  wasm.frm_sub(tg, tc, tf); // F
  wasm.frm_sub(td, tb, th); // H
  m(te, tf, r + X);
  m(tg, th, r + Y);
  m(te, th, r + T);
  m(tf, tg, r + Z);
}

/** Is the affine point (x, y) on the curve? Same test as circomlibjs `babyJub.inCurve`. */
export function onCurve(x: bigint, y: bigint): boolean {
  store(ta, x);
  store(tb, y);
  wasm.frm_square(ta, ta);
  wasm.frm_square(tb, tb);
  wasm.frm_mul(ta, tb, tc);
  wasm.frm_mul(tc, cD, tc);
  wasm.frm_add(tc, ONE, tc); // 1 + d·x²·y²
  wasm.frm_mul(ta, cA, ta);
  wasm.frm_add(ta, tb, ta); // a·x² + y²
  return wasm.frm_eq(ta, tc) === 1;
}

/** Projective equality: X1·Z2 = X2·Z1 and Y1·Z2 = Y2·Z1. */
export function pointsEqual(p: Point, q: Point): boolean {
  wasm.frm_mul(p + X, q + Z, ta);
  wasm.frm_mul(q + X, p + Z, tb);
  if (wasm.frm_eq(ta, tb) !== 1) return false;
  wasm.frm_mul(p + Y, q + Z, ta);
  wasm.frm_mul(q + Y, p + Z, tb);
  return wasm.frm_eq(ta, tb) === 1;
}

/** Affine coordinates of p (one field inversion, done in BigInt: rare, off the hot loop). */
export function toAffine(p: Point): [bigint, bigint] {
  const z = load(p + Z);
  const zi = modInverse(z);
  return [(load(p + X) * zi) % FIELD, (load(p + Y) * zi) % FIELD];
}

// BabyJubjub is defined over BN254's scalar field.
const FIELD = SNARK_FIELD;
function modInverse(a: bigint): bigint {
  let [r0, r1] = [FIELD, a % FIELD];
  let [s0, s1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % FIELD) + FIELD) % FIELD;
}

const WINDOW = 4;
const DIGITS = 1 << WINDOW;

/** r = k·p by fixed 4-bit windows (k >= 0, any size); p is not modified. r must not alias p. */
export function mulPoint(p: Point, k: bigint, r: Point, table: Point[] = defaultTable): void {
  copyPoint(p, table[1] as Point);
  for (let i = 2; i < DIGITS; i++) addPoints(table[i - 1] as Point, p, table[i] as Point);
  const digits: number[] = [];
  for (let v = k; v > 0n; v >>= BigInt(WINDOW)) digits.push(Number(v & BigInt(DIGITS - 1)));
  setIdentity(r);
  for (let i = digits.length - 1; i >= 0; i--) {
    for (let j = 0; j < WINDOW; j++) doublePoint(r, r);
    const d = digits[i] as number;
    if (d !== 0) addPoints(r, table[d] as Point, r);
  }
}
const defaultTable: Point[] = Array.from({ length: DIGITS }, () => allocPoint());

/**
 * Fixed-base tables: row w holds d·16^w·B for every 4-bit digit d, so k·B is at most 64 additions
 * and no doubling (k < 2^256). Building one costs about three variable-base multiplications.
 */
const FIXED_WINDOWS = 64;
export type FixedTable = Point[][];

function allocTable(): FixedTable {
  return Array.from({ length: FIXED_WINDOWS }, () =>
    Array.from({ length: DIGITS }, () => allocPoint()),
  );
}

const tableBase = allocPoint();
/** Fills `table` for the base point at `base` (not modified). */
function fillTable(base: Point, table: FixedTable): void {
  copyPoint(base, tableBase);
  for (const row of table) {
    setIdentity(row[0] as Point);
    for (let d = 1; d < DIGITS; d++) addPoints(row[d - 1] as Point, tableBase, row[d] as Point);
    for (let j = 0; j < WINDOW; j++) doublePoint(tableBase, tableBase);
  }
}

/** r = k·B for the table's base B, 0 <= k < 2^256. */
export function mulFixed(table: FixedTable, k: bigint, r: Point): void {
  if (k < 0n || k >= 1n << 256n)
    throw new RoyaltyError("FIELD_OVERFLOW", `scalar ${k} is not in 0..2^256-1`);
  setIdentity(r);
  let v = k;
  for (let w = 0; v > 0n; w++, v >>= BigInt(WINDOW)) {
    const d = Number(v & BigInt(DIGITS - 1));
    if (d !== 0) addPoints(r, (table[w] as Point[])[d] as Point, r);
  }
}

const base8Table: FixedTable = (() => {
  const table = allocTable();
  const base = allocPoint();
  setAffine(base, BASE8[0], BASE8[1]);
  fillTable(base, table);
  return table;
})();

/** r = k·Base8 for 0 <= k < 2^256: signing and verifying both multiply the fixed base. */
export function mulBase8(k: bigint, r: Point): void {
  mulFixed(base8Table, k, r);
}

/**
 * Fixed-base tables for the points a verifier sees again and again: payers' keys (times 8). A
 * payer signs every request, so its table pays for itself from the fourth check. A key gets a
 * table on its second sighting (one-off keys would only thrash the cache); the least recently
 * used table is reused when `capacity` (128 kB of wasm memory each) is reached.
 */
export class KeyTableCache {
  private readonly tables = new Map<string, FixedTable>();
  private readonly sightings = new Map<string, number>();

  constructor(private readonly capacity = 64) {}

  /** The table of `point`, or undefined if the point is not (yet) worth one. */
  lookup(key: string, point: Point): FixedTable | undefined {
    const hit = this.tables.get(key);
    if (hit) {
      this.tables.delete(key);
      this.tables.set(key, hit);
      return hit;
    }
    const seen = (this.sightings.get(key) ?? 0) + 1;
    if (this.sightings.size > 4096) this.sightings.clear();
    this.sightings.set(key, seen);
    if (seen < 2) return undefined;
    let table: FixedTable;
    if (this.tables.size < this.capacity) {
      table = allocTable();
    } else {
      const [oldest, reused] = this.tables.entries().next().value as [string, FixedTable];
      this.tables.delete(oldest);
      table = reused;
    }
    fillTable(point, table);
    this.tables.set(key, table);
    return table;
  }
}
