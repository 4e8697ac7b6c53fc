import { invalid } from "./errors.ts";
import {
  ACCOUNT_ID_BITS,
  ASSET_ID_BITS,
  BPS_DENOMINATOR,
  requireAmount,
  requireBits,
} from "./field.ts";
import { poseidon } from "./poseidon.ts";

/** Basis points fit in 14 bits (10000 < 2^14); the split hash packs each entry as id * 2^14 + bps. */
export const BPS_BITS = 14;

/**
 * A registered split: recipient account ids (assigned by the contract) with basis points.
 * The first recipient also takes each event's rounding remainder (docs/protocol.md §3).
 */
export interface Split {
  recipients: readonly bigint[];
  bps: readonly number[];
}

export function validateSplit(split: Split, maxRecipients: number, where = "split"): Split {
  const n = split.recipients.length;
  if (n < 1 || n > maxRecipients)
    invalid(`${where}.recipients`, `must hold 1 to ${maxRecipients} recipients`, n);
  if (split.bps.length !== n)
    invalid(`${where}.bps`, "must have one entry per recipient", split.bps.length);
  const seen = new Set<bigint>();
  let sum = 0n;
  split.recipients.forEach((id, i) => {
    requireBits(`${where}.recipients[${i}]`, id, ACCOUNT_ID_BITS, false);
    if (seen.has(id)) invalid(`${where}.recipients[${i}]`, "must not repeat a recipient", id);
    seen.add(id);
    const bps = split.bps[i] ?? -1;
    if (!Number.isInteger(bps) || bps < 0 || BigInt(bps) > BPS_DENOMINATOR) {
      invalid(`${where}.bps[${i}]`, "must be an integer from 0 to 10000", bps);
    }
    sum += BigInt(bps);
  });
  if (sum !== BPS_DENOMINATOR) invalid(`${where}.bps`, "must sum to 10000", sum);
  return split;
}

/**
 * Credits of one event, in recipient order: share_i = floor(amount * bps_i / 10000), and the
 * remainder amount - sum(share_i) goes to the first recipient. Conserves the amount exactly.
 */
export function computeShares(amount: bigint, bps: readonly number[]): bigint[] {
  requireAmount("amount", amount);
  const shares = bps.map((b) => (amount * BigInt(b)) / BPS_DENOMINATOR);
  const remainder = amount - shares.reduce((a, b) => a + b, 0n);
  shares[0] = (shares[0] ?? 0n) + remainder;
  return shares;
}

/** The split's K entries, id * 2^14 + bps, padded with zero entries. */
export function splitEntries(split: Split, K: number): bigint[] {
  const entries: bigint[] = [];
  for (let k = 0; k < K; k++) {
    const id = split.recipients[k] ?? 0n;
    const bps = BigInt(split.bps[k] ?? 0);
    entries.push((id << BigInt(BPS_BITS)) + bps);
  }
  return entries;
}

/**
 * splitHash = Poseidon(assetId, entry_1, ..., entry_K). The asset id inside the hash binds the
 * split to its asset, so the asset id itself needs no public input.
 */
export function splitHash(assetId: bigint, split: Split, K: number): bigint {
  requireBits("assetId", assetId, ASSET_ID_BITS, false);
  validateSplit(split, K);
  return poseidon([assetId, ...splitEntries(split, K)]);
}
