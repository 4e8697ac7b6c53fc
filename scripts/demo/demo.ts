import { createPublicClient, http } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { lineageShares } from "../../core/lineage.ts";
import { type CircuitParams, loadParams } from "../../core/params.ts";
import { resolveEngine } from "../../prover/native/index.ts";
import { statementCommand } from "../commands/statement.ts";
import { runSetup } from "../setup/setup.ts";
import { verifyBatches } from "../verify/verify-batches.ts";
import { startEmbeddedRollup } from "./embedded-rollup.ts";

const ROLES = ["creator", "model developer", "dataset curator", "prompt engineer"];

export interface DemoOptions {
  params: string;
  chain: "l1" | "op";
  events: string;
  /** keep the chain, the sequencer and the dashboard up after the summary, until Ctrl-C */
  keepOpen?: boolean;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/**
 * The whole product on an embedded chain: setup, deploy, a few generative assets with multi-party
 * splits, funded marketplaces sending signed royalty events over HTTP, batches proven and settled,
 * a recipient paid, every batch verified, and a summary.
 */
export async function demoCommand(o: DemoOptions): Promise<void> {
  const started = performance.now();
  const params = loadParams(o.params);
  say(`1/5 setup of the '${params.name}' circuit (cached after the first run)`);
  const setup = await runSetup(params);

  const engine = resolveEngine();
  say(
    `2/5 deploying RoyaltyRollup on an in-process ${o.chain === "op" ? "OP-stack L2" : "L1"} chain, registering ${params.P} marketplaces (payers) and ${params.A} generative assets, starting the sequencer (HTTP API, batcher, 2 prover threads on the ${engine} Groth16 engine, settlement submitter)`,
  );
  const recipients: { address: `0x${string}`; role: string; asset: number }[] = [];
  const lineage = lineageOfDemo(params);
  const assets = Array.from({ length: params.A }, (_, a) => {
    const link = lineage[a];
    // A parent takes the split's last entry: one account less beside it.
    const count = link?.parent === undefined ? params.K : params.K - 1;
    const roles = link?.roles ?? ROLES;
    const parties = Array.from({ length: count }, (_, k) => {
      // R people in all (a model developer or curator serves several assets), so a batch's
      // assets always fit its R recipient slots.
      const person = (a * params.K + k) % params.R;
      const address = `0x${(0xd0000000 + person).toString(16).padStart(40, "0")}` as `0x${string}`;
      recipients.push({ address, role: roles[k % roles.length] as string, asset: a });
      return address;
    });
    const parentBps = link?.parent === undefined ? 0 : link.parentBps;
    const bps = [6000, 2000, 1200, 800].slice(0, count);
    bps[0] = (bps[0] as number) + 10_000 - parentBps - bps.reduce((x, y) => x + y, 0);
    return {
      id: BigInt(9001 + a),
      recipients: parties,
      bps,
      ...(link?.parent === undefined
        ? {}
        : { parent: { assetId: BigInt(9001 + link.parent), bps: parentBps } }),
    };
  });
  if (lineage.length > 1) {
    say(
      `    lineage: ${lineage
        .map((l, a) => `${l.name} ${9001 + a}`)
        .reverse()
        .join(" -> ")} (each routes part of every sale to its parent, split again there)`,
    );
  }

  const embedded = await startEmbeddedRollup({
    params,
    chain: o.chain,
    payers: params.P,
    deposit: 10n ** 19n,
    insecureKeys: setup.insecure,
    assets,
  });
  const { rollup, publicClient, rpcUrl, sequencer, payers: marketplaces } = embedded;
  say(`    dashboard (live while the demo runs): ${sequencer.url}/dashboard`);
  say(`    chain JSON-RPC: ${rpcUrl}, rollup ${rollup.address}`);

  const total = Number(o.events);
  say(`3/5 ${params.P} marketplaces send ${total} signed royalty events over HTTP`);
  const sendStart = performance.now();
  const sent = Array.from({ length: params.P }, (_, i) => {
    const count = Math.floor(total / params.P) + (i < total % params.P ? 1 : 0);
    return Array.from({ length: count }, (_, j) => ({
      assetId: BigInt(9001 + ((i + j) % params.A)),
      amount: 10n ** 15n + BigInt((i * 7919 + j * 104_729) % 10 ** 12),
      ref: BigInt(i * 1_000_000 + j),
    }));
  });
  await embedded.send((i) => sent[i] ?? []);
  const sendSeconds = (performance.now() - sendStart) / 1000;
  say("4/5 proving and settling");
  await embedded.settled(total);

  say(
    "5/5 a recipient's statement is checked line by line against the chain (`royalty statement`), it claims, and every settled batch is verified as `royalty verify` does",
  );
  const creator = recipients[0] as (typeof recipients)[0];
  const owed = (await rollup.read.claimable([creator.address])) as bigint;
  const statementArgs = {
    account: creator.address,
    sequencer: sequencer.url,
    rpc: rpcUrl,
    rollup: rollup.address,
  };
  const statement = await statementCommand(statementArgs);
  // Nothing was claimed yet, so every settled credit is still claimable: the proven lines must
  // add up to exactly what the chain holds for this recipient.
  if (statement.total !== owed) {
    throw new RoyaltyError(
      "DEMO_INVALID",
      `the statement's verified total ${statement.total} is not the ${owed} claimable on chain`,
    );
  }
  await rollup.write.claimFor([creator.address]);
  const paid = await publicClient.getBalance({ address: creator.address });
  const verdicts = await verifyBatches({
    client: createPublicClient({ transport: http(rpcUrl) }),
    rollup: rollup.address,
    sequencer: sequencer.url,
  });

  const batches = Array.from({ length: sequencer.store.lastBatchNumber() }, (_, i) =>
    sequencer.store.batch(i + 1),
  ).filter((b) => b !== undefined);
  const gas = batches.reduce((n, b) => n + BigInt(b.gasUsed ?? 0), 0n);
  const proofSeconds = batches.map((b) => ((b.provenAt ?? 0) - b.createdAt) / 1000);
  const eth = (wei: bigint) => `${(Number(wei) / 1e18).toFixed(6)} ETH`;
  const rows: [string, string][] = [
    ["events", String(total)],
    [
      "ingest (HTTP, signed)",
      `${sendSeconds.toFixed(1)} s, ${Math.round(total / sendSeconds)} events/s`,
    ],
    ["batches", String(batches.length)],
    [
      "proof time per batch",
      `${(proofSeconds.reduce((x, y) => x + y, 0) / batches.length).toFixed(1)} s average (batch cut to proof, 2 ${engine} prover threads)`,
    ],
    [
      "settlement gas per event",
      `${(Number(gas) / total).toFixed(0)} (${gas} in ${batches.length} transactions)`,
    ],
    ["verified batches", `${verdicts.filter((v) => v.valid).length} valid of ${verdicts.length}`],
    [
      `${creator.role} of asset ${9001 + creator.asset}`,
      `statement ${statement.lines} lines in ${statement.batches} batches, every line verified, total = on-chain credit; claimed ${eth(owed)}, balance ${eth(paid)}`,
    ],
  ];
  rows.push(...lineageRows(params, lineage, assets, sent, eth));
  for (const m of marketplaces) {
    const escrow = ((await rollup.read.payers([m.address])) as readonly bigint[])[2] as bigint;
    rows.push([`marketplace ${m.address.slice(0, 10)}… escrow`, eth(escrow)]);
  }
  rows.push(["total time", `${((performance.now() - started) / 1000).toFixed(0)} s`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  say("");
  for (const v of verdicts) say(`batch ${v.batch}: ${v.valid ? "valid" : `invalid: ${v.reason}`}`);
  say("");
  for (const [k, v] of rows) say(`${k.padEnd(width)}  ${v}`);
  if (o.keepOpen) {
    say("");
    say(`the dashboard stays at ${sequencer.url}/dashboard; check a statement yourself with`);
    say(
      `  npm run royalty -- statement --account ${creator.address} --sequencer ${sequencer.url} --rpc ${rpcUrl} --rollup ${rollup.address}`,
    );
    say("Ctrl-C stops the demo");
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  }
  await embedded.close();
  if (verdicts.length !== batches.length || verdicts.some((v) => !v.valid)) {
    throw new RoyaltyError("DEMO_INVALID", "a settled batch did not verify");
  }
}

interface LineageLink {
  name: string;
  roles: string[];
  /** index of the parent among the demo's assets */
  parent?: number;
  parentBps: number;
}

/**
 * The demo's lineage, as deep as the set allows (D parents): asset 9001 a curated dataset, 9002 a
 * model fine-tuned on it (20% of its sales to the dataset), 9003 an image made with the model (30%
 * to the model); registered in that order, parents first.
 */
function lineageOfDemo(params: CircuitParams): LineageLink[] {
  const chain: LineageLink[] = [
    { name: "curated dataset", roles: ["dataset curator", "data licensor"], parentBps: 0 },
    {
      name: "fine-tuned model",
      roles: ["model developer", "base-model lab"],
      parent: 0,
      parentBps: 2000,
    },
    { name: "generated image", roles: ["creator", "prompt engineer"], parent: 1, parentBps: 3000 },
  ];
  return chain.slice(0, Math.min(chain.length, params.D + 1, params.A));
}

/**
 * Summary rows: per asset of the lineage, what its own parties were paid by its own sales and
 * what reached them up the lineage from its descendants' sales (core lineageShares, level by
 * level, as the circuit proved it).
 */
function lineageRows(
  params: CircuitParams,
  lineage: readonly LineageLink[],
  assets: readonly { id: bigint; bps: number[]; parent?: { assetId: bigint; bps: number } }[],
  sent: readonly { assetId: bigint; amount: bigint }[][],
  eth: (wei: bigint) => string,
): [string, string][] {
  if (lineage.length < 2) return [];
  const splits = new Map(
    assets.map((a) => [
      a.id,
      {
        recipients: a.bps.map((_, i) => BigInt(i + 1)),
        bps: a.bps,
        ...(a.parent ? { parent: a.parent } : {}),
      },
    ]),
  );
  const own = new Map<bigint, bigint>();
  const inherited = new Map<bigint, bigint>();
  for (const e of sent.flat()) {
    for (const step of lineageShares(e.amount, e.assetId, (id) => splits.get(id), params.D)) {
      const paid = step.shares.reduce((x, y) => x + y, 0n);
      const into = step.level === 0 ? own : inherited;
      into.set(step.assetId, (into.get(step.assetId) ?? 0n) + paid);
    }
  }
  return lineage.map((l, a): [string, string] => {
    const id = BigInt(9001 + a);
    return [
      `${l.name} ${id}'s parties`,
      `${eth(own.get(id) ?? 0n)} from its own sales, ${eth(inherited.get(id) ?? 0n)} up the lineage from its derivatives' sales`,
    ];
  });
}
