import type { Address } from "viem";
import { claim } from "../../sdk/actions/claim.ts";
import { claimFor } from "../../sdk/actions/claim-for.ts";
import { getClaimable } from "../../sdk/actions/get-claimable.ts";
import { SequencerTransport } from "../../sdk/transport.ts";
import { accountFromEnv, type ChainOptions, connect, writerOf } from "./connection.ts";
import { parseAddress, report, txData } from "./output.ts";

/**
 * `royalty account balance [--address A] [--sequencer URL]`: claimable on chain and, with a
 * sequencer, credits of batches not settled yet.
 */
export async function accountBalanceCommand(
  o: ChainOptions & { address?: string; sequencer?: string },
) {
  const c = await connect(o);
  const account: Address = o.address
    ? parseAddress("--address", o.address)
    : accountFromEnv().address;
  const claimable = await getClaimable(c, { account });
  const data: Record<string, unknown> = { account, claimable };
  let sentence = `${account} can claim ${claimable}`;
  if (o.sequencer) {
    const sequencer = new SequencerTransport({ baseUrl: o.sequencer, retries: 0 });
    const body = await sequencer.find<{ pendingCredits: string }>(`/v1/accounts/${account}`);
    if (body) {
      data.pendingCredits = body.pendingCredits;
      sentence += `; ${body.pendingCredits} more in batches not settled yet`;
    }
  }
  report(o.json, sentence, data);
}

/** `royalty account claim [--for A]`: pays the claimable royalties (of A, to A, with --for). */
export async function accountClaimCommand(o: ChainOptions & { for?: string }) {
  const w = writerOf(await connect(o));
  const tx = o.for ? await claimFor(w, { account: parseAddress("--for", o.for) }) : await claim(w);
  const account = o.for ?? w.walletClient.account.address;
  report(o.json, `claimed ${tx.amount} for ${account}; tx ${tx.hash}`, {
    action: "claim",
    account,
    amount: tx.amount,
    ...txData(tx),
  });
}
