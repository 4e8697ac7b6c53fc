import { parentArgs, type SplitInput } from "./register-asset.ts";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Asks to replace an asset's split; it can be applied after the split delay, until then batches
 * proven against the old split still settle. Only the asset's owner may. A parent must have a
 * lineage level below the asset's own (fixed at registration: an asset registered without a
 * parent cannot take one later).
 *
 * @example
 * const { effectiveAt } = await updateSplit(writer, { assetId: 7n, recipients: [a], bps: [10_000] });
 * // Asset 8 (registered under a parent) now passes 30% up to asset 7 instead of 20%.
 * await updateSplit(writer, {
 *   assetId: 8n,
 *   recipients: [remixer],
 *   bps: [7000],
 *   parent: { assetId: 7n, bps: 3000 },
 * });
 */
export async function updateSplit(
  ctx: RollupWriter,
  o: { assetId: bigint } & SplitInput,
): Promise<TxResult & { effectiveAt: bigint }> {
  const result = await transact(ctx, `updating the split of asset ${o.assetId}`, {
    functionName: "updateSplit",
    args: [o.assetId, o.recipients, o.bps, ...parentArgs(o)],
  });
  const event = result.events.find((e) => e.eventName === "SplitUpdateRequested");
  return {
    ...result,
    effectiveAt: event?.eventName === "SplitUpdateRequested" ? event.args.effectiveAt : 0n,
  };
}
