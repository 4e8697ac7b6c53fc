import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { CircuitParams } from "../../core/params.ts";
import { CIRCUITS_DIR, PROJECT_ROOT } from "./paths.ts";

function filesBelow(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesBelow(path) : [path];
    })
    .sort();
}

/**
 * Identity of a circuit build: the circuit sources, the parameter set and the compiler version.
 * Anything that changes the r1cs changes this hash, and so invalidates the cached artifacts.
 */
export function circuitHash(params: CircuitParams): string {
  return circuitSourcesHash(JSON.stringify(params));
}

/** The same identity for any build of the circuit sources, told apart by `what` is built. */
export function circuitSourcesHash(what: string): string {
  const hash = createHash("sha256");
  hash.update(what);
  const circom2 = JSON.parse(
    readFileSync(join(PROJECT_ROOT, "node_modules/circom2/package.json"), "utf8"),
  );
  const circomlib = JSON.parse(
    readFileSync(join(PROJECT_ROOT, "node_modules/circomlib/package.json"), "utf8"),
  );
  hash.update(`circom2@${circom2.version} circomlib@${circomlib.version}`);
  for (const file of filesBelow(CIRCUITS_DIR)) {
    hash.update(relative(PROJECT_ROOT, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}
