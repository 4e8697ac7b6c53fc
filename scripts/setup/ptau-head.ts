// The few things a zkey takes from a ptau, read without loading the file (it can be GBs): its
// power, and the points a Groth16 key copies (alpha, beta) or that identify its tau.

import { open } from "node:fs/promises";
import { RoyaltyError } from "../../core/errors.ts";
import { readExact, readSectionTable } from "./bin-file.ts";
import { FR_BYTES, G1_BYTES, G2_BYTES, view } from "./bn254.ts";

export interface PtauHead {
  power: number;
  /** tau * G1 (second point of section 2) */
  tau1: Uint8Array;
  alpha1: Uint8Array;
  beta1: Uint8Array;
  beta2: Uint8Array;
}

export async function readPtauHead(path: string): Promise<PtauHead> {
  const fh = await open(path, "r");
  try {
    const table = await readSectionTable(fh, "ptau");
    const at = (type: number, offset: number, size: number) => {
      const s = table.get(type);
      if (!s || s.size < offset + size) {
        throw new RoyaltyError(
          "SETUP_FILE_MALFORMED",
          `ptau section ${type} missing or short; the file is truncated or not a full ptau`,
          { details: { path, section: type } },
        );
      }
      return readExact(fh, s.offset + offset, size);
    };
    const head = view(await at(1, 0, 4 + FR_BYTES + 8));
    return {
      power: head.getUint32(4 + FR_BYTES, true),
      tau1: await at(2, G1_BYTES, G1_BYTES),
      alpha1: await at(4, 0, G1_BYTES),
      beta1: await at(5, 0, G1_BYTES),
      beta2: await at(6, 0, G2_BYTES),
    };
  } finally {
    await fh.close();
  }
}
