import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RoyaltyError } from "./errors.ts";
import { AMOUNT_BITS } from "./field.ts";

export const PARAMS_FILE = fileURLToPath(new URL("../circuits/params.json", import.meta.url));

/** Sizes of one RoyaltyBatch circuit (docs/protocol.md §7). */
export interface CircuitParams {
  name: string;
  /** event slots */
  N: number;
  /** recipients per split */
  K: number;
  /** asset slots */
  A: number;
  /** payer slots */
  P: number;
  /** recipient slots */
  R: number;
  /** arity of the eventsRoot Merkle tree */
  treeArity: number;
  /** depth of the eventsRoot tree: the least with treeArity^depth >= N (leaves past N are 0) */
  treeDepth: number;
  /** bit width of a batch total (debit or credit): a sum of N amounts below 2^97 */
  totalBits: number;
}

interface ParamsFile {
  sets: Record<string, { N: number; K: number; A: number; P: number; R: number }>;
  treeArity: number;
}

function readParamsFile(): ParamsFile {
  return JSON.parse(readFileSync(PARAMS_FILE, "utf8")) as ParamsFile;
}

export function paramSetNames(): string[] {
  return Object.keys(readParamsFile().sets);
}

export function loadParams(name: string): CircuitParams {
  const file = readParamsFile();
  const set = file.sets[name];
  if (!set) {
    throw new RoyaltyError(
      "UNKNOWN_PARAMS",
      `Unknown parameter set '${name}'; choose one of: ${Object.keys(file.sets).join(", ")}`,
    );
  }
  if (!Number.isInteger(set.N) || set.N < 2) {
    throw new RoyaltyError("BAD_PARAMS", `N=${set.N} of set '${name}' must be an integer >= 2`);
  }
  let treeDepth = 0;
  while (file.treeArity ** treeDepth < set.N) treeDepth++;
  return {
    name,
    ...set,
    treeArity: file.treeArity,
    treeDepth,
    totalBits: AMOUNT_BITS + Math.ceil(Math.log2(set.N)),
  };
}
