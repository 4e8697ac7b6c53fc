// The wasm field functions of core/fast/limb-field.ts built on their own and called on bigints,
// for tests of the bounds the lazy reduction relies on.
import { ModuleBuilder } from "wasmbuilder";
import {
  addFieldFunctions,
  LIMB_BITS,
  LIMBS,
  limbsOf,
  R,
  SLOT,
} from "../../../core/fast/limb-field.ts";

/**
 * A standalone instance of the field functions on bigints, for tests of the bounds the lazy
 * reduction relies on: inputs may be any value below 2^261 in normalised limbs, not only < p.
 */
export function limbFieldHarness() {
  const module = new ModuleBuilder();
  const slots = module.alloc(SLOT * 40);
  addFieldFunctions(module);
  for (const name of ["fr_mul", "fr_square", "fr_add", "fr_addReduce", "fr_dot"])
    module.exportFunction(name);
  const pages = Math.ceil((module.free + 65536) / 65536);
  module.setMemory(pages);
  const memory = new WebAssembly.Memory({ initial: pages });
  const ex = new WebAssembly.Instance(new WebAssembly.Module(module.build()), {
    env: { memory },
  }).exports as Record<string, (...args: number[]) => void>;
  const words = new BigUint64Array(memory.buffer);
  const put = (i: number, x: bigint) => words.set(limbsOf(x), (slots + i * SLOT) / 8);
  const at = (i: number) => slots + i * SLOT;
  const get = (i: number) => {
    const base = at(i) / 8;
    let v = 0n;
    for (let j = LIMBS - 1; j >= 0; j--) v = (v << BigInt(LIMB_BITS)) + (words[base + j] as bigint);
    return v;
  };
  const binary = (name: string) => (a: bigint, b: bigint) => {
    put(0, a);
    put(1, b);
    (ex[name] as (...args: number[]) => void)(at(0), at(1), at(2));
    return get(2);
  };
  return {
    R,
    mul: binary("fr_mul"),
    square(a: bigint): bigint {
      put(0, a);
      (ex.fr_square as (...args: number[]) => void)(at(0), at(2));
      return get(2);
    },
    add: binary("fr_add"),
    addReduce: binary("fr_addReduce"),
    dot(as: bigint[], bs: bigint[]): bigint {
      as.forEach((a, i) => {
        put(i, a);
      });
      bs.forEach((b, i) => {
        put(20 + i, b);
      });
      (ex.fr_dot as (...args: number[]) => void)(as.length, at(0), at(20), at(39));
      return get(39);
    },
  };
}
