import type { Address } from "viem";
import { royaltyRollupAbi } from "../rollup-abi.ts";
import type { RollupReader } from "./transact.ts";

/** A payer as the rollup stores it. Amounts are in the token's smallest unit. */
export interface PayerState {
  payer: Address;
  registered: boolean;
  keyHash: bigint;
  /** head of the payer's hash chain after its last settled event */
  settledHead: bigint;
  escrow: bigint;
  pendingWithdrawal: bigint;
  /** unix seconds from which the pending withdrawal can be paid (0: none) */
  withdrawalAvailableAt: bigint;
  pendingKeyHash: bigint;
  /** unix seconds from which the pending key rotation can be applied (0: none) */
  keyEffectiveAt: bigint;
}

/**
 * Reads a payer's key hash, settled head, escrow and pending changes from the rollup.
 *
 * @example
 * const { escrow, pendingWithdrawal } = await getPayer(reader, { payer: "0x…" });
 */
export async function getPayer(ctx: RollupReader, o: { payer: Address }): Promise<PayerState> {
  const [
    keyHash,
    head,
    escrow,
    pendingWithdrawal,
    pendingKeyHash,
    keyEffectiveAt,
    withdrawalAvailableAt,
  ] = await ctx.publicClient.readContract({
    address: ctx.rollup,
    abi: royaltyRollupAbi,
    functionName: "payers",
    args: [o.payer],
  });
  return {
    payer: o.payer,
    registered: keyHash !== 0n,
    keyHash,
    settledHead: head,
    escrow,
    pendingWithdrawal,
    withdrawalAvailableAt,
    pendingKeyHash,
    keyEffectiveAt,
  };
}
