import {
  BaseError,
  ContractFunctionRevertedError,
  type PublicClient,
  type WalletClient,
} from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import type { BatchCalldata } from "../../prover/calldata.ts";
import { rollupAbi } from "../chain/rollup-abi.ts";

/** A proven batch ready for `settleBatch`, as viem encodes it. */
export interface ProvenBatchCall {
  batchNumber: bigint;
  batch: BatchCalldata;
  proof: readonly bigint[];
}

/** Where the submitter finds proven batches and records settlements (the sequencer's store). */
export interface SettlementSource {
  /** the proven batch with this number, or undefined while it is not proven yet */
  provenBatch(
    batchNumber: bigint,
  ): Promise<ProvenBatchCall | undefined> | ProvenBatchCall | undefined;
  markSettled(batchNumber: bigint, txHash: `0x${string}`, gasUsed: bigint): void;
}

export interface SubmitterOptions {
  rollup: `0x${string}`;
  publicClient: PublicClient;
  walletClient: WalletClient;
  source: SettlementSource;
  pollMs?: number;
  /** transient failures in a row before giving up on a batch for this round */
  maxBackoffMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

/** The revert of a settlement, decoded to the contract's custom error: retrying cannot help. */
export function decodeRevert(
  error: unknown,
): { name: string; args: readonly unknown[] } | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError) || !reverted.data) return undefined;
  return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
}

/**
 * Settles proven batches strictly in batch order. It starts from the chain's own count of settled
 * batches (so a restart resumes where the chain is, whatever the store remembers), waits for each
 * receipt before the next batch, retries transient RPC failures with backoff, and stops with a
 * RoyaltyError naming the contract's custom error when a settlement reverts.
 */
export class SettlementSubmitter {
  private readonly o: Required<Omit<SubmitterOptions, "log">> & Pick<SubmitterOptions, "log">;
  private stopped = true;
  private failure: RoyaltyError | undefined;

  constructor(options: SubmitterOptions) {
    this.o = { pollMs: 500, maxBackoffMs: 30_000, ...options };
  }

  /** The error that stopped the submitter, if any. */
  get error(): RoyaltyError | undefined {
    return this.failure;
  }

  async chainSettled(): Promise<bigint> {
    return (await this.o.publicClient.readContract({
      address: this.o.rollup,
      abi: rollupAbi(),
      functionName: "settledBatches",
    })) as bigint;
  }

  /** Settles every batch that is ready now, in order; returns how many it settled. */
  async settleReady(): Promise<number> {
    let settled = 0;
    for (;;) {
      const next = (await this.chainSettled()) + 1n;
      const call = await this.o.source.provenBatch(next);
      if (!call) return settled;
      await this.settle(call);
      settled++;
    }
  }

  start(onStop?: (error: RoyaltyError) => void): void {
    this.stopped = false;
    const loop = async (failures: number) => {
      if (this.stopped) return;
      let delay = this.o.pollMs;
      try {
        await this.settleReady();
        failures = 0;
      } catch (error) {
        if (error instanceof RoyaltyError && error.code === "SETTLEMENT_REVERTED") {
          this.failure = error;
          this.stopped = true;
          onStop?.(error);
          return;
        }
        failures++;
        delay = Math.min(this.o.maxBackoffMs, this.o.pollMs * 2 ** failures);
        this.o.log?.({
          level: "warn",
          msg: "settlement retry",
          error: (error as Error).message,
          retryInMs: delay,
        });
      }
      if (!this.stopped) setTimeout(() => void loop(failures), delay);
    };
    void loop(0);
  }

  stop(): void {
    this.stopped = true;
  }

  private async settle(call: ProvenBatchCall): Promise<void> {
    const started = performance.now();
    let hash: `0x${string}`;
    try {
      // Simulating first turns a revert into a decoded custom error before any gas is spent.
      const { request } = await this.o.publicClient.simulateContract({
        account: this.o.walletClient.account,
        address: this.o.rollup,
        abi: rollupAbi(),
        functionName: "settleBatch",
        args: [call.batchNumber, call.batch, call.proof],
      });
      hash = await this.o.walletClient.writeContract(
        request as Parameters<WalletClient["writeContract"]>[0],
      );
    } catch (error) {
      const revert = decodeRevert(error);
      if (!revert) throw error; // transient: the caller retries
      throw new RoyaltyError(
        "SETTLEMENT_REVERTED",
        `batch ${call.batchNumber} cannot settle: ${revert.name}(${revert.args.map(String).join(", ")}); fix the cause (e.g. re-prove against the current heads and splits) before settling again`,
        { details: { batchNumber: String(call.batchNumber), error: revert.name }, cause: error },
      );
    }
    const receipt = await this.o.publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") {
      throw new RoyaltyError(
        "SETTLEMENT_REVERTED",
        `batch ${call.batchNumber} reverted in transaction ${hash}`,
      );
    }
    this.o.source.markSettled(call.batchNumber, hash, receipt.gasUsed);
    this.o.log?.({
      level: "info",
      msg: "batch settled",
      batch: String(call.batchNumber),
      tx: hash,
      gasUsed: String(receipt.gasUsed),
      ms: Math.round(performance.now() - started),
    });
  }
}
