import type { CircuitParams } from "../../core/params.ts";

export type { Deployment } from "../../sdk/deployment.ts";

export interface DeployOptions {
  params: CircuitParams;
  /** ERC-20 address, or the zero address for ETH */
  token?: `0x${string}`;
  withdrawalDelay?: number;
  splitDelay?: number;
  /** who may settle (default: the deploying wallet) */
  operator?: `0x${string}`;
  /** seconds without a settlement after which anyone may settle (default one day) */
  forcedSettlementDelay?: number;
}

export const ETH: `0x${string}` = "0x0000000000000000000000000000000000000000";

// biome-ignore lint/suspicious/noExplicitAny: hardhat-viem's helpers are typed per artifact name.
type Viem = any;

/**
 * Deploys the Poseidon libraries, the set's generated Groth16 verifier and RoyaltyRollup
 * (linked to the libraries). Tests use this same routine as their fixture.
 */
export async function deployRollup(viem: Viem, options: DeployOptions) {
  const { params } = options;
  const libraries: Record<string, `0x${string}`> = {};
  // poseidon-solidity's own libraries, linked where contracts/lib/Poseidon.sol declares them.
  for (const name of ["PoseidonT3", "PoseidonT4", "PoseidonT5", "PoseidonT6"]) {
    libraries[name] = (await viem.deployContract(`poseidon-solidity/${name}.sol:${name}`)).address;
  }
  const verifier = await viem.deployContract(`RoyaltyVerifier_${params.name}`);
  const [wallet] = await viem.getWalletClients();
  const operator = options.operator ?? (wallet.account.address as `0x${string}`);
  const forcedSettlementDelay = options.forcedSettlementDelay ?? 86_400;
  const rollup = await viem.deployContract(
    "RoyaltyRollup",
    [
      options.token ?? ETH,
      verifier.address,
      { n: params.N, k: params.K, a: params.A, p: params.P, r: params.R, d: params.D },
      BigInt(options.withdrawalDelay ?? 3600),
      BigInt(options.splitDelay ?? 3600),
      operator,
      BigInt(forcedSettlementDelay),
    ],
    { libraries },
  );
  return { rollup, verifier, libraries, operator, forcedSettlementDelay };
}
