import { buildPoseidon } from "circomlibjs";
import { RoyaltyError } from "./errors.ts";
import { SNARK_FIELD } from "./field.ts";

/**
 * circomlibjs's Poseidon (the same constants as circomlib's circuits) built once per process.
 * Top-level await keeps every hashing function synchronous for callers.
 */
const impl = await buildPoseidon();

/** Poseidon over 1..16 field elements, as circomlib's `Poseidon(n)` template computes it. */
export function poseidon(inputs: readonly bigint[]): bigint {
  for (const x of inputs) {
    if (x < 0n || x >= SNARK_FIELD)
      throw new RoyaltyError("FIELD_OVERFLOW", `Poseidon input ${x} is not a field element`);
  }
  return impl.F.toObject(impl(inputs as bigint[])) as bigint;
}
