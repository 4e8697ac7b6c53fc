import { keccak_256 } from "@noble/hashes/sha3";
import {
  ADDRESS_BITS,
  ASSET_ID_BITS,
  addressToBigInt,
  requireAmount,
  requireBits,
  requireFieldElement,
  SEQ_BITS,
} from "./field.ts";
import { poseidon } from "./poseidon.ts";

/** One royalty event as hashed and proven; the API edge converts decimal strings into this. */
export interface RoyaltyEvent {
  /** payer address as an integer */
  payer: bigint;
  /** 1, 2, 3, ... per payer, no gaps */
  seq: bigint;
  assetId: bigint;
  /** base units, 0 < amount <= MAX_AMOUNT (10000 * 2^83 - 1) */
  amount: bigint;
  /** optional field element, e.g. a hash of the marketplace's sale id; 0 if absent */
  ref: bigint;
}

/**
 * A sale's `ref` from text: a decimal field element as it is, any other text (a marketplace's
 * sale id) as keccak256 of its UTF-8 bytes shifted right by 8 bits (248 bits, below the field
 * order); empty text is 0. docs/protocol.md §2 fixes this rule: changing it changes every ref.
 */
export function refOf(text: string | undefined): bigint {
  const t = (text ?? "").trim();
  if (t === "") return 0n;
  if (/^\d+$/.test(t)) return requireFieldElement("ref", BigInt(t));
  const digest = keccak_256(new TextEncoder().encode(t));
  return BigInt(`0x${Buffer.from(digest).toString("hex")}`) >> 8n;
}

/** Separates deployments: events signed for one chain or rollup never settle on another. */
export function domainOf(chainId: bigint, rollupAddress: string): bigint {
  return poseidon([
    requireBits("chainId", chainId, 64),
    addressToBigInt("rollupAddress", rollupAddress),
  ]);
}

export function validateEvent(ev: RoyaltyEvent, where = "event"): RoyaltyEvent {
  requireBits(`${where}.payer`, ev.payer, ADDRESS_BITS, false);
  requireBits(`${where}.seq`, ev.seq, SEQ_BITS, false);
  requireBits(`${where}.assetId`, ev.assetId, ASSET_ID_BITS, false);
  requireAmount(`${where}.amount`, ev.amount);
  requireFieldElement(`${where}.ref`, ev.ref);
  return ev;
}

/** The event hash's inputs in protocol order; every Poseidon implementation hashes exactly these. */
export function eventHashInputs(domain: bigint, ev: RoyaltyEvent): bigint[] {
  return [domain, ev.payer, ev.seq, ev.assetId, ev.amount, ev.ref];
}

/** eventHash = Poseidon(domain, payer, seq, assetId, amount, ref): the Merkle leaf and chain input. */
export function eventHash(domain: bigint, ev: RoyaltyEvent): bigint {
  return poseidon(eventHashInputs(domain, ev));
}

/** head_n = Poseidon(head_{n-1}, eventHash_n); head_0 = 0. */
export function nextHead(prevHead: bigint, hash: bigint): bigint {
  return poseidon([prevHead, hash]);
}

/** Walks a payer's chain through `events` (in order) and returns every intermediate head. */
export function chainHeads(
  domain: bigint,
  startHead: bigint,
  events: readonly RoyaltyEvent[],
): bigint[] {
  const heads: bigint[] = [];
  let head = startHead;
  for (const ev of events) {
    head = nextHead(head, eventHash(domain, ev));
    heads.push(head);
  }
  return heads;
}
