import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { type Abi, createPublicClient, createWalletClient, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, describe, expect, it } from "vitest";
import { publicKeyOf } from "../../core/eddsa.ts";
import { domainOf } from "../../core/event.ts";
import { samplePrivateKey } from "../../prover/sample-batch.ts";
import { deployCommand } from "../../scripts/commands/deploy.ts";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";
import { type EventStatus, RoyaltyClient, verifyReceipt } from "../../sdk/index.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";

// Calls by a function name chosen at run time: the untyped view of the typed ABI.
const rollupAbi: Abi = royaltyRollupAbi;

import { hardhatNode, KEYS, killAll, startProcess } from "./liveness/harness.ts";

const DEPLOYER = KEYS.deployer;
const PAYER = KEYS.payerA;
const SUBMITTER = KEYS.operator;
const run = promisify(execFile);
afterAll(() => killAll());

describe("sequencer with the chain watcher on a local Hardhat node over HTTP", () => {
  it("should accept a signed event from a payer registered and funded on chain, and refuse an unknown one", async () => {
    const rpc = await hardhatNode();
    const out = join(mkdtempSync(join(tmpdir(), "royalty-seq-chain-")), "deployment.json");
    process.env.ROYALTY_DEPLOYER_KEY = DEPLOYER;
    await deployCommand({
      params: "test",
      chain: "l1",
      rpc,
      out,
      withdrawalDelay: "60",
      splitDelay: "60",
      // The sequencer below settles as SUBMITTER: it must be the deployment's operator.
      operator: privateKeyToAccount(SUBMITTER).address,
    });
    const deployment = JSON.parse(readFileSync(out, "utf8"));

    const account = privateKeyToAccount(PAYER);
    const wallet = createWalletClient({ account, chain: hardhat, transport: http(rpc) });
    const client = createPublicClient({ chain: hardhat, transport: http(rpc) });
    const key = samplePrivateKey("chain-integration-payer");
    const [x, y] = publicKeyOf(key);
    const calls: [string, unknown[], bigint][] = [
      ["registerPayer", [x, y], 0n],
      ["deposit", [10n ** 18n], 10n ** 18n],
      ["registerAsset", [77n, [account.address], [10_000], 0n, 0], 0n],
    ];
    for (const [functionName, args, value] of calls) {
      const hash = await wallet.writeContract({
        address: deployment.rollup,
        abi: rollupAbi,
        functionName,
        args,
        value,
      });
      await client.waitForTransactionReceipt({ hash });
    }

    const dbDir = mkdtempSync(join(tmpdir(), "royalty-seq-db-"));
    const { found: url } = await startProcess(
      [
        "--import",
        "tsx",
        "scripts/cli.ts",
        "sequencer",
        "--db",
        join(dbDir, "seq.sqlite"),
        "--rpc",
        rpc,
        "--deployment",
        out,
        "--params",
        "test",
        "--port",
        "0",
        "--threads",
        "0",
        "--provers",
        "1",
        "--max-wait-ms",
        "300",
      ],
      (line) => (JSON.parse(line) as { listening?: string }).listening,
      { ...process.env, ROYALTY_SUBMITTER_KEY: SUBMITTER },
    );

    const payer = new RoyaltyClient({
      baseUrl: url,
      payer: account.address,
      privateKey: key,
      domain: domainOf(31337n, deployment.rollup),
    });
    const ack = await payer.submit({ assetId: 77n, amount: 1234n });
    expect(ack).toMatchObject({ payer: account.address.toLowerCase(), seq: "1" });
    const state = await (await fetch(`${url}/v1/payers/${account.address}`)).json();
    // Escrow comes from the chain (via the watcher), pending debits from the sequencer's store.
    expect(state).toMatchObject({
      escrow: String(10n ** 18n),
      pendingDebits: "1234",
      nextSeq: "2",
      head: ack.head,
    });

    const stranger = new RoyaltyClient({
      baseUrl: url,
      payer: privateKeyToAccount(DEPLOYER).address,
      privateKey: key,
      domain: domainOf(31337n, deployment.rollup),
      retries: 0,
    });
    await expect(stranger.submit({ assetId: 77n, amount: 1n })).rejects.toMatchObject({
      code: "UNKNOWN_PAYER",
    });

    // The same process batches, proves and settles: the event ends up settled on chain with a
    // receipt, and the recipient's balance is the event's amount (a single-recipient split).
    let status: { status?: string; receipt?: { txHash?: string } } = {};
    for (let i = 0; i < 240 && status.status !== "settled"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await (await fetch(`${url}/v1/events/${account.address}/1`)).json();
    }
    expect(status.status).toBe("settled");
    expect(status.receipt?.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    // The receipt checks out as returned: hash, Merkle path, and the root in the chain's own log.
    const reader = { publicClient: client as PublicClient, rollup: deployment.rollup };
    const settledStatus = status as EventStatus;
    expect(await verifyReceipt(settledStatus, { chain: reader })).toEqual({
      valid: true,
      reasons: [],
    });
    const forged = await verifyReceipt({ ...settledStatus, amount: "1235" }, { chain: reader });
    expect(forged.reasons).toContain(
      "the event's fields do not hash to its eventHash after its prevHead",
    );
    const elsewhere = await verifyReceipt(
      {
        ...settledStatus,
        receipt: {
          ...settledStatus.receipt!,
          eventsRoot: "7",
          proof: { ...settledStatus.receipt!.proof, root: "7" },
        },
      },
      { chain: reader },
    );
    expect(elsewhere.valid).toBe(false);
    expect(elsewhere.reasons.join("; ")).toMatch(
      /Merkle path .*; batch \d+ settled on chain with eventsRoot/,
    );
    const claimable = await client.readContract({
      address: deployment.rollup,
      abi: rollupAbi,
      functionName: "claimable",
      args: [account.address],
    });
    expect(claimable).toBe(1234n);

    // royalty verify, over HTTP: the settled batch is valid, with the sequencer's events too.
    const verify = (...extra: string[]) =>
      run(
        process.execPath,
        [
          "--import",
          "tsx",
          "scripts/cli.ts",
          "verify",
          "--rpc",
          rpc,
          "--rollup",
          deployment.rollup,
          "--json",
          ...extra,
        ],
        { cwd: PROJECT_ROOT },
      )
        .then((r) => r.stdout)
        .catch((e: { stdout: string }) => e.stdout);
    expect((await verify("--sequencer", url)).trim()).toBe('{"batch":1,"valid":true}');

    // A sequencer that publishes other events than the ones settled is caught.
    const db = new Database(join(dbDir, "seq.sqlite"));
    db.prepare("UPDATE events SET amount = '1233' WHERE seq = 1").run();
    db.close();
    const tampered = JSON.parse((await verify("--sequencer", url)).trim());
    expect(tampered).toMatchObject({ batch: 1, valid: false });
    expect(tampered.reason).toMatch(/events root/);
    expect(tampered.reason).toMatch(/credited 1234, the events give 1233/);
  });
});
