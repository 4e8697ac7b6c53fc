import type { Address } from "viem";
import { royaltyRollupAbi } from "../rollup-abi.ts";
import type { RollupReader } from "./transact.ts";

/**
 * Royalties settled to `account` and not claimed yet, in the token's smallest unit.
 *
 * @example
 * const amount = await getClaimable(reader, { account: creator });
 */
export function getClaimable(ctx: RollupReader, o: { account: Address }): Promise<bigint> {
  return ctx.publicClient.readContract({
    address: ctx.rollup,
    abi: royaltyRollupAbi,
    functionName: "claimable",
    args: [o.account],
  });
}
