import type { PubKey } from "../core/eddsa.ts";
import { RoyaltyError } from "../core/errors.ts";
import type { Split } from "../core/split.ts";

/** A key rotation the payer asked for; the contract applies it at `effectiveAt` or later. */
export interface PendingKey {
  pubKey: PubKey;
  keyHash: bigint;
  /** chain time (seconds) from which anyone may call applyKeyRotation */
  effectiveAt: bigint;
}

/** A split update the asset's owner asked for; the contract applies it at `effectiveAt` or later. */
export interface PendingSplit {
  split: Split;
  splitHash: bigint;
  effectiveAt: bigint;
}

/** What the rollup contract knows about a payer, as ingest needs it. */
export interface ChainPayer {
  keyHash: bigint;
  pubKey: PubKey;
  /** head settled on chain */
  head: bigint;
  /** escrow balance on chain, base units */
  escrow: bigint;
  /** amount of requested, not yet executed, withdrawals: already promised away */
  pendingWithdrawal: bigint;
  /** chain time from which the pending withdrawal can be executed */
  withdrawalAvailableAt?: bigint;
  pendingKey?: PendingKey;
}

export interface ChainAsset {
  splitHash: bigint;
  split: Split;
  /** lineage level the contract fixed at registration: 0 without a parent, else parent's + 1 */
  level?: number;
  pendingSplit?: PendingSplit;
}

/**
 * The sequencer's read-only view of the rollup contract. Ingest and the batcher read it; the chain
 * watcher (or a seed file, until it exists) writes it.
 */
export interface ChainView {
  readonly chainId: bigint;
  /** Poseidon(chainId, rollupAddress): every event hash is bound to it */
  readonly domain: bigint;
  payer(address: bigint): ChainPayer | undefined;
  asset(assetId: bigint): ChainAsset | undefined;
  /** account id the contract assigned to a recipient address, if it appears in any split */
  accountId(address: bigint): bigint | undefined;
  /** the recipient address the contract assigned an account id to, if the view has seen it */
  addressOf(id: bigint): bigint | undefined;
  /** claimable balance of a recipient address on chain (0 if unknown) */
  claimable(address: bigint): bigint;
  /** number of batches settled on chain, as far as the view has read */
  readonly settledBatches: bigint;
  /** the chain's time now, in seconds: the last block read plus the wall time since */
  now(): bigint;
}

/**
 * The in-process holder of chain state: plain maps behind setters. The chain watcher calls the
 * setters as contract events arrive; tests and `sequencer/main.ts` seed it directly.
 */
export class InMemoryChainView implements ChainView {
  readonly chainId: bigint;
  readonly domain: bigint;
  private readonly payers = new Map<bigint, ChainPayer>();
  private readonly assets = new Map<bigint, ChainAsset>();
  private readonly accounts = new Map<bigint, bigint>();
  private readonly addresses = new Map<bigint, bigint>();
  private readonly balances = new Map<bigint, bigint>();
  settledBatches = 0n;
  /** timestamp of the last block read, and the wall clock (ms) when it was read */
  private blockTime = { timestamp: 0n, seenAt: 0 };

  constructor(chainId: bigint, domain: bigint) {
    this.chainId = chainId;
    this.domain = domain;
  }

  payer(address: bigint): ChainPayer | undefined {
    return this.payers.get(address);
  }
  asset(assetId: bigint): ChainAsset | undefined {
    return this.assets.get(assetId);
  }
  accountId(address: bigint): bigint | undefined {
    return this.accounts.get(address);
  }
  claimable(address: bigint): bigint {
    return this.balances.get(address) ?? 0n;
  }
  now(): bigint {
    // Without a block read yet (a seed file), wall time is the best estimate.
    if (this.blockTime.seenAt === 0) return BigInt(Math.floor(Date.now() / 1000));
    return (
      this.blockTime.timestamp + BigInt(Math.floor((Date.now() - this.blockTime.seenAt) / 1000))
    );
  }
  setBlockTime(timestamp: bigint): void {
    this.blockTime = { timestamp, seenAt: Date.now() };
  }
  /** Every payer address the view holds. */
  payerAddresses(): bigint[] {
    return [...this.payers.keys()];
  }
  /** Every asset id the view holds. */
  assetIds(): bigint[] {
    return [...this.assets.keys()];
  }

  setPayer(address: bigint, payer: ChainPayer): void {
    this.payers.set(address, { ...payer });
  }
  /** Partial update, e.g. a deposit or a settled head; the payer must be registered. */
  updatePayer(address: bigint, change: Partial<ChainPayer>): void {
    const current = this.payers.get(address);
    if (!current)
      throw new RoyaltyError(
        "CHAIN_VIEW_INCONSISTENT",
        `payer ${address} is not registered in the chain view`,
      );
    this.payers.set(address, { ...current, ...change });
  }
  setAsset(assetId: bigint, asset: ChainAsset): void {
    this.assets.set(assetId, asset);
  }
  updateAsset(assetId: bigint, change: Partial<ChainAsset>): void {
    const current = this.assets.get(assetId);
    if (!current)
      throw new RoyaltyError(
        "CHAIN_VIEW_INCONSISTENT",
        `asset ${assetId} is not registered in the chain view`,
      );
    this.assets.set(assetId, { ...current, ...change });
  }
  setAccount(address: bigint, id: bigint): void {
    this.accounts.set(address, id);
    this.addresses.set(id, address);
  }
  setClaimable(address: bigint, amount: bigint): void {
    this.balances.set(address, amount);
  }

  /** The address an account id was assigned to (settlements credit ids). */
  addressOf(id: bigint): bigint | undefined {
    return this.addresses.get(id);
  }

  /** The whole view as JSON (bigints as strings): the chain watcher saves it with its block. */
  snapshot(): string {
    return JSON.stringify(
      {
        payers: [...this.payers],
        assets: [...this.assets],
        accounts: [...this.accounts],
        balances: [...this.balances],
        settledBatches: this.settledBatches,
      },
      (_, value) => (typeof value === "bigint" ? `${value}n` : value),
    );
  }

  restore(snapshot: string): void {
    const revive = (_: string, value: unknown) =>
      typeof value === "string" && /^-?\d+n$/.test(value) ? BigInt(value.slice(0, -1)) : value;
    const data = JSON.parse(snapshot, revive) as {
      payers: [bigint, ChainPayer][];
      assets: [bigint, ChainAsset][];
      accounts: [bigint, bigint][];
      balances: [bigint, bigint][];
      settledBatches?: bigint;
    };
    // A restore replaces the view (a failed block range is rolled back with it).
    this.payers.clear();
    this.assets.clear();
    this.accounts.clear();
    this.addresses.clear();
    this.balances.clear();
    this.settledBatches = data.settledBatches ?? 0n;
    for (const [k, v] of data.payers) this.payers.set(k, v);
    for (const [k, v] of data.assets) this.assets.set(k, v);
    for (const [k, v] of data.accounts) this.setAccount(k, v);
    for (const [k, v] of data.balances) this.balances.set(k, v);
  }
}
