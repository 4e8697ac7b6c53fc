import { readFile } from "node:fs/promises";
import {
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { baseSepolia, hardhat, optimismSepolia, sepolia } from "viem/chains";
import { RoyaltyError } from "../../core/errors.ts";
import type { RollupReader, RollupWriter } from "../../sdk/actions/transact.ts";
import {
  type Deployment,
  getDeployment,
  type RollupInfo,
  readDeploymentFile,
} from "../../sdk/deployment.ts";
import { loadPayerKey, type PayerKey } from "../../sdk/payer-key.ts";

/** `--network` presets: viem's chain definitions (their public RPC unless --rpc says another). */
export const NETWORKS: Record<string, Chain> = {
  sepolia,
  "op-sepolia": optimismSepolia,
  "base-sepolia": baseSepolia,
  local: { ...hardhat, rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } } },
};

/** Options every participant command takes to find the rollup. */
export interface ChainOptions {
  deployment?: string;
  rpc?: string;
  rollup?: string;
  network?: string;
  json?: boolean;
}

export interface Connection extends RollupReader {
  info: RollupInfo;
  deployment?: Deployment;
  chain: Chain;
}

function chainOf(o: ChainOptions, chainId: number | undefined): Chain {
  if (o.network) {
    const preset = NETWORKS[o.network];
    if (!preset) {
      throw new RoyaltyError(
        "UNKNOWN_NETWORK",
        `--network must be one of ${Object.keys(NETWORKS).join(", ")}, not '${o.network}'`,
      );
    }
    return preset;
  }
  const known = Object.values(NETWORKS).find((c) => c.id === chainId);
  return known ?? { ...hardhat, id: chainId ?? hardhat.id, name: `chain ${chainId}` };
}

/**
 * The rollup a command acts on: from `--deployment FILE` (its RPC unless --rpc or --network), or
 * `--rpc URL --rollup ADDRESS`, or `--network NAME --rollup ADDRESS`. Checks the RPC's chain id and
 * the rollup's code, and reads its domain and sizes.
 */
export async function connect(o: ChainOptions): Promise<Connection> {
  const deployment = o.deployment ? await readDeploymentFile(o.deployment) : undefined;
  const chain = chainOf(o, deployment?.chainId);
  const rpc = o.rpc ?? (o.network ? chain.rpcUrls.default.http[0] : deployment?.rpc);
  if (!rpc) {
    throw new RoyaltyError(
      "NO_RPC",
      "say which chain: --rpc URL, --network sepolia|op-sepolia|base-sepolia|local, or a --deployment file that names its rpc",
    );
  }
  if (!deployment && !o.rollup) {
    throw new RoyaltyError(
      "NO_ROLLUP",
      "say which rollup: --deployment FILE (written by `royalty deploy`) or --rollup ADDRESS",
    );
  }
  if (deployment && o.network && chain.id !== deployment.chainId) {
    throw new RoyaltyError(
      "WRONG_CHAIN",
      `--network ${o.network} is chain ${chain.id} but the deployment file is for chain ${deployment.chainId}`,
    );
  }
  const publicClient = createPublicClient({ chain, transport: http(rpc, { retryCount: 3 }) });
  const info = await getDeployment(
    publicClient as PublicClient,
    deployment ? { deployment } : { rollup: o.rollup as Address },
  );
  if (o.rollup && deployment && o.rollup.toLowerCase() !== deployment.rollup.toLowerCase()) {
    throw new RoyaltyError(
      "WRONG_ROLLUP",
      `--rollup ${o.rollup} is not the deployment file's rollup ${deployment.rollup}`,
    );
  }
  return {
    publicClient: publicClient as PublicClient,
    rollup: info.rollup,
    info,
    chain: { ...chain, id: info.chainId },
    ...(deployment ? { deployment } : {}),
  };
}

const HEX_KEY = /^0x[0-9a-fA-F]{64}$/;

/**
 * The Ethereum account that sends a participant's transactions: ROYALTY_ACCOUNT_KEY (0x + 64 hex
 * digits). Never echoed, never an option (options show in `ps` and shell history).
 */
export function accountFromEnv(variable = "ROYALTY_ACCOUNT_KEY"): PrivateKeyAccount {
  const key = process.env[variable]?.trim();
  if (!key) {
    throw new RoyaltyError(
      "NO_ACCOUNT_KEY",
      `set ${variable} to the 0x-prefixed private key of the account that sends this transaction`,
    );
  }
  if (!HEX_KEY.test(key)) {
    throw new RoyaltyError(
      "INVALID_ACCOUNT_KEY",
      `${variable} must be 0x followed by 64 hex digits (a secp256k1 private key)`,
    );
  }
  return privateKeyToAccount(key as `0x${string}`);
}

/** A writer for the connection, signing with the account of ROYALTY_ACCOUNT_KEY. */
export function writerOf(c: Connection, account = accountFromEnv()): RollupWriter {
  const rpc = (c.publicClient.transport as { url?: string }).url;
  const walletClient = createWalletClient({
    account,
    chain: c.chain,
    transport: http(rpc, { retryCount: 3 }),
  }) as WalletClient<Transport, Chain, Account>;
  return { publicClient: c.publicClient, rollup: c.rollup, walletClient };
}

/** The key file `royalty keys new` writes. */
export interface PayerKeyFile {
  type: "royalty-payer-key";
  privateKey: `0x${string}`;
  publicKey: { x: string; y: string };
}

/**
 * The payer's Baby Jubjub key: from `--payer-key-file FILE` (written by `royalty keys new`), else
 * from ROYALTY_PAYER_KEY.
 */
export async function payerKeyOf(o: { payerKeyFile?: string }): Promise<PayerKey> {
  if (o.payerKeyFile) {
    let file: PayerKeyFile;
    try {
      file = JSON.parse(await readFile(o.payerKeyFile, "utf8")) as PayerKeyFile;
    } catch (cause) {
      throw new RoyaltyError(
        "PAYER_KEY_FILE",
        `cannot read the payer key file ${o.payerKeyFile}: ${(cause as Error).message.split("\n")[0]}`,
        { cause },
      );
    }
    if (file?.type !== "royalty-payer-key") {
      throw new RoyaltyError(
        "PAYER_KEY_FILE",
        `${o.payerKeyFile} is not a payer key file written by \`royalty keys new\``,
      );
    }
    return loadPayerKey(file.privateKey);
  }
  const env = process.env.ROYALTY_PAYER_KEY;
  if (!env) {
    throw new RoyaltyError(
      "NO_PAYER_KEY",
      "no payer key: pass --payer-key-file FILE (from `royalty keys new`) or set ROYALTY_PAYER_KEY",
    );
  }
  return loadPayerKey(env);
}
