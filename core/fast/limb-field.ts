import type { ModuleBuilder } from "wasmbuilder";
import { SNARK_FIELD } from "../field.ts";

/**
 * Montgomery arithmetic on the BN254 scalar field, generated as WebAssembly with wasmbuilder.
 *
 * Why not ffjavascript's `frm_mul`: it stores 8 limbs of 32 bits, so every partial product needs
 * its carry split off at once (wasm has no 64x64->128 multiply). Here an element is 9 limbs of 29
 * bits held in i64 words: a 58-bit product leaves 6 bits of headroom, so a whole Montgomery
 * multiplication accumulates without carries and normalises once at the end. R = 2^261 is far
 * above p (~2^253.6), which lets values stay "almost reduced" (below a few p) between operations
 * with no conditional subtraction: for inputs a, b < 2^259 the product a*b/R + p stays below
 * 2^258. Callers keep every value below 2^259; `addReduce` exists for the one place (Poseidon's
 * partial rounds) where sums would otherwise grow without bound.
 */
export const LIMBS = 9;
export const LIMB_BITS = 29;
/** Bytes per element: 9 i64 words. */
export const SLOT = LIMBS * 8;

const P = SNARK_FIELD;
/** A limb's bits, as a mask. */
export const LIMB_MASK = (1n << BigInt(LIMB_BITS)) - 1n;
const MASK = LIMB_MASK;
/** Montgomery's R of the limb field: 2^(LIMBS * LIMB_BITS). */
export const R = 1n << BigInt(LIMBS * LIMB_BITS);
/** Montgomery form of x: x*R mod p. */
export const toMontgomery = (x: bigint): bigint => (x * R) % P;
/** R^2 mod p: multiplying by it moves a canonical value into Montgomery form. */
export const R2 = (R * R) % P;

export function limbsOf(x: bigint): bigint[] {
  return Array.from({ length: LIMBS }, (_, j) => (x >> BigInt(j * LIMB_BITS)) & MASK);
}

/** Little-endian i64 bytes of x's limbs: one slot's content, for data segments. */
export function slotBytes(x: bigint): Uint8Array {
  const out = new Uint8Array(SLOT);
  const view = new DataView(out.buffer);
  limbsOf(x).forEach((limb, j) => {
    view.setBigUint64(j * 8, limb, true);
  });
  return out;
}

/** -p^-1 mod 2^29, the Montgomery reduction factor per limb. */
function montgomeryFactor(): bigint {
  const m = 1n << BigInt(LIMB_BITS);
  // Newton iteration for the inverse of p mod 2^29 (p is odd).
  let inv = 1n;
  for (let i = 0; i < 5; i++) inv = (inv * (2n - P * inv)) % m;
  return (m - ((inv + m) % m)) % m;
}

// 4p by limbs, for addReduce; its top limb decides (cheaply) when a sum has passed 4p.
const P4 = limbsOf(4n * P);
const P4_TOP = P4[LIMBS - 1] as bigint;

type Code = number[];
// biome-ignore lint/suspicious/noExplicitAny: wasmbuilder ships no types; only its code builder is used.
type CodeBuilder = any;

/** fr_mul(a, b, r): r = a*b/R mod p (almost reduced). Fully unrolled, operand scanning. */
function buildMul(module: ModuleBuilder): void {
  const f = module.addFunction("fr_mul");
  f.addParam("pa", "i32");
  f.addParam("pb", "i32");
  f.addParam("pr", "i32");
  for (let j = 0; j < LIMBS; j++) f.addLocal(`b${j}`, "i64");
  for (let j = 0; j < LIMBS - 1; j++) f.addLocal(`t${j}`, "i64");
  f.addLocal("ai", "i64");
  f.addLocal("x", "i64");
  f.addLocal("q", "i64");
  const c: CodeBuilder = f.getCodeBuilder();
  const pLimbs = limbsOf(P);
  const mu = montgomeryFactor();
  const get = (name: string): Code => c.getLocal(name);
  const prod = (j: number): Code => c.i64_mul(get("ai"), get(`b${j}`));
  const qp = (j: number): Code => c.i64_mul(get("q"), c.i64_const(pLimbs[j]));
  const code: Code[] = [];
  for (let j = 0; j < LIMBS; j++) code.push(c.setLocal(`b${j}`, c.i64_load(get("pb"), j * 8)));
  for (let i = 0; i < LIMBS; i++) {
    code.push(c.setLocal("ai", c.i64_load(get("pa"), i * 8)));
    // T += a_i * B; q makes T + q*p divisible by 2^29; T = (T + q*p) / 2^29, limbs left unnormalised.
    code.push(c.setLocal("x", i === 0 ? prod(0) : c.i64_add(get("t0"), prod(0))));
    code.push(c.setLocal("q", c.i64_and(c.i64_mul(get("x"), c.i64_const(mu)), c.i64_const(MASK))));
    const carry = c.i64_shr_u(c.i64_add(get("x"), qp(0)), c.i64_const(LIMB_BITS));
    for (let j = 1; j < LIMBS; j++) {
      let v: Code = c.i64_add(prod(j), qp(j));
      if (i > 0 && j < LIMBS - 1) v = c.i64_add(get(`t${j}`), v);
      if (j === 1) v = c.i64_add(v, carry);
      code.push(c.setLocal(`t${j - 1}`, v));
    }
  }
  // Each t_j gathered at most 18 products below 2^58: under 2^63, so no overflow above.
  for (let j = 0; j < LIMBS - 1; j++) {
    if (j > 0) {
      code.push(
        c.setLocal(
          `t${j}`,
          c.i64_add(get(`t${j}`), c.i64_shr_u(get(`t${j - 1}`), c.i64_const(LIMB_BITS))),
        ),
      );
    }
    code.push(c.i64_store(get("pr"), j * 8, c.i64_and(get(`t${j}`), c.i64_const(MASK))));
  }
  code.push(
    c.i64_store(get("pr"), (LIMBS - 1) * 8, c.i64_shr_u(get(`t${LIMBS - 2}`), c.i64_const(29))),
  );
  f.addCode(...code);
}

/** Limb-wise sum with carries into s0..s8 (locals of `f`). */
function sumCode(c: CodeBuilder): Code[] {
  const code: Code[] = [];
  for (let j = 0; j < LIMBS; j++) {
    let v: Code = c.i64_add(
      c.i64_load(c.getLocal("pa"), j * 8),
      c.i64_load(c.getLocal("pb"), j * 8),
    );
    if (j > 0) v = c.i64_add(v, c.i64_shr_u(c.getLocal(`s${j - 1}`), c.i64_const(LIMB_BITS)));
    code.push(c.setLocal(`s${j}`, v));
    if (j > 0) {
      code.push(c.setLocal(`s${j - 1}`, c.i64_and(c.getLocal(`s${j - 1}`), c.i64_const(MASK))));
    }
  }
  return code;
}

function addFunctionWithSum(module: ModuleBuilder, name: string) {
  const f = module.addFunction(name);
  f.addParam("pa", "i32");
  f.addParam("pb", "i32");
  f.addParam("pr", "i32");
  for (let j = 0; j < LIMBS; j++) f.addLocal(`s${j}`, "i64");
  f.addLocal("v", "i64");
  const c: CodeBuilder = f.getCodeBuilder();
  return { f, c };
}

/** fr_add(a, b, r): r = a + b, normalised limbs, not reduced (the caller bounds the growth). */
function buildAdd(module: ModuleBuilder): void {
  const { f, c } = addFunctionWithSum(module, "fr_add");
  const code = sumCode(c);
  for (let j = 0; j < LIMBS; j++)
    code.push(c.i64_store(c.getLocal("pr"), j * 8, c.getLocal(`s${j}`)));
  f.addCode(...code);
}

/**
 * fr_addReduce(a, b, r): r = a + b, minus 4p when the top limb shows the sum is above 4p. A sum
 * whose top limb exceeds 4p's is surely >= 4p, so the subtraction never goes negative; values
 * that go through it stay below about 4p + the largest addend.
 */
function buildAddReduce(module: ModuleBuilder): void {
  const { f, c } = addFunctionWithSum(module, "fr_addReduce");
  const code = sumCode(c);
  const sub: Code[] = [];
  for (let j = 0; j < LIMBS; j++) {
    // v = s_j - 4p_j + borrow, borrow kept signed in v's high bits (arithmetic shift).
    let v: Code = c.i64_sub(c.getLocal(`s${j}`), c.i64_const(P4[j]));
    if (j > 0) v = c.i64_add(v, c.i64_shr_s(c.getLocal("v"), c.i64_const(LIMB_BITS)));
    sub.push(c.setLocal("v", v));
    sub.push(
      c.i64_store(
        c.getLocal("pr"),
        j * 8,
        j === LIMBS - 1 ? c.getLocal("v") : c.i64_and(c.getLocal("v"), c.i64_const(MASK)),
      ),
    );
  }
  const keep: Code[] = [];
  for (let j = 0; j < LIMBS; j++)
    keep.push(c.i64_store(c.getLocal("pr"), j * 8, c.getLocal(`s${j}`)));
  code.push(
    c.if(c.i64_gt_u(c.getLocal(`s${LIMBS - 1}`), c.i64_const(P4_TOP)), sub.flat(), keep.flat()),
  );
  f.addCode(...code);
}

/**
 * Montgomery reduction of 18 carried columns c0..c17 (locals of the calling function, plus `q`)
 * into r = columns / R mod p at `pr`: clears one low limb per step, then keeps the high half.
 */
function reduceColumns(c: CodeBuilder): Code[] {
  const get = (name: string): Code => c.getLocal(name);
  const addTo = (col: number, v: Code): Code => c.setLocal(`c${col}`, c.i64_add(get(`c${col}`), v));
  const pLimbs = limbsOf(P);
  const mu = montgomeryFactor();
  const code: Code[] = [];
  for (let i = 0; i < LIMBS; i++) {
    code.push(
      c.setLocal("q", c.i64_and(c.i64_mul(get(`c${i}`), c.i64_const(mu)), c.i64_const(MASK))),
    );
    for (let j = 0; j < LIMBS; j++) {
      code.push(addTo(i + j, c.i64_mul(get("q"), c.i64_const(pLimbs[j]))));
    }
    code.push(addTo(i + 1, c.i64_shr_u(get(`c${i}`), c.i64_const(LIMB_BITS))));
  }
  for (let j = 0; j < LIMBS; j++) {
    const col = LIMBS + j;
    if (j > 0) code.push(addTo(col, c.i64_shr_u(get(`c${col - 1}`), c.i64_const(LIMB_BITS))));
    const v = j < LIMBS - 1 ? c.i64_and(get(`c${col}`), c.i64_const(MASK)) : get(`c${col}`);
    code.push(c.i64_store(get("pr"), j * 8, v));
  }
  return code;
}

/** Declares the 18 column locals and `q` that reduceColumns works on. */
function addColumnLocals(f: { addLocal(name: string, type: string): void }): void {
  for (let j = 0; j < 2 * LIMBS; j++) f.addLocal(`c${j}`, "i64");
  f.addLocal("q", "i64");
}

/**
 * fr_square(a, r): r = a*a/R mod p. Each cross product a_i*a_j appears twice, so it is computed
 * once with one factor doubled: 45 multiplications for the product instead of 81. Columns stay
 * below 5 products of 2^59.
 */
function buildSquare(module: ModuleBuilder): void {
  const f = module.addFunction("fr_square");
  f.addParam("pa", "i32");
  f.addParam("pr", "i32");
  addColumnLocals(f);
  for (let j = 0; j < LIMBS; j++) f.addLocal(`a${j}`, "i64");
  const c: CodeBuilder = f.getCodeBuilder();
  const get = (name: string): Code => c.getLocal(name);
  const code: Code[] = [];
  for (let j = 0; j < LIMBS; j++) code.push(c.setLocal(`a${j}`, c.i64_load(get("pa"), j * 8)));
  for (let col = 0; col < 2 * LIMBS; col++) {
    const terms: Code[] = [];
    for (let i = Math.max(0, col - LIMBS + 1); i <= col / 2; i++) {
      const j = col - i;
      if (i === j) terms.push(c.i64_mul(get(`a${i}`), get(`a${i}`)));
      else terms.push(c.i64_mul(c.i64_shl(get(`a${i}`), c.i64_const(1)), get(`a${j}`)));
    }
    const sum = terms.reduce((acc, t) => c.i64_add(acc, t), c.i64_const(0));
    code.push(c.setLocal(`c${col}`, sum));
  }
  for (let j = 0; j < 2 * LIMBS - 1; j++) {
    code.push(
      c.setLocal(
        `c${j + 1}`,
        c.i64_add(get(`c${j + 1}`), c.i64_shr_u(get(`c${j}`), c.i64_const(LIMB_BITS))),
      ),
      c.setLocal(`c${j}`, c.i64_and(get(`c${j}`), c.i64_const(MASK))),
    );
  }
  code.push(...reduceColumns(c));
  f.addCode(...code);
}

/**
 * fr_dot(n, pa, pb, pr): r = sum_k a_k * b_k / R mod p over n consecutive slots of each. The
 * products are summed as 18-limb integers and reduced once: a t-term dot product costs t*81 + 90
 * multiplications instead of t*171. Columns are carried every third term, before they could pass
 * 2^64 (three terms add at most 27 products below 2^58 to a column).
 */
function buildDot(module: ModuleBuilder): void {
  const f = module.addFunction("fr_dot");
  f.addParam("n", "i32");
  f.addParam("pa", "i32");
  f.addParam("pb", "i32");
  f.addParam("pr", "i32");
  const COLS = 2 * LIMBS;
  addColumnLocals(f);
  for (let j = 0; j < LIMBS; j++) f.addLocal(`a${j}`, "i64");
  for (let j = 0; j < LIMBS; j++) f.addLocal(`b${j}`, "i64");
  f.addLocal("k", "i32");
  const c: CodeBuilder = f.getCodeBuilder();
  const get = (name: string): Code => c.getLocal(name);
  const addTo = (col: number, v: Code): Code => c.setLocal(`c${col}`, c.i64_add(get(`c${col}`), v));
  const carryAll = (): Code[] => {
    const code: Code[] = [];
    for (let j = 0; j < COLS - 1; j++) {
      code.push(addTo(j + 1, c.i64_shr_u(get(`c${j}`), c.i64_const(LIMB_BITS))));
      code.push(c.setLocal(`c${j}`, c.i64_and(get(`c${j}`), c.i64_const(MASK))));
    }
    return code;
  };
  const term: Code[] = [];
  for (let j = 0; j < LIMBS; j++) {
    term.push(c.setLocal(`a${j}`, c.i64_load(get("pa"), j * 8)));
    term.push(c.setLocal(`b${j}`, c.i64_load(get("pb"), j * 8)));
  }
  for (let i = 0; i < LIMBS; i++) {
    for (let j = 0; j < LIMBS; j++) term.push(addTo(i + j, c.i64_mul(get(`a${i}`), get(`b${j}`))));
  }
  const code: Code[] = [];
  for (let j = 0; j < COLS; j++) code.push(c.setLocal(`c${j}`, c.i64_const(0)));
  code.push(
    c.setLocal("k", c.i32_const(0)),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(get("k"), get("n"))),
        ...term,
        c.if(c.i32_eq(c.i32_rem_u(get("k"), c.i32_const(3)), c.i32_const(2)), carryAll().flat()),
        c.setLocal("pa", c.i32_add(get("pa"), c.i32_const(SLOT))),
        c.setLocal("pb", c.i32_add(get("pb"), c.i32_const(SLOT))),
        c.setLocal("k", c.i32_add(get("k"), c.i32_const(1))),
        c.br(0),
      ),
    ),
    ...carryAll(),
  );
  code.push(...reduceColumns(c));
  f.addCode(...code);
}

/** Adds fr_mul, fr_add and fr_addReduce to a module whose memory holds 9-limb slots. */
export function addFieldFunctions(module: ModuleBuilder): void {
  buildMul(module);
  buildAdd(module);
  buildAddReduce(module);
  buildDot(module);
  buildSquare(module);
}
