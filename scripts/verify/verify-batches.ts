import { type Abi, type AbiEvent, decodeEventLog, type Log, type PublicClient } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { domainOf, eventHash, genesisHead, type RoyaltyEvent } from "../../core/event.ts";
import { type LineageStep, type SlotLayout, type SplitOf, slotLayout } from "../../core/lineage.ts";
import { eventsRoot } from "../../core/merkle.ts";
import { type PublicData, publicSignals, unpackWords } from "../../core/packing.ts";
import { type CircuitParams, loadParams, paramSetNames } from "../../core/params.ts";
import { type Split, splitHash } from "../../core/split.ts";
import { type BatchCalldata, proofFromCalldata } from "../../prover/calldata.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { getLogsPaged } from "../../sdk/logs.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";
import { SequencerTransport } from "../../sdk/transport.ts";

// Calls by a function name chosen at run time: the untyped view of the typed ABI.
const rollupAbi: Abi = royaltyRollupAbi;
const ROLLUP_EVENTS = royaltyRollupAbi.filter(
  (item): item is AbiEvent & typeof item => item.type === "event",
);

import { artifactPaths } from "../setup/paths.ts";

export interface BatchVerdict {
  batch: bigint;
  valid: boolean;
  reason?: string;
}

export interface VerifyOptions {
  client: PublicClient;
  rollup: `0x${string}`;
  /** only this batch (all settled batches otherwise) */
  batch?: bigint;
  /** verification key file (default: the one `royalty setup` made for the matching set) */
  vkey?: string;
  /** a sequencer whose published events are recomputed against the settled credits */
  sequencer?: string;
  fromBlock?: bigint;
}

interface Settlement {
  batchNumber: bigint;
  /** the position of its BatchSettled among the rollup's logs (block, then log index) */
  at: number;
  data: BatchCalldata;
  proof: readonly bigint[];
}

type Decoded = { eventName: string; args: Record<string, unknown>; blockNumber: bigint };

/** The deployment's circuit sizes, read from the contract, matched to a parameter set. */
export async function paramsOf(
  client: PublicClient,
  rollup: `0x${string}`,
): Promise<CircuitParams> {
  const read = (functionName: string) =>
    client.readContract({ address: rollup, abi: rollupAbi, functionName }) as Promise<bigint>;
  const [N, K, A, P, R, D] = await Promise.all(
    [
      "eventSlots",
      "maxRecipients",
      "assetSlots",
      "payerSlots",
      "recipientSlots",
      "maxLineageDepth",
    ].map(read),
  );
  const match = paramSetNames()
    .map(loadParams)
    .find(
      (p) =>
        BigInt(p.N) === N &&
        BigInt(p.K) === K &&
        BigInt(p.A) === A &&
        BigInt(p.P) === P &&
        BigInt(p.R) === R &&
        BigInt(p.D) === D,
    );
  if (!match)
    throw new RoyaltyError(
      "UNKNOWN_PARAMS",
      `the rollup's circuit (N=${N}, K=${K}, A=${A}, P=${P}, R=${R}, D=${D}) matches no parameter set`,
    );
  return match;
}

/**
 * Checks every settled batch from the chain alone: the Groth16 proof re-verified off-chain with
 * the verification key against public signals rebuilt from the settlement call and the key hashes
 * registered before it, contiguous batch numbers, and each payer's head continuing from its
 * previous batch. With a sequencer URL, also recomputes the events root (each event at its slot),
 * every debit and every credit (up each event's lineage) from the events the sequencer publishes
 * and the splits registered on chain, parents included (`publishedBatchProblems`).
 */
export async function verifyBatches(o: VerifyOptions): Promise<BatchVerdict[]> {
  const params = await paramsOf(o.client, o.rollup);
  // Computed, not taken from anyone: events are hashed under this deployment's own domain.
  const domain = domainOf(BigInt(await o.client.getChainId()), o.rollup);
  const vkey = readVerificationKey(o.vkey ?? artifactPaths(params).verificationKey);
  // In pages, retried: public RPCs cap eth_getLogs ranges and rate-limit (HTTP 429).
  const logs = await getLogsPaged(o.client, {
    address: o.rollup,
    events: ROLLUP_EVENTS,
    fromBlock: o.fromBlock ?? 0n,
  });
  const events = logs.flatMap((log: Log) => {
    try {
      const d = decodeEventLog({
        abi: rollupAbi,
        data: log.data,
        topics: log.topics,
      }) as unknown as Decoded;
      return [{ ...d, blockNumber: log.blockNumber as bigint }];
    } catch {
      return [];
    }
  });
  // The event carries the settlement's arguments and proof: whoever sent it, directly or through
  // a relay, a multisig or a smart account, the logs are all there is to read.
  const settlements: Settlement[] = events.flatMap((e, at) =>
    e.eventName === "BatchSettled"
      ? [
          {
            batchNumber: e.args.batchNumber as bigint,
            at,
            data: e.args.batch as Settlement["data"],
            proof: e.args.proof as readonly bigint[],
          },
        ]
      : [],
  );

  // State as of a settlement: every log before its own, earlier transactions of its block included.
  const keyHashAt = (payer: string, at: number): bigint => {
    let hash = 0n;
    for (let i = 0; i < at; i++) {
      const e = events[i] as (typeof events)[number];
      if (
        (e.eventName === "PayerRegistered" || e.eventName === "KeyRotated") &&
        String(e.args.payer).toLowerCase() === payer.toLowerCase()
      ) {
        hash = e.args.keyHash as bigint;
      }
    }
    return hash;
  };
  const splitAt = (assetId: bigint, at: number): Split | undefined => {
    let split: Split | undefined;
    let pending: Split | undefined;
    for (let i = 0; i < at; i++) {
      const e = events[i] as (typeof events)[number];
      if (e.args.assetId !== assetId) continue;
      const s: Split = {
        recipients: (e.args.recipientIds as number[] | undefined)?.map(BigInt) ?? [],
        bps: (e.args.bps as number[] | undefined)?.map(Number) ?? [],
      };
      // A split may name a parent asset (docs/protocol.md §3); 0 is none.
      const parent = BigInt((e.args.parentAsset as bigint | undefined) ?? 0n);
      if (parent !== 0n) s.parent = { assetId: parent, bps: Number(e.args.parentBps) };
      if (e.eventName === "AssetRegistered") split = s;
      if (e.eventName === "SplitUpdateRequested") pending = s;
      if (e.eventName === "SplitUpdated") split = pending;
    }
    return split;
  };

  const verdicts: BatchVerdict[] = [];
  const lastHead = new Map<string, bigint>();
  let expected = 1n;
  for (const s of settlements) {
    const reasons: string[] = [];
    if (s.batchNumber !== expected)
      reasons.push(`batch number ${s.batchNumber} follows ${expected - 1n}`);
    expected = s.batchNumber + 1n;
    const d = s.data;
    d.payers.forEach((payer, i) => {
      if (BigInt(payer) === 0n) return;
      const previous = lastHead.get(payer.toLowerCase()) ?? genesisHead(domain, BigInt(payer));
      if (d.oldHeads[i] !== previous)
        reasons.push(
          `payer ${payer} starts at head ${d.oldHeads[i]}, its previous batch ended at ${previous}`,
        );
      lastHead.set(payer.toLowerCase(), d.newHeads[i] as bigint);
    });
    const unpacked = unpackWords(params, d.packed);
    const publicData: PublicData = {
      domain: 0n,
      eventsRoot: d.eventsRoot,
      keyHash: d.payers.map((p) => (BigInt(p) === 0n ? 0n : keyHashAt(p, s.at))),
      oldHead: d.oldHeads,
      newHead: d.newHeads,
      splitHash: d.splitHashes,
      ...unpacked,
    };
    if (!(await verifyProof(vkey, publicSignals(params, publicData), proofFromCalldata(s.proof)))) {
      reasons.push("the Groth16 proof does not verify against the settled public data");
    }
    if (o.sequencer)
      reasons.push(
        ...(await checkAgainstSequencer(o.sequencer, s, params, publicData, (a) =>
          splitAt(a, s.at),
        )),
      );
    if (o.batch === undefined || o.batch === s.batchNumber) {
      verdicts.push(
        reasons.length === 0
          ? { batch: s.batchNumber, valid: true }
          : { batch: s.batchNumber, valid: false, reason: reasons.join("; ") },
      );
    }
  }
  if (o.batch !== undefined && verdicts.length === 0) {
    throw new RoyaltyError(
      "BATCH_NOT_FOUND",
      `batch ${o.batch} is not settled on this rollup (${settlements.length} batches are, read from block ${o.fromBlock ?? 0n})`,
      { details: { batch: String(o.batch), settled: settlements.length } },
    );
  }
  return verdicts;
}

/** The split hash of a split read from the logs; undefined if it breaks a rule (none should). */
function hashOf(assetId: bigint, split: Split, K: number): bigint | undefined {
  try {
    return splitHash(assetId, split, K);
  } catch {
    return undefined;
  }
}

/** An event as `GET /v1/batches/:n` publishes it (decimal strings); the rest is not read. */
export interface PublishedBatchEvent {
  payer: string;
  seq: string;
  assetId: string;
  amount: string;
  ref: string;
  leafIndex?: number | null;
}

/** Recomputes the batch from the sequencer's published events and compares with the settlement. */
async function checkAgainstSequencer(
  url: string,
  s: Settlement,
  params: CircuitParams,
  settled: PublicData,
  splitOf: SplitOf,
): Promise<string[]> {
  const http = new SequencerTransport({
    baseUrl: url,
    retries: 0,
    unreachableHint: "Without --sequencer only the chain is checked",
  });
  const response = await http.get(`/v1/batches/${s.batchNumber}`);
  if (!response.ok)
    return [`the sequencer does not publish batch ${s.batchNumber} (HTTP ${response.status})`];
  const body = (await response.json()) as { events: PublishedBatchEvent[] };
  return publishedBatchProblems(body.events, s.data, params, settled, splitOf);
}

/**
 * What is wrong with a batch as a sequencer published it, against its settlement, one sentence
 * each (none: it checks out). From the events alone and the splits on chain as of the
 * settlement: each event placed at its slot (`slotLayout`: the event, then a slot per parent its
 * royalty climbs, docs/protocol.md §4), the leaves hashing to the settled events root and every
 * payer's events ending at its settled head; every debit; every credit recomputed level by level
 * up each event's lineage (`lineageShares`); and every asset of those lineages, parents too,
 * among the settled asset slots with the split hash of its split on chain.
 */
export function publishedBatchProblems(
  published: readonly PublishedBatchEvent[],
  d: Pick<BatchCalldata, "payers" | "oldHeads" | "newHeads" | "assetIds" | "splitHashes">,
  params: CircuitParams,
  settled: Pick<PublicData, "eventsRoot" | "debits" | "credits" | "recipientIds">,
  splitOf: SplitOf,
): string[] {
  const events: RoyaltyEvent[] = published.map((e) => ({
    payer: BigInt(e.payer),
    seq: BigInt(e.seq),
    assetId: BigInt(e.assetId),
    amount: BigInt(e.amount),
    ref: BigInt(e.ref),
  }));
  const reasons: string[] = [];
  let layout: SlotLayout;
  try {
    layout = slotLayout(events, splitOf, params.D);
  } catch (error) {
    // An asset without a split on chain, or a lineage deeper than the circuit's D.
    return [
      `the published events cannot be laid out with the splits on chain: ${(error as Error).message}`,
    ];
  }
  if (layout.slotCount > params.N) {
    return [
      `the published events take ${layout.slotCount} event slots with their lineage, the circuit has ${params.N}`,
    ];
  }
  published.forEach((e, i) => {
    const slot = layout.eventSlots[i] as number;
    if (e.leafIndex !== undefined && e.leafIndex !== null && Number(e.leafIndex) !== slot)
      reasons.push(
        `event ${e.payer}/${e.seq} is published at leaf ${e.leafIndex}, its slot is ${slot}`,
      );
  });
  // Each event's hash is its payer's head after it: chain every payer from its settled old head.
  // It sits at its slot; lineage slots and padding are 0 leaves.
  const heads = new Map(d.payers.map((p, i) => [BigInt(p), d.oldHeads[i] as bigint]));
  const leaves = Array<bigint>(params.N).fill(0n);
  events.forEach((e, i) => {
    const head = eventHash(heads.get(e.payer) ?? 0n, e);
    heads.set(e.payer, head);
    leaves[layout.eventSlots[i] as number] = head;
  });
  if (eventsRoot(params, leaves) !== settled.eventsRoot) {
    reasons.push("the published events do not hash to the settled events root");
  }
  d.payers.forEach((p, i) => {
    if (BigInt(p) !== 0n && heads.get(BigInt(p)) !== d.newHeads[i])
      reasons.push(`the published events of payer ${p} do not end at its settled head`);
  });

  // Every asset an event's royalty runs through, parents included, was settled with its split.
  const settledHash = new Map<bigint, bigint>();
  d.assetIds.forEach((id, a) => {
    if (BigInt(id) !== 0n) settledHash.set(BigInt(id), d.splitHashes[a] as bigint);
  });
  const lineageAssets = new Map<bigint, LineageStep>();
  for (const step of layout.lineages.flat())
    if (!lineageAssets.has(step.assetId)) lineageAssets.set(step.assetId, step);
  for (const [assetId, step] of lineageAssets) {
    const hash = settledHash.get(assetId);
    const role = step.level === 0 ? "asset" : "parent asset";
    if (hash === undefined) {
      reasons.push(`${role} ${assetId} is not among the settled batch's assets`);
    } else if (hashOf(assetId, step.split, params.K) !== hash) {
      reasons.push(
        `${role} ${assetId}: its split on chain does not hash to the split hash the batch settled`,
      );
    }
  }

  const debits = new Map<bigint, bigint>();
  const credits = new Map<bigint, bigint>();
  events.forEach((ev, i) => {
    debits.set(ev.payer, (debits.get(ev.payer) ?? 0n) + ev.amount);
    for (const step of layout.lineages[i] as LineageStep[]) {
      step.shares.forEach((share, k) => {
        const id = step.split.recipients[k] as bigint;
        credits.set(id, (credits.get(id) ?? 0n) + share);
      });
    }
  });
  d.payers.forEach((payer, i) => {
    if (BigInt(payer) !== 0n && (debits.get(BigInt(payer)) ?? 0n) !== settled.debits[i])
      reasons.push(
        `payer ${payer}: debit ${settled.debits[i]} but its events sum to ${debits.get(BigInt(payer)) ?? 0n}`,
      );
  });
  const settledCredits = new Map<bigint, bigint>();
  settled.recipientIds.forEach((id, r) => {
    if (id !== 0n)
      settledCredits.set(id, (settledCredits.get(id) ?? 0n) + (settled.credits[r] as bigint));
  });
  for (const id of new Set([...credits.keys(), ...settledCredits.keys()])) {
    if ((credits.get(id) ?? 0n) !== (settledCredits.get(id) ?? 0n))
      reasons.push(
        `account ${id}: credited ${settledCredits.get(id) ?? 0n}, the events give ${credits.get(id) ?? 0n}`,
      );
  }
  return reasons;
}
