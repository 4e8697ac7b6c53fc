import type { PubKey, Signature } from "../../core/eddsa.ts";
import type { RoyaltyEvent } from "../../core/event.ts";
import { fastVerifyHeadSignature } from "../../core/fast/eddsa.ts";
import { fastEventHash } from "../../core/fast/event.ts";

/** One payer's new events of one request: extend its chain and check every signature given. */
export interface ChainTask {
  startHead: bigint;
  events: readonly RoyaltyEvent[];
  /** per event: its signature over the head reached at that event, or null */
  signatures: readonly (Signature | null)[];
  /** the keys a signature may verify under, in order (the registered key, then a pending one) */
  pubKeys: readonly PubKey[];
}

export interface ChainResult {
  /** per event: its hash, which is its payer's head after it */
  heads: bigint[];
  /** index of the first event whose signature does not verify, -1 if all do */
  badSignature: number;
  /** per event: index in pubKeys of the key its signature verified under, -1 if unsigned */
  signedWith: number[];
}

export function runChain(task: ChainTask): ChainResult {
  const heads: bigint[] = [];
  let head = task.startHead;
  let badSignature = -1;
  const signedWith: number[] = [];
  task.events.forEach((ev, i) => {
    head = fastEventHash(head, ev);
    heads.push(head);
    const sig = task.signatures[i];
    let key = -1;
    if (sig && badSignature < 0) {
      key = task.pubKeys.findIndex((k) => fastVerifyHeadSignature(head, sig, k));
      if (key < 0) badSignature = i;
    }
    signedWith.push(key);
  });
  return { heads, badSignature, signedWith };
}
