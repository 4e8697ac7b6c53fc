import { existsSync } from "node:fs";
import hre from "hardhat";
import { RoyaltyError } from "../../core/errors.ts";
import type { RoyaltyEvent } from "../../core/event.ts";
import { lineageShares } from "../../core/lineage.ts";
import { type CircuitParams, loadParams, paramSetNames } from "../../core/params.ts";
import { artifactPaths } from "../setup/paths.ts";
import { fullBatchScenario, recipientAddress, type ScenarioAsset } from "./full-batch.ts";

export interface GasRow {
  params: string;
  chain: "l1" | "op";
  /** every event climbs D parents (lineage), so N / (D + 1) events fill the batch */
  lineage: boolean;
  events: number;
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
  assets: ScenarioAsset[],
  params: CircuitParams,
) {
  const token = await viem.deployContract("MockERC20");
  const [marketplace] = await viem.getWalletClients();
  await token.write.mint([marketplace.account.address, 10n ** 30n]);
  const publicClient = await viem.getPublicClient();
  // Warm every recipient once so the baseline, like the rollup's second batch, pays no zero-to-non-zero storage.
  for (let j = 0; j < params.R; j++) await token.write.transfer([recipientAddress(j), 1n]);
  let gas = 0n;
  const byId = new Map(assets.map((a) => [a.assetId, a]));
  for (const ev of events) {
    // Every level of the event's lineage pays its own accounts (one level without lineage).
    for (const step of lineageShares(
      ev.amount,
      ev.assetId,
      (id) => byId.get(id)?.split,
      params.D,
    )) {
      const asset = byId.get(step.assetId) as ScenarioAsset;
      for (const [k, share] of step.shares.entries()) {
        if (share === 0n) continue;
        const hash = await token.write.transfer([asset.addresses[k], share]);
        gas += (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;
      }
    }
  }
  return Number(gas) / events.length;
}

async function measure(
  params: CircuitParams,
  chain: "l1" | "op",
  lineage = false,
): Promise<GasRow> {
  const connection = await hre.network.create({ network: chain });
  const { viem } = connection;
  const scenario = await fullBatchScenario(viem, params, { lineage });
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
    lineage,
    events: scenario.eventsPerBatch,
    gasPerBatch: second.gas,
    gasPerEvent: Math.round(second.gas / scenario.eventsPerBatch),
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
    throw new RoyaltyError(
      "PARAMS_NOT_SET_UP",
      "no parameter set has keys yet: run `royalty setup --params test` first",
    );
  await hre.tasks.getTask("build").run({ quiet: true });
  const rows: GasRow[] = [];
  for (const params of built) {
    for (const chain of ["l1", "op"] as const) rows.push(await measure(params, chain));
    // Lineage on L1: every event climbs the set's D parents, each in a slot of its own.
    if (params.D > 0) rows.push(await measure(params, "l1", true));
  }
  if (options.json) {
    console.log(JSON.stringify({ rows }));
    return;
  }
  console.log(
    "| params | chain | events per batch | gas per batch | gas per event | baseline gas per event (L1 transfers) | OP L1 data gas | first batch gas |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of rows) {
    const events = r.lineage ? `${r.events} (each climbing D parents)` : String(r.events);
    console.log(
      `| ${r.params} | ${r.chain} | ${events} | ${r.gasPerBatch} | ${r.gasPerEvent} | ${r.baselineGasPerEvent} | ${r.l1DataGas ?? "-"} | ${r.firstBatchGas} |`,
    );
  }
}
