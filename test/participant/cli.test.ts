// Every participant's CLI command against a Hardhat node over HTTP, as a user runs them: from
// key creation to a claim, with the real `royalty sequencer` settling the events in between.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTestClient, http, toHex } from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";
import { hardhatNode, KEYS, killAll, startProcess } from "../sequencer/liveness/harness.ts";

const run = promisify(execFile);
const CLI = join(PROJECT_ROOT, "scripts/cli.ts");
const dir = mkdtempSync(join(tmpdir(), "royalty-participant-cli-"));
const recipientKey = (i: number) =>
  toHex(
    mnemonicToAccount("test test test test test test test test test test test junk", {
      addressIndex: 10 + i,
    }).getHdKey().privateKey as Uint8Array,
  );
const CREATOR = recipientKey(0);
const CURATOR = recipientKey(1);
const address = (key: `0x${string}`) => privateKeyToAccount(key).address;
/** A key whose account never held ETH on the node. */
const UNFUNDED = `0x${"5a".repeat(32)}` as const;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** `royalty ARGS` with the given keys in the environment, as a shell would run it. */
async function royalty(args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The JSON line a command printed with --json; fails the test with its stderr otherwise. */
async function json(args: string[], env: Record<string, string> = {}) {
  const r = await royalty([...args, "--json"], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
}

let rpc: string;
let deployment: string;
let sequencer: string;
const on = () => ["--deployment", deployment];
const as = (key: `0x${string}`) => ({ ROYALTY_ACCOUNT_KEY: key });

beforeAll(async () => {
  rpc = await hardhatNode();
  deployment = join(dir, "deployment.json");
  const deployed = await royalty(
    [
      "deploy",
      "--params",
      "test",
      "--rpc",
      rpc,
      "--out",
      deployment,
      "--withdrawal-delay",
      "60",
      "--split-delay",
      "60",
      "--operator",
      address(KEYS.operator),
    ],
    { ROYALTY_DEPLOYER_KEY: KEYS.deployer },
  );
  expect(deployed.code, deployed.stderr).toBe(0);
}, 300_000);

afterAll(() => killAll());

async function increaseTime(seconds: number) {
  const test = createTestClient({ chain: hardhat, mode: "hardhat", transport: http(rpc) });
  await test.increaseTime({ seconds });
  await test.mine({ blocks: 1 });
}

describe("royalty CLI for every participant", () => {
  it("should take a marketplace, an asset owner and recipients from a new key to a claim", async () => {
    const keyFile = join(dir, "payer-key.json");
    const made = await json(["keys", "new", "--out", keyFile]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const secret = JSON.parse(readFileSync(keyFile, "utf8")).privateKey as string;
    const shown = await json(["keys", "show", "--payer-key-file", keyFile]);
    expect(shown.publicKey).toEqual(made.publicKey);
    expect(JSON.stringify(shown)).not.toContain(secret.slice(2));
    const again = await royalty(["keys", "new", "--out", keyFile]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^error \[KEY_FILE_EXISTS\] .*never overwritten/);

    const payer = as(KEYS.payerA);
    const reg = await json(["payer", "register", ...on(), "--payer-key-file", keyFile], payer);
    expect(reg).toMatchObject({ action: "register", payer: address(KEYS.payerA) });
    expect(reg.hash).toMatch(/^0x[0-9a-f]{64}$/);
    const dep = await json(["payer", "deposit", ...on(), "--amount", "1ether"], payer);
    expect(dep).toMatchObject({ amount: "1000000000000000000", escrow: "1000000000000000000" });

    const split = `${address(CREATOR)}:7000,${address(CURATOR)}:3000`;
    const owner = as(KEYS.owner);
    await json(["asset", "register", ...on(), "--asset", "1", "--split", split], owner);
    const shownAsset = await json(["asset", "show", ...on(), "--asset", "1"]);
    expect(shownAsset).toMatchObject({
      owner: address(KEYS.owner),
      split: { recipients: [address(CREATOR), address(CURATOR)], bps: [7000, 3000] },
    });
    // A derived asset: asset 7 (a remix) routes 30% of each sale to asset 1, split again there.
    const derived = await json(
      [
        "asset",
        "register",
        ...on(),
        "--asset",
        "7",
        "--split",
        `${address(CURATOR)}:7000`,
        "--parent",
        "1:3000",
      ],
      owner,
    );
    expect(derived).toMatchObject({
      action: "register-asset",
      parent: { assetId: "1", bps: 3000 },
    });
    expect(await json(["asset", "show", ...on(), "--asset", "7"])).toMatchObject({
      level: 1,
      split: { recipients: [address(CURATOR)], bps: [7000], parent: { assetId: "1", bps: 3000 } },
    });
    const badParent = await royalty(
      [
        "asset",
        "register",
        ...on(),
        "--asset",
        "3",
        "--split",
        `${address(CURATOR)}:7000`,
        "--parent",
        "1:0",
      ],
      owner,
    );
    expect(badParent.stderr.trim()).toMatch(/^error \[INVALID_FIELD\] --parent must be ASSET:BPS/);
    const taken = await royalty(
      ["asset", "register", ...on(), "--asset", "1", "--split", split],
      owner,
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr.trim()).toBe(
      "error [CONTRACT_REVERT] registering asset 1 refused: asset 1 is already registered",
    );

    const { found } = await startProcess(
      [
        "--import",
        "tsx",
        CLI,
        "sequencer",
        "--deployment",
        deployment,
        "--db",
        join(dir, "seq.sqlite"),
        "--port",
        "0",
        "--provers",
        "1",
        "--threads",
        "0",
        "--max-wait-ms",
        "300",
        "--watcher-poll-ms",
        "200",
      ],
      (line) => (JSON.parse(line) as { listening?: string }).listening,
      { ...process.env, ROYALTY_SUBMITTER_KEY: KEYS.operator },
    );
    sequencer = found;

    const sales = join(dir, "sales.csv");
    writeFileSync(
      sales,
      [
        "saleId,assetId,amount,ref",
        ...[1, 2, 3, 4, 5].map((i) => `s${i},1,${i * 1000},sale-${i}`),
        "s6,7,10000,sale-6",
      ].join("\n"),
    );
    const send = (file: string, key: string) => [
      "events",
      "send",
      ...on(),
      "--file",
      file,
      "--sequencer",
      sequencer,
      "--payer-key-file",
      key,
    ];
    const sent = await json([...send(sales, keyFile), "--wait"], payer);
    expect(sent).toMatchObject({ sent: 6, alreadyAccepted: 0, firstSeq: "1", lastSeq: "6" });
    expect(sent.settled.txHash).toMatch(/^0x/);
    // Sending the same file again sends nothing: every line is already in the payer's chain.
    const resent = await json(send(sales, keyFile), payer);
    expect(resent).toMatchObject({ sent: 0, alreadyAccepted: 6 });

    const status = await json(["payer", "status", ...on(), "--sequencer", sequencer], payer);
    expect(status).toMatchObject({ registered: true, escrow: String(10n ** 18n - 25_000n) });
    expect(status.sequencer.nextSeq).toBe("7");

    const balance = await json(["account", "balance", ...on(), "--address", address(CREATOR)]);
    // Asset 1's 70% of 15,000, and of the 3,000 the remix routed up: 10,500 + 2,100.
    expect(balance.claimable).toBe("12600");
    const claimed = await json(["account", "claim", ...on()], as(CREATOR));
    expect(claimed).toMatchObject({ amount: "12600", account: address(CREATOR) });
    const relayed = await json(
      ["account", "claim", ...on(), "--for", address(CURATOR)],
      as(KEYS.outsider),
    );
    // 30% of 15,000, the remix's own 7,000 and 30% of the 3,000 routed up: 4,500 + 7,000 + 900.
    expect(relayed).toMatchObject({ amount: "12400", account: address(CURATOR) });

    const requested = await json(["payer", "withdraw", ...on(), "--amount", "1000"], payer);
    expect(requested.action).toBe("request-withdrawal");
    const early = await royalty(["payer", "withdraw", ...on(), "--complete"], payer);
    expect(early.stderr.trim()).toMatch(
      /^error \[CONTRACT_REVERT\] withdrawing refused: too early: possible from /,
    );
    const update = await json(
      ["asset", "update", ...on(), "--asset", "1", "--split", `${address(CREATOR)}:10000`],
      owner,
    );
    expect(update.action).toBe("update-split");
    const newKey = join(dir, "payer-key-2.json");
    await json(["keys", "new", "--out", newKey]);
    const rotation = await json(["payer", "rotate-key", ...on(), "--new-key-file", newKey], payer);
    expect(BigInt(rotation.effectiveAt)).toBeGreaterThan(0n);
    await increaseTime(61);
    expect(await json(["payer", "withdraw", ...on(), "--complete"], payer)).toMatchObject({
      amount: "1000",
    });
    // The running sequencer applies matured changes itself, so an outsider's apply either lands
    // or finds nothing pending; both leave the new split in force.
    const apply = await royalty(["asset", "apply", ...on(), "--asset", "1"], as(KEYS.outsider));
    if (apply.code !== 0) {
      expect(apply.stderr.trim()).toMatch(/^error \[CONTRACT_REVERT\] .*nothing is pending/);
    }
    expect(await json(["asset", "show", ...on(), "--asset", "1"])).toMatchObject({
      split: { recipients: [address(CREATOR)], bps: [10000] },
    });
  }, 300_000);

  it("should resume an interrupted send where the sequencer's chain stopped, sending nothing twice", async () => {
    const keyFile = join(dir, "payer-b-key.json");
    await json(["keys", "new", "--out", keyFile]);
    const payer = as(KEYS.payerB);
    await json(["payer", "register", ...on(), "--payer-key-file", keyFile], payer);
    await json(["payer", "deposit", ...on(), "--amount", "1000000"], payer);
    // Line 5 names asset 2, not registered yet: the send stops there after 4 accepted events.
    const sales = join(dir, "sales-b.jsonl");
    writeFileSync(
      sales,
      [1, 1, 1, 1, 2, 2]
        .map((assetId, i) => JSON.stringify({ assetId, amount: String(100 + i) }))
        .join("\n"),
    );
    const args = [
      "events",
      "send",
      ...on(),
      "--file",
      sales,
      "--sequencer",
      sequencer,
      "--payer-key-file",
      keyFile,
    ];
    const first = await royalty([...args, "--chunk", "2"], payer);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("[UNKNOWN_ASSET]");
    await json(
      ["asset", "register", ...on(), "--asset", "2", "--split", `${address(CREATOR)}:10000`],
      as(KEYS.owner),
    );
    let resumed: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 20 && !resumed; attempt++) {
      const r = await royalty([...args, "--json"], payer);
      if (r.code === 0) resumed = JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
      else if (!r.stderr.includes("UNKNOWN_ASSET")) throw new Error(r.stderr);
      else await new Promise((res) => setTimeout(res, 300)); // the sequencer sees the asset soon
    }
    expect(resumed).toMatchObject({ sent: 2, alreadyAccepted: 4, firstSeq: "1", lastSeq: "6" });
  }, 300_000);

  it("should print one line a person can act on, and exit 1, for each mistake", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ["payer", "deposit", ...on(), "--amount", "lots"],
        as(KEYS.payerA),
        /^error \[INVALID_FIELD\] --amount must be an integer/,
      ],
      [
        ["payer", "deposit", ...on(), "--amount", "1"],
        {},
        /^error \[NO_ACCOUNT_KEY\] set ROYALTY_ACCOUNT_KEY/,
      ],
      [
        ["payer", "deposit", ...on(), "--amount", "1"],
        { ROYALTY_ACCOUNT_KEY: "0x1234" },
        /^error \[INVALID_ACCOUNT_KEY\]/,
      ],
      [
        ["asset", "show", "--deployment", join(dir, "nope.json"), "--asset", "1"],
        {},
        /^error \[DEPLOYMENT_NOT_FOUND\] deployment file .*nope\.json does not exist/,
      ],
      [
        [
          "asset",
          "show",
          "--rpc",
          "http://127.0.0.1:9",
          "--rollup",
          address(KEYS.outsider),
          "--asset",
          "1",
        ],
        {},
        /^error \[RPC_UNREACHABLE\] the RPC at http:\/\/127\.0\.0\.1:9/,
      ],
      [
        ["asset", "show", "--rpc", rpc, "--rollup", address(KEYS.outsider), "--asset", "1"],
        {},
        /^error \[NO_ROLLUP_CODE\] no contract at/,
      ],
      [
        ["asset", "show", ...on(), "--asset", "99"],
        {},
        /^error \[UNKNOWN_ASSET\] asset 99 is not registered/,
      ],
      [
        ["asset", "register", ...on(), "--asset", "3", "--split", `${address(CREATOR)}:5000`],
        as(KEYS.owner),
        /^error \[CONTRACT_REVERT\] registering asset 3 refused: the split breaks a rule: bps must sum to 10000/,
      ],
      [["payer", "register", ...on()], as(KEYS.outsider), /^error \[NO_PAYER_KEY\]/],
      [
        ["deploy", "--params", "test", "--rpc", rpc],
        { ROYALTY_DEPLOYER_KEY: "0xnot-a-key" },
        /^error \[INVALID_DEPLOYER_KEY\]/,
      ],
      [
        ["deploy", "--params", "test", "--rpc", rpc, "--out", deployment],
        { ROYALTY_DEPLOYER_KEY: KEYS.deployer },
        /^error \[DEPLOYMENT_EXISTS\]/,
      ],
      [
        ["deploy", "--params", "test", "--rpc", rpc, "--out", join(dir, "unfunded.json")],
        { ROYALTY_DEPLOYER_KEY: UNFUNDED },
        /^error \[DEPLOYER_UNFUNDED\] the deployer 0x[0-9a-fA-F]{40} \(ROYALTY_DEPLOYER_KEY\) has no ETH/,
      ],
      [
        [
          "deploy",
          "--params",
          "test",
          "--rpc",
          rpc,
          "--token",
          address(CREATOR),
          "--out",
          join(dir, "no-token.json"),
        ],
        { ROYALTY_DEPLOYER_KEY: KEYS.deployer },
        /^error \[TOKEN_HAS_NO_CODE\] --token 0x[0-9a-fA-F]{40} has no contract code on this chain/,
      ],
      [
        ["verify", ...on(), "--batch", "999"],
        {},
        /^error \[BATCH_NOT_FOUND\] batch 999 is not settled on this rollup \(\d+ batches are/,
      ],
      [
        ["verify", ...on(), "--sequencer", "http://127.0.0.1:9"],
        {},
        /^error \[SEQUENCER_UNREACHABLE\] the sequencer at http:\/\/127\.0\.0\.1:9 does not answer/,
      ],
    ];
    for (const [args, env, expected] of cases) {
      const r = await royalty(args, env);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr.trim(), args.join(" ")).toMatch(expected);
    }
    // The sequencer refuses to start, one JSON line each: another set than the deployment's, a
    // submitter without ETH, and a second sequencer on the first one's port.
    const startUp = async (args: string[], submitter: string) => {
      const r = await royalty(
        ["sequencer", ...on(), "--db", join(dir, `s-${Math.random()}.sqlite`), ...args],
        { ROYALTY_SUBMITTER_KEY: submitter },
      );
      expect(r.code, r.stderr).toBe(1);
      return JSON.parse(r.stderr.trim().split("\n").at(-1) as string);
    };
    expect(await startUp(["--params", "default", "--port", "0"], KEYS.operator)).toMatchObject({
      level: "error",
      code: "PARAMS_MISMATCH",
      message: expect.stringMatching(/pass --params test/),
    });
    expect(await startUp(["--port", "0"], UNFUNDED)).toMatchObject({
      code: "SUBMITTER_UNFUNDED",
    });
    const busy = await royalty(
      ["sequencer", ...on(), "--db", join(dir, "second.sqlite"), "--port", new URL(sequencer).port],
      { ROYALTY_SUBMITTER_KEY: KEYS.operator },
    );
    expect(busy.code).toBe(1);
    const last = JSON.parse(busy.stderr.trim().split("\n").at(-1) as string);
    expect(last).toMatchObject({ level: "error", code: "PORT_IN_USE" });
    expect(last.message).toMatch(new RegExp(`port ${new URL(sequencer).port}`));
  }, 300_000);

  it("should verify and read splits through an RPC that caps log ranges and rate-limits", async () => {
    // A public RPC's habits in front of the node: eth_getLogs over more than 3 blocks refused
    // with the message such RPCs give, and every 4th request answered HTTP 429.
    const seen = { requests: 0, capped: 0, limited: 0 };
    const proxy = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => {
        body += d;
      });
      req.on("end", async () => {
        seen.requests++;
        if (seen.requests % 4 === 0) {
          seen.limited++;
          res
            .writeHead(429, { "content-type": "application/json" })
            .end('{"error":"rate limited"}');
          return;
        }
        const call = JSON.parse(body) as { id: number; method: string; params?: unknown[] };
        if (call.method === "eth_getLogs") {
          const f = call.params?.[0] as { fromBlock?: string; toBlock?: string };
          const numeric = (b?: string) => (b?.startsWith("0x") ? BigInt(b) : undefined);
          const from = numeric(f.fromBlock);
          const to = numeric(f.toBlock);
          if (from === undefined || to === undefined || to - from + 1n > 3n) {
            seen.capped++;
            res.writeHead(200, { "content-type": "application/json" }).end(
              JSON.stringify({
                jsonrpc: "2.0",
                id: call.id,
                error: {
                  code: -32005,
                  message: "query exceeds max block range, limited to a 3 block range",
                },
              }),
            );
            return;
          }
        }
        const upstream = await fetch(rpc, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        res.writeHead(upstream.status, { "content-type": "application/json" });
        res.end(await upstream.text());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const capped = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const verified = await royalty([
        "verify",
        ...on(),
        "--rpc",
        capped,
        "--sequencer",
        sequencer,
        "--json",
      ]);
      expect(verified.code, verified.stderr).toBe(0);
      const lines = verified.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(lines.length).toBeGreaterThan(1);
      expect(lines.every((l) => l.valid === true)).toBe(true);
      expect(await json(["asset", "show", ...on(), "--rpc", capped, "--asset", "1"])).toMatchObject(
        {
          split: { recipients: [address(CREATOR)], bps: [10000] },
        },
      );
      expect(seen.capped).toBeGreaterThan(0);
      expect(seen.limited).toBeGreaterThan(0);
    } finally {
      proxy.close();
    }
  }, 300_000);

  it("should know a testnet by its chain id: the chain type deploy takes, the --network that matches", async () => {
    // A node with Sepolia's chain id stands in for Sepolia (no network here).
    const port = 20_000 + Math.floor(Math.random() * 10_000);
    const { found: sepoliaRpc } = await startProcess(
      [
        join(PROJECT_ROOT, "node_modules/hardhat/dist/src/cli.js"),
        "node",
        "--chain-id",
        "11155111",
        "--hostname",
        "127.0.0.1",
        "--port",
        String(port),
      ],
      (line) => (line.includes("Started HTTP") ? `http://127.0.0.1:${port}` : undefined),
    );
    const deployer = { ROYALTY_DEPLOYER_KEY: KEYS.deployer };
    const file = join(dir, "sepolia.json");
    const wrongType = await royalty(
      ["deploy", "--params", "test", "--rpc", sepoliaRpc, "--chain", "op", "--out", file],
      deployer,
    );
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr.trim()).toBe(
      "error [CHAIN_TYPE_MISMATCH] --chain op does not match the RPC: Sepolia is an L1 (l1)",
    );
    const deployed = await royalty(
      ["deploy", "--params", "test", "--rpc", sepoliaRpc, "--out", file],
      deployer,
    );
    expect(deployed.code, deployed.stderr).toBe(0);
    const written = JSON.parse(readFileSync(file, "utf8"));
    expect(written).toMatchObject({ chainId: 11155111, chainType: "l1", chainName: "Sepolia" });
    const preset = await royalty([
      "asset",
      "show",
      "--network",
      "sepolia",
      "--rpc",
      sepoliaRpc,
      "--rollup",
      written.rollup,
      "--asset",
      "1",
    ]);
    expect(preset.stderr.trim()).toBe(
      "error [UNKNOWN_ASSET] asset 1 is not registered on this rollup",
    );
    const otherNetwork = await royalty([
      "asset",
      "show",
      "--network",
      "base-sepolia",
      "--deployment",
      file,
      "--asset",
      "1",
    ]);
    expect(otherNetwork.stderr.trim()).toBe(
      "error [WRONG_CHAIN] --network base-sepolia is chain 84532 but the deployment file is for chain 11155111",
    );
  }, 300_000);
});
