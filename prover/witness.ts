import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { CircuitInput } from "../core/batch.ts";
import { RoyaltyError } from "../core/errors.ts";
import { SNARK_FIELD } from "../core/field.ts";

interface WitnessCalculator {
  calculateWitness(input: unknown, sanityCheck: boolean): Promise<bigint[]>;
}

const require = createRequire(import.meta.url);

/**
 * Loads the circom-generated witness calculator of one build. Returns the full witness as bigints
 * (index 0 is the constant 1; then outputs, public inputs, private signals).
 */
export async function loadWitnessCalculator(wasmPath: string, calculatorPath: string) {
  const builder = require(calculatorPath) as (code: Buffer) => Promise<WitnessCalculator>;
  const calculator = await builder(readFileSync(wasmPath));
  return async (input: CircuitInput): Promise<bigint[]> => {
    try {
      return await calculator.calculateWitness(input, true);
    } catch (cause) {
      throw new RoyaltyError(
        "WITNESS_FAILED",
        `the batch violates a circuit rule: ${(cause as Error).message.split("\n")[0]}`,
        { cause },
      );
    }
  };
}

/** Serialises a witness in snarkjs's .wtns format (version 2), for proving or checking. */
export function encodeWtns(witness: readonly bigint[]): Uint8Array {
  const n8 = 32;
  const header = 4 + 4 + 4; // magic, version, section count
  const s1 = 4 + n8 + 4;
  const s2 = witness.length * n8;
  const out = new Uint8Array(header + 12 + s1 + 12 + s2);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode("wtns"), 0);
  view.setUint32(4, 2, true);
  view.setUint32(8, 2, true);
  let pos = header;
  const section = (type: number, size: number) => {
    view.setUint32(pos, type, true);
    view.setBigUint64(pos + 4, BigInt(size), true);
    pos += 12;
  };
  const writeRaw = (x: bigint) => {
    let v = x;
    for (let i = 0; i < n8; i++, v >>= 8n) out[pos + i] = Number(v & 0xffn);
    pos += n8;
  };
  const writeField = (x: bigint) => writeRaw(((x % SNARK_FIELD) + SNARK_FIELD) % SNARK_FIELD);
  section(1, s1);
  view.setUint32(pos, n8, true);
  pos += 4;
  writeRaw(SNARK_FIELD);
  view.setUint32(pos, witness.length, true);
  pos += 4;
  section(2, s2);
  for (const x of witness) writeField(x);
  return out;
}
