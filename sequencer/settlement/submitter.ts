import type { PublicClient, WalletClient } from "viem";
import type { BatchCalldata } from "../../prover/calldata.ts";
import { type ProofWords, proofCalldata } from "../../prover/calldata.ts";
import type { Groth16Proof } from "../../prover/groth16.ts";
import { decodeRevert } from "../../sdk/revert.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";
import type { Metrics } from "../metrics.ts";
import type { BatchRecord, Store } from "../store/types.ts";

/** A proven batch ready for `settleBatch`, as viem encodes it. */
export interface ProvenBatchCall {
  batchNumber: bigint;
  batch: BatchCalldata;
  proof: ProofWords;
}

export interface SubmitterOptions {
  rollup: `0x${string}`;
  publicClient: PublicClient;
  walletClient: WalletClient;
  store: Store;
  /** remembers each transaction sent (the lifecycle's `submitted`) */
  onSent: (batchId: number, txHash: `0x${string}`) => void;
  pollMs?: number;
  maxBackoffMs?: number;
  /** how long a sent transaction may stay unmined before it is sent again */
  resendAfterMs?: number;
  log?: (entry: Record<string, unknown>) => void;
  metrics?: Metrics;
}

/** The settleBatch call of a proven batch record. */
export function settlementCall(batch: BatchRecord): ProvenBatchCall | undefined {
  if (batch.status !== "proven" || !batch.proof || !batch.content) return undefined;
  const c = batch.content.calldata;
  return {
    batchNumber: BigInt(batch.number),
    batch: {
      eventsRoot: BigInt(c.eventsRoot),
      payers: c.payers as `0x${string}`[],
      oldHeads: c.oldHeads.map(BigInt),
      newHeads: c.newHeads.map(BigInt),
      assetIds: c.assetIds.map(BigInt),
      splitHashes: c.splitHashes.map(BigInt),
      packed: c.packed.map(BigInt),
    },
    proof: proofCalldata(JSON.parse(batch.proof) as Groth16Proof),
  };
}

/**
 * Sends proven batches' settlements, strictly in batch order from the chain's own count of settled
 * batches. It only sends: whether a batch settled comes from the chain (the watcher's BatchSettled,
 * whoever sent it), so a crash between sending and the receipt loses nothing, and a restart asks
 * the chain, not its memory. A transaction already sent for the batch is waited for, not sent
 * twice. A revert (simulated first, decoded to the contract's custom error) never stops it: the
 * chain changed under the batch (a key or split applied, a withdrawal, another settlement), the
 * watcher drops the batch and it is cut again; until then the submitter backs off.
 */
export class SettlementSubmitter {
  private readonly o: SubmitterOptions & {
    pollMs: number;
    maxBackoffMs: number;
    resendAfterMs: number;
  };
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  /** when each transaction was first seen unmined (this process) */
  private readonly pendingSince = new Map<string, number>();
  /** the last revert reported per batch id, so it is logged once */
  private readonly reported = new Map<number, string>();

  constructor(options: SubmitterOptions) {
    this.o = { pollMs: 500, maxBackoffMs: 30_000, resendAfterMs: 120_000, ...options };
  }

  async chainSettled(): Promise<bigint> {
    return (await this.o.publicClient.readContract({
      address: this.o.rollup,
      abi: royaltyRollupAbi,
      functionName: "settledBatches",
    })) as bigint;
  }

  /**
   * Sends the settlement of the next batch if it is proven and nothing is in flight for it.
   * Returns "sent", "waiting" (nothing to do now) or "reverted".
   */
  async settleNext(): Promise<"sent" | "waiting" | "reverted"> {
    const next = (await this.chainSettled()) + 1n;
    const batch = this.o.store.batch(Number(next));
    const call = batch && settlementCall(batch);
    if (!batch || !call) return "waiting";
    if (batch.txHash && (await this.inFlight(batch.txHash as `0x${string}`))) return "waiting";
    let hash: `0x${string}`;
    try {
      // Simulating first turns a revert into a decoded custom error before any gas is spent.
      const { request } = await this.o.publicClient.simulateContract({
        account: this.o.walletClient.account,
        address: this.o.rollup,
        abi: royaltyRollupAbi,
        functionName: "settleBatch",
        args: [call.batchNumber, call.batch, call.proof],
      });
      hash = await this.o.walletClient.writeContract(
        request as Parameters<WalletClient["writeContract"]>[0],
      );
    } catch (error) {
      const revert = decodeRevert(error);
      if (!revert) throw error; // transient: the loop retries with backoff
      this.reportRevert(batch, revert.name, revert.args);
      return "reverted";
    }
    this.o.onSent(batch.id, hash);
    this.o.log?.({ level: "info", msg: "settlement sent", batch: batch.number, tx: hash });
    const receipt = await this.o.publicClient.waitForTransactionReceipt({
      hash,
      timeout: this.o.resendAfterMs,
    });
    if (receipt.status !== "success") {
      this.reportRevert(batch, "reverted on chain", [hash]);
      return "reverted";
    }
    this.o.log?.({
      level: "info",
      msg: "settlement mined",
      batch: batch.number,
      tx: hash,
      gasUsed: String(receipt.gasUsed),
    });
    return "sent";
  }

  /** True while a transaction sent earlier (maybe before a restart) may still settle the batch. */
  private async inFlight(hash: `0x${string}`): Promise<boolean> {
    const receipt = await this.o.publicClient
      .getTransactionReceipt({ hash })
      .catch(() => undefined);
    if (receipt) {
      // Mined and successful: the chain's count catches up at the next look. Reverted: send anew.
      return receipt.status === "success";
    }
    const tx = await this.o.publicClient.getTransaction({ hash }).catch(() => undefined);
    if (!tx) return false;
    const since = this.pendingSince.get(hash) ?? Date.now();
    this.pendingSince.set(hash, since);
    return Date.now() - since < this.o.resendAfterMs;
  }

  private reportRevert(batch: BatchRecord, name: string, args: readonly unknown[]): void {
    this.o.metrics?.settlementReverts.inc({ error: name });
    const text = `${name}(${args.map(String).join(", ")})`;
    if (this.reported.get(batch.id) === text) return;
    this.reported.set(batch.id, text);
    this.o.log?.({
      level: "warn",
      code: "SETTLEMENT_REVERTED",
      msg: `batch ${batch.number} cannot settle now: ${text}; waiting for the chain watcher to drop it if the chain changed under it`,
      batch: batch.number,
      error: name,
    });
  }

  start(): void {
    this.stopped = false;
    const loop = async (failures: number) => {
      if (this.stopped) return;
      let delay = this.o.pollMs;
      try {
        const outcome = await this.settleNext();
        if (outcome === "sent") delay = 0;
        if (outcome === "reverted") {
          // Short: the batch is usually dropped and cut again within a few watcher polls.
          failures++;
          delay = Math.min(4000, this.o.pollMs * 2 ** failures);
        } else {
          failures = 0;
        }
      } catch (error) {
        failures++;
        delay = Math.min(this.o.maxBackoffMs, this.o.pollMs * 2 ** failures);
        this.o.log?.({
          level: "warn",
          msg: "settlement retry",
          error: (error as Error).message,
          retryInMs: delay,
        });
      }
      if (!this.stopped) this.timer = setTimeout(() => void loop(failures), delay);
    };
    void loop(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
