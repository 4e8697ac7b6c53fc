import { SNARK_FIELD } from "../field.ts";
import { allocSlots, load, N8, store, wasm } from "./wasm-field.ts";

/**
 * Poseidon(1..16 inputs) through circomlibjs's own wasm permutation, without its per-call
 * allocations: the hot path of ingest hashes two of these per event (eventHash and head).
 * Equal to core `poseidon` on every input (test/sequencer/crypto.test.ts).
 */
const pState = allocSlots(1);
const pIn = allocSlots(16);
const pOut = allocSlots(1);
store(pState, 0n);

export function fastPoseidon(inputs: readonly bigint[]): bigint {
  const n = inputs.length;
  if (n < 1 || n > 16) throw new RangeError(`Poseidon takes 1 to 16 inputs, got ${n}`);
  for (let i = 0; i < n; i++) {
    const x = inputs[i] as bigint;
    if (x < 0n || x >= SNARK_FIELD) throw new RangeError(`Poseidon input out of field: ${x}`);
    store(pIn + i * N8, x);
  }
  wasm.poseidon(pState, pIn, n, pOut, 1);
  return load(pOut);
}
