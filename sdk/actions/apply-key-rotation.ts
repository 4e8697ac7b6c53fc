import type { Address } from "viem";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Makes a payer's requested key rotation effective once its delay has passed; anyone may call it.
 *
 * @example
 * await applyKeyRotation(writer, { payer: "0x…" });
 */
export function applyKeyRotation(ctx: RollupWriter, o: { payer: Address }): Promise<TxResult> {
  return transact(ctx, "applying the key rotation", {
    functionName: "applyKeyRotation",
    args: [o.payer],
  });
}
