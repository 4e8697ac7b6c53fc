// Circuit checks only the tests need: does a witness satisfy the r1cs, and where is a named
// signal in it.
import { readFileSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { encodeWtns } from "../../prover/witness.ts";

const silent = { info() {}, warn() {}, debug() {}, error() {} };

/** Does the witness satisfy every constraint of the r1cs? */
export async function satisfiesConstraints(
  r1csPath: string,
  witness: readonly bigint[],
): Promise<boolean> {
  return snarkjs.wtns.check(r1csPath, { type: "mem", data: encodeWtns(witness) }, silent);
}

/** Signal name (e.g. "main.shares[0].alpha") -> witness index, for signals kept by --O2. */
export function readSymbols(symPath: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of readFileSync(symPath, "utf8").split("\n")) {
    const [, witnessIndex, , name] = line.split(",");
    if (name && witnessIndex && witnessIndex !== "-1") map.set(name, Number(witnessIndex));
  }
  return map;
}
