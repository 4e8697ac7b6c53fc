import type { Address } from "viem";
import { claimedAmount } from "./claim.ts";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Pays `account`'s claimable royalties to `account`; anyone may send it (a relayer, a keeper).
 *
 * @example
 * await claimFor(writer, { account: creator });
 */
export async function claimFor(
  ctx: RollupWriter,
  o: { account: Address },
): Promise<TxResult & { amount: bigint }> {
  const result = await transact(ctx, `claiming for ${o.account}`, {
    functionName: "claimFor",
    args: [o.account],
  });
  return { ...result, amount: claimedAmount(result) };
}
