import type { AssetState, BatchRequest, PayerState } from "../../core/batch.ts";
import { buildBatch } from "../../core/batch.ts";
import { publicKeyOf } from "../../core/eddsa.ts";
import { RoyaltyError } from "../../core/errors.ts";
import { domainOf, genesisHead, type RoyaltyEvent } from "../../core/event.ts";
import type { CircuitParams } from "../../core/params.ts";
import { batchCalldata, proofCalldata } from "../../prover/calldata.ts";
import { proveJob, proveJobOf, provenOrThrow } from "../../prover/prove-job.ts";
import { samplePrivateKey, signLastHeads } from "../../prover/sample-batch.ts";
import { deployRollup } from "../deploy/deploy-rollup.ts";
import { artifactPaths } from "../setup/paths.ts";

// biome-ignore lint/suspicious/noExplicitAny: hardhat-viem helpers are typed per artifact name.
type Viem = any;

/** Recipient j of the scenario: a fixed address nobody holds a key for (it only receives). */
export const recipientAddress = (j: number) =>
  `0x${(0xabc0000 + j).toString(16).padStart(40, "0")}` as `0x${string}`;

/** A registered asset of the scenario, with its recipients' addresses in split order. */
export interface ScenarioAsset extends AssetState {
  addresses: `0x${string}`[];
}

/**
 * A deployment whose batches fill every slot of the set: P registered and funded payers, A assets
 * whose splits cover R recipients, N events per batch. Used by the gas report.
 *
 * With `lineage`, the assets form chains of D + 1 (a root, then each naming the one before as
 * its parent with 20%, one account each) and every event is on a chain's last asset, so it climbs
 * D parents: N / (D + 1) events fill the N event slots.
 */
export async function fullBatchScenario(
  viem: Viem,
  params: CircuitParams,
  options: { token?: `0x${string}`; lineage?: boolean } = {},
) {
  const { token, lineage = false } = options;
  const wallets = await viem.getWalletClients();
  if (wallets.length < params.P + 1)
    throw new RoyaltyError(
      "BENCH_FAILED",
      `the gas scenario needs ${params.P + 1} funded accounts; the chain has ${wallets.length}`,
    );
  const { rollup } = await deployRollup(viem, { params, token });
  const publicClient = await viem.getPublicClient();
  const domain = domainOf(BigInt(await publicClient.getChainId()), rollup.address);

  const payers: { privateKey: Uint8Array; state: PayerState }[] = [];
  for (let i = 0; i < params.P; i++) {
    const wallet = wallets[i + 1];
    const privateKey = samplePrivateKey(`gas-payer-${i}`);
    const as = await viem.getContractAt("RoyaltyRollup", rollup.address, { client: { wallet } });
    const [x, y] = publicKeyOf(privateKey);
    await as.write.registerPayer([x, y]);
    await as.write.deposit([10n ** 21n], { value: 10n ** 21n });
    payers.push({
      privateKey,
      state: {
        address: BigInt(wallet.account.address),
        pubKey: publicKeyOf(privateKey),
        head: genesisHead(domain, BigInt(wallet.account.address)),
      } as PayerState,
    });
  }

  const chain = params.D + 1;
  const assets: ScenarioAsset[] = [];
  for (let a = 0; a < params.A; a++) {
    const assetId = BigInt(5001 + a);
    // In lineage chains, asset a names a - 1 unless it starts a chain (registered first).
    const parent = lineage && a % chain !== 0 ? { assetId: assetId - 1n, bps: 2000 } : undefined;
    const count = lineage ? 1 : params.K;
    const addresses = Array.from({ length: count }, (_, k) =>
      recipientAddress((a * params.K + k) % params.R),
    );
    const bps = Array.from({ length: count }, (_, k) =>
      k === 0 ? 10_000 - 1111 * (count - 1) - (parent?.bps ?? 0) : 1111,
    );
    await rollup.write.registerAsset([
      assetId,
      addresses,
      bps,
      parent?.assetId ?? 0n,
      parent?.bps ?? 0,
    ]);
    const ids: bigint[] = [];
    for (const r of addresses) ids.push(BigInt(await rollup.read.accountIdOf([r])));
    assets.push({
      assetId,
      addresses,
      split: { recipients: ids, bps, ...(parent ? { parent } : {}) },
    });
  }
  // The assets events are on: every asset, or each full chain's last.
  const eventAssets = lineage ? assets.filter((_, a) => a % chain === chain - 1) : assets;
  const eventsPerBatch = lineage ? Math.floor(params.N / chain) : params.N;

  let seq = 0n;
  /** Proves the next full batch (its events round-robin over payers and event assets). */
  async function nextBatch() {
    seq += 1n;
    const round = seq;
    const events: RoyaltyEvent[] = Array.from({ length: eventsPerBatch }, (_, i) => ({
      payer: (payers[i % params.P] as (typeof payers)[0]).state.address,
      seq:
        (round - 1n) * BigInt(Math.ceil(eventsPerBatch / params.P)) +
        BigInt(Math.floor(i / params.P)) +
        1n,
      assetId: (eventAssets[i % eventAssets.length] as AssetState).assetId,
      amount: 1_000_000_007n * BigInt(i + 1) + BigInt(i * 7919),
      ref: BigInt(i),
    }));
    const request: BatchRequest = {
      params,
      domain,
      events,
      payers: payers.map((p) => p.state),
      assets,
      signatures: signLastHeads(payers, events),
    };
    const built = buildBatch(request);
    const proven = provenOrThrow(
      await proveJob(proveJobOf(Number(round), built), artifactPaths(params)),
    );
    // The next batch starts where this one left each payer.
    for (const p of payers) {
      const slot = built.payerSlots.indexOf(p.state.address);
      p.state = { ...p.state, head: built.publicData.newHead[slot] as bigint };
    }
    return {
      built,
      events,
      assets,
      calldata: batchCalldata(params, built),
      proof: proofCalldata(proven.proof),
    };
  }

  return { rollup, publicClient, nextBatch, assets, eventsPerBatch };
}
