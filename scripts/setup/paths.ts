import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CircuitParams } from "../../core/params.ts";

/** Root of the checkout; circom2 runs in a WASI sandbox that only sees paths relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BUILD_ROOT = join(PROJECT_ROOT, "build");
export const CIRCUITS_DIR = join(PROJECT_ROOT, "circuits");

/** Where every generated artifact of one parameter set lives (ignored by git). */
export function artifactPaths(params: CircuitParams) {
  const dir = join(BUILD_ROOT, params.name);
  const name = "royalty_batch";
  return {
    dir,
    main: join(dir, `${name}.circom`),
    r1cs: join(dir, `${name}.r1cs`),
    sym: join(dir, `${name}.sym`),
    wasm: join(dir, `${name}_js`, `${name}.wasm`),
    witnessCalculator: join(dir, `${name}_js`, "witness_calculator.js"),
    zkey: join(dir, `${name}.zkey`),
    verificationKey: join(dir, "verification_key.json"),
    verifierSol: join(PROJECT_ROOT, "contracts", "generated", `RoyaltyVerifier_${params.name}.sol`),
    manifest: join(dir, "manifest.json"),
  };
}

export const fromRoot = (path: string) => relative(PROJECT_ROOT, path);
