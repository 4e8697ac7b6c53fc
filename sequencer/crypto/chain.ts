import type { PubKey, Signature } from "../../core/eddsa.ts";
import type { RoyaltyEvent } from "../../core/event.ts";
import { fastVerifyHeadSignature } from "../../core/fast/eddsa.ts";
import { fastEventHash, fastNextHead } from "../../core/fast/event.ts";

/** One payer's new events of one request: extend its chain and check every signature given. */
export interface ChainTask {
  domain: bigint;
  startHead: bigint;
  events: readonly RoyaltyEvent[];
  /** per event: its signature over the head reached at that event, or null */
  signatures: readonly (Signature | null)[];
  pubKey: PubKey;
}

export interface ChainResult {
  hashes: bigint[];
  heads: bigint[];
  /** index of the first event whose signature does not verify, -1 if all do */
  badSignature: number;
}

export function runChain(task: ChainTask): ChainResult {
  const hashes: bigint[] = [];
  const heads: bigint[] = [];
  let head = task.startHead;
  let badSignature = -1;
  task.events.forEach((ev, i) => {
    const h = fastEventHash(task.domain, ev);
    head = fastNextHead(head, h);
    hashes.push(h);
    heads.push(head);
    const sig = task.signatures[i];
    if (sig && badSignature < 0 && !fastVerifyHeadSignature(head, sig, task.pubKey)) {
      badSignature = i;
    }
  });
  return { hashes, heads, badSignature };
}
