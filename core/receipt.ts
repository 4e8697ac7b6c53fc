import { eventHash } from "./event.ts";
import { type EventProofInput, type NodeHasher, verifyEventProof } from "./merkle.ts";

type Numeric = bigint | number | string;

/** An event as an API publishes it (decimal strings, or numbers) with the hash it claims. */
export interface PublishedEvent {
  payer: Numeric;
  seq: Numeric;
  assetId: Numeric;
  amount: Numeric;
  ref?: Numeric;
  eventHash: Numeric;
}

/**
 * What is wrong with an event's receipt, one sentence each (none: the receipt proves the event):
 * the fields hashed under `domain` give the claimed eventHash, that hash is the proof's leaf, and
 * the Merkle path leads from it to the proof's root. Whether that root was settled is the
 * caller's check against the chain.
 */
export function receiptProblems(
  domain: bigint,
  ev: PublishedEvent,
  proof: EventProofInput | undefined,
  /** node hashing for the Merkle path, e.g. `memoNodeHasher()` shared by one batch's receipts */
  hasher?: NodeHasher,
): string[] {
  const problems: string[] = [];
  const hash = eventHash(domain, {
    payer: BigInt(ev.payer),
    seq: BigInt(ev.seq),
    assetId: BigInt(ev.assetId),
    amount: BigInt(ev.amount),
    ref: BigInt(ev.ref ?? 0),
  });
  if (String(hash) !== String(ev.eventHash)) {
    problems.push("the event's fields do not hash to its eventHash under this domain");
  }
  if (!proof) return [...problems, "there is no receipt"];
  if (String(proof.leaf) !== String(hash))
    problems.push("the proof's leaf is not the event's hash");
  if (!verifyEventProof(proof, hasher)) {
    problems.push("the Merkle path does not lead from the leaf to the root");
  }
  return problems;
}
