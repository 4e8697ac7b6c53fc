import type { SplitInput } from "./register-asset.ts";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Asks to replace an asset's split; it can be applied after the split delay, until then batches
 * proven against the old split still settle. Only the asset's owner may.
 *
 * @example
 * const { effectiveAt } = await updateSplit(writer, { assetId: 7n, recipients: [a], bps: [10_000] });
 */
export async function updateSplit(
  ctx: RollupWriter,
  o: { assetId: bigint } & SplitInput,
): Promise<TxResult & { effectiveAt: bigint }> {
  const result = await transact(ctx, `updating the split of asset ${o.assetId}`, {
    functionName: "updateSplit",
    args: [o.assetId, o.recipients, o.bps],
  });
  const event = result.events.find((e) => e.eventName === "SplitUpdateRequested");
  return {
    ...result,
    effectiveAt: event?.eventName === "SplitUpdateRequested" ? event.args.effectiveAt : 0n,
  };
}
