import type { AssetState, BatchRequest, PayerState } from "../core/batch.ts";
import type { Signature } from "../core/eddsa.ts";
import { RoyaltyError } from "../core/errors.ts";
import type { RoyaltyEvent } from "../core/event.ts";
import { lineageOf, type SplitOf } from "../core/lineage.ts";
import type { CircuitParams } from "../core/params.ts";
import type { Split } from "../core/split.ts";
import type { ChainView } from "./chain-state.ts";
import type { StoredEvent } from "./store/types.ts";

/**
 * The reference model's input for a batch of stored events: each payer starts at the head before
 * its first event in the batch and is authorised by the signature on its last; splits and keys
 * come from the chain view. The batcher uses it to cut a batch, the prover to rebuild it.
 */
export function batchRequestOf(
  events: readonly StoredEvent[],
  chain: ChainView,
  params: CircuitParams,
): BatchRequest {
  const first = new Map<string, StoredEvent>();
  const last = new Map<string, StoredEvent>();
  for (const e of events) {
    if (!first.has(e.payer)) first.set(e.payer, e);
    last.set(e.payer, e);
  }
  const payers: PayerState[] = [...first.values()].map((e) => {
    const p = chain.payer(BigInt(e.payer));
    if (!p)
      throw new RoyaltyError(
        "PAYER_STATE_MISSING",
        `payer ${e.payer} vanished from the chain view`,
      );
    return { address: BigInt(e.payer), pubKey: p.pubKey, head: e.prevHead };
  });
  // Every asset of every event's lineage: the batch splits each parent's share by its split.
  const assets = new Map<bigint, AssetState>();
  for (const assetId of new Set(events.map((e) => e.assetId))) {
    for (const id of lineageOf(assetId, splitOfView(chain), params.D)) {
      if (!assets.has(id)) assets.set(id, { assetId: id, split: splitOfView(chain)(id) as Split });
    }
  }
  const signatures = new Map<bigint, Signature>(
    [...last.values()].map((e) => [BigInt(e.payer), e.signature as Signature]),
  );
  const coreEvents: RoyaltyEvent[] = events.map((e) => ({
    payer: BigInt(e.payer),
    seq: e.seq,
    assetId: e.assetId,
    amount: e.amount,
    ref: e.ref,
  }));
  return {
    params,
    domain: chain.domain,
    events: coreEvents,
    payers,
    assets: [...assets.values()],
    signatures,
  };
}

/** The chain view's splits as core's lineage functions read them. */
export function splitOfView(chain: ChainView): SplitOf {
  return (assetId) => chain.asset(assetId)?.split;
}
