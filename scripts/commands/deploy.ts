import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import hre from "hardhat";
import { createPublicClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { baseSepolia, optimismSepolia, sepolia } from "viem/chains";
import { RoyaltyError } from "../../core/errors.ts";
import { ADDRESS_RE } from "../../core/field.ts";
import { loadParams } from "../../core/params.ts";
import { type Deployment, deployRollup, ETH } from "../deploy/deploy-rollup.ts";
import { readManifest } from "../setup/manifest.ts";
import { artifactPaths, PROJECT_ROOT } from "../setup/paths.ts";

/** Testnets known by viem's chain definitions; an OP-stack chain settles with the op chain type. */
const KNOWN_CHAINS = [sepolia, baseSepolia, optimismSepolia];

async function describeRpc(
  url: string,
): Promise<{ chainId: number; name: string; chainType: "l1" | "op" | undefined }> {
  const chainId = await createPublicClient({ transport: http(url) }).getChainId();
  const known = KNOWN_CHAINS.find((c) => c.id === chainId);
  if (!known) return { chainId, name: `chain ${chainId}`, chainType: undefined };
  return {
    chainId,
    name: known.name,
    chainType: "sourceId" in known && known.sourceId !== undefined ? "op" : "l1",
  };
}

/**
 * Before spending anything: the deployer can pay, and the token (when one is given) is a contract.
 * Without these the deployment fails later with a raw revert or a bytecode dump.
 */
async function checkDeployer(rpc: string, key: `0x${string}`, token: string | undefined) {
  const client = createPublicClient({ transport: http(rpc) });
  const deployer = privateKeyToAccount(key).address;
  if ((await client.getBalance({ address: deployer })) === 0n) {
    throw new RoyaltyError(
      "DEPLOYER_UNFUNDED",
      `the deployer ${deployer} (ROYALTY_DEPLOYER_KEY) has no ETH on this chain to pay for the deployment: fund it first`,
    );
  }
  if (token && token !== ETH) {
    const code = await client.getCode({ address: token as `0x${string}` });
    if (!code || code === "0x") {
      throw new RoyaltyError(
        "TOKEN_HAS_NO_CODE",
        `--token ${token} has no contract code on this chain`,
      );
    }
  }
}

export interface DeployCommandOptions {
  params: string;
  /** chain type; default l1, or what a known testnet is */
  chain?: "l1" | "op";
  /** replace an existing deployment file */
  force?: boolean;
  rpc?: string;
  token?: string;
  out?: string;
  withdrawalDelay: string;
  splitDelay: string;
  /** the address that may settle (default: the deployer); the sequencer's submitter */
  operator?: string;
  forcedSettlementDelay?: string;
}

/**
 * Deploys RoyaltyRollup with the set's verifier. Without --rpc it deploys to an in-process chain
 * of the given type (a dry run: the chain ends with the process); with --rpc it deploys to that
 * endpoint with the key in ROYALTY_DEPLOYER_KEY (Sepolia, Base Sepolia, OP Sepolia, a local node).
 */
export async function deployCommand(options: DeployCommandOptions): Promise<void> {
  const params = loadParams(options.params);
  if (!existsSync(artifactPaths(params).verifierSol)) {
    throw new RoyaltyError(
      "NO_VERIFIER",
      `no verifier for set '${params.name}': run \`royalty setup --params ${params.name}\` first`,
    );
  }
  const key = process.env.ROYALTY_DEPLOYER_KEY?.trim();
  if (options.rpc && !key) {
    throw new RoyaltyError(
      "NO_DEPLOYER_KEY",
      "set ROYALTY_DEPLOYER_KEY to the 0x-prefixed private key that pays for the deployment",
    );
  }
  if (options.rpc && !/^0x[0-9a-fA-F]{64}$/.test(key as string)) {
    throw new RoyaltyError(
      "INVALID_DEPLOYER_KEY",
      "ROYALTY_DEPLOYER_KEY must be 0x followed by 64 hex digits (a secp256k1 private key)",
    );
  }
  if (options.operator !== undefined && !ADDRESS_RE.test(options.operator)) {
    throw new RoyaltyError("INVALID_OPERATOR", "--operator must be a 0x address (40 hex digits)");
  }
  if (options.token !== undefined && !ADDRESS_RE.test(options.token)) {
    throw new RoyaltyError("INVALID_TOKEN", "--token must be a 0x address (40 hex digits)");
  }
  if (options.out && existsSync(options.out) && !options.force) {
    throw new RoyaltyError(
      "DEPLOYMENT_EXISTS",
      `${options.out} exists: it may be the only record of a live deployment; choose another --out or pass --force`,
    );
  }
  // A known testnet decides the chain type itself (Base Sepolia and OP Sepolia are OP-stack).
  const remote = options.rpc ? await describeRpc(options.rpc) : undefined;
  if (remote?.chainType && options.chain && options.chain !== remote.chainType) {
    throw new RoyaltyError(
      "CHAIN_TYPE_MISMATCH",
      `--chain ${options.chain} does not match the RPC: ${remote.name} is ${remote.chainType === "op" ? "an OP-stack L2 (op)" : "an L1 (l1)"}`,
    );
  }
  const chainType = remote?.chainType ?? options.chain ?? "l1";
  if (options.rpc) await checkDeployer(options.rpc, key as `0x${string}`, options.token);
  await hre.tasks.getTask("build").run({ quiet: true });
  const connection = options.rpc
    ? await hre.network.create({
        network: "rpc",
        chainType,
        override: { url: options.rpc, accounts: [key as string] },
      })
    : await hre.network.create({ network: chainType });
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const token = (options.token ?? ETH) as `0x${string}`;
  const { rollup, verifier, operator, forcedSettlementDelay } = await deployRollup(viem, {
    params,
    token,
    withdrawalDelay: Number(options.withdrawalDelay),
    splitDelay: Number(options.splitDelay),
    operator: options.operator as `0x${string}` | undefined,
    forcedSettlementDelay:
      options.forcedSettlementDelay === undefined
        ? undefined
        : Number(options.forcedSettlementDelay),
  });
  const chainId = await publicClient.getChainId();
  const deployment: Deployment = {
    chainId,
    chainType,
    ...(remote ? { chainName: remote.name } : {}),
    params: params.name,
    token,
    rollup: rollup.address,
    verifier: verifier.address,
    deployBlock: String(await publicClient.getBlockNumber()),
    withdrawalDelay: Number(options.withdrawalDelay),
    splitDelay: Number(options.splitDelay),
    operator,
    forcedSettlementDelay,
    insecureKeys: readManifest(artifactPaths(params).manifest).keys?.insecure ?? true,
    ...(options.rpc ? { rpc: options.rpc } : {}),
  };
  const byName = join(PROJECT_ROOT, "deployments", `${chainId}-${chainType}-${params.name}.json`);
  // The default name is known only now; an existing file there is kept (it may be the only record
  // of a live deployment) and this one gets a name of its own.
  const out =
    options.out ??
    (existsSync(byName) && !options.force
      ? byName.replace(/\.json$/, `-${Date.now()}.json`)
      : byName);
  if (out !== byName && !options.out) console.log(`note: ${byName} exists and is kept`);
  await mkdir(join(out, ".."), { recursive: true });
  await writeFile(out, `${JSON.stringify(deployment, null, 2)}\n`);
  console.log(JSON.stringify({ level: "info", msg: "deployed", ...deployment, file: out }));
  if (!options.rpc)
    console.log(
      "note: in-process chain; it ends with this command. Use --rpc URL for a lasting deployment.",
    );
  await connection.close();
}
