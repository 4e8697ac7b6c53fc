import { readFile } from "node:fs/promises";
import type { Address, Chain } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { RoyaltyError } from "../../core/errors.ts";
import type { RollupWriter } from "../../sdk/actions/transact.ts";
import { connectRollup, NETWORKS, type RollupConnection, walletFor } from "../../sdk/connect.ts";
import { readDeploymentFile } from "../../sdk/deployment.ts";
import { loadPayerKey, type PayerKey } from "../../sdk/payer-key.ts";

function presetOf(network: string): Chain {
  const preset = NETWORKS[network];
  if (!preset) {
    throw new RoyaltyError(
      "UNKNOWN_NETWORK",
      `--network must be one of ${Object.keys(NETWORKS).join(", ")}, not '${network}'`,
    );
  }
  return preset;
}

/** Options every participant command takes to find the rollup. */
export interface ChainOptions {
  deployment?: string;
  rpc?: string;
  rollup?: string;
  network?: string;
  json?: boolean;
}

export type Connection = RollupConnection;

/**
 * The rollup a command acts on: from `--deployment FILE` (its RPC unless --rpc or --network), or
 * `--rpc URL --rollup ADDRESS`, or `--network NAME --rollup ADDRESS`. Checks the RPC's chain id and
 * the rollup's code, and reads its domain and sizes.
 */
export async function connect(o: ChainOptions): Promise<Connection> {
  const deployment = o.deployment ? await readDeploymentFile(o.deployment) : undefined;
  const preset = o.network ? presetOf(o.network) : undefined;
  const rpc = o.rpc ?? preset?.rpcUrls.default.http[0] ?? deployment?.rpc;
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
  if (deployment && preset && preset.id !== deployment.chainId) {
    throw new RoyaltyError(
      "WRONG_CHAIN",
      `--network ${o.network} is chain ${preset.id} but the deployment file is for chain ${deployment.chainId}`,
    );
  }
  if (o.rollup && deployment && o.rollup.toLowerCase() !== deployment.rollup.toLowerCase()) {
    throw new RoyaltyError(
      "WRONG_ROLLUP",
      `--rollup ${o.rollup} is not the deployment file's rollup ${deployment.rollup}`,
    );
  }
  return connectRollup({
    rpc,
    ...(preset ? { chain: preset } : {}),
    ...(deployment ? { deployment } : { rollup: o.rollup as Address }),
  });
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
  return { publicClient: c.publicClient, rollup: c.rollup, walletClient: walletFor(c, account) };
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
