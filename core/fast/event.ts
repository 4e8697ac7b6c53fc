import { eventHashInputs, type RoyaltyEvent } from "../event.ts";
import { fastPoseidon } from "./poseidon.ts";

/** core `eventHash` on the fast Poseidon: the same inputs, from the same function. */
export function fastEventHash(prevHead: bigint, ev: RoyaltyEvent): bigint {
  return fastPoseidon(eventHashInputs(prevHead, ev));
}
