import { eventHash } from "./event.ts";
import { type EventProofInput, type NodeHasher, verifyEventProof } from "./merkle.ts";

type Numeric = bigint | number | string;

/**
 * An event as an API publishes it (decimal strings, or numbers) with the hash it claims and its
 * payer's head before it, which the hash chains from.
 */
export interface PublishedEvent {
  payer: Numeric;
  seq: Numeric;
  assetId: Numeric;
  amount: Numeric;
  ref?: Numeric;
  prevHead: Numeric;
  eventHash: Numeric;
}

/**
 * What is wrong with an event's receipt, one sentence each (none: the receipt proves the event):
 * the fields hashed after `prevHead` give the claimed eventHash, that hash is the proof's leaf,
 * and the Merkle path leads from it to the proof's root. Whether that root was settled is the
 * caller's check against the chain; the chain's root binds the deployment (every payer's chain
 * starts at its domain), so the receipt needs no domain of its own.
 */
export function receiptProblems(
  ev: PublishedEvent,
  proof: EventProofInput | undefined,
  /** node hashing for the Merkle path, e.g. `memoNodeHasher()` shared by one batch's receipts */
  hasher?: NodeHasher,
): string[] {
  const problems: string[] = [];
  const hash = eventHash(BigInt(ev.prevHead), {
    payer: BigInt(ev.payer),
    seq: BigInt(ev.seq),
    assetId: BigInt(ev.assetId),
    amount: BigInt(ev.amount),
    ref: BigInt(ev.ref ?? 0),
  });
  if (String(hash) !== String(ev.eventHash)) {
    problems.push("the event's fields do not hash to its eventHash after its prevHead");
  }
  if (!proof) return [...problems, "there is no receipt"];
  if (String(proof.leaf) !== String(hash))
    problems.push("the proof's leaf is not the event's hash");
  if (!verifyEventProof(proof, hasher)) {
    problems.push("the Merkle path does not lead from the leaf to the root");
  }
  return problems;
}
