// The secrets a dev ptau and dev zkey are made from: drawing them and checking them. Whoever
// holds them can forge proofs, so they are never logged or stored (keys.ts drops them once
// both files are written).

import { randomBytes } from "node:crypto";
import { RoyaltyError } from "../../core/errors.ts";
import { SNARK_FIELD } from "../../core/field.ts";

/** Phase 1 (dev-ptau.ts). */
export interface PtauSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

/** Phase 2 (dev-zkey.ts) on top of the ptau's. */
export interface DevKeySecrets extends PtauSecrets {
  /** default 1, as in snarkjs `zkey new` (any other value fails `zkey verify`'s gamma check) */
  gamma?: bigint;
  delta: bigint;
}

/** Uniform in 1..r-1: 512 random bits reduced mod r (bias below 2^-250), zero redrawn. */
export function randomScalar(): bigint {
  for (;;) {
    const s = BigInt(`0x${randomBytes(64).toString("hex")}`) % SNARK_FIELD;
    if (s !== 0n) return s;
  }
}

/** Fresh crypto-random secrets (gamma left at 1), for a ptau and zkey made together. */
export function randomDevKeySecrets(): DevKeySecrets {
  return {
    tau: randomScalar(),
    alpha: randomScalar(),
    beta: randomScalar(),
    delta: randomScalar(),
  };
}

/** Throws DEV_SETUP_INVALID unless every secret is a bigint in 1..r-1 (r = SNARK_FIELD). */
export function checkSecrets(secrets: object, what: "dev ptau" | "dev zkey"): void {
  for (const [name, v] of Object.entries(secrets)) {
    if (typeof v !== "bigint" || v <= 0n || v >= SNARK_FIELD) {
      throw new RoyaltyError(
        "DEV_SETUP_INVALID",
        `${what} secret ${name} must be a bigint in 1..r-1 (r the BN254 scalar order); ` +
          "randomDevKeySecrets() draws valid ones",
        { details: { secret: name } },
      );
    }
  }
}
