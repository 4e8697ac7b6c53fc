import { type Address, getAbiItem, type Log, parseEventLogs, zeroAddress } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { getLogsPaged } from "../logs.ts";
import { royaltyRollupAbi } from "../rollup-abi.ts";
import type { RollupReader } from "./transact.ts";

/** One split: recipients with their basis points, and the parent asset it passes a share to. */
export interface Split {
  recipients: Address[];
  bps: number[];
  /** the parent asset whose own split divides this share again (docs/protocol.md §3), if any */
  parent?: { assetId: bigint; bps: number };
  splitHash: bigint;
}

export interface AssetState {
  assetId: bigint;
  owner: Address;
  /** lineage level, fixed at registration: 0 without a parent, else the parent's level + 1 */
  level: number;
  /** the split batches settle against now */
  split: Split;
  /** a requested update and when it can be applied, if any */
  pending?: Split & { effectiveAt: bigint };
}

const SPLIT_EVENTS = [
  getAbiItem({ abi: royaltyRollupAbi, name: "AssetRegistered" }),
  getAbiItem({ abi: royaltyRollupAbi, name: "SplitUpdateRequested" }),
];

/**
 * An asset's owner, lineage level, current split and pending update. The contract stores only
 * split hashes; the recipients and the parent come from the asset's AssetRegistered and
 * SplitUpdateRequested logs (read in pages from `fromBlock`, the deployment block when known)
 * and are checked against those hashes.
 *
 * @example
 * const { owner, split } = await getSplit(reader, { assetId: 7n, fromBlock: info.fromBlock });
 */
export async function getSplit(
  ctx: RollupReader,
  o: { assetId: bigint; fromBlock?: bigint },
): Promise<AssetState> {
  const [splitHash, owner, effectiveAt, level, pendingSplitHash] =
    await ctx.publicClient.readContract({
      address: ctx.rollup,
      abi: royaltyRollupAbi,
      functionName: "assets",
      args: [o.assetId],
    });
  if (owner === zeroAddress) {
    throw new RoyaltyError("UNKNOWN_ASSET", `asset ${o.assetId} is not registered on this rollup`, {
      details: { assetId: String(o.assetId) },
    });
  }
  const logs = await getLogsPaged(ctx.publicClient, {
    address: ctx.rollup,
    events: SPLIT_EVENTS,
    args: { assetId: o.assetId },
    fromBlock: o.fromBlock ?? 0n,
  });
  const splits = new Map<
    bigint,
    { ids: readonly number[]; bps: readonly number[]; parentAsset: bigint; parentBps: number }
  >();
  for (const e of parseEventLogs({ abi: royaltyRollupAbi, logs: logs as Log[] })) {
    if (e.eventName === "AssetRegistered" || e.eventName === "SplitUpdateRequested") {
      const { recipientIds: ids, bps, parentAsset, parentBps } = e.args;
      splits.set(e.args.splitHash, { ids, bps, parentAsset, parentBps });
    }
  }
  const resolve = async (hash: bigint): Promise<Split> => {
    const found = splits.get(hash);
    if (!found) {
      throw new RoyaltyError(
        "SPLIT_NOT_IN_LOGS",
        `no log of asset ${o.assetId} carries its split hash ${hash}: read logs from an earlier block (the deployment block)`,
        { details: { assetId: String(o.assetId), splitHash: String(hash) } },
      );
    }
    const recipients = await Promise.all(
      found.ids.map((id) =>
        ctx.publicClient.readContract({
          address: ctx.rollup,
          abi: royaltyRollupAbi,
          functionName: "accounts",
          args: [BigInt(id) - 1n], // account ids start at 1
        }),
      ),
    );
    const split: Split = { recipients, bps: [...found.bps], splitHash: hash };
    if (found.parentAsset !== 0n)
      split.parent = { assetId: found.parentAsset, bps: found.parentBps };
    return split;
  };
  const state: AssetState = {
    assetId: o.assetId,
    owner,
    level,
    split: await resolve(splitHash),
  };
  if (pendingSplitHash !== 0n) {
    state.pending = { ...(await resolve(pendingSplitHash)), effectiveAt };
  }
  return state;
}
