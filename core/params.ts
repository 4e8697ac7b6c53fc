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
  /**
   * lineage depth: the most parent levels a share may climb from an event's asset (its parent,
   * the parent's parent, ...: docs/protocol.md §3); each level takes one more event slot
   */
  D: number;
  /** arity of the eventsRoot Merkle tree */
  treeArity: number;
  /** depth of the eventsRoot tree: the least with treeArity^depth >= N (leaves past N are 0) */
  treeDepth: number;
  /** bit width of a batch total (debit or credit): a sum of N amounts below 2^97 */
  totalBits: number;
}

interface ParamsFile {
  sets: Record<string, { N: number; K: number; A: number; P: number; R: number; D: number }>;
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
  // A parent takes a split's last entry and the first takes the remainder: lineage needs K >= 2.
  if (!Number.isInteger(set.D) || set.D < 0 || set.D > 255 || (set.D > 0 && set.K < 2)) {
    throw new RoyaltyError(
      "BAD_PARAMS",
      `D=${set.D} of set '${name}' must be an integer from 0 to 255 (and K >= 2 when D > 0)`,
    );
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
