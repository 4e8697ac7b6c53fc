import { existsSync } from "node:fs";
import { RoyaltyError } from "../../core/errors.ts";
import { publicSignalCount } from "../../core/packing.ts";
import type { CircuitParams } from "../../core/params.ts";
import { compileCircuit } from "./compile.ts";
import { circuitHash } from "./content-hash.ts";
import { readManifest, writeManifest } from "./manifest.ts";
import { artifactPaths } from "./paths.ts";

export interface CircuitBuild {
  hash: string;
  constraints: number;
  cached: boolean;
}

/** Compiles the circuit of a set unless build/<set>/ already holds a build of the same sources. */
export async function ensureCircuit(params: CircuitParams): Promise<CircuitBuild> {
  const paths = artifactPaths(params);
  const hash = circuitHash(params);
  const manifest = readManifest(paths.manifest);
  const present = [paths.r1cs, paths.wasm, paths.sym].every((p) => existsSync(p));
  if (manifest.circuit?.hash === hash && present) {
    return { hash, constraints: manifest.circuit.constraints, cached: true };
  }
  const { constraints } = await compileCircuit(params);
  if (!Number.isFinite(constraints)) {
    throw new RoyaltyError(
      "CIRCUIT_COMPILE_FAILED",
      `circom2 printed no constraint count for set '${params.name}'`,
    );
  }
  // The keys belong to the old circuit: drop them from the manifest so setup remakes them.
  await writeManifest(paths.manifest, {
    circuit: { hash, constraints, publicSignals: publicSignalCount(params) },
  });
  return { hash, constraints, cached: false };
}
