import {
  IDENTITY_POINT,
  isSmallOrderKey,
  type PubKey,
  payerKeyHash,
  type Signature,
  verifyHeadSignature,
} from "./eddsa.ts";
import { RoyaltyError } from "./errors.ts";
import { eventHash, type RoyaltyEvent, validateEvent } from "./event.ts";
import { type LineageStep, slotLayout } from "./lineage.ts";
import { eventsRoot } from "./merkle.ts";
import { type PublicData, publicSignals } from "./packing.ts";
import type { CircuitParams } from "./params.ts";
import { type Split, splitHash, validateSplit } from "./split.ts";

/** On-chain state of a payer as the batch starts. */
export interface PayerState {
  address: bigint;
  pubKey: PubKey;
  /** head settled on chain (the genesis head, the domain, before the first batch) */
  head: bigint;
}

export interface AssetState {
  assetId: bigint;
  split: Split;
}

export interface BatchRequest {
  params: CircuitParams;
  domain: bigint;
  /** events in batch order; each payer's events in seq order */
  events: readonly RoyaltyEvent[];
  payers: readonly PayerState[];
  assets: readonly AssetState[];
  /** per payer address: its signature over the payer's last head in this batch */
  signatures: ReadonlyMap<bigint, Signature>;
}

/** Witness input of RoyaltyBatch: signal name -> decimal string or nested arrays of them. */
export type CircuitInput = Record<string, string | string[] | string[][] | string[][][]>;

export interface BuiltBatch {
  input: CircuitInput;
  publicData: PublicData;
  /** Groth16 public signals in circuit order (see packing.publicSignals) */
  publicSignals: bigint[];
  /** per event slot: the Merkle leaf (event hash = the payer's head after it, 0 for padding) */
  leaves: bigint[];
  /** per event: its payer's head after it */
  heads: bigint[];
  /** per event: its event slot, which is its leaf index (lineage slots sit between events) */
  eventSlots: number[];
  /** per payer slot, per recipient slot: the layout the contract will see */
  payerSlots: bigint[];
  assetSlots: bigint[];
  recipientSlots: bigint[];
}

function overflow(kind: string, count: number, limit: number): never {
  throw new RoyaltyError(
    "BATCH_OVERFLOW",
    `batch needs ${count} ${kind} slots but the circuit has ${limit}; cut the batch earlier`,
    { details: { kind, count, limit } },
  );
}

const dec = (x: bigint | number) => x.toString();

/** What one event slot holds: an event, a parent's share of the event before it, or padding. */
type Slot =
  | { kind: "event"; event: RoyaltyEvent }
  | { kind: "lineage"; assetId: bigint; amount: bigint }
  | { kind: "padding" };

/**
 * The reference model of one batch (docs/protocol.md §4): from events, splits and payer heads it
 * derives the circuit's witness input and the public data the proof must reproduce. The
 * sequencer, the prover and the circuit tests all use it, so the circuit is tested against the
 * production code.
 *
 * Each event takes one slot, and one more per level of its asset's lineage right after it: the
 * share its split routes to the parent asset, as a lineage slot of that parent, then the parent's
 * share to its own parent, and so on (§3). `req.assets` must hold every parent's split too.
 */
export function buildBatch(req: BatchRequest): BuiltBatch {
  const { params, domain } = req;
  const { N, K, A, P, R } = params;
  for (const [i, ev] of req.events.entries()) validateEvent(ev, `events[${i}]`);

  const assetById = new Map(req.assets.map((a) => [a.assetId, a]));
  const splitOf = (id: bigint) => assetById.get(id)?.split;
  const { eventSlots, lineages } = slotLayout(req.events, splitOf, params.D);
  const slots: Slot[] = [];
  req.events.forEach((event, i) => {
    for (const step of lineages[i] as LineageStep[]) {
      slots.push(
        step.level === 0
          ? { kind: "event", event }
          : { kind: "lineage", assetId: step.assetId, amount: step.amount },
      );
    }
  });
  if (slots.length > N) overflow("event", slots.length, N);

  const payerSlots = [...new Set(req.events.map((e) => e.payer))].sort((a, b) => (a < b ? -1 : 1));
  if (payerSlots.length > P) overflow("payer", payerSlots.length, P);
  const assetSlots = [...new Set(lineages.flat().map((step) => step.assetId))].sort((a, b) =>
    a < b ? -1 : 1,
  );
  if (assetSlots.length > A) overflow("asset", assetSlots.length, A);

  const payerByAddress = new Map(req.payers.map((p) => [p.address, p]));
  const payers = payerSlots.map((address) => {
    const p = payerByAddress.get(address);
    if (!p)
      throw new RoyaltyError(
        "PAYER_STATE_MISSING",
        `payer 0x${address.toString(16)} has no registered state`,
      );
    // Under a small-order key a forged signature verifies; the circuit would refuse the batch.
    if (isSmallOrderKey(p.pubKey))
      throw new RoyaltyError(
        "SMALL_ORDER_KEY",
        `payer 0x${address.toString(16)} has a small-order public key (8 * key is the identity); no batch can include it`,
      );
    return p;
  });
  const assets = assetSlots.map((id) => {
    const a = assetById.get(id) as AssetState;
    validateSplit(a.split, K, `asset ${id} split`);
    return a;
  });

  const recipientSlots = [...new Set(assets.flatMap((a) => a.split.recipients))].sort((a, b) =>
    a < b ? -1 : 1,
  );
  if (recipientSlots.length > R) overflow("recipient", recipientSlots.length, R);

  // Walk the events once: chains, leaves, debits and credits (every level of each lineage).
  const running = payers.map((p) => p.head);
  const debits = Array<bigint>(P).fill(0n);
  const credits = Array<bigint>(R).fill(0n);
  const leaves = Array<bigint>(N).fill(0n);
  const heads: bigint[] = [];
  req.events.forEach((ev, i) => {
    const ps = payerSlots.indexOf(ev.payer);
    const head = eventHash(running[ps] as bigint, ev);
    running[ps] = head;
    leaves[eventSlots[i] as number] = head;
    heads.push(head);
    debits[ps] = (debits[ps] as bigint) + ev.amount;
    for (const step of lineages[i] as LineageStep[]) {
      step.shares.forEach((share, k) => {
        const r = recipientSlots.indexOf(step.split.recipients[k] as bigint);
        credits[r] = (credits[r] as bigint) + share;
      });
    }
  });

  payers.forEach((p, i) => {
    const sig = req.signatures.get(p.address);
    if (!sig || !verifyHeadSignature(running[i] as bigint, sig, p.pubKey)) {
      throw new RoyaltyError(
        "MISSING_SIGNATURE",
        `payer 0x${p.address.toString(16)} has no valid signature over its last head in the batch; a batch must end each payer's run at a signed event`,
      );
    }
  });

  const pad = <T>(xs: T[], n: number, fill: T): T[] => [
    ...xs,
    ...Array<T>(n - xs.length).fill(fill),
  ];
  const keyHash = pad(
    payers.map((p) => payerKeyHash(domain, p.address, p.pubKey)),
    P,
    0n,
  );
  const oldHead = pad(
    payers.map((p) => p.head),
    P,
    0n,
  );
  const newHead = pad(running, P, 0n);
  const splitHashes = pad(
    assets.map((a) => splitHash(a.assetId, a.split, K)),
    A,
    0n,
  );
  const recipientIds = pad(recipientSlots, R, 0n);
  const publicData: PublicData = {
    domain,
    eventsRoot: eventsRoot(params, leaves),
    keyHash,
    oldHead,
    newHead,
    splitHash: splitHashes,
    debits,
    credits,
    recipientIds,
  };

  const sigs = payers.map((p) => req.signatures.get(p.address) as Signature);
  const keys: PubKey[] = pad(
    payers.map((p) => p.pubKey),
    P,
    IDENTITY_POINT,
  );
  const oneHot = (index: number, size: number) =>
    Array.from({ length: size }, (_, i) => dec(i === index ? 1 : 0));
  // Entry k of asset slot a: an account id (0 for none or a parent) and its bps; a parent takes
  // the last entry (§3).
  const entry = (a: number, k: number) => {
    const split = assets[a]?.split;
    if (split?.parent && k === K - 1) return { id: 0n, bps: split.parent.bps };
    return { id: split?.recipients[k] ?? 0n, bps: split?.bps[k] ?? 0 };
  };
  const slotAt = (i: number): Slot => slots[i] ?? { kind: "padding" };
  const slotEvent = (i: number) => {
    const slot = slotAt(i);
    return slot.kind === "event" ? slot.event : undefined;
  };
  const slotAsset = (i: number) => {
    const slot = slotAt(i);
    if (slot.kind === "padding") return -1;
    return assetSlots.indexOf(slot.kind === "event" ? slot.event.assetId : slot.assetId);
  };
  const slotAmount = (i: number) => {
    const slot = slotAt(i);
    if (slot.kind === "padding") return 0n;
    return slot.kind === "event" ? slot.event.amount : slot.amount;
  };

  const input: CircuitInput = {
    domain: dec(domain),
    keyHash: keyHash.map(dec),
    oldHead: oldHead.map(dec),
    splitHash: splitHashes.map(dec),
    payerAddress: pad(payerSlots, P, 0n).map(dec),
    pubKeyX: keys.map((k) => dec(k[0])),
    pubKeyY: keys.map((k) => dec(k[1])),
    sigR8x: pad(
      sigs.map((s) => s.R8[0]),
      P,
      0n,
    ).map(dec),
    sigR8y: pad(
      sigs.map((s) => s.R8[1]),
      P,
      1n,
    ).map(dec),
    sigS: pad(
      sigs.map((s) => s.S),
      P,
      0n,
    ).map(dec),
    assetId: pad(assetSlots, A, 0n).map(dec),
    splitRecipient: Array.from({ length: A }, (_, a) =>
      Array.from({ length: K }, (_, k) => dec(entry(a, k).id)),
    ),
    splitBps: Array.from({ length: A }, (_, a) =>
      Array.from({ length: K }, (_, k) => dec(entry(a, k).bps)),
    ),
    splitParent: Array.from({ length: A }, (_, a) => dec(assets[a]?.split.parent?.assetId ?? 0n)),
    recipientId: recipientIds.map(dec),
    route: Array.from({ length: A }, (_, a) =>
      Array.from({ length: K }, (_, k) => {
        const id = entry(a, k).id;
        return oneHot(id === 0n ? -1 : recipientSlots.indexOf(id), R);
      }),
    ),
    eventPayer: Array.from({ length: N }, (_, i) => {
      const ev = slotEvent(i);
      return oneHot(ev ? payerSlots.indexOf(ev.payer) : -1, P);
    }),
    eventAsset: Array.from({ length: N }, (_, i) => oneHot(slotAsset(i), A)),
    eventLineage: Array.from({ length: N }, (_, i) => dec(slotAt(i).kind === "lineage" ? 1 : 0)),
    eventSeq: Array.from({ length: N }, (_, i) => dec(slotEvent(i)?.seq ?? 0n)),
    eventAmount: Array.from({ length: N }, (_, i) => dec(slotAmount(i))),
    eventRef: Array.from({ length: N }, (_, i) => dec(slotEvent(i)?.ref ?? 0n)),
  };

  return {
    input,
    publicData,
    publicSignals: publicSignals(params, publicData),
    leaves,
    heads,
    eventSlots,
    payerSlots: pad(payerSlots, P, 0n),
    assetSlots: pad(assetSlots, A, 0n),
    recipientSlots: recipientIds,
  };
}
