import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Makes an asset's requested split update effective once its delay has passed; anyone may call it.
 *
 * @example
 * await applySplitUpdate(writer, { assetId: 7n });
 */
export function applySplitUpdate(ctx: RollupWriter, o: { assetId: bigint }): Promise<TxResult> {
  return transact(ctx, `applying the split update of asset ${o.assetId}`, {
    functionName: "applySplitUpdate",
    args: [o.assetId],
  });
}
