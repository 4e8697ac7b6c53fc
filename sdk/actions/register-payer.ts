import type { PubKey } from "../../core/eddsa.ts";
import type { PayerKey } from "../payer-key.ts";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Registers the wallet's account as a payer with its Baby Jubjub public key: from then on the
 * sequencer takes events signed with that key and the rollup debits this account's escrow.
 *
 * @example
 * const key = createPayerKey();
 * const { hash } = await registerPayer(writer, { key });
 */
export function registerPayer(ctx: RollupWriter, o: { key: PayerKey | PubKey }): Promise<TxResult> {
  const [x, y] = "publicKey" in o.key ? o.key.publicKey : o.key;
  return transact(ctx, "registering the payer", { functionName: "registerPayer", args: [x, y] });
}
