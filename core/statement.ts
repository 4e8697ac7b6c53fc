import { computeShares, type Split } from "./split.ts";

/** One recipient's part of one event: what a statement line says and a verifier recomputes. */
export interface AccountShare {
  /** the account's position in the split (0: the first recipient, who takes the remainder) */
  index: number;
  bps: number;
  /** floor(amount * bps / 10000), plus the event's rounding remainder for the first recipient */
  share: bigint;
  /** the rounding remainder this account took (0 unless it is the first recipient) */
  remainder: bigint;
}

/**
 * The account's share of an event of `amount` under `split`, as the circuit credits it (§3); none
 * when the account is not among the split's recipients.
 */
export function accountShare(
  amount: bigint,
  split: Split,
  accountId: bigint,
): AccountShare | undefined {
  const index = split.recipients.indexOf(accountId);
  if (index < 0) return undefined;
  const shares = computeShares(amount, split.bps);
  const bps = split.bps[index] as number;
  const floor = (amount * BigInt(bps)) / 10_000n;
  const share = shares[index] as bigint;
  return { index, bps, share, remainder: share - floor };
}
