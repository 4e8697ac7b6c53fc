import type { Address } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { deposit } from "../../sdk/actions/deposit.ts";
import { getPayer } from "../../sdk/actions/get-payer.ts";
import { registerPayer } from "../../sdk/actions/register-payer.ts";
import { requestKeyRotation } from "../../sdk/actions/request-key-rotation.ts";
import { requestWithdrawal } from "../../sdk/actions/request-withdrawal.ts";
import { withdraw } from "../../sdk/actions/withdraw.ts";
import { SequencerTransport } from "../../sdk/transport.ts";
import { accountFromEnv, type ChainOptions, connect, payerKeyOf, writerOf } from "./connection.ts";
import { parseAddress, parseAmount, report, txData, when } from "./output.ts";

/** `royalty payer register`: registers ROYALTY_ACCOUNT_KEY's account with its payer key. */
export async function payerRegisterCommand(o: ChainOptions & { payerKeyFile?: string }) {
  const key = await payerKeyOf(o);
  const w = writerOf(await connect(o));
  const tx = await registerPayer(w, { key });
  const payer = w.walletClient.account.address;
  report(o.json, `registered payer ${payer}; tx ${tx.hash}`, {
    action: "register",
    payer,
    ...txData(tx),
  });
}

/** `royalty payer deposit --amount A`: adds to the account's escrow (ERC-20: approves first). */
export async function payerDepositCommand(o: ChainOptions & { amount: string }) {
  const amount = parseAmount("--amount", o.amount);
  const w = writerOf(await connect(o));
  const tx = await deposit(w, { amount });
  const state = await getPayer(w, { payer: w.walletClient.account.address });
  report(
    o.json,
    `deposited ${amount} into the escrow of ${state.payer} (escrow now ${state.escrow})${tx.approval ? `; approval tx ${tx.approval.hash}` : ""}; tx ${tx.hash}`,
    { action: "deposit", payer: state.payer, amount, escrow: state.escrow, ...txData(tx) },
  );
}

/**
 * `royalty payer withdraw --amount A` requests a withdrawal; `--complete` pays out the matured
 * one. Requested amounts count against the escrow at once, for the sequencer too.
 */
export async function payerWithdrawCommand(
  o: ChainOptions & { amount?: string; complete?: boolean },
) {
  if ((o.amount === undefined) === !o.complete) {
    throw new RoyaltyError(
      "INVALID_FIELD",
      "give --amount A to request a withdrawal, or --complete to pay out a matured one",
      { details: { field: "amount" } },
    );
  }
  const w = writerOf(await connect(o));
  if (o.complete) {
    const tx = await withdraw(w);
    report(o.json, `withdrew ${tx.amount} to ${w.walletClient.account.address}; tx ${tx.hash}`, {
      action: "withdraw",
      amount: tx.amount,
      ...txData(tx),
    });
    return;
  }
  const amount = parseAmount("--amount", o.amount);
  const tx = await requestWithdrawal(w, { amount });
  report(
    o.json,
    `requested a withdrawal of ${amount}; run \`royalty payer withdraw --complete\` from ${when(tx.availableAt)}; tx ${tx.hash}`,
    { action: "request-withdrawal", amount, availableAt: tx.availableAt, ...txData(tx) },
  );
}

/** `royalty payer rotate-key --new-key-file FILE`: asks to replace the payer key after the delay. */
export async function payerRotateKeyCommand(o: ChainOptions & { newKeyFile: string }) {
  const key = await payerKeyOf({ payerKeyFile: o.newKeyFile });
  const w = writerOf(await connect(o));
  const tx = await requestKeyRotation(w, { key });
  const state = await getPayer(w, { payer: w.walletClient.account.address });
  report(
    o.json,
    `requested a key rotation to ${o.newKeyFile}; it can be applied from ${when(state.keyEffectiveAt)}; tx ${tx.hash}`,
    { action: "rotate-key", effectiveAt: state.keyEffectiveAt, ...txData(tx) },
  );
}

/**
 * `royalty payer status [--address A] [--sequencer URL]`: escrow and pending changes on chain and,
 * with a sequencer, what its accepted events have committed and the next seq.
 */
export async function payerStatusCommand(
  o: ChainOptions & { address?: string; sequencer?: string },
) {
  const c = await connect(o);
  const payer: Address = o.address
    ? parseAddress("--address", o.address)
    : accountFromEnv().address;
  const state = await getPayer(c, { payer });
  const data: Record<string, unknown> = { ...state };
  let sentence = state.registered
    ? `payer ${payer}: escrow ${state.escrow}, pending withdrawal ${state.pendingWithdrawal}${state.withdrawalAvailableAt ? ` (from ${when(state.withdrawalAvailableAt)})` : ""}${state.keyEffectiveAt ? `, key rotation from ${when(state.keyEffectiveAt)}` : ""}`
    : `${payer} is not a registered payer`;
  if (o.sequencer) {
    const sequencer = new SequencerTransport({ baseUrl: o.sequencer, retries: 0 });
    const seq = await sequencer.find<{ pendingDebits: string; available: string; nextSeq: string }>(
      `/v1/payers/${payer}`,
    );
    if (seq) {
      data.sequencer = seq;
      sentence += `; sequencer: pending debits ${seq.pendingDebits}, available ${seq.available}, next seq ${seq.nextSeq}`;
    } else {
      sentence += "; the sequencer has not seen this payer yet";
    }
  }
  report(o.json, sentence, data);
}
