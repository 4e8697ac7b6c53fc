// The shared core: hashing, signing, split math, batch building and public-input packing.
// The sequencer, the prover, the contract tests, the SDK and the circuit tests all import this.
export * from "./batch.ts";
export * from "./eddsa.ts";
export * from "./errors.ts";
export * from "./event.ts";
export * from "./field.ts";
export * from "./lineage.ts";
export * from "./merkle.ts";
export * from "./packing.ts";
export * from "./params.ts";
export * from "./poseidon.ts";
export * from "./split.ts";
