import { limbPoseidon } from "./limb-poseidon.ts";

/**
 * Poseidon(1..16 inputs) for the hot path: ingest and the SDK hash one of these per event (its
 * hash, which is the payer's new head). The permutation runs whole inside one wasm call on a
 * 9x29-bit Montgomery field (limb-field.ts), about 1.5-1.8x faster than circomlibjs's own wasm
 * permutation (`royalty bench ingest` prints both). Equal to core `poseidon` on every input
 * (test/core/fast/crypto.test.ts).
 */
export const fastPoseidon: (inputs: readonly bigint[]) => bigint = limbPoseidon;
