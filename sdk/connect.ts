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
import { baseSepolia, hardhat, optimismSepolia, sepolia } from "viem/chains";
import { RoyaltyError } from "../core/errors.ts";
import type { RollupReader, RollupWriter } from "./actions/transact.ts";
import {
  type Deployment,
  getDeployment,
  type RollupInfo,
  readDeploymentFile,
} from "./deployment.ts";

/** Chains with a preset (viem's definitions; `local` is `npx hardhat node` on its default port). */
export const NETWORKS: Record<string, Chain> = {
  sepolia,
  "op-sepolia": optimismSepolia,
  "base-sepolia": baseSepolia,
  local: { ...hardhat, rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } } },
};

/** viem's definition of a chain id when it has a preset, else a minimal one named by its id. */
export function chainOfId(chainId: number): Chain {
  const known = Object.values(NETWORKS).find((c) => c.id === chainId);
  return known ?? { ...hardhat, id: chainId, name: `chain ${chainId}` };
}

/** A rollup found and checked on its chain: clients, address and what the contract says. */
export interface RollupConnection extends RollupReader {
  info: RollupInfo;
  chain: Chain;
  rpc: string;
  deployment?: Deployment;
}

export type ConnectRollupOptions = {
  /** the chain's JSON-RPC URL; default: the one the deployment file names */
  rpc?: string;
  /** the chain, when the RPC's id alone does not say it (a preset is picked by id otherwise) */
  chain?: Chain;
  /** the account that sends transactions; without it the connection only reads */
  account?: Account;
} & ({ deployment: string | Deployment } | { rollup: Address; fromBlock?: bigint });

/**
 * Connects to a deployment: from a file `royalty deploy` wrote (its RPC, unless `rpc` says
 * another) or a rollup address on `rpc`. Checks the chain id and the code, reads the domain,
 * sizes, token and delays; with `account`, the result is a writer every action takes.
 *
 * @example
 * const rollup = await connectRollup({ deployment: "deployment.json", account });
 * await deposit(rollup, { amount: parseEther("1") });
 */
export async function connectRollup(
  o: ConnectRollupOptions & { account: Account },
): Promise<RollupConnection & RollupWriter>;
export async function connectRollup(o: ConnectRollupOptions): Promise<RollupConnection>;
export async function connectRollup(
  o: ConnectRollupOptions,
): Promise<RollupConnection | (RollupConnection & RollupWriter)> {
  const deployment =
    "deployment" in o
      ? typeof o.deployment === "string"
        ? await readDeploymentFile(o.deployment)
        : o.deployment
      : undefined;
  const rpc = o.rpc ?? deployment?.rpc;
  if (!rpc) {
    throw new RoyaltyError(
      "NO_RPC",
      "say which chain: an rpc URL, or a deployment file that names its rpc",
    );
  }
  const transport = http(rpc, { retryCount: 3 });
  const probe = o.chain ?? (deployment ? chainOfId(deployment.chainId) : undefined);
  const publicClient = createPublicClient({ chain: probe, transport }) as PublicClient;
  const info = await getDeployment(
    publicClient,
    deployment
      ? { deployment }
      : {
          rollup: (o as { rollup: Address }).rollup,
          fromBlock: (o as { fromBlock?: bigint }).fromBlock,
        },
  );
  const chain = o.chain ?? chainOfId(info.chainId);
  const connection: RollupConnection = {
    publicClient,
    rollup: info.rollup,
    info,
    chain,
    rpc,
    ...(deployment ? { deployment } : {}),
  };
  return o.account ? { ...connection, walletClient: walletFor(connection, o.account) } : connection;
}

/** A wallet client on the connection's chain and RPC, signing with `account`. */
export function walletFor(
  c: Pick<RollupConnection, "chain" | "rpc">,
  account: Account,
): WalletClient<Transport, Chain, Account> {
  return createWalletClient({ account, chain: c.chain, transport: http(c.rpc, { retryCount: 3 }) });
}
