import type { Address } from "viem";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * A royalty split: recipients and their basis points, and at most one parent asset whose own
 * split divides the parent's share again (derivative royalties, docs/protocol.md §3). All basis
 * points, the parent's included, sum to 10,000.
 */
export interface SplitInput {
  recipients: readonly Address[];
  bps: readonly number[];
  /** a registered asset and its (positive) basis points; it takes the split's last entry */
  parent?: { assetId: bigint; bps: number };
}

/** The contract's two trailing arguments for a split's parent: (0, 0) without one. */
export function parentArgs(split: SplitInput): readonly [bigint, number] {
  return split.parent ? [split.parent.assetId, split.parent.bps] : [0n, 0];
}

/**
 * Registers an asset owned by the wallet account with its royalty split. At most K recipients
 * (the deployment's `maxRecipients`), or K - 1 beside a parent, distinct, non-zero, bps summing to
 * 10,000. A parent must be registered already; the new asset's lineage level is the parent's + 1,
 * at most the deployment's `maxLineageDepth`.
 *
 * @example
 * await registerAsset(writer, { assetId: 7n, recipients: [creator, model], bps: [7000, 3000] });
 * // A remix of asset 7: 80% to its artist, 20% split again by asset 7's split.
 * await registerAsset(writer, {
 *   assetId: 8n,
 *   recipients: [remixer],
 *   bps: [8000],
 *   parent: { assetId: 7n, bps: 2000 },
 * });
 */
export function registerAsset(
  ctx: RollupWriter,
  o: { assetId: bigint } & SplitInput,
): Promise<TxResult> {
  return transact(ctx, `registering asset ${o.assetId}`, {
    functionName: "registerAsset",
    args: [o.assetId, o.recipients, o.bps, ...parentArgs(o)],
  });
}
