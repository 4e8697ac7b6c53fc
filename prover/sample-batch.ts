import { createHash } from "node:crypto";
import { type AssetState, type BatchRequest, buildBatch, type PayerState } from "../core/batch.ts";
import { publicKeyOf, type Signature, signHead } from "../core/eddsa.ts";
import { chainHeads, domainOf, genesisHead, type RoyaltyEvent } from "../core/event.ts";
import { MAX_AMOUNT } from "../core/field.ts";
import type { CircuitParams } from "../core/params.ts";
import type { Split } from "../core/split.ts";

/** Deterministic key material for demos, tests and benchmarks; never for real funds. */
export function samplePrivateKey(label: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(`royalty-sample:${label}`).digest());
}

export const SAMPLE_CHAIN_ID = 31337n;
export const SAMPLE_ROLLUP = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

export interface SampleOptions {
  payers?: number;
  assets?: number;
  events?: number;
  /** every event at MAX_AMOUNT (10000 * 2^83 - 1) */
  maxAmounts?: boolean;
}

export interface SamplePayer {
  privateKey: Uint8Array;
  state: PayerState;
}

/** Payer i: address 0x…10+i, key from a fixed label; head default: its sample-domain genesis. */
export function samplePayer(i: number, head?: bigint): SamplePayer {
  const privateKey = samplePrivateKey(`payer-${i}`);
  const address = 0x1000n + BigInt(i);
  return {
    privateKey,
    state: {
      address,
      pubKey: publicKeyOf(privateKey),
      head: head ?? genesisHead(domainOf(SAMPLE_CHAIN_ID, SAMPLE_ROLLUP), address),
    },
  };
}

/** Asset i: id 1001+i, a split over 1..K recipients (ids 1..R), first recipient takes most. */
export function sampleAsset(i: number, K: number, R: number): AssetState {
  const count = 1 + (i % K);
  const recipients = Array.from({ length: count }, (_, k) => BigInt(1 + ((i * K + k) % R)));
  const bps = Array.from({ length: count }, (_, k) =>
    k === 0 ? 0 : ([1, 2500, 333, 1234][k % 4] as number),
  );
  bps[0] = 10_000 - bps.reduce((a, b) => a + b, 0);
  const split: Split = { recipients, bps };
  return { assetId: 1001n + BigInt(i), split };
}

/**
 * A lineage of D + 1 assets for a set: asset 2001 (an image, say) routes `parentBps` of each
 * event to 2002 (its model), which routes as much to 2003 (a dataset), ... up to D parents; the
 * last has no parent. Each has one account (recipient ids R, R-1, ...) beside its parent.
 */
export function sampleLineage(params: CircuitParams, parentBps = 3000): AssetState[] {
  return Array.from({ length: params.D + 1 }, (_, level) => {
    const assetId = 2001n + BigInt(level);
    const recipients = [BigInt(params.R - level)];
    const split: Split =
      level < params.D
        ? {
            recipients,
            bps: [10_000 - parentBps],
            parent: { assetId: assetId + 1n, bps: parentBps },
          }
        : { recipients, bps: [10_000] };
    return { assetId, split };
  });
}

/**
 * A valid batch whose events sit on the lineage of `sampleLineage`: event i on the asset
 * `assetOf(i)` (default: the deepest asset, so every event climbs all D parents), one payer per
 * event round-robin over the set's payer slots, as many events as fit the slots.
 */
export function sampleLineageRequest(
  params: CircuitParams,
  options: { amounts?: bigint[]; assetOf?: (i: number) => bigint } = {},
): BatchRequest & { samplePayers: SamplePayer[] } {
  const amounts =
    options.amounts ??
    Array.from({ length: Math.floor(params.N / (params.D + 1)) }, (_, i) => 987_654n + BigInt(i));
  return sampleRequest(
    params,
    params.P,
    sampleLineage(params),
    amounts,
    (i) => options.assetOf?.(i) ?? 2001n,
  );
}

/**
 * The request of events with these amounts, event i on `assetOf(i)`, spread round-robin over
 * `payerCount` sample payers (each payer's seqs from 1), each payer's last head signed.
 */
function sampleRequest(
  params: CircuitParams,
  payerCount: number,
  assets: AssetState[],
  amounts: readonly bigint[],
  assetOf: (i: number) => bigint,
): BatchRequest & { samplePayers: SamplePayer[] } {
  const samplePayers = Array.from({ length: payerCount }, (_, i) => samplePayer(i));
  const nextSeq = new Map<bigint, bigint>();
  const events: RoyaltyEvent[] = amounts.map((amount, i) => {
    const payer = (samplePayers[i % payerCount] as SamplePayer).state.address;
    const seq = (nextSeq.get(payer) ?? 0n) + 1n;
    nextSeq.set(payer, seq);
    return { payer, seq, assetId: assetOf(i), amount, ref: BigInt(i) };
  });
  return {
    params,
    domain: domainOf(SAMPLE_CHAIN_ID, SAMPLE_ROLLUP),
    events,
    payers: samplePayers.map((p) => p.state),
    assets,
    signatures: signLastHeads(samplePayers, events),
    samplePayers,
  };
}

/** Signs each payer's last head reached by `events`, as a client signing its last event would. */
export function signLastHeads(
  payers: readonly SamplePayer[],
  events: readonly RoyaltyEvent[],
): Map<bigint, Signature> {
  const signatures = new Map<bigint, Signature>();
  for (const p of payers) {
    const own = events.filter((e) => e.payer === p.state.address);
    if (own.length === 0) continue;
    const heads = chainHeads(p.state.head, own);
    signatures.set(p.state.address, signHead(p.privateKey, heads[heads.length - 1] as bigint));
  }
  return signatures;
}

/**
 * A valid batch for a parameter set: `events` events spread round-robin over `payers` payers and
 * `assets` assets (defaults fill every slot), amounts varied so that rounding matters.
 */
export function sampleBatchRequest(
  params: CircuitParams,
  options: SampleOptions = {},
): BatchRequest & { samplePayers: SamplePayer[] } {
  const assetCount = options.assets ?? params.A;
  const assets = Array.from({ length: assetCount }, (_, i) => sampleAsset(i, params.K, params.R));
  const amounts = Array.from({ length: options.events ?? params.N }, (_, i) =>
    options.maxAmounts ? MAX_AMOUNT : 10_000n * BigInt(i + 1) + BigInt((i * 7919) % 10_000) + 1n,
  );
  return sampleRequest(
    params,
    options.payers ?? params.P,
    assets,
    amounts,
    (i) => (assets[i % assetCount] as AssetState).assetId,
  );
}

export function sampleBatch(params: CircuitParams, options: SampleOptions = {}) {
  return buildBatch(sampleBatchRequest(params, options));
}
