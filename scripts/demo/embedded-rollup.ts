import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import hre from "hardhat";
import { publicKeyOf } from "../../core/eddsa.ts";
import { RoyaltyError } from "../../core/errors.ts";
import { domainOf } from "../../core/event.ts";
import type { CircuitParams } from "../../core/params.ts";
import { samplePrivateKey } from "../../prover/sample-batch.ts";
import { RoyaltyClient } from "../../sdk/index.ts";
import { runSequencer } from "../../sequencer/run.ts";
import { type Deployment, deployRollup, ETH } from "../deploy/deploy-rollup.ts";
import { createLogger } from "../logger.ts";

// Hardhat's first default account: a public test key that pays for settlements on the local chain.
const SUBMITTER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface EmbeddedRollupOptions {
  params: CircuitParams;
  chain: "l1" | "op";
  /** funded marketplaces (payers), registered with their EdDSA keys */
  payers: number;
  deposit: bigint;
  /** the setup's keys are a development ceremony's (recorded in the deployment) */
  insecureKeys: boolean;
  /**
   * the generative assets: id and split (recipient addresses, basis points, and a parent asset
   * registered before it with its basis points: lineage, docs/protocol.md §3)
   */
  assets: {
    id: bigint;
    recipients: `0x${string}`[];
    bps: number[];
    parent?: { assetId: bigint; bps: number };
  }[];
}

export type EmbeddedRollup = Awaited<ReturnType<typeof startEmbeddedRollup>>;

/**
 * A deployed rollup on an in-process chain, served by Hardhat's JSON-RPC server on a loopback
 * port (so the sequencer, `royalty statement` and the dashboard's in-browser checks all reach
 * it by URL), with payers funded, assets registered, and a sequencer proving and settling.
 */
export async function startEmbeddedRollup(o: EmbeddedRollupOptions) {
  await hre.tasks.getTask("build").run({ quiet: true });
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
    params: o.params,
    withdrawalDelay: 3600,
    splitDelay: 3600,
  });
  const chainId = await publicClient.getChainId();
  const deployment: Deployment = {
    chainId,
    chainType: o.chain,
    params: o.params.name,
    token: ETH,
    rollup: rollup.address,
    verifier: verifier.address,
    deployBlock: String(await publicClient.getBlockNumber()),
    withdrawalDelay: 3600,
    splitDelay: 3600,
    insecureKeys: o.insecureKeys,
  };

  const payers: { address: `0x${string}`; privateKey: Uint8Array }[] = [];
  for (let i = 0; i < o.payers; i++) {
    const wallet = wallets[i + 1];
    if (!wallet)
      throw new RoyaltyError("DEMO_ACCOUNTS", "the embedded chain has too few funded accounts");
    const privateKey = samplePrivateKey(`demo-marketplace-${i}`);
    const as = await viem.getContractAt("RoyaltyRollup", rollup.address, { client: { wallet } });
    const [x, y] = publicKeyOf(privateKey);
    await as.write.registerPayer([x, y]);
    await as.write.deposit([o.deposit], { value: o.deposit });
    payers.push({ address: wallet.account.address, privateKey });
  }
  for (const a of o.assets) {
    await rollup.write.registerAsset([
      a.id,
      a.recipients,
      a.bps,
      a.parent?.assetId ?? 0n,
      a.parent?.bps ?? 0,
    ]);
  }

  const sequencer = await runSequencer({
    db: join(mkdtempSync(join(tmpdir(), "royalty-demo-")), "sequencer.sqlite"),
    params: o.params,
    logger: createLogger("warn"),
    port: 0,
    rpc: rpcUrl,
    deployment,
    provers: 2,
    maxWaitMs: 500,
    submitterKey: SUBMITTER_KEY,
  });
  const domain = domainOf(BigInt(chainId), rollup.address);

  return {
    rpcUrl,
    rollup,
    publicClient,
    deployment,
    payers,
    sequencer,
    /** signed events from every payer at once, over the sequencer's HTTP API */
    async send(eventsOf: (payer: number) => { assetId: bigint; amount: bigint; ref: bigint }[]) {
      await Promise.all(
        payers.map((p, i) =>
          new RoyaltyClient({
            baseUrl: sequencer.url,
            payer: p.address,
            privateKey: p.privateKey,
            domain,
            // A batch ends a payer's run only at a signed event: the client signs so that every
            // run fits a batch, lineage slots included, and every 16th seq.
            signEvery: Math.min(16, o.params.N),
            batchLimits: { N: o.params.N, A: o.params.A, R: o.params.R },
          }).submitMany(eventsOf(i)),
        ),
      );
    },
    /** Waits, with a progress bar on stderr, until `total` events are in settled batches. */
    async settled(total: number, timeoutMs = 10 * 60_000): Promise<void> {
      const bar = new cliProgress.SingleBar(
        {
          format:
            "settled events [{bar}] {value}/{total} | batches proven {proven} settled {settled}",
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { proven: 0, settled: 0 });
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const batches = Array.from({ length: sequencer.store.lastBatchNumber() }, (_, i) =>
          sequencer.store.batch(i + 1),
        );
        const settled = batches.filter((b) => b?.status === "settled");
        const events = settled.reduce((n, b) => n + (b?.eventCount ?? 0), 0);
        bar.update(events, {
          proven: batches.filter((b) => b?.status !== "batched").length,
          settled: settled.length,
        });
        if (events >= total) break;
        if (Date.now() > deadline) {
          bar.stop();
          throw new RoyaltyError(
            "DEMO_TIMEOUT",
            `not every event settled within ${timeoutMs / 60_000} minutes`,
          );
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      bar.stop();
    },
    async close() {
      await sequencer.stop();
      await connection.close();
      await rpcServer.close();
    },
  };
}
