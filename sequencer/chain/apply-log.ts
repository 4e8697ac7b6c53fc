import { decodeEventLog, type Log } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { genesisHead } from "../../core/event.ts";
import { unpackWords } from "../../core/packing.ts";
import type { CircuitParams } from "../../core/params.ts";
import type { Split } from "../../core/split.ts";
import type { BatchCalldata } from "../../prover/calldata.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";
import type { InMemoryChainView } from "../chain-state.ts";

/** A settlement as the rollup's BatchSettled event reports it, whoever sent the transaction. */
export interface ChainSettlement {
  batchNumber: bigint;
  eventsRoot: bigint;
  /** payer slots, 0 for an empty slot */
  payers: bigint[];
  newHeads: bigint[];
  /** debits per payer slot, as the packed words carry them */
  debits: bigint[];
  txHash: `0x${string}`;
  blockNumber: bigint;
}

/** What a log changed that the batch lifecycle must look at (nothing for the others). */
export type ChainChange =
  | { kind: "settled"; settlement: ChainSettlement }
  | { kind: "payer"; payer: bigint }
  | { kind: "asset"; assetId: bigint };

type Args = Record<string, unknown>;

/** The rollup's event in a log, or undefined for a log that is not one (e.g. a library's). */
export function decodeRollupLog(log: Log): { eventName: string; args: Args } | undefined {
  try {
    return decodeEventLog({
      abi: royaltyRollupAbi,
      data: log.data,
      topics: log.topics,
    }) as unknown as {
      eventName: string;
      args: Args;
    };
  } catch {
    return undefined;
  }
}

/**
 * Applies one rollup event to the chain view and says what it changed. Everything comes from the
 * event itself (settlements included: BatchSettled carries the settlement's arguments and
 * proof), so a settlement sent through a relay, a multisig or a smart account reads the same.
 */
export function applyLog(
  view: InMemoryChainView,
  params: CircuitParams,
  log: Log,
): ChainChange | undefined {
  const decoded = decodeRollupLog(log);
  if (!decoded) return undefined;
  const a = decoded.args;
  const addr = (x: unknown) => BigInt(x as string);
  switch (decoded.eventName) {
    case "PayerRegistered":
      view.setPayer(addr(a.payer), {
        keyHash: a.keyHash as bigint,
        pubKey: [a.pubKeyX as bigint, a.pubKeyY as bigint],
        head: genesisHead(view.domain, addr(a.payer)), // the contract stores it at registration
        escrow: 0n,
        pendingWithdrawal: 0n,
      });
      return { kind: "payer", payer: addr(a.payer) };
    case "KeyRotationRequested":
      view.updatePayer(addr(a.payer), {
        pendingKey: {
          pubKey: [a.pubKeyX as bigint, a.pubKeyY as bigint],
          keyHash: a.keyHash as bigint,
          effectiveAt: a.effectiveAt as bigint,
        },
      });
      return { kind: "payer", payer: addr(a.payer) };
    case "KeyRotated": {
      const payer = view.payer(addr(a.payer));
      const pending = payer?.pendingKey;
      if (!payer || !pending || pending.keyHash !== (a.keyHash as bigint)) {
        throw new RoyaltyError(
          "CHAIN_VIEW_INCONSISTENT",
          `KeyRotated for ${a.payer} without the matching KeyRotationRequested`,
        );
      }
      view.updatePayer(addr(a.payer), {
        keyHash: pending.keyHash,
        pubKey: pending.pubKey,
        pendingKey: undefined,
      });
      return { kind: "payer", payer: addr(a.payer) };
    }
    case "Deposited":
      view.updatePayer(addr(a.payer), { escrow: a.escrow as bigint });
      return { kind: "payer", payer: addr(a.payer) };
    case "WithdrawalRequested":
      view.updatePayer(addr(a.payer), {
        pendingWithdrawal: a.amount as bigint,
        withdrawalAvailableAt: a.availableAt as bigint,
      });
      return { kind: "payer", payer: addr(a.payer) };
    case "Withdrawn":
      view.updatePayer(addr(a.payer), {
        escrow: a.escrow as bigint,
        pendingWithdrawal: 0n,
        withdrawalAvailableAt: undefined,
      });
      return { kind: "payer", payer: addr(a.payer) };
    case "AccountRegistered":
      view.setAccount(addr(a.account), BigInt(a.accountId as number));
      return undefined;
    case "AssetRegistered":
      view.setAsset(a.assetId as bigint, {
        splitHash: a.splitHash as bigint,
        split: splitOfLog(a),
        level: Number(a.level),
      });
      return { kind: "asset", assetId: a.assetId as bigint };
    case "SplitUpdateRequested":
      view.updateAsset(a.assetId as bigint, {
        pendingSplit: {
          split: splitOfLog(a),
          splitHash: a.splitHash as bigint,
          effectiveAt: a.effectiveAt as bigint,
        },
      });
      return { kind: "asset", assetId: a.assetId as bigint };
    case "SplitUpdated": {
      const pending = view.asset(a.assetId as bigint)?.pendingSplit;
      if (!pending || pending.splitHash !== (a.splitHash as bigint)) {
        throw new RoyaltyError(
          "CHAIN_VIEW_INCONSISTENT",
          `SplitUpdated for asset ${a.assetId} without the matching request`,
        );
      }
      view.updateAsset(a.assetId as bigint, {
        split: pending.split,
        splitHash: pending.splitHash,
        pendingSplit: undefined,
      });
      return { kind: "asset", assetId: a.assetId as bigint };
    }
    case "BatchSettled":
      return { kind: "settled", settlement: applySettlement(view, params, a, log) };
    case "Claimed":
      view.setClaimable(addr(a.account), 0n);
      return undefined;
  }
  return undefined;
}

/** Heads, escrow and balances from the settlement's own event (the proof vouched for it). */
function applySettlement(
  view: InMemoryChainView,
  params: CircuitParams,
  a: Args,
  log: Log,
): ChainSettlement {
  // The `batch` argument is the settlement's BatchData, decoded as it was encoded.
  const batch = a.batch as BatchCalldata;
  const payers = batch.payers.map((p) => BigInt(p));
  const newHeads = [...batch.newHeads];
  const { debits, credits, recipientIds } = unpackWords(params, batch.packed);
  payers.forEach((address, i) => {
    const current = address === 0n ? undefined : view.payer(address);
    if (!current) return;
    view.updatePayer(address, {
      head: newHeads[i] as bigint,
      escrow: current.escrow - (debits[i] as bigint),
    });
  });
  const byId = new Map<bigint, bigint>();
  recipientIds.forEach((id, r) => {
    if (id !== 0n) byId.set(id, (byId.get(id) ?? 0n) + (credits[r] as bigint));
  });
  for (const [id, credit] of byId) {
    const address = view.addressOf(id);
    if (address !== undefined) view.setClaimable(address, view.claimable(address) + credit);
  }
  view.settledBatches = a.batchNumber as bigint;
  return {
    batchNumber: a.batchNumber as bigint,
    eventsRoot: batch.eventsRoot,
    payers,
    newHeads,
    debits: payers.map((_, i) => debits[i] as bigint),
    txHash: log.transactionHash as `0x${string}`,
    blockNumber: log.blockNumber as bigint,
  };
}

/** The split an AssetRegistered or SplitUpdateRequested log carries: accounts and a parent. */
function splitOfLog(a: Record<string, unknown>): Split {
  const split: Split = {
    recipients: (a.recipientIds as number[]).map(BigInt),
    bps: (a.bps as number[]).map(Number),
  };
  const parent = a.parentAsset as bigint;
  return parent === 0n
    ? split
    : { ...split, parent: { assetId: parent, bps: Number(a.parentBps) } };
}
