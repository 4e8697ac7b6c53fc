import { decodeEventLog, decodeFunctionData, type Log, type PublicClient } from "viem";
import { unpackWords } from "../../core/packing.ts";
import type { CircuitParams } from "../../core/params.ts";
import type { InMemoryChainView } from "../chain-state.ts";
import { rollupAbi } from "./rollup-abi.ts";

/** The part of the sequencer's store the watcher needs: where it got to, durably. */
export interface WatcherProgress {
  getValue(key: string): string | undefined;
  setValue(key: string, value: string): void;
}

export interface WatcherOptions {
  client: PublicClient;
  rollup: `0x${string}`;
  params: CircuitParams;
  view: InMemoryChainView;
  progress: WatcherProgress;
  /** first block to read when nothing was saved (the deployment block) */
  fromBlock: bigint;
  pollMs?: number;
  /** largest block range per getLogs call */
  maxRange?: bigint;
  onError?: (error: unknown, retryInMs: number) => void;
  onSettled?: (batchNumber: bigint, txHash: `0x${string}`) => void;
}

const PROGRESS_KEY = "chainWatcher";

/** Pending changes the contract applies later, kept until their apply event arrives. */
interface Pending {
  keys: Record<string, [string, string]>;
  splits: Record<string, { recipients: string[]; bps: number[] }>;
}

/**
 * Follows RoyaltyRollup's events into the sequencer's chain view: payers, keys, deposits,
 * withdrawal requests, accounts, assets and splits, settled batches (read from the settlement
 * calldata, so heads, escrow and balances follow without extra calls). After each block range it
 * saves the view and the block it reached in one write, so a restart resumes where it stopped.
 * RPC errors back off exponentially up to 30 s.
 */
export class ChainWatcher {
  private readonly o: Required<Omit<WatcherOptions, "onError" | "onSettled">> &
    Pick<WatcherOptions, "onError" | "onSettled">;
  private next: bigint;
  private pending: Pending = { keys: {}, splits: {} };
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(options: WatcherOptions) {
    this.o = { pollMs: 1000, maxRange: 2000n, ...options };
    this.next = options.fromBlock;
    const saved = options.progress.getValue(PROGRESS_KEY);
    if (saved) this.restore(saved);
  }

  /** The next block the watcher will read. */
  get nextBlock(): bigint {
    return this.next;
  }

  start(): void {
    this.stopped = false;
    void this.loop(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Reads every block up to the chain head once; returns the number of logs applied. */
  async catchUp(): Promise<number> {
    const head = await this.o.client.getBlockNumber();
    let applied = 0;
    while (this.next <= head) {
      const to = this.next + this.o.maxRange - 1n < head ? this.next + this.o.maxRange - 1n : head;
      const logs = await this.o.client.getLogs({
        address: this.o.rollup,
        fromBlock: this.next,
        toBlock: to,
      });
      for (const log of logs) await this.apply(log);
      applied += logs.length;
      this.next = to + 1n;
      this.save();
    }
    return applied;
  }

  private async loop(failures: number): Promise<void> {
    if (this.stopped) return;
    let delay = this.o.pollMs;
    try {
      await this.catchUp();
      failures = 0;
    } catch (error) {
      failures += 1;
      delay = Math.min(30_000, this.o.pollMs * 2 ** failures);
      this.o.onError?.(error, delay);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.loop(failures), delay);
  }

  private async apply(log: Log): Promise<void> {
    let decoded: { eventName: string; args: Record<string, unknown> };
    try {
      decoded = decodeEventLog({
        abi: rollupAbi(),
        data: log.data,
        topics: log.topics,
      }) as unknown as typeof decoded;
    } catch {
      return; // not one of ours (e.g. a library's)
    }
    const a = decoded.args;
    const v = this.o.view;
    const addr = (x: unknown) => BigInt(x as string);
    switch (decoded.eventName) {
      case "PayerRegistered":
        v.setPayer(addr(a.payer), {
          keyHash: a.keyHash as bigint,
          pubKey: [a.pubKeyX as bigint, a.pubKeyY as bigint],
          head: 0n,
          escrow: 0n,
          pendingWithdrawal: 0n,
        });
        break;
      case "KeyRotationRequested":
        this.pending.keys[String(addr(a.payer))] = [String(a.pubKeyX), String(a.pubKeyY)];
        break;
      case "KeyRotated": {
        const key = this.pending.keys[String(addr(a.payer))];
        if (key)
          v.updatePayer(addr(a.payer), {
            keyHash: a.keyHash as bigint,
            pubKey: [BigInt(key[0]), BigInt(key[1])],
          });
        delete this.pending.keys[String(addr(a.payer))];
        break;
      }
      case "Deposited":
        v.updatePayer(addr(a.payer), { escrow: a.escrow as bigint });
        break;
      case "WithdrawalRequested":
        v.updatePayer(addr(a.payer), { pendingWithdrawal: a.amount as bigint });
        break;
      case "Withdrawn":
        v.updatePayer(addr(a.payer), { escrow: a.escrow as bigint, pendingWithdrawal: 0n });
        break;
      case "AccountRegistered":
        v.setAccount(addr(a.account), BigInt(a.accountId as number));
        break;
      case "AssetRegistered":
        v.setAsset(a.assetId as bigint, {
          splitHash: a.splitHash as bigint,
          split: {
            recipients: (a.recipientIds as number[]).map(BigInt),
            bps: (a.bps as number[]).map(Number),
          },
        });
        break;
      case "SplitUpdateRequested":
        this.pending.splits[String(a.assetId)] = {
          recipients: (a.recipientIds as number[]).map(String),
          bps: (a.bps as number[]).map(Number),
        };
        break;
      case "SplitUpdated": {
        const split = this.pending.splits[String(a.assetId)];
        if (split)
          v.setAsset(a.assetId as bigint, {
            splitHash: a.splitHash as bigint,
            split: { recipients: split.recipients.map(BigInt), bps: split.bps },
          });
        delete this.pending.splits[String(a.assetId)];
        break;
      }
      case "BatchSettled":
        await this.applySettlement(log.transactionHash as `0x${string}`);
        this.o.onSettled?.(a.batchNumber as bigint, log.transactionHash as `0x${string}`);
        break;
      case "Claimed":
        v.setClaimable(addr(a.account), 0n);
        break;
    }
  }

  /** Heads, escrow and balances from the settlement call's own data (the proof vouched for it). */
  private async applySettlement(txHash: `0x${string}`): Promise<void> {
    const tx = await this.o.client.getTransaction({ hash: txHash });
    const { args } = decodeFunctionData({ abi: rollupAbi(), data: tx.input }) as {
      args: readonly unknown[];
    };
    const batch = args[1] as {
      payers: readonly `0x${string}`[];
      newHeads: readonly bigint[];
      packed: readonly bigint[];
    };
    const { debits, credits, recipientIds } = unpackWords(this.o.params, batch.packed);
    const v = this.o.view;
    batch.payers.forEach((payer, i) => {
      const address = BigInt(payer);
      const current = address === 0n ? undefined : v.payer(address);
      if (!current) return;
      v.updatePayer(address, {
        head: batch.newHeads[i] as bigint,
        escrow: current.escrow - (debits[i] as bigint),
      });
    });
    const byId = new Map<bigint, bigint>();
    recipientIds.forEach((id, r) => {
      if (id !== 0n) byId.set(id, (byId.get(id) ?? 0n) + (credits[r] as bigint));
    });
    for (const [id, credit] of byId) {
      const address = v.addressOf(id);
      if (address !== undefined) v.setClaimable(address, v.claimable(address) + credit);
    }
  }

  private save(): void {
    const snapshot = {
      next: String(this.next),
      view: this.o.view.snapshot(),
      pending: this.pending,
    };
    this.o.progress.setValue(PROGRESS_KEY, JSON.stringify(snapshot));
  }

  private restore(saved: string): void {
    const snapshot = JSON.parse(saved) as { next: string; view: string; pending: Pending };
    this.next = BigInt(snapshot.next);
    this.o.view.restore(snapshot.view);
    this.pending = snapshot.pending;
  }
}
