import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type Log,
  type PublicClient,
  parseEventLogs,
  type Transport,
  type WalletClient,
} from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { revertError } from "../revert.ts";
import { royaltyRollupAbi } from "../rollup-abi.ts";

/** What every read action needs: a client of the rollup's chain and the rollup's address. */
export interface RollupReader {
  publicClient: PublicClient;
  rollup: Address;
}

/** What every write action needs: a reader plus a wallet with an account that pays and signs. */
export interface RollupWriter extends RollupReader {
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
}

/** A mined transaction of an action. */
export interface TxResult {
  hash: Hex;
  blockNumber: bigint;
  gasUsed: bigint;
  /** the rollup's events the transaction emitted, decoded */
  events: ReturnType<typeof parseEventLogs<typeof royaltyRollupAbi>>;
}

// The actions choose function names and arguments; the typed ABI checks them at each action.
const rollupAbi: Abi = royaltyRollupAbi;

/**
 * Simulates the call first (a revert becomes a decoded custom error before any gas is spent),
 * sends it, and waits for its receipt. `action` names the step in error messages.
 */
export async function transact(
  ctx: RollupWriter,
  action: string,
  call: {
    functionName: string;
    args: readonly unknown[];
    value?: bigint;
    address?: Address;
    abi?: Abi;
  },
): Promise<TxResult> {
  let hash: Hex;
  try {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account,
      address: call.address ?? ctx.rollup,
      abi: call.abi ?? rollupAbi,
      functionName: call.functionName,
      args: call.args,
      ...(call.value === undefined ? {} : { value: call.value }),
    });
    hash = await ctx.walletClient.writeContract(
      request as Parameters<WalletClient["writeContract"]>[0],
    );
  } catch (error) {
    throw revertError(action, error);
  }
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") {
    throw new RoyaltyError("TX_REVERTED", `${action}: transaction ${hash} reverted when mined`, {
      details: { hash, blockNumber: String(receipt.blockNumber) },
    });
  }
  const own = receipt.logs.filter((l: Log) => l.address.toLowerCase() === ctx.rollup.toLowerCase());
  return {
    hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    events: parseEventLogs({ abi: royaltyRollupAbi, logs: own }),
  };
}
