import { type Abi, type AbiEvent, decodeEventLog, type Log, type PublicClient } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { domainOf, eventHash, genesisHead, type RoyaltyEvent } from "../../core/event.ts";
import { eventsRoot } from "../../core/merkle.ts";
import { type PublicData, publicSignals, unpackWords } from "../../core/packing.ts";
import { type CircuitParams, loadParams, paramSetNames } from "../../core/params.ts";
import { computeShares, type Split } from "../../core/split.ts";
import { type BatchCalldata, proofFromCalldata } from "../../prover/calldata.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { getLogsPaged } from "../../sdk/logs.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";

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
  const [N, K, A, P, R] = await Promise.all(
    ["eventSlots", "maxRecipients", "assetSlots", "payerSlots", "recipientSlots"].map(read),
  );
  const match = paramSetNames()
    .map(loadParams)
    .find(
      (p) =>
        BigInt(p.N) === N &&
        BigInt(p.K) === K &&
        BigInt(p.A) === A &&
        BigInt(p.P) === P &&
        BigInt(p.R) === R,
    );
  if (!match)
    throw new RoyaltyError(
      "UNKNOWN_PARAMS",
      `the rollup's circuit (N=${N}, K=${K}, A=${A}, P=${P}, R=${R}) matches no parameter set`,
    );
  return match;
}

/**
 * Checks every settled batch from the chain alone: the Groth16 proof re-verified off-chain with
 * the verification key against public signals rebuilt from the settlement call and the key hashes
 * registered before it, contiguous batch numbers, and each payer's head continuing from its
 * previous batch. With a sequencer URL, also recomputes the events root, every debit and every
 * credit from the events the sequencer publishes and the splits registered on chain.
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
      const s = {
        recipients: (e.args.recipientIds as number[] | undefined)?.map(BigInt) ?? [],
        bps: (e.args.bps as number[] | undefined)?.map(Number) ?? [],
      };
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

/** Recomputes the batch from the sequencer's published events and compares with the settlement. */
async function checkAgainstSequencer(
  url: string,
  s: Settlement,
  params: CircuitParams,
  settled: PublicData,
  splitOf: (assetId: bigint) => Split | undefined,
): Promise<string[]> {
  const response = await fetch(`${url.replace(/\/$/, "")}/v1/batches/${s.batchNumber}`).catch(
    (cause: unknown) => {
      throw new RoyaltyError(
        "SEQUENCER_UNREACHABLE",
        `the sequencer at ${url} does not answer (${(cause as Error).message}): is it running, and is the URL right? Without --sequencer only the chain is checked`,
        { cause },
      );
    },
  );
  if (!response.ok)
    return [`the sequencer does not publish batch ${s.batchNumber} (HTTP ${response.status})`];
  const body = (await response.json()) as {
    events: { payer: string; seq: string; assetId: string; amount: string; ref: string }[];
  };
  const events: RoyaltyEvent[] = body.events.map((e) => ({
    payer: BigInt(e.payer),
    seq: BigInt(e.seq),
    assetId: BigInt(e.assetId),
    amount: BigInt(e.amount),
    ref: BigInt(e.ref),
  }));
  const reasons: string[] = [];
  // Each event's hash is its payer's head after it: chain every payer from its settled old head.
  const heads = new Map(s.data.payers.map((p, i) => [BigInt(p), s.data.oldHeads[i] as bigint]));
  const leaves = events.map((e) => {
    const head = eventHash(heads.get(e.payer) ?? 0n, e);
    heads.set(e.payer, head);
    return head;
  });
  if (eventsRoot(params, leaves) !== settled.eventsRoot) {
    reasons.push("the published events do not hash to the settled events root");
  }
  s.data.payers.forEach((p, i) => {
    if (BigInt(p) !== 0n && heads.get(BigInt(p)) !== s.data.newHeads[i])
      reasons.push(`the published events of payer ${p} do not end at its settled head`);
  });
  const debits = new Map<bigint, bigint>();
  const credits = new Map<bigint, bigint>();
  for (const ev of events) {
    debits.set(ev.payer, (debits.get(ev.payer) ?? 0n) + ev.amount);
    const split = splitOf(ev.assetId);
    if (!split) {
      reasons.push(`asset ${ev.assetId} has no split on chain`);
      continue;
    }
    computeShares(ev.amount, split.bps).forEach((share, k) => {
      const id = split.recipients[k] as bigint;
      credits.set(id, (credits.get(id) ?? 0n) + share);
    });
  }
  s.data.payers.forEach((payer, i) => {
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
