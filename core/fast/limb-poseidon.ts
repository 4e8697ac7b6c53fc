import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ModuleBuilder } from "wasmbuilder";
import { RoyaltyError } from "../errors.ts";
import { SNARK_FIELD } from "../field.ts";
import {
  addFieldFunctions,
  LIMB_BITS,
  LIMB_MASK,
  LIMBS,
  R2,
  SLOT,
  slotBytes,
  toMontgomery,
} from "./limb-field.ts";

/**
 * Poseidon (circomlib's parameters, in the sparse-matrix form circomlibjs's `poseidon_opt` uses)
 * on the 9x29-bit Montgomery field of limb-field.ts, the whole permutation inside one wasm call.
 * The round structure and the constants are circomlibjs's own; tests compare every arity with
 * circomlibjs on random inputs (test/core/fast/crypto.test.ts).
 */
interface OptConstants {
  C: string[][];
  S: string[][];
  M: string[][][];
  P: string[][][];
}

// circomlibjs's optimised constants are not among its exports; its JSON file is the one copy.
const { C, S, M, P } = JSON.parse(
  readFileSync(
    join(
      dirname(createRequire(import.meta.url).resolve("circomlibjs")),
      "../src/poseidon_constants_opt.json",
    ),
    "utf8",
  ),
) as OptConstants;

const N_ROUNDS_P = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
export const MAX_INPUTS = 16;

type Code = number[];
// biome-ignore lint/suspicious/noExplicitAny: wasmbuilder ships no types; only its code builder is used.
type CodeBuilder = any;

function helpers(c: CodeBuilder) {
  const get = (n: string): Code => c.getLocal(n);
  const next = (name: string): Code => c.setLocal(name, c.i32_add(get(name), c.i32_const(SLOT)));
  /** for (counter = 0; counter < n; counter++) body */
  const repeat = (counter: string, n: Code, ...body: Code[]): Code => [
    ...c.setLocal(counter, c.i32_const(0)),
    ...c.block(
      c.loop(
        c.br_if(1, c.i32_eq(get(counter), n)),
        ...body,
        c.setLocal(counter, c.i32_add(get(counter), c.i32_const(1))),
        c.br(0),
      ),
    ),
  ];
  return { get, next, repeat };
}

function buildPermutation(module: ModuleBuilder): void {
  const aux = module.alloc(SLOT);
  const acc = module.alloc(SLOT);

  // pow5(p): p = p^5
  {
    const f = module.addFunction("pos_pow5");
    f.addParam("p", "i32");
    const c: CodeBuilder = f.getCodeBuilder();
    const A = c.i32_const(aux);
    f.addCode(
      c.call("fr_square", c.getLocal("p"), A),
      c.call("fr_square", A, A),
      c.call("fr_mul", c.getLocal("p"), A, c.getLocal("p")),
    );
  }

  // fullRound(t, pState, pC) -> pC': state = pow5(state) + C (C consumed from pC)
  {
    const f = module.addFunction("pos_sboxAddC");
    f.addParam("t", "i32");
    f.addParam("ps", "i32");
    f.addParam("pc", "i32");
    f.addParam("sbox", "i32");
    f.setReturnType("i32");
    f.addLocal("i", "i32");
    const c: CodeBuilder = f.getCodeBuilder();
    const { get, repeat, next } = helpers(c);
    f.addCode(
      repeat(
        "i",
        get("t"),
        c.if(get("sbox"), c.call("pos_pow5", get("ps"))),
        c.call("fr_add", get("ps"), get("pc"), get("ps")),
        next("ps"),
        next("pc"),
      ),
      c.ret(get("pc")),
    );
  }

  // pow5all(t, pState): the last full round has no constants.
  {
    const f = module.addFunction("pos_pow5all");
    f.addParam("t", "i32");
    f.addParam("ps", "i32");
    f.addLocal("i", "i32");
    const c: CodeBuilder = f.getCodeBuilder();
    const { get, repeat, next } = helpers(c);
    f.addCode(repeat("i", get("t"), c.call("pos_pow5", get("ps")), next("ps")));
  }

  // mix(t, pMat, pIn, pOut): out_i = sum_j mat[i*t + j] * in_j
  {
    const f = module.addFunction("pos_mix");
    f.addParam("t", "i32");
    f.addParam("pm", "i32");
    f.addParam("pin", "i32");
    f.addParam("pout", "i32");
    f.addLocal("i", "i32");
    const c: CodeBuilder = f.getCodeBuilder();
    const { get, repeat, next } = helpers(c);
    f.addCode(
      repeat(
        "i",
        get("t"),
        c.call("fr_dot", get("t"), get("pm"), get("pin"), get("pout")),
        c.setLocal("pm", c.i32_add(get("pm"), c.i32_mul(get("t"), c.i32_const(SLOT)))),
        next("pout"),
      ),
    );
  }

  // partial(t, pState, pS) -> pS': one sparse-matrix partial round after state0's S-box and constant.
  {
    const f = module.addFunction("pos_partial");
    f.addParam("t", "i32");
    f.addParam("ps", "i32");
    f.addParam("pS", "i32");
    f.setReturnType("i32");
    f.addLocal("j", "i32");
    f.addLocal("px", "i32");
    const c: CodeBuilder = f.getCodeBuilder();
    const { get, next } = helpers(c);
    const A = c.i32_const(aux);
    const ACC = c.i32_const(acc);
    f.addCode(
      // acc = sum_j S[j] * state_j
      c.call("fr_dot", get("t"), get("pS"), get("ps"), ACC),
      c.setLocal("pS", c.i32_add(get("pS"), c.i32_mul(get("t"), c.i32_const(SLOT)))),
      // state_k += state_0 * S[t + k - 1]: reduced, since these sums build up over every round
      c.setLocal("px", c.i32_add(get("ps"), c.i32_const(SLOT))),
      c.setLocal("j", c.i32_const(1)),
      c.block(
        c.loop(
          c.br_if(1, c.i32_eq(get("j"), get("t"))),
          c.call("fr_mul", get("ps"), get("pS"), A),
          c.call("fr_addReduce", get("px"), A, get("px")),
          next("pS"),
          next("px"),
          c.setLocal("j", c.i32_add(get("j"), c.i32_const(1))),
          c.br(0),
        ),
      ),
      // state_0 = acc (9 words)
      ...Array.from({ length: LIMBS }, (_, k) =>
        c.i64_store(get("ps"), k * 8, c.i64_load(ACC, k * 8)),
      ).flat(),
      c.ret(get("pS")),
    );
  }

  // poseidon(t, nRoundsP, pC, pM, pP, pS, pState, pTmp) -> pointer to the output slot
  {
    const f = module.addFunction("poseidon");
    for (const n of ["t", "nP", "pc", "pm", "pp", "pS", "ps", "pt"]) f.addParam(n, "i32");
    f.setReturnType("i32");
    f.addLocal("r", "i32");
    f.addLocal("swap", "i32");
    const c: CodeBuilder = f.getCodeBuilder();
    const { get, repeat } = helpers(c);
    const swap = [
      ...c.setLocal("swap", get("ps")),
      ...c.setLocal("ps", get("pt")),
      ...c.setLocal("pt", get("swap")),
    ];
    const fullRound = (matrix: string): Code => [
      ...c.setLocal("pc", c.call("pos_sboxAddC", get("t"), get("ps"), get("pc"), c.i32_const(1))),
      ...c.call("pos_mix", get("t"), get(matrix), get("ps"), get("pt")),
      ...swap,
    ];
    f.addCode(
      c.setLocal("pc", c.call("pos_sboxAddC", get("t"), get("ps"), get("pc"), c.i32_const(0))),
      repeat("r", c.i32_const(3), fullRound("pm")),
      fullRound("pp"),
      repeat(
        "r",
        get("nP"),
        c.call("pos_pow5", get("ps")),
        c.call("fr_add", get("ps"), get("pc"), get("ps")),
        c.setLocal("pc", c.i32_add(get("pc"), c.i32_const(SLOT))),
        c.setLocal("pS", c.call("pos_partial", get("t"), get("ps"), get("pS"))),
      ),
      repeat("r", c.i32_const(3), fullRound("pm")),
      c.call("pos_pow5all", get("t"), get("ps")),
      c.call("pos_mix", get("t"), get("pm"), get("ps"), get("pt")),
      c.ret(get("pt")),
    );
  }
}

interface Arity {
  t: number;
  nRoundsP: number;
  pC: number;
  pM: number;
  pP: number;
  pS: number;
}

const SHIFT = BigInt(LIMB_BITS);

/** One wasm instance with the constants of every arity (1 to 16 inputs) in its memory. */
class LimbPoseidon {
  private readonly arities: Arity[] = [];
  private readonly exports: {
    poseidon(...args: number[]): number;
    fr_mul(a: number, b: number, r: number): void;
  };
  private readonly words: BigUint64Array;
  private readonly state: number;
  private readonly tmp: number;
  private readonly r2: number;
  private readonly one: number;

  constructor() {
    const module = new ModuleBuilder();
    const constant = (x: string) => slotBytes(toMontgomery(BigInt(x)));
    const table = (xs: string[]) => module.alloc(Buffer.concat(xs.map(constant)));
    for (let n = 1; n <= MAX_INPUTS; n++) {
      const t = n + 1;
      const i = t - 2;
      // Matrices stored row by row as mat[i*t + j] = M[j][i], the orientation circomlibjs applies.
      const flat = (m: string[][]) =>
        Array.from(
          { length: t * t },
          (_, k) => (m[k % t] as string[])[Math.floor(k / t)] as string,
        );
      this.arities[n] = {
        t,
        nRoundsP: N_ROUNDS_P[i] as number,
        pC: table(C[i] as string[]),
        pM: table(flat(M[i] as string[][])),
        pP: table(flat(P[i] as string[][])),
        pS: table(S[i] as string[]),
      };
    }
    this.r2 = module.alloc(slotBytes(R2));
    this.one = module.alloc(slotBytes(1n));
    this.state = module.alloc(SLOT * (MAX_INPUTS + 1));
    this.tmp = module.alloc(SLOT * (MAX_INPUTS + 1));
    addFieldFunctions(module);
    buildPermutation(module);
    module.exportFunction("poseidon");
    module.exportFunction("fr_mul");
    const pages = Math.ceil((module.free + 65536) / 65536);
    module.setMemory(pages);
    const memory = new WebAssembly.Memory({ initial: pages });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(module.build()), {
      env: { memory },
    });
    this.exports = instance.exports as unknown as LimbPoseidon["exports"];
    this.words = new BigUint64Array(memory.buffer);
  }

  hash(inputs: readonly bigint[]): bigint {
    const n = inputs.length;
    const a = this.arities[n];
    if (!a)
      throw new RoyaltyError(
        "POSEIDON_ARITY",
        `Poseidon takes 1 to ${MAX_INPUTS} inputs, got ${n}`,
      );
    const w = this.words;
    const base = this.state / 8;
    for (let j = 0; j < LIMBS; j++) w[base + j] = 0n;
    for (let i = 0; i < n; i++) {
      let x = inputs[i] as bigint;
      if (x < 0n || x >= SNARK_FIELD)
        throw new RoyaltyError("FIELD_OVERFLOW", `Poseidon input ${x} is not a field element`);
      const at = base + (i + 1) * LIMBS;
      for (let j = 0; j < LIMBS; j++) {
        w[at + j] = x & LIMB_MASK;
        x >>= SHIFT;
      }
      const slot = this.state + (i + 1) * SLOT;
      this.exports.fr_mul(slot, this.r2, slot);
    }
    const out = this.exports.poseidon(
      a.t,
      a.nRoundsP,
      a.pC,
      a.pM,
      a.pP,
      a.pS,
      this.state,
      this.tmp,
    );
    this.exports.fr_mul(out, this.one, out);
    const at = out / 8;
    let v = 0n;
    for (let j = LIMBS - 1; j >= 0; j--) v = (v << SHIFT) | (w[at + j] as bigint);
    return v >= SNARK_FIELD ? v - SNARK_FIELD : v;
  }
}

let instance: LimbPoseidon | undefined;

/** Poseidon(inputs) for 1 to 16 canonical field elements: circomlib's hash, equal to core's. */
export function limbPoseidon(inputs: readonly bigint[]): bigint {
  instance ??= new LimbPoseidon();
  return instance.hash(inputs);
}
