import type { Log, PublicClient } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { decodeRollupLog } from "./apply-log.ts";

/** One block range read from the chain, to be applied in one write. */
export interface ChainRange {
  fromBlock: bigint;
  toBlock: bigint;
  /** hash and timestamp of `toBlock`: the next range checks the chain still has this block */
  toHash: `0x${string}`;
  timestamp: bigint;
  /** the rollup's logs in the range, in chain order */
  logs: Log[];
  /** gas used by each settlement transaction in the range */
  gasUsed: Map<`0x${string}`, bigint>;
}

/** Where the watcher was, as the sink saved it with the range it applied. */
export interface WatcherPosition {
  next: bigint;
  /** hash of block next - 1, or undefined before the first range */
  lastHash?: `0x${string}`;
}

/**
 * Who applies what the watcher reads: the batch lifecycle. `applyRange` must apply the whole range
 * and save the position in one transaction, or nothing: a range is never applied twice or in part.
 */
export interface ChainSink {
  position(): WatcherPosition | undefined;
  applyRange(range: ChainRange): void;
}

export interface WatcherOptions {
  client: PublicClient;
  rollup: `0x${string}`;
  sink: ChainSink;
  /** first block to read when nothing was saved (the deployment block) */
  fromBlock: bigint;
  /**
   * blocks behind the chain head the watcher stays: it applies only blocks this deep, so a reorg
   * of fewer blocks never reaches the view (0 on a local node)
   */
  confirmations?: bigint;
  pollMs?: number;
  /** largest block range per getLogs call */
  maxRange?: bigint;
  onError?: (error: unknown, retryInMs: number) => void;
  /** a reorg deeper than `confirmations` replaced a block already applied: the watcher stops */
  onFatal?: (error: RoyaltyError) => void;
}

/**
 * Follows RoyaltyRollup's events up to `latest - confirmations` and hands each block range to the
 * sink (the lifecycle), which applies it atomically with its position. Before each range it checks
 * that the last block applied is still on the chain; RPC errors back off exponentially up to 30 s.
 */
export class ChainWatcher {
  private readonly o: WatcherOptions & {
    confirmations: bigint;
    pollMs: number;
    maxRange: bigint;
  };
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private failure: RoyaltyError | undefined;
  /** the chain head at the last poll, for health reports */
  private head = 0n;

  constructor(options: WatcherOptions) {
    this.o = { confirmations: 0n, pollMs: 1000, maxRange: 2000n, ...options };
  }

  /** The next block the watcher will read. */
  get nextBlock(): bigint {
    return this.o.sink.position()?.next ?? this.o.fromBlock;
  }

  /** Blocks the view is behind the confirmed chain head (0 when caught up). */
  get lag(): bigint {
    const confirmed = this.head - this.o.confirmations;
    return confirmed >= this.nextBlock ? confirmed - this.nextBlock + 1n : 0n;
  }

  /** The error that stopped the watcher for good, if any. */
  get error(): RoyaltyError | undefined {
    return this.failure;
  }

  start(): void {
    this.stopped = false;
    void this.loop(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Reads and applies every confirmed block once; returns the number of rollup logs applied. */
  async catchUp(): Promise<number> {
    this.head = await this.o.client.getBlockNumber();
    const safe = this.head - this.o.confirmations;
    let applied = 0;
    for (;;) {
      const at = this.o.sink.position() ?? { next: this.o.fromBlock };
      if (at.next > safe) return applied;
      await this.checkNoReorg(at);
      const to = at.next + this.o.maxRange - 1n < safe ? at.next + this.o.maxRange - 1n : safe;
      // The range's last block is read before and after its logs: if it changed in between, the
      // logs may be of a chain that is gone, and the range is read again at the next poll.
      const block = await this.o.client.getBlock({ blockNumber: to });
      const logs = await this.o.client.getLogs({
        address: this.o.rollup,
        fromBlock: at.next,
        toBlock: to,
      });
      const still = await this.o.client.getBlock({ blockNumber: to });
      if (still.hash !== block.hash)
        throw new RoyaltyError(
          "CHAIN_MOVED",
          `block ${to} changed from ${block.hash} to ${still.hash} while its logs were read; reading the range again`,
        );
      const gasUsed = new Map<`0x${string}`, bigint>();
      for (const log of logs) {
        if (decodeRollupLog(log)?.eventName !== "BatchSettled" || !log.transactionHash) continue;
        const receipt = await this.o.client.getTransactionReceipt({ hash: log.transactionHash });
        gasUsed.set(log.transactionHash, receipt.gasUsed);
      }
      this.o.sink.applyRange({
        fromBlock: at.next,
        toBlock: to,
        toHash: block.hash as `0x${string}`,
        timestamp: block.timestamp,
        logs,
        gasUsed,
      });
      applied += logs.filter((l) => decodeRollupLog(l)).length;
    }
  }

  /** The last applied block must still be the chain's: otherwise a reorg went deeper than allowed. */
  private async checkNoReorg(at: WatcherPosition): Promise<void> {
    if (!at.lastHash || at.next === 0n) return;
    const block = await this.o.client.getBlock({ blockNumber: at.next - 1n });
    if (block.hash !== at.lastHash) {
      throw new RoyaltyError(
        "REORG_TOO_DEEP",
        `block ${at.next - 1n} was applied as ${at.lastHash} but the chain now has ${block.hash}: a reorg deeper than the ${this.o.confirmations} confirmations the watcher waits for; restart with a fresh database or more confirmations`,
        { details: { block: String(at.next - 1n), applied: at.lastHash, now: block.hash } },
      );
    }
  }

  private async loop(failures: number): Promise<void> {
    if (this.stopped) return;
    let delay = this.o.pollMs;
    try {
      await this.catchUp();
      failures = 0;
    } catch (error) {
      if (error instanceof RoyaltyError && error.code === "REORG_TOO_DEEP") {
        this.failure = error;
        this.stopped = true;
        this.o.onFatal?.(error);
        return;
      }
      failures += 1;
      delay = Math.min(30_000, this.o.pollMs * 2 ** failures);
      this.o.onError?.(error, delay);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.loop(failures), delay);
  }
}
