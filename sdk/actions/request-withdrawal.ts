import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Starts a withdrawal of `amount` from the wallet account's escrow; `withdraw` pays it out after
 * the withdrawal delay. The sequencer counts it against the escrow at once.
 *
 * @example
 * const { availableAt } = await requestWithdrawal(writer, { amount: 10n ** 17n });
 */
export async function requestWithdrawal(
  ctx: RollupWriter,
  o: { amount: bigint },
): Promise<TxResult & { availableAt: bigint }> {
  const result = await transact(ctx, "requesting the withdrawal", {
    functionName: "requestWithdrawal",
    args: [o.amount],
  });
  const event = result.events.find((e) => e.eventName === "WithdrawalRequested");
  return {
    ...result,
    availableAt: event?.eventName === "WithdrawalRequested" ? event.args.availableAt : 0n,
  };
}
