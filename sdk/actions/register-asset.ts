import type { Address } from "viem";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/** A royalty split: recipients and their basis points (summing to 10,000). */
export interface SplitInput {
  recipients: readonly Address[];
  bps: readonly number[];
}

/**
 * Registers an asset owned by the wallet account with its royalty split. At most K recipients
 * (the deployment's `maxRecipients`), distinct, non-zero, bps summing to 10,000.
 *
 * @example
 * await registerAsset(writer, { assetId: 7n, recipients: [creator, model], bps: [7000, 3000] });
 */
export function registerAsset(
  ctx: RollupWriter,
  o: { assetId: bigint } & SplitInput,
): Promise<TxResult> {
  return transact(ctx, `registering asset ${o.assetId}`, {
    functionName: "registerAsset",
    args: [o.assetId, o.recipients, o.bps],
  });
}
