// The royalty rollup SDK: a payer's event client for the sequencer's API, and one viem action per
// contract step of every participant (payers, asset owners, recipients).

export { refOf } from "../core/event.ts";
export { applyKeyRotation } from "./actions/apply-key-rotation.ts";
export { applySplitUpdate } from "./actions/apply-split-update.ts";
export { claim } from "./actions/claim.ts";
export { claimFor } from "./actions/claim-for.ts";
export { deposit } from "./actions/deposit.ts";
export { getClaimable } from "./actions/get-claimable.ts";
export { getPayer, type PayerState } from "./actions/get-payer.ts";
export { type AssetState, getSplit, type Split } from "./actions/get-split.ts";
export { registerAsset, type SplitInput } from "./actions/register-asset.ts";
export { registerPayer } from "./actions/register-payer.ts";
export { requestKeyRotation } from "./actions/request-key-rotation.ts";
export { requestWithdrawal } from "./actions/request-withdrawal.ts";
export type { RollupReader, RollupWriter, TxResult } from "./actions/transact.ts";
export { updateSplit } from "./actions/update-split.ts";
export { withdraw } from "./actions/withdraw.ts";
export {
  type Ack,
  type ConnectOptions,
  type EventInput,
  type EventStatus,
  type PreparedRequest,
  RoyaltyClient,
  type RoyaltyClientOptions,
} from "./client.ts";
export {
  type ConnectRollupOptions,
  chainOfId,
  connectRollup,
  NETWORKS,
  type RollupConnection,
  walletFor,
} from "./connect.ts";
export {
  type Deployment,
  getDeployment,
  type RollupInfo,
  type RollupSizes,
  readDeploymentFile,
  signingDefaults,
} from "./deployment.ts";
export { RoyaltyApiError } from "./errors.ts";
export { getLogsPaged } from "./logs.ts";
export {
  createPayerKey,
  derivePayerKey,
  loadPayerKey,
  PAYER_KEY_MESSAGE,
  type PayerKey,
  payerKeyHex,
} from "./payer-key.ts";
export { type ReceiptVerdict, verifyReceipt } from "./receipt.ts";
export { decodeRevert, explainRevert, revertError } from "./revert.ts";
export { royaltyRollupAbi } from "./rollup-abi.ts";
