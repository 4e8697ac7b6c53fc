import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Pays out the wallet account's matured withdrawal (capped by the escrow left after settlements).
 *
 * @example
 * const { amount } = await withdraw(writer);
 */
export async function withdraw(ctx: RollupWriter): Promise<TxResult & { amount: bigint }> {
  const result = await transact(ctx, "withdrawing", { functionName: "withdraw", args: [] });
  const event = result.events.find((e) => e.eventName === "Withdrawn");
  return { ...result, amount: event?.eventName === "Withdrawn" ? event.args.amount : 0n };
}
