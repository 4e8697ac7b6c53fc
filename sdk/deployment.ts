import { readFile } from "node:fs/promises";
import type { Address, PublicClient } from "viem";
import { RoyaltyError } from "../core/errors.ts";
import { ADDRESS_RE } from "../core/field.ts";
import type { CircuitParams } from "../core/params.ts";
import { royaltyRollupAbi } from "./rollup-abi.ts";

/** What `royalty deploy` writes: every command finds a deployment again from this file. */
export interface Deployment {
  chainId: number;
  chainType: string;
  chainName?: string;
  params: string;
  token: Address;
  rollup: Address;
  verifier: Address;
  deployBlock: string;
  withdrawalDelay: number;
  splitDelay: number;
  /** the only address that may settle until forcedSettlementDelay passes without a settlement */
  operator?: Address;
  forcedSettlementDelay?: number;
  insecureKeys: boolean;
  rpc?: string;
}

/**
 * Circuit sizes of a deployment's verifier, as the contract reports them: a parameter set's
 * sizes (`core/params.ts` CircuitParams, which says what each means), per batch.
 */
export interface RollupSizes extends Pick<CircuitParams, "N" | "K" | "A" | "P" | "R" | "D"> {}

/** A deployment as read from its contract: what clients need to sign and act, nothing by hand. */
export interface RollupInfo {
  chainId: number;
  rollup: Address;
  /** ERC-20 of the escrow, or the zero address for ETH */
  token: Address;
  /** Poseidon(chainId, rollup): every event and key hash is bound to it */
  domain: bigint;
  sizes: RollupSizes;
  withdrawalDelay: bigint;
  splitDelay: bigint;
  /** first block worth reading logs from (the deployment block when a file says it, else 0) */
  fromBlock: bigint;
  /** the parameter set named by the deployment file, when there is one */
  params?: string;
}

const ADDRESS = ADDRESS_RE;
const REQUIRED = ["chainId", "rollup", "token", "params"] as const;

/**
 * Reads and checks a deployment file written by `royalty deploy`.
 *
 * @example
 * const deployment = await readDeploymentFile("deployments/31337-l1-test.json");
 */
export async function readDeploymentFile(file: string): Promise<Deployment> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
    throw new RoyaltyError(
      "DEPLOYMENT_NOT_FOUND",
      missing
        ? `deployment file ${file} does not exist: pass the file \`royalty deploy\` wrote (deployments/<chainId>-<chain>-<set>.json)`
        : `deployment file ${file} cannot be read: ${(cause as Error).message}`,
      { cause, details: { file } },
    );
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (cause) {
    throw new RoyaltyError(
      "DEPLOYMENT_MALFORMED",
      `deployment file ${file} is not JSON (${(cause as Error).message})`,
      { cause, details: { file } },
    );
  }
  for (const field of REQUIRED) {
    if (json[field] === undefined) {
      throw new RoyaltyError(
        "DEPLOYMENT_MALFORMED",
        `deployment file ${file} has no '${field}': it was not written by \`royalty deploy\``,
        { details: { file, field } },
      );
    }
  }
  for (const field of ["rollup", "token"] as const) {
    if (!ADDRESS.test(String(json[field]))) {
      throw new RoyaltyError(
        "DEPLOYMENT_MALFORMED",
        `deployment file ${file}: '${field}' must be a 0x address (40 hex digits)`,
        { details: { file, field } },
      );
    }
  }
  return json as unknown as Deployment;
}

/**
 * Asks the rollup contract for everything a client needs (domain, circuit sizes, token, delays)
 * after checking that the RPC serves the deployment's chain and that the address holds code.
 *
 * @example
 * const info = await getDeployment(publicClient, { deployment: await readDeploymentFile(file) });
 * const info2 = await getDeployment(publicClient, { rollup: "0x…" });
 */
export async function getDeployment(
  client: PublicClient,
  source: { deployment: Deployment } | { rollup: Address; fromBlock?: bigint },
): Promise<RollupInfo> {
  const file = "deployment" in source ? source.deployment : undefined;
  const rollup = file ? file.rollup : (source as { rollup: Address }).rollup;
  if (!ADDRESS.test(rollup)) {
    throw new RoyaltyError("INVALID_FIELD", "'rollup' must be a 0x address (40 hex digits)", {
      details: { field: "rollup", value: rollup },
    });
  }
  const chainId = await client.getChainId();
  if (file && file.chainId !== chainId) {
    throw new RoyaltyError(
      "WRONG_CHAIN",
      `the deployment is on chain ${file.chainId} but the RPC serves chain ${chainId}: use the deployment's RPC or its own file`,
      { details: { expected: file.chainId, actual: chainId } },
    );
  }
  const code = await client.getCode({ address: rollup });
  if (!code || code === "0x") {
    throw new RoyaltyError(
      "NO_ROLLUP_CODE",
      `no contract at ${rollup} on chain ${chainId}: wrong address, or a node restarted since the deployment`,
      { details: { rollup, chainId } },
    );
  }
  const read = <F extends "domain" | "token" | "withdrawalDelay" | "splitDelay">(functionName: F) =>
    client.readContract({ address: rollup, abi: royaltyRollupAbi, functionName });
  const size = (
    functionName:
      | "eventSlots"
      | "maxRecipients"
      | "assetSlots"
      | "payerSlots"
      | "recipientSlots"
      | "maxLineageDepth",
  ) =>
    client
      .readContract({ address: rollup, abi: royaltyRollupAbi, functionName })
      .then((v) => Number(v));
  const [domain, token, withdrawalDelay, splitDelay, N, K, A, P, R, D] = await Promise.all([
    read("domain"),
    read("token"),
    read("withdrawalDelay"),
    read("splitDelay"),
    size("eventSlots"),
    size("maxRecipients"),
    size("assetSlots"),
    size("payerSlots"),
    size("recipientSlots"),
    size("maxLineageDepth"),
  ]);
  return {
    chainId,
    rollup,
    token: token as Address,
    domain: domain as bigint,
    sizes: { N, K, A, P, R, D },
    withdrawalDelay: withdrawalDelay as bigint,
    splitDelay: splitDelay as bigint,
    fromBlock: file
      ? BigInt(file.deployBlock ?? 0)
      : ((source as { fromBlock?: bigint }).fromBlock ?? 0n),
    ...(file ? { params: file.params } : {}),
  };
}

/**
 * Signing defaults that keep every run between two signatures within one batch of these sizes:
 * at most N events (every min(16, N)-th seq is signed) and at most A assets whose splits fit the
 * R recipient slots (a signature once min(A, ⌊R/K⌋) distinct assets were touched).
 */
export function signingDefaults(sizes: RollupSizes): {
  signEvery: number;
  signAfterAssets: number;
} {
  return {
    signEvery: Math.min(16, sizes.N),
    signAfterAssets: Math.max(1, Math.min(sizes.A, Math.floor(sizes.R / sizes.K))),
  };
}
