import { eventHashInputs, type RoyaltyEvent } from "../event.ts";
import { fastPoseidon } from "./poseidon.ts";

/** core `eventHash` on the fast Poseidon: the same inputs, from the same function. */
export function fastEventHash(domain: bigint, ev: RoyaltyEvent): bigint {
  return fastPoseidon(eventHashInputs(domain, ev));
}

/** core `nextHead` on the fast Poseidon. */
export function fastNextHead(prevHead: bigint, hash: bigint): bigint {
  return fastPoseidon([prevHead, hash]);
}
