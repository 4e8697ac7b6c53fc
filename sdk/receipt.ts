import { getAbiItem, type Log, parseEventLogs } from "viem";
import { receiptProblems } from "../core/receipt.ts";
import type { RollupReader } from "./actions/transact.ts";
import type { EventStatus } from "./client.ts";
import { getLogsPaged } from "./logs.ts";
import { royaltyRollupAbi } from "./rollup-abi.ts";

export interface ReceiptVerdict {
  valid: boolean;
  /** what failed, one sentence each; empty when valid */
  reasons: string[];
}

const BATCH_SETTLED = getAbiItem({ abi: royaltyRollupAbi, name: "BatchSettled" });

/**
 * Checks a settled event's receipt exactly as `GET /v1/events/:payer/:seq` (or
 * `RoyaltyClient.eventStatus`) returned it: the event hash recomputed from its fields under the
 * deployment's domain, that hash as the proof's leaf, the Merkle path up to the receipt's
 * eventsRoot and, with `chain`, that root in the rollup's own `BatchSettled` log of that batch,
 * so the sequencer's word is not needed for any of it.
 *
 * @example
 * const status = await client.waitForSettlement(ack);
 * const { valid, reasons } = await verifyReceipt(status, { chain: rollup });
 */
export async function verifyReceipt(
  status: EventStatus,
  o: { chain?: RollupReader & { fromBlock?: bigint } } = {},
): Promise<ReceiptVerdict> {
  const receipt = status.receipt;
  if (status.status !== "settled" || !receipt) {
    return { valid: false, reasons: [`event ${status.seq} is ${status.status}, not settled`] };
  }
  const reasons = receiptProblems(status, receipt.proof);
  if (String(receipt.proof.root) !== String(receipt.eventsRoot)) {
    reasons.push("the proof's root is not the receipt's eventsRoot");
  }
  if (o.chain && status.batch !== null) {
    const logs = await getLogsPaged(o.chain.publicClient, {
      address: o.chain.rollup,
      events: [BATCH_SETTLED],
      args: { batchNumber: BigInt(status.batch) },
      fromBlock: o.chain.fromBlock ?? 0n,
    });
    const settled = parseEventLogs({ abi: royaltyRollupAbi, logs: logs as Log[] }).find(
      (e) => e.eventName === "BatchSettled",
    );
    if (settled?.eventName !== "BatchSettled") {
      reasons.push(`the rollup has no BatchSettled log of batch ${status.batch}`);
    } else if (String(settled.args.batch.eventsRoot) !== String(receipt.eventsRoot)) {
      reasons.push(
        `batch ${status.batch} settled on chain with eventsRoot ${settled.args.batch.eventsRoot}, not the receipt's`,
      );
    }
  }
  return { valid: reasons.length === 0, reasons };
}
