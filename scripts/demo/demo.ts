import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import hre from "hardhat";
import { createPublicClient, http } from "viem";
import { publicKeyOf } from "../../core/eddsa.ts";
import { RoyaltyError } from "../../core/errors.ts";
import { domainOf } from "../../core/event.ts";
import { loadParams } from "../../core/params.ts";
import { resolveEngine } from "../../prover/native/index.ts";
import { samplePrivateKey } from "../../prover/sample-batch.ts";
import { RoyaltyClient } from "../../sdk/index.ts";
import { runSequencer } from "../../sequencer/run.ts";
import { statementCommand } from "../commands/statement.ts";
import { type Deployment, deployRollup } from "../deploy/deploy-rollup.ts";
import { createLogger } from "../logger.ts";
import { runSetup } from "../setup/setup.ts";
import { verifyBatches } from "../verify/verify-batches.ts";

// Hardhat's first default account: a public test key that pays for settlements on the local chain.
const SUBMITTER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
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
  say(`1/6 setup of the '${params.name}' circuit (cached after the first run)`);
  const setup = await runSetup(params);

  say(
    `2/6 deploying RoyaltyRollup on an in-process ${o.chain === "op" ? "OP-stack L2" : "L1"} chain`,
  );
  await hre.tasks.getTask("build").run({ quiet: true });
  // Hardhat's own JSON-RPC server over the embedded chain (loopback only): the demo, the
  // sequencer, `royalty statement` and the dashboard's in-browser checks all reach it by URL.
  const rpcServer = await hre.network.createServer({ network: o.chain }, "127.0.0.1", 0);
  const rpcUrl = `http://127.0.0.1:${(await rpcServer.listen()).port}`;
  const connection = await hre.network.create({
    network: "rpc",
    chainType: o.chain,
    override: { url: rpcUrl },
  });
  const { viem } = connection;
  const wallets = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const { rollup, verifier } = await deployRollup(viem, {
    params,
    withdrawalDelay: 3600,
    splitDelay: 3600,
  });
  const chainId = await publicClient.getChainId();
  const deployment: Deployment = {
    chainId,
    chainType: o.chain,
    params: params.name,
    token: "0x0000000000000000000000000000000000000000",
    rollup: rollup.address,
    verifier: verifier.address,
    deployBlock: String(await publicClient.getBlockNumber()),
    withdrawalDelay: 3600,
    splitDelay: 3600,
    insecureKeys: setup.insecure,
  };

  say(`3/6 registering ${params.P} marketplaces (payers) and ${params.A} generative assets`);
  const marketplaces = [];
  for (let i = 0; i < params.P; i++) {
    const wallet = wallets[i + 1];
    if (!wallet)
      throw new RoyaltyError("DEMO_ACCOUNTS", "the embedded chain has too few funded accounts");
    const privateKey = samplePrivateKey(`demo-marketplace-${i}`);
    const as = await viem.getContractAt("RoyaltyRollup", rollup.address, { client: { wallet } });
    const [x, y] = publicKeyOf(privateKey);
    await as.write.registerPayer([x, y]);
    await as.write.deposit([10n ** 19n], { value: 10n ** 19n });
    marketplaces.push({ address: wallet.account.address, privateKey });
  }
  const recipients: { address: `0x${string}`; role: string; asset: number }[] = [];
  for (let a = 0; a < params.A; a++) {
    const parties = Array.from({ length: params.K }, (_, k) => {
      // R people in all (a model developer or curator serves several assets), so a batch's
      // assets always fit its R recipient slots.
      const person = (a * params.K + k) % params.R;
      const address = `0x${(0xd0000000 + person).toString(16).padStart(40, "0")}` as `0x${string}`;
      recipients.push({ address, role: ROLES[k % ROLES.length] as string, asset: a });
      return address;
    });
    const bps = [6000, 2000, 1200, 800].slice(0, params.K);
    bps[0] = (bps[0] as number) + 10_000 - bps.reduce((x, y) => x + y, 0);
    await rollup.write.registerAsset([BigInt(9001 + a), parties, bps]);
  }

  const engine = resolveEngine();
  say(
    `4/6 starting the sequencer (HTTP API, batcher, 2 prover threads on the ${engine} Groth16 engine, settlement submitter)`,
  );
  const logger = createLogger("warn");
  const sequencer = await runSequencer({
    db: join(mkdtempSync(join(tmpdir(), "royalty-demo-")), "sequencer.sqlite"),
    params,
    logger,
    port: 0,
    rpc: rpcUrl,
    deployment,
    provers: 2,
    maxWaitMs: 500,
    submitterKey: SUBMITTER_KEY,
  });

  say(`    dashboard (live while the demo runs): ${sequencer.url}/dashboard`);
  say(`    chain JSON-RPC: ${rpcUrl}, rollup ${rollup.address}`);

  const total = Number(o.events);
  say(
    `5/6 ${params.P} marketplaces send ${total} signed royalty events over HTTP; proving and settling`,
  );
  const domain = domainOf(BigInt(chainId), rollup.address);
  const sendStart = performance.now();
  await Promise.all(
    marketplaces.map(async (m, i) => {
      const client = new RoyaltyClient({
        baseUrl: sequencer.url,
        payer: m.address,
        privateKey: m.privateKey,
        domain,
        // A batch ends a payer's run only at a signed event: sign well within N events.
        signEvery: Math.min(16, Math.max(1, Math.floor(params.N / 2))),
      });
      const count = Math.floor(total / params.P) + (i < total % params.P ? 1 : 0);
      const inputs = Array.from({ length: count }, (_, j) => ({
        assetId: BigInt(9001 + ((i + j) % params.A)),
        amount: 10n ** 15n + BigInt((i * 7919 + j * 104_729) % 10 ** 12),
        ref: BigInt(i * 1_000_000 + j),
      }));
      await client.submitMany(inputs);
    }),
  );
  const sendSeconds = (performance.now() - sendStart) / 1000;

  const bar = new cliProgress.SingleBar(
    {
      format: "settled events [{bar}] {value}/{total} | batches proven {proven} settled {settled}",
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { proven: 0, settled: 0 });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const last = sequencer.store.lastBatchNumber();
    const batches = Array.from({ length: last }, (_, i) => sequencer.store.batch(i + 1));
    const settledEvents = batches
      .filter((b) => b?.status === "settled")
      .reduce((n, b) => n + (b?.eventCount ?? 0), 0);
    bar.update(settledEvents, {
      proven: batches.filter((b) => b?.status !== "batched").length,
      settled: batches.filter((b) => b?.status === "settled").length,
    });
    if (settledEvents >= total) break;
    if (Date.now() > deadline)
      throw new RoyaltyError("DEMO_TIMEOUT", "not every event settled within 10 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
  bar.stop();

  say(
    "6/6 a recipient's statement is checked line by line against the chain (`royalty statement`), it claims, and every settled batch is verified as `royalty verify` does",
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
  await sequencer.stop();
  await connection.close();
  await rpcServer.close();
  if (verdicts.length !== batches.length || verdicts.some((v) => !v.valid)) {
    throw new RoyaltyError("DEMO_INVALID", "a settled batch did not verify");
  }
}
