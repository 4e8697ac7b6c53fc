import type { Abi, PublicClient, WalletClient } from "viem";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";

// Calls by a function name chosen at run time: the untyped view of the typed ABI.
const rollupAbi: Abi = royaltyRollupAbi;

import { decodeRevert } from "../../sdk/revert.ts";
import type { InMemoryChainView } from "../chain-state.ts";
import type { LifecycleStore } from "../store/types.ts";

export interface ChangeApplierOptions {
  rollup: `0x${string}`;
  publicClient: PublicClient;
  walletClient: WalletClient;
  view: InMemoryChainView;
  store: LifecycleStore;
  pollMs?: number;
  /** a change sent and not seen applied by the watcher after this long is sent again */
  resendAfterMs?: number;
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * Applies matured key rotations and split updates itself (anyone may; the contract applies them
 * only when called), as soon as nothing unsettled depends on the old key or split: no unsettled
 * event of the payer is signed under the old key, no unsettled batch carries the asset. Until then
 * the batcher keeps runs under a new key, and batches on an asset whose update is due, waiting
 * (docs/protocol.md §14), so the change lands between batches and nothing is re-proven.
 */
export class ChangeApplier {
  private readonly o: ChangeApplierOptions & { pollMs: number; resendAfterMs: number };
  /** per change: not before this time (ms) again */
  private readonly nextTry = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(options: ChangeApplierOptions) {
    this.o = { pollMs: 1000, resendAfterMs: 30_000, ...options };
  }

  /** The changes that are due and safe to apply now. */
  due(): { rotations: bigint[]; splits: bigint[] } {
    const { view, store } = this.o;
    const now = view.now();
    const rotations = view.payerAddresses().filter((address) => {
      const p = view.payer(address);
      if (!p?.pendingKey || now < p.pendingKey.effectiveAt) return false;
      const hex = `0x${address.toString(16).padStart(40, "0")}`;
      return !store
        .unsettledEventsOf(hex)
        .some((e) => e.signature !== null && e.keyHash === p.keyHash);
    });
    const inBatches = new Set<string>();
    for (const b of store.unsettledBatches()) {
      for (const a of b.content?.against.assets ?? []) inBatches.add(a.assetId);
    }
    const splits = view.assetIds().filter((assetId) => {
      const pending = view.asset(assetId)?.pendingSplit;
      return pending !== undefined && now >= pending.effectiveAt && !inBatches.has(String(assetId));
    });
    return { rotations, splits };
  }

  async applyDue(): Promise<number> {
    const { rotations, splits } = this.due();
    let sent = 0;
    for (const payer of rotations) {
      const hex = `0x${payer.toString(16).padStart(40, "0")}` as `0x${string}`;
      if (await this.send(`key:${hex}`, "applyKeyRotation", [hex])) sent++;
    }
    for (const assetId of splits) {
      if (await this.send(`split:${assetId}`, "applySplitUpdate", [assetId])) sent++;
    }
    return sent;
  }

  private async send(key: string, functionName: string, args: unknown[]): Promise<boolean> {
    if ((this.nextTry.get(key) ?? 0) > Date.now()) return false;
    try {
      const { request } = await this.o.publicClient.simulateContract({
        account: this.o.walletClient.account,
        address: this.o.rollup,
        abi: rollupAbi,
        functionName,
        args,
      });
      const hash = await this.o.walletClient.writeContract(
        request as Parameters<WalletClient["writeContract"]>[0],
      );
      this.nextTry.set(key, Date.now() + this.o.resendAfterMs);
      this.o.log?.({
        level: "info",
        msg: `sent ${functionName}`,
        args: args.map(String),
        tx: hash,
      });
      return true;
    } catch (error) {
      // Someone else applied it first (NothingPending), or the chain is not there yet (TooEarly):
      // the watcher's view catches up and the next look decides again.
      this.nextTry.set(key, Date.now() + 2000);
      const revert = decodeRevert(error);
      this.o.log?.({
        level: revert ? "info" : "warn",
        msg: `${functionName} not sent`,
        args: args.map(String),
        error: revert?.name ?? (error as Error).message,
      });
      return false;
    }
  }

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      await this.applyDue().catch(() => undefined);
      if (!this.stopped) this.timer = setTimeout(() => void loop(), this.o.pollMs);
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
