import { keccak_256 } from "@noble/hashes/sha3";
import {
  ADDRESS_BITS,
  AMOUNT_BITS,
  ASSET_ID_BITS,
  addressToBigInt,
  REF_BITS,
  requireAmount,
  requireBits,
  SEQ_BITS,
} from "./field.ts";
import { poseidon } from "./poseidon.ts";

/** Most events one POST /v1/events may hold (docs/protocol.md §11): server, SDK and CLI. */
export const MAX_EVENTS_PER_REQUEST = 1000;

/** One royalty event as hashed and proven; the API edge converts decimal strings into this. */
export interface RoyaltyEvent {
  /** payer address as an integer */
  payer: bigint;
  /** 1, 2, 3, ... per payer, no gaps */
  seq: bigint;
  assetId: bigint;
  /** base units, 0 < amount <= MAX_AMOUNT (10000 * 2^83 - 1) */
  amount: bigint;
  /** optional integer below 2^189, e.g. a hash of the marketplace's sale id; 0 if absent */
  ref: bigint;
}

/**
 * A sale's `ref` from text: a decimal below 2^189 as it is, any other text (a marketplace's sale
 * id) as the top 189 bits of keccak256 of its UTF-8 bytes; empty text is 0. docs/protocol.md §2
 * fixes this rule: changing it changes every ref.
 */
export function refOf(text: string | undefined): bigint {
  const t = (text ?? "").trim();
  if (t === "") return 0n;
  if (/^\d+$/.test(t)) return requireBits("ref", BigInt(t), REF_BITS);
  const digest = keccak_256(new TextEncoder().encode(t));
  return BigInt(`0x${Buffer.from(digest).toString("hex")}`) >> BigInt(256 - REF_BITS);
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
  requireBits(`${where}.ref`, ev.ref, REF_BITS);
  return ev;
}

/**
 * A payer's first head: Poseidon(domain, payer). The contract stores it at registration, so every
 * chain is bound to one payer of one deployment (chain id and rollup address) from its start and
 * no event needs to carry either: a signature over a head of one payer or deployment never
 * verifies as a head of another, and no two payers' chains share a head.
 */
export function genesisHead(domain: bigint, payer: bigint): bigint {
  return poseidon([domain, requireBits("payer", payer, ADDRESS_BITS, false)]);
}

/**
 * `assetId` and `amount` as one field element: assetId * 2^AMOUNT_BITS + amount, injective
 * since amount < 2^97 (the circuit's split of the amount bounds it) and assetId < 2^64.
 */
export function assetAmount(ev: Pick<RoyaltyEvent, "assetId" | "amount">): bigint {
  return (ev.assetId << BigInt(AMOUNT_BITS)) + ev.amount;
}

/**
 * `seq` and `ref` as one field element: seq * 2^189 + ref, injective since ref < 2^189 and
 * seq < 2^64 (253 bits). Nothing is computed from either, so the circuit hashes this value as the
 * payer signed it and needs no range check of its own (docs/protocol.md §2).
 */
export function seqRef(ev: Pick<RoyaltyEvent, "seq" | "ref">): bigint {
  return (ev.seq << BigInt(REF_BITS)) + ev.ref;
}

/** The event hash's inputs in protocol order; every Poseidon implementation hashes exactly these. */
export function eventHashInputs(prevHead: bigint, ev: RoyaltyEvent): bigint[] {
  return [prevHead, seqRef(ev), assetAmount(ev)];
}

/**
 * eventHash = Poseidon(prevHead, seq * 2^189 + ref, assetId * 2^97 + amount): one hash per event
 * that is at once the Merkle leaf and the payer's head after the event (docs/protocol.md §2).
 * `prevHead` is the payer's head before it: the payer's genesis head, which binds the payer and
 * the deployment, or the previous event's hash.
 */
export function eventHash(prevHead: bigint, ev: RoyaltyEvent): bigint {
  return poseidon(eventHashInputs(prevHead, ev));
}

/** Walks a payer's chain through `events` (in order) and returns every intermediate head. */
export function chainHeads(startHead: bigint, events: readonly RoyaltyEvent[]): bigint[] {
  const heads: bigint[] = [];
  let head = startHead;
  for (const ev of events) {
    head = eventHash(head, ev);
    heads.push(head);
  }
  return heads;
}
