import type { PubKey } from "../../core/eddsa.ts";
import type { PayerKey } from "../payer-key.ts";
import { type RollupWriter, type TxResult, transact } from "./transact.ts";

/**
 * Asks for a new payer key; it replaces the old one after the withdrawal delay (anyone may then
 * apply it). Until then the sequencer takes the old key, and refuses it near the switch.
 *
 * @example
 * const next = createPayerKey();
 * await requestKeyRotation(writer, { key: next });
 */
export function requestKeyRotation(
  ctx: RollupWriter,
  o: { key: PayerKey | PubKey },
): Promise<TxResult> {
  const [x, y] = "publicKey" in o.key ? o.key.publicKey : o.key;
  return transact(ctx, "requesting the key rotation", {
    functionName: "requestKeyRotation",
    args: [x, y],
  });
}
