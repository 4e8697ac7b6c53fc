// The fixed-base comb multiplication, as wasm functions added to ffjavascript's bn128 module
// (dev-curve.ts compiles them in; fixed-base.ts calls them on the worker threads). In wasm
// because the inner loop is field arithmetic the curve's own wasm already does fastest.

import { FR_BYTES } from "./bn254.ts";
import type { GroupName } from "./dev-curve.ts";

// One comb window per scalar byte: 32 additions per point instead of ~254 doublings plus
// ~127 additions, and a table small enough (0.5 MB G1, 1 MB G2) to ship with each task.
export const COMB_WINDOWS = 32;
export const COMB_DIGITS = 256;

const GROUP_PREFIX: Record<GroupName, string> = { G1: "g1m", G2: "g2m" };

/** Name of the comb function for `group` in the curve's wasm. */
export function combFunctionName(group: GroupName): string {
  return `${GROUP_PREFIX[group]}_devFixedBaseMul`;
}

interface CodeBuilder {
  getLocal(name: string): number[];
  setLocal(name: string, v: number[]): number[];
  i32_const(n: number): number[];
  i32_add(a: number[], b: number[]): number[];
  i32_mul(a: number[], b: number[]): number[];
  i32_shl(a: number[], b: number[]): number[];
  i32_sub(a: number[], b: number[]): number[];
  i32_eq(a: number[], b: number[]): number[];
  i32_eqz(a: number[]): number[];
  i32_load8_u(addr: number[]): number[];
  call(fn: string, ...args: number[][]): number[];
  if(cond: number[], then: number[], otherwise?: number[]): number[];
  block(code: number[]): number[];
  loop(...code: number[][]): number[];
  br_if(depth: number, cond: number[]): number[];
  br(depth: number): number[];
}

interface ModuleBuilder {
  alloc(size: number): number;
  addFunction(name: string): {
    addParam(name: string, type: "i32"): void;
    addLocal(name: string, type: "i32"): void;
    getCodeBuilder(): CodeBuilder;
    addCode(...code: number[][]): void;
  };
  exportFunction(name: string): void;
}

/** ffjavascript's buildBn128 plugin: the comb function for G1 (over f1m) and G2 (over f2m). */
export function addCombFunctions(mb: ModuleBuilder): void {
  addCombFunction(mb, "G1", "f1m", 32);
  addCombFunction(mb, "G2", "f2m", 64);
}

// <prefix>_devFixedBaseMul(pTable, pScalars, n, pOut, pDen, pPre):
//   pOut[i] = scalar_i * G as affine Montgomery (the ptau point format), for n scalars in
//   Fr Montgomery form (converted in place). table[w][d] = d * 256^w * G, affine.
//   pDen and pPre are scratch, n base-field elements each.
//
// Window by window, every accumulator gets its table point added in *affine* coordinates,
// with one shared field inversion per window (Montgomery's batch-inversion trick): about
// 6 multiplications per addition instead of 11 for a Jacobian mixed addition, and no
// final conversion. The only special case is an empty accumulator: accumulator and table
// point can never be equal or opposite, because every partial sum of a canonical scalar's
// digits is smaller than the next non-zero digit's weight and than r.
function addCombFunction(mb: ModuleBuilder, group: GroupName, fPrefix: string, n8: number): void {
  const prefix = GROUP_PREFIX[group];
  const sAffine = n8 * 2;
  const f = mb.addFunction(combFunctionName(group));
  for (const p of ["pTable", "pScalars", "n", "pOut", "pDen", "pPre"]) f.addParam(p, "i32");
  for (const l of ["i", "w", "d", "pS", "pA", "pT", "pD", "pP"]) f.addLocal(l, "i32");
  const c = f.getCodeBuilder();
  const get = (name: string) => c.getLocal(name);
  const k = (v: number) => c.i32_const(v);
  const F = (op: string, ...args: number[][]) => c.call(`${fPrefix}_${op}`, ...args);
  const G = (op: string, ...args: number[][]) => c.call(`${prefix}_${op}`, ...args);
  const at = (base: string, index: number[], size: number) =>
    c.i32_add(get(base), c.i32_mul(index, k(size)));
  const tmp = () => k(mb.alloc(n8));
  const [prod, inv, invI, lambda, x3, t1] = [tmp(), tmp(), tmp(), tmp(), tmp(), tmp()];
  const [xA, yA] = [get("pA"), c.i32_add(get("pA"), k(n8))];
  const [xT, yT] = [get("pT"), c.i32_add(get("pT"), k(n8))];

  const forEach = (body: number[][]) =>
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(get("i"), get("n"))),
        ...body,
        c.setLocal("i", c.i32_add(get("i"), k(1))),
        c.br(0),
      ),
    );
  const forEachBackwards = (body: number[][]) =>
    c.block(
      c.loop(
        c.br_if(1, c.i32_eqz(get("i"))),
        c.setLocal("i", c.i32_sub(get("i"), k(1))),
        ...body,
        c.br(0),
      ),
    );
  // Pointers for element i in window w; d = 0 means nothing to add.
  const locate = [
    c.setLocal("pS", at("pScalars", get("i"), FR_BYTES)),
    c.setLocal("pA", at("pOut", get("i"), sAffine)),
    c.setLocal("pD", at("pDen", get("i"), n8)),
    c.setLocal("pP", at("pPre", get("i"), n8)),
    c.setLocal("d", c.i32_load8_u(c.i32_add(get("pS"), get("w")))),
    c.setLocal("pT", at("pTable", c.i32_add(c.i32_shl(get("w"), k(8)), get("d")), sAffine)),
  ];
  // Forward: denominators x_T - x_A and their prefix products. A zero denominator marks
  // "no addition" (digit 0, or empty accumulator that just takes the table point).
  const forward = forEach([
    ...locate,
    c.if(
      c.i32_eqz(get("d")),
      F("zero", get("pD")),
      c.if(
        G("isZeroAffine", get("pA")),
        [...G("copyAffine", get("pT"), get("pA")), ...F("zero", get("pD"))],
        [
          ...F("sub", xT, xA, get("pD")),
          ...F("copy", prod, get("pP")),
          ...F("mul", prod, get("pD"), prod),
        ],
      ),
    ),
  ]);
  // Backward: peel each 1/den off the inverted product, then the affine addition.
  const backward = forEachBackwards([
    ...locate,
    c.if(c.i32_eqz(F("isZero", get("pD"))), [
      ...F("mul", inv, get("pP"), invI),
      ...F("mul", inv, get("pD"), inv),
      ...F("sub", yT, yA, lambda),
      ...F("mul", lambda, invI, lambda),
      ...F("square", lambda, x3),
      ...F("sub", x3, xA, x3),
      ...F("sub", x3, xT, x3),
      ...F("sub", xA, x3, t1),
      ...F("mul", lambda, t1, t1),
      ...F("sub", t1, yA, yA),
      ...F("copy", x3, xA),
    ]),
  ]);
  f.addCode(
    c.setLocal("i", k(0)),
    forEach([
      c.setLocal("pS", at("pScalars", get("i"), FR_BYTES)),
      c.call("frm_fromMontgomery", get("pS"), get("pS")),
      G("zeroAffine", at("pOut", get("i"), sAffine)),
    ]),
    c.setLocal("w", k(0)),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(get("w"), k(COMB_WINDOWS))),
        F("one", prod),
        c.setLocal("i", k(0)),
        forward,
        F("inverse", prod, inv),
        c.setLocal("i", get("n")),
        backward,
        c.setLocal("w", c.i32_add(get("w"), k(1))),
        c.br(0),
      ),
    ),
  );
  mb.exportFunction(combFunctionName(group));
}
