import type { BatchRequest, BuiltBatch, CircuitInput } from "../../core/batch.ts";
import { buildBatch } from "../../core/batch.ts";
import { RoyaltyError } from "../../core/errors.ts";
import { type CircuitParams, loadParams } from "../../core/params.ts";
import { loadWitnessCalculator } from "../../prover/witness.ts";
import { ensureCircuit } from "../../scripts/setup/build-circuit.ts";
import { artifactPaths } from "../../scripts/setup/paths.ts";
import { readSymbols, satisfiesConstraints } from "./r1cs.ts";

export interface CircuitUnderTest {
  params: CircuitParams;
  constraints: number;
  /** witness of a valid input; throws RoyaltyError WITNESS_FAILED on a violated assertion */
  witness(input: CircuitInput): Promise<bigint[]>;
  satisfies(witness: readonly bigint[]): Promise<boolean>;
  /** witness index of a named signal that --O2 kept, e.g. "main.shares[0].alpha" */
  signal(name: string): number;
}

/** Compiles (or reuses) the circuit of a parameter set and wraps witness computation and checks. */
export async function circuitUnderTest(set: string): Promise<CircuitUnderTest> {
  const params = loadParams(set);
  const { constraints } = await ensureCircuit(params);
  const paths = artifactPaths(params);
  const calculate = await loadWitnessCalculator(paths.wasm, paths.witnessCalculator);
  return {
    params,
    constraints,
    witness: calculate,
    satisfies: (w) => satisfiesConstraints(paths.r1cs, w),
    signal: signalLookup(paths.sym),
  };
}

/** Witness index of a named signal from a circom .sym file; throws for one --O2 removed. */
export function signalLookup(symPath: string): (name: string) => number {
  const symbols = readSymbols(symPath);
  return (name) => {
    const index = symbols.get(name);
    if (index === undefined)
      throw new Error(`signal ${name} is not in the witness (removed by --O2?)`);
    return index;
  };
}

/** Public signals as the witness holds them: right after the constant 1. */
export function publicPart(witness: readonly bigint[], built: BuiltBatch): bigint[] {
  return witness.slice(1, 1 + built.publicSignals.length);
}

export function build(request: BatchRequest): BuiltBatch {
  return buildBatch(request);
}

/** Expects the witness calculator to reject the input (an assertion inside the circuit fails). */
export async function rejects(circuit: CircuitUnderTest, input: CircuitInput): Promise<boolean> {
  try {
    const w = await circuit.witness(input);
    // The calculator only checks `===` assertions it can evaluate; the r1cs check is final.
    return !(await circuit.satisfies(w));
  } catch (error) {
    if (error instanceof RoyaltyError && error.code === "WITNESS_FAILED") return true;
    throw error;
  }
}

/** Deep copy of an input with one signal replaced. */
export function withInput(
  input: CircuitInput,
  name: string,
  // biome-ignore lint/suspicious/noExplicitAny: tests reshape nested signal arrays freely
  update: (value: any) => any,
): CircuitInput {
  const copy = structuredClone(input);
  copy[name] = update(copy[name]);
  return copy;
}
