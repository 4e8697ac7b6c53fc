import { invalid } from "./errors.ts";

/** Order of the BN254 scalar field: every circuit signal and Poseidon input lives below it. */
export const SNARK_FIELD =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/**
 * Amounts are integers in [1, 10000 * 2^83 - 1] base units: the circuit bounds an amount by its
 * split amount = 10000 * alpha + beta (alpha < 2^83, beta < 10000), with no decomposition of its
 * own (docs/protocol.md §7 rule 1). Every amount below 2^96 is one; the bound is just above 2^96.29.
 */
export const MAX_AMOUNT = 10_000n * (1n << 83n) - 1n;
/** Bits that hold any amount (MAX_AMOUNT < 2^97): a batch total of N amounts fits 97 + log2(N). */
export const AMOUNT_BITS = 97;
/** How the rule reads in an error: the field and this. */
export const AMOUNT_RULE = "must satisfy 0 < amount < 10000 * 2^83";

/** Basis points of a split sum to this; shares are floor(amount * bps / BPS_DENOMINATOR). */
export const BPS_DENOMINATOR = 10_000n;

/** Asset ids are uint64 and never 0 (0 marks an empty asset slot). */
export const ASSET_ID_BITS = 64;
/** Sequence numbers are uint64, starting at 1 per payer. */
export const SEQ_BITS = 64;
/**
 * A sale's ref is below 2^189, so that seq * 2^189 + ref fits one hash input (SEQ_BITS + REF_BITS
 * = 253 bits, below the field order): docs/protocol.md §2.
 */
export const REF_BITS = 189;
/** Recipient account ids are uint32 assigned by the contract, never 0 (0 marks an empty slot). */
export const ACCOUNT_ID_BITS = 32;
/** Payers are Ethereum addresses. */
export const ADDRESS_BITS = 160;

export function requireBits(field: string, value: bigint, bits: number, allowZero = true): bigint {
  if (value < 0n || value >= 1n << BigInt(bits)) invalid(field, `must be below 2^${bits}`, value);
  if (!allowZero && value === 0n) invalid(field, "must not be 0", value);
  return value;
}

export function requireFieldElement(field: string, value: bigint): bigint {
  if (value < 0n || value >= SNARK_FIELD)
    invalid(field, "must be a field element (0 <= x < r)", value);
  return value;
}

export function requireAmount(field: string, value: bigint): bigint {
  if (value <= 0n || value > MAX_AMOUNT) invalid(field, AMOUNT_RULE, value);
  return value;
}

/** An address as every API, file and option takes it: 0x and 40 hex digits, any case. */
export const ADDRESS_PATTERN = "^0x[0-9a-fA-F]{40}$";
export const ADDRESS_RE = new RegExp(ADDRESS_PATTERN);

/** Address (0x-hex, any case) to its integer; the integer form is what gets hashed. */
export function addressToBigInt(field: string, address: string): bigint {
  if (!ADDRESS_RE.test(address))
    invalid(field, "must be a 20-byte 0x-prefixed hex address", address);
  return BigInt(address);
}

export function bigIntToAddress(value: bigint): `0x${string}` {
  return `0x${value.toString(16).padStart(40, "0")}`;
}
