import { type Address, erc20Abi, zeroAddress } from "viem";
import { royaltyRollupAbi } from "../rollup-abi.ts";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Adds `amount` (in the token's smallest unit, wei for ETH) to the wallet account's escrow. For
 * an ERC-20 deployment it first approves the rollup for the missing allowance; the rollup credits
 * what it received (a fee-on-transfer token credits less).
 *
 * @example
 * await deposit(writer, { amount: 10n ** 18n });
 */
export async function deposit(
  ctx: RollupWriter,
  o: { amount: bigint; token?: Address },
): Promise<TxResult & { approval?: TxResult }> {
  const token =
    o.token ??
    (await ctx.publicClient.readContract({
      address: ctx.rollup,
      abi: royaltyRollupAbi,
      functionName: "token",
    }));
  if (token === zeroAddress) {
    return transact(ctx, "depositing", {
      functionName: "deposit",
      args: [o.amount],
      value: o.amount,
    });
  }
  const owner = ctx.walletClient.account.address;
  const allowance = await ctx.publicClient.readContract({
    address: token,
    abi: erc20Abi,
    functionName: "allowance",
    args: [owner, ctx.rollup],
  });
  const approval =
    allowance < o.amount
      ? await transact(ctx, "approving the rollup to take the deposit", {
          address: token,
          abi: erc20Abi,
          functionName: "approve",
          args: [ctx.rollup, o.amount],
        })
      : undefined;
  const result = await transact(ctx, "depositing", { functionName: "deposit", args: [o.amount] });
  return approval ? { ...result, approval } : result;
}
