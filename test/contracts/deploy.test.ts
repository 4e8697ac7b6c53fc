import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployCommand } from "../../scripts/commands/deploy.ts";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";
import { prepare } from "./fixture.ts";

// Hardhat's first default account: a public test key, funded on every local Hardhat node.
const HARDHAT_KEY_0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const PORT = 18_545 + Math.floor(Math.random() * 1000);
let node: ChildProcess;

beforeAll(async () => {
  await prepare();
  node = spawn(
    join(PROJECT_ROOT, "node_modules/.bin/hardhat"),
    ["node", "--hostname", "127.0.0.1", "--port", String(PORT)],
    {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    node.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Started HTTP")) resolve();
    });
    node.on("exit", (code) => reject(new Error(`hardhat node exited with ${code}`)));
  });
});

afterAll(() => {
  node?.kill("SIGTERM");
});

describe("royalty deploy", () => {
  it("should deploy to an RPC URL with the key from the environment and write the deployment JSON", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "royalty-deploy-")), "deployment.json");
    process.env.ROYALTY_DEPLOYER_KEY = HARDHAT_KEY_0;
    await deployCommand({
      params: "test",
      chain: "l1",
      rpc: `http://127.0.0.1:${PORT}`,
      out,
      withdrawalDelay: "60",
      splitDelay: "60",
    });
    const deployment = JSON.parse(readFileSync(out, "utf8"));
    expect(deployment).toMatchObject({
      chainId: 31337,
      chainType: "l1",
      params: "test",
      withdrawalDelay: 60,
      insecureKeys: true,
    });
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${PORT}`) });
    expect((await client.getCode({ address: deployment.rollup }))?.length ?? 0).toBeGreaterThan(2);
    expect((await client.getCode({ address: deployment.verifier }))?.length ?? 0).toBeGreaterThan(
      2,
    );
  });

  it("should refuse an RPC deployment without a key", async () => {
    delete process.env.ROYALTY_DEPLOYER_KEY;
    await expect(
      deployCommand({
        params: "test",
        chain: "op",
        rpc: `http://127.0.0.1:${PORT}`,
        withdrawalDelay: "60",
        splitDelay: "60",
      }),
    ).rejects.toThrow(/ROYALTY_DEPLOYER_KEY/);
  });
});
