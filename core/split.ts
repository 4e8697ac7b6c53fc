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
 * A parent entry packs its asset id above an account id's bits: parent * 2^46 + bps, so that one
 * entry opens as (account, parent, bps) uniquely (docs/protocol.md §3).
 */
export const PARENT_SHIFT = BPS_BITS + ACCOUNT_ID_BITS;

/** A split's share to a parent asset: split again by the parent's own split (lineage). */
export interface ParentEntry {
  assetId: bigint;
  bps: number;
}

/**
 * A registered split: recipient account ids (assigned by the contract) with basis points, and at
 * most one parent asset. The first recipient also takes each event's rounding remainder; the
 * parent's entry comes after every account entry (docs/protocol.md §3).
 */
export interface Split {
  recipients: readonly bigint[];
  bps: readonly number[];
  parent?: ParentEntry;
}

function requireBps(where: string, bps: number, min: number): bigint {
  if (!Number.isInteger(bps) || bps < min || BigInt(bps) > BPS_DENOMINATOR) {
    invalid(where, `must be an integer from ${min} to 10000`, bps);
  }
  return BigInt(bps);
}

export function validateSplit(split: Split, maxRecipients: number, where = "split"): Split {
  const n = split.recipients.length;
  // The parent takes the last of the K entries (the circuit's fixed place for it).
  const maxAccounts = split.parent ? maxRecipients - 1 : maxRecipients;
  if (n < 1 || n > maxAccounts) {
    const why = split.parent ? " beside a parent asset" : "";
    invalid(`${where}.recipients`, `must hold 1 to ${maxAccounts} recipients${why}`, n);
  }
  if (split.bps.length !== n)
    invalid(`${where}.bps`, "must have one entry per recipient", split.bps.length);
  const seen = new Set<bigint>();
  let sum = 0n;
  split.recipients.forEach((id, i) => {
    requireBits(`${where}.recipients[${i}]`, id, ACCOUNT_ID_BITS, false);
    if (seen.has(id)) invalid(`${where}.recipients[${i}]`, "must not repeat a recipient", id);
    seen.add(id);
    sum += requireBps(`${where}.bps[${i}]`, split.bps[i] ?? -1, 0);
  });
  if (split.parent) {
    requireBits(`${where}.parent.assetId`, split.parent.assetId, ASSET_ID_BITS, false);
    // A parent entry of 0 bps would only take event slots.
    sum += requireBps(`${where}.parent.bps`, split.parent.bps, 1);
  }
  if (sum !== BPS_DENOMINATOR) invalid(`${where}.bps`, "must sum to 10000", sum);
  return split;
}

/**
 * Credits of one event, in entry order: share_i = floor(amount * bps_i / 10000), and the
 * remainder amount - sum(share_i) goes to the first entry. Conserves the amount exactly.
 */
export function computeShares(amount: bigint, bps: readonly number[]): bigint[] {
  requireAmount("amount", amount);
  const shares = bps.map((b) => (amount * BigInt(b)) / BPS_DENOMINATOR);
  const remainder = amount - shares.reduce((a, b) => a + b, 0n);
  shares[0] = (shares[0] ?? 0n) + remainder;
  return shares;
}

/** One event's amount under a split: each account's share, and the parent's (0 without one). */
export interface SplitShares {
  /** per recipient, in order; the first holds the rounding remainder */
  accounts: bigint[];
  /** the share the parent asset splits again (docs/protocol.md §3), 0 when there is no parent */
  parent: bigint;
}

/**
 * Splits an amount by the §3 rule over every entry, the parent's last. An amount of 0 (a parent's
 * share of a tiny event) splits into zeros.
 */
export function splitShares(amount: bigint, split: Split): SplitShares {
  const bps = split.parent ? [...split.bps, split.parent.bps] : split.bps;
  const shares = amount === 0n ? bps.map(() => 0n) : computeShares(amount, bps);
  return {
    accounts: shares.slice(0, split.recipients.length),
    parent: split.parent ? (shares[split.recipients.length] as bigint) : 0n,
  };
}

/**
 * The split's K entries: accounts id * 2^14 + bps, padded with zero entries; a parent takes the
 * last entry as parent * 2^46 + bps.
 */
export function splitEntries(split: Split, K: number): bigint[] {
  const entries: bigint[] = [];
  for (let k = 0; k < K; k++) {
    const id = split.recipients[k] ?? 0n;
    const bps = BigInt(split.bps[k] ?? 0);
    entries.push((id << BigInt(BPS_BITS)) + bps);
  }
  if (split.parent) {
    entries[K - 1] = (split.parent.assetId << BigInt(PARENT_SHIFT)) + BigInt(split.parent.bps);
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
  if (split.parent?.assetId === assetId)
    invalid("split.parent.assetId", "must not be the asset itself", assetId);
  return poseidon([assetId, ...splitEntries(split, K)]);
}
