import { existsSync } from "node:fs";
import hre from "hardhat";
import type { AssetState } from "../../core/batch.ts";
import type { RoyaltyEvent } from "../../core/event.ts";
import { type CircuitParams, loadParams, paramSetNames } from "../../core/params.ts";
import { computeShares } from "../../core/split.ts";
import { artifactPaths } from "../setup/paths.ts";
import { fullBatchScenario, recipientAddress } from "./full-batch.ts";

export interface GasRow {
  params: string;
  chain: "l1" | "op";
  gasPerBatch: number;
  gasPerEvent: number;
  baselineGasPerEvent: number;
  /** op only: L1 data gas the receipt reports for the settlement (calldata posted to L1) */
  l1DataGas?: number;
  /** first settlement, recipients' balances still zero (cold storage) */
  firstBatchGas: number;
}

/**
 * The same royalties paid directly on L1 without the rollup: for every event, one ERC-20
 * transfer per non-zero share from the marketplace to each recipient, as a marketplace that reads
 * ERC-2981 royaltyInfo and forwards through a splitter would. Measured as real transactions.
 */
async function baselineGasPerEvent(
  // biome-ignore lint/suspicious/noExplicitAny: hardhat-viem helpers are typed per artifact name.
  viem: any,
  events: RoyaltyEvent[],
  assets: AssetState[],
  params: CircuitParams,
) {
  const token = await viem.deployContract("MockERC20");
  const [marketplace] = await viem.getWalletClients();
  await token.write.mint([marketplace.account.address, 10n ** 30n]);
  const publicClient = await viem.getPublicClient();
  // Warm every recipient once so the baseline, like the rollup's second batch, pays no zero-to-non-zero storage.
  for (let j = 0; j < params.R; j++) await token.write.transfer([recipientAddress(j), 1n]);
  let gas = 0n;
  for (const ev of events) {
    const asset = assets.find((a) => a.assetId === ev.assetId) as AssetState;
    const shares = computeShares(ev.amount, asset.split.bps);
    for (const [k, share] of shares.entries()) {
      if (share === 0n) continue;
      const to = recipientAddress(assets.indexOf(asset) * params.K + k) as `0x${string}`;
      const hash = await token.write.transfer([to, share]);
      gas += (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
    }
  }
  return Number(gas) / events.length;
}

async function measure(params: CircuitParams, chain: "l1" | "op"): Promise<GasRow> {
  const connection = await hre.network.create({ network: chain });
  const { viem } = connection;
  const scenario = await fullBatchScenario(viem, params);
  const settle = async (batchNumber: bigint) => {
    const batch = await scenario.nextBatch();
    const hash = await scenario.rollup.write.settleBatch([
      batchNumber,
      batch.calldata,
      batch.proof,
    ]);
    await scenario.publicClient.waitForTransactionReceipt({ hash });
    const raw = (await connection.provider.request({
      method: "eth_getTransactionReceipt",
      params: [hash],
    })) as Record<string, string>;
    return {
      batch,
      gas: Number(BigInt(raw.gasUsed as string)),
      l1Gas: raw.l1GasUsed ? Number(BigInt(raw.l1GasUsed)) : undefined,
    };
  };
  const first = await settle(1n);
  const second = await settle(2n);
  const baseline = await baselineGasPerEvent(viem, second.batch.events, scenario.assets, params);
  await connection.close();
  return {
    params: params.name,
    chain,
    gasPerBatch: second.gas,
    gasPerEvent: Math.round(second.gas / params.N),
    baselineGasPerEvent: Math.round(baseline),
    ...(second.l1Gas === undefined ? {} : { l1DataGas: second.l1Gas }),
    firstBatchGas: first.gas,
  };
}

export async function gasReportCommand(options: {
  params?: string;
  json?: boolean;
}): Promise<void> {
  const sets = options.params ? [options.params] : paramSetNames();
  const built = sets
    .map(loadParams)
    .filter((p) => existsSync(artifactPaths(p).zkey) && existsSync(artifactPaths(p).verifierSol));
  if (built.length === 0)
    throw new Error("no parameter set has keys yet: run `royalty setup --params test` first");
  await hre.tasks.getTask("build").run({ quiet: true });
  const rows: GasRow[] = [];
  for (const params of built) {
    for (const chain of ["l1", "op"] as const) rows.push(await measure(params, chain));
  }
  if (options.json) {
    console.log(JSON.stringify({ rows }));
    return;
  }
  console.log(
    "| params | chain | gas per batch | gas per event | baseline gas per event (L1 transfers) | OP L1 data gas | first batch gas |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(
      `| ${r.params} | ${r.chain} | ${r.gasPerBatch} | ${r.gasPerEvent} | ${r.baselineGasPerEvent} | ${r.l1DataGas ?? "-"} | ${r.firstBatchGas} |`,
    );
  }
}
