import { readFileSync } from "node:fs";
import { payerKeyHash } from "../core/eddsa.ts";
import { domainOf, genesisHead } from "../core/event.ts";
import { addressToBigInt } from "../core/field.ts";
import { type Split, splitHash } from "../core/split.ts";
import { InMemoryChainView } from "./chain-state.ts";

/**
 * Chain state as a JSON file (numbers as decimal strings): what `sequencer/main.ts` starts from
 * until the chain watcher fills the view from contract events.
 */
export interface ChainSeed {
  chainId: string;
  rollupAddress: string;
  payers: {
    address: string;
    pubKey: [string, string];
    head?: string;
    escrow: string;
    pendingWithdrawal?: string;
  }[];
  assets: {
    assetId: string;
    recipients: string[];
    bps: number[];
    /** the parent asset its split names, and the parent's basis points */
    parent?: { assetId: string; bps: number };
  }[];
  accounts?: { address: string; id: string; claimable?: string }[];
}

export function chainViewFromSeed(seed: ChainSeed, K: number): InMemoryChainView {
  const chainId = BigInt(seed.chainId);
  const view = new InMemoryChainView(chainId, domainOf(chainId, seed.rollupAddress));
  for (const p of seed.payers) {
    const address = addressToBigInt("payers[].address", p.address);
    const pubKey = [BigInt(p.pubKey[0]), BigInt(p.pubKey[1])] as const;
    view.setPayer(address, {
      keyHash: payerKeyHash(view.domain, address, pubKey),
      pubKey,
      head: p.head === undefined ? genesisHead(view.domain, address) : BigInt(p.head),
      escrow: BigInt(p.escrow),
      pendingWithdrawal: BigInt(p.pendingWithdrawal ?? "0"),
    });
  }
  for (const a of seed.assets) {
    const assetId = BigInt(a.assetId);
    const split: Split = { recipients: a.recipients.map(BigInt), bps: a.bps };
    if (a.parent) split.parent = { assetId: BigInt(a.parent.assetId), bps: a.parent.bps };
    view.setAsset(assetId, { split, splitHash: splitHash(assetId, split, K) });
  }
  for (const acc of seed.accounts ?? []) {
    const address = addressToBigInt("accounts[].address", acc.address);
    view.setAccount(address, BigInt(acc.id));
    view.setClaimable(address, BigInt(acc.claimable ?? "0"));
  }
  return view;
}

export function readChainSeed(path: string): ChainSeed {
  return JSON.parse(readFileSync(path, "utf8")) as ChainSeed;
}
