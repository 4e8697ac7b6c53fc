import { BaseError, ContractFunctionRevertedError } from "viem";
import { RoyaltyError } from "../core/errors.ts";

/** A RoyaltyRollup custom error as decoded from a revert. */
export interface DecodedRevert {
  name: string;
  args: readonly unknown[];
}

/** The custom error inside a viem error (a simulation or a call that reverted), if it has one. */
export function decodeRevert(error: unknown): DecodedRevert | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError) || !reverted.data) return undefined;
  return { name: reverted.data.errorName, args: reverted.data.args ?? [] };
}

const time = (t: unknown) => new Date(Number(t) * 1000).toISOString();

/** One sentence per custom error of contracts/IRoyaltyRollup.sol, with its numbers. */
const SENTENCES: Record<string, (a: readonly unknown[]) => string> = {
  AlreadyRegistered: (a) => `payer ${a[0]} is already registered (rotate its key instead)`,
  NotRegistered: (a) => `${a[0]} is not a registered payer: run \`royalty payer register\` first`,
  KeyNotOnCurve: () => "the payer public key is not a point of Baby Jubjub",
  ZeroAmount: () => "the amount must be above zero",
  WrongValue: (a) => `the call must send exactly ${a[0]} wei with it, not ${a[1]}`,
  EthNotAccepted: () => "this deployment's escrow is an ERC-20 token: it takes no ETH",
  TransferFailed: () => "the token or ETH transfer failed",
  NothingPending: () =>
    "nothing is pending: no withdrawal, key rotation or split update was requested, or no royalties are claimable",
  TooEarly: (a) => `too early: possible from ${time(a[0])}`,
  InsufficientEscrow: (a) =>
    `payer ${a[0]} has ${a[1]} in escrow (after pending withdrawals), less than the ${a[2]} needed`,
  AssetExists: (a) => `asset ${a[0]} is already registered`,
  UnknownAsset: (a) => `asset ${a[0]} is not registered`,
  NotAssetOwner: (a) => `only the owner of asset ${a[0]} may change its split`,
  BadSplit: (a) => `the split breaks a rule: ${a[0]}`,
  WrongBatchNumber: (a) => `the next batch to settle is ${a[0]}, not ${a[1]}`,
  BadBatchShape: (a) => `the batch does not fit this deployment's circuit sizes (${a[0]})`,
  PayersNotSorted: () => "the batch's payers are not strictly increasing",
  StalePayerHead: (a) => `payer ${a[0]}'s settled head is ${a[1]}, the batch starts from ${a[2]}`,
  WrongSplitHash: (a) => `asset ${a[0]}'s split hash is ${a[1]}, the batch used ${a[2]}`,
  InvalidProof: () => "the batch proof does not verify",
  Reentrancy: () => "reentrant call refused",
  NotOperator: (a) =>
    `${a[0]} is not the operator: anyone may settle only from ${time(a[1])} if no batch settles until then`,
  ZeroOperator: () => "the operator cannot be the zero address",
  EmptyBatch: () => "a batch must carry at least one event",
  SmallOrderKey: () => "the payer public key has small order: make a key with `royalty keys new`",
  AmountTooLarge: (a) => `the amount ${a[0]} is above the largest allowed, ${a[1]}`,
  EscrowOverflow: (a) => `payer ${a[0]}'s escrow ${a[1]} plus ${a[2]} would overflow 128 bits`,
  TokenHasNoCode: (a) => `the token ${a[0]} has no contract code`,
  BalanceOverflow: (a) => `account ${a[0]}'s claimable balance would overflow`,
  LineageTooDeep: (a) =>
    `asset ${a[0]} would sit at lineage level ${a[1]}, above this deployment's depth ${a[2]}: name a parent of a lower level`,
  ParentLevelTooHigh: (a) =>
    `asset ${a[0]} is at lineage level ${a[3]}, fixed at registration, and its parent ${a[1]} is at level ${a[2]}: a parent must be of a lower level (and never the asset itself)`,
  // The split hash library's own error (contracts/lib/SplitHash.sol), carried as it is named.
  SplitHash__UnsupportedK: (a) =>
    `this deployment's K = ${a[0]} has no on-chain split hash (K must be 1 to 4): redeploy with a supported parameter set`,
};

const PREFIX = "RoyaltyRollup__";

/** A person's sentence for a decoded revert: "InsufficientEscrow(…)" → what it means, with numbers. */
export function explainRevert(revert: DecodedRevert): string {
  const short = revert.name.startsWith(PREFIX) ? revert.name.slice(PREFIX.length) : revert.name;
  const sentence = SENTENCES[short];
  return sentence ? sentence(revert.args) : `${revert.name}(${revert.args.map(String).join(", ")})`;
}

/**
 * A failed contract call as a RoyaltyError: code CONTRACT_REVERT with the custom error's name and
 * arguments in `details` and a sentence as message, or the error as it came when it is no revert.
 */
export function revertError(action: string, error: unknown): unknown {
  const revert = decodeRevert(error);
  if (!revert) return error;
  return new RoyaltyError("CONTRACT_REVERT", `${action} refused: ${explainRevert(revert)}`, {
    cause: error,
    details: { error: revert.name, args: revert.args.map(String) },
  });
}
