import { RoyaltyError } from "./errors.ts";
import { ACCOUNT_ID_BITS } from "./field.ts";
import type { CircuitParams } from "./params.ts";

/**
 * Public-input packing (docs/protocol.md, "Public inputs"). Every public input costs about 6.2k gas
 * in the verifier, so the small values (debits, credits, recipient ids) share field elements.
 * A word holds up to WORD_BITS bits so it stays below the field order; values never straddle words.
 */
export const WORD_BITS = 253;

export type PackedField = { kind: "debit" | "credit"; slot: number } | { kind: "id"; slot: number };
export interface PlacedField {
  field: PackedField;
  word: number;
  offset: number;
  bits: number;
}

/**
 * Greedy layout, identical in the circuit and the contract: each word takes as many totals
 * (debits, then credits) as fit, then as many recipient ids as fit in what is left; once the
 * totals run out, words hold ids only.
 */
export function packingLayout(params: CircuitParams): PlacedField[] {
  const totals: PackedField[] = [
    ...Array.from({ length: params.P }, (_, slot) => ({ kind: "debit" as const, slot })),
    ...Array.from({ length: params.R }, (_, slot) => ({ kind: "credit" as const, slot })),
  ];
  const ids: PackedField[] = Array.from({ length: params.R }, (_, slot) => ({
    kind: "id" as const,
    slot,
  }));
  const placed: PlacedField[] = [];
  let t = 0;
  let i = 0;
  for (let word = 0; t < totals.length || i < ids.length; word++) {
    let offset = 0;
    for (; t < totals.length && offset + params.totalBits <= WORD_BITS; t++) {
      placed.push({ field: totals[t] as PackedField, word, offset, bits: params.totalBits });
      offset += params.totalBits;
    }
    for (; i < ids.length && offset + ACCOUNT_ID_BITS <= WORD_BITS; i++) {
      placed.push({ field: ids[i] as PackedField, word, offset, bits: ACCOUNT_ID_BITS });
      offset += ACCOUNT_ID_BITS;
    }
  }
  return placed;
}

export function packedWordCount(params: CircuitParams): number {
  return Math.max(...packingLayout(params).map((p) => p.word)) + 1;
}

export interface PackedValues {
  debits: readonly bigint[];
  credits: readonly bigint[];
  recipientIds: readonly bigint[];
}

function fieldValue(values: PackedValues, field: PackedField): bigint {
  const list =
    field.kind === "debit"
      ? values.debits
      : field.kind === "credit"
        ? values.credits
        : values.recipientIds;
  return list[field.slot] ?? 0n;
}

export function packWords(params: CircuitParams, values: PackedValues): bigint[] {
  const words = Array<bigint>(packedWordCount(params)).fill(0n);
  for (const p of packingLayout(params)) {
    const v = fieldValue(values, p.field);
    if (v < 0n || v >= 1n << BigInt(p.bits)) {
      throw new RoyaltyError(
        "FIELD_OVERFLOW",
        `${p.field.kind}[${p.field.slot}] = ${v} does not fit in ${p.bits} bits`,
      );
    }
    words[p.word] = (words[p.word] as bigint) | (v << BigInt(p.offset));
  }
  return words;
}

export function unpackWords(params: CircuitParams, words: readonly bigint[]): PackedValues {
  const out = {
    debits: Array<bigint>(params.P).fill(0n),
    credits: Array<bigint>(params.R).fill(0n),
    recipientIds: Array<bigint>(params.R).fill(0n),
  };
  for (const p of packingLayout(params)) {
    const v = ((words[p.word] ?? 0n) >> BigInt(p.offset)) & ((1n << BigInt(p.bits)) - 1n);
    const list =
      p.field.kind === "debit"
        ? out.debits
        : p.field.kind === "credit"
          ? out.credits
          : out.recipientIds;
    list[p.field.slot] = v;
  }
  return out;
}

/** Everything the verifier sees, unpacked. */
export interface PublicData extends PackedValues {
  domain: bigint;
  eventsRoot: bigint;
  keyHash: readonly bigint[];
  oldHead: readonly bigint[];
  newHead: readonly bigint[];
  splitHash: readonly bigint[];
}

/**
 * The Groth16 public signals in circuit order: outputs first (eventsRoot, newHead[P], packed[W]),
 * then public inputs in declaration order (keyHash[P], oldHead[P], splitHash[A]). The domain is
 * not among them: each used payer slot's keyHash commits to it.
 */
export function publicSignals(params: CircuitParams, data: PublicData): bigint[] {
  return [
    data.eventsRoot,
    ...data.newHead,
    ...packWords(params, data),
    ...data.keyHash,
    ...data.oldHead,
    ...data.splitHash,
  ];
}

export function publicSignalCount(params: CircuitParams): number {
  return 1 + 3 * params.P + params.A + packedWordCount(params);
}

/** Inverse of publicSignals: what a verifier recovers from a proof's public signals. */
export function decodePublicSignals(
  params: CircuitParams,
  signals: readonly bigint[],
  domain: bigint,
): PublicData {
  const { P, A } = params;
  const W = packedWordCount(params);
  if (signals.length !== publicSignalCount(params)) {
    throw new RoyaltyError(
      "PUBLIC_SIGNALS_MALFORMED",
      `expected ${publicSignalCount(params)} public signals, got ${signals.length}`,
    );
  }
  let next = 0;
  const take = (n: number) => {
    next += n;
    return signals.slice(next - n, next);
  };
  const eventsRoot = take(1)[0] as bigint;
  const newHead = take(P);
  const words = take(W);
  const keyHash = take(P);
  const oldHead = take(P);
  const splitHash = take(A);
  return {
    eventsRoot,
    newHead,
    domain,
    keyHash,
    oldHead,
    splitHash,
    ...unpackWords(params, words),
  };
}
