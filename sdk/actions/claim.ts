import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Pays the wallet account's claimable royalties to it. With nothing claimable the contract
 * refuses (CONTRACT_REVERT, RoyaltyRollup__NothingPending) and no gas is spent.
 *
 * @example
 * const { amount, hash } = await claim(writer);
 */
export async function claim(ctx: RollupWriter): Promise<TxResult & { amount: bigint }> {
  const result = await transact(ctx, "claiming", { functionName: "claim", args: [] });
  return { ...result, amount: claimedAmount(result) };
}

/** The amount a claim transaction paid, from its Claimed event. */
export function claimedAmount(result: TxResult): bigint {
  const event = result.events.find((e) => e.eventName === "Claimed");
  return event?.eventName === "Claimed" ? event.args.amount : 0n;
}
