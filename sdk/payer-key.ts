import { randomBytes } from "node:crypto";
import { type Hex, hexToBytes, keccak256, toHex } from "viem";
import { isSmallOrderKey, type PubKey, publicKeyOf } from "../core/eddsa.ts";
import { RoyaltyError } from "../core/errors.ts";

/**
 * The message a wallet signs to derive its payer key (as zkSync derives its L2 key): the same
 * wallet always gets the same key, so a marketplace keeps one secret. Never change it: every key
 * derived so far would change with it.
 */
export const PAYER_KEY_MESSAGE =
  "Royalty rollup payer key\n\nSigning this message derives the Baby Jubjub key that signs your royalty events. Sign it only in software you trust: whoever has this signature can sign events that spend your escrow.";

/** A payer's Baby Jubjub EdDSA key: the 32-byte private key and its public point. */
export interface PayerKey {
  privateKey: Uint8Array;
  publicKey: PubKey;
}

function keyOf(privateKey: Uint8Array): PayerKey {
  const publicKey = publicKeyOf(privateKey);
  // A private key always yields a prime-order point; checked anyway, as the contract refuses others.
  if (isSmallOrderKey(publicKey)) {
    throw new RoyaltyError("SMALL_ORDER_KEY", "this private key yields a small-order public key");
  }
  return { privateKey, publicKey };
}

/**
 * A new payer key from the operating system's secure randomness.
 *
 * @example
 * const key = createPayerKey();
 * console.log(payerKeyHex(key)); // keep it secret, e.g. in ROYALTY_PAYER_KEY
 */
export function createPayerKey(): PayerKey {
  return keyOf(new Uint8Array(randomBytes(32)));
}

/**
 * A payer key from its 0x-prefixed 64-hex-digit private key (as `payerKeyHex` prints it).
 *
 * @example
 * const key = loadPayerKey(process.env.ROYALTY_PAYER_KEY!);
 */
export function loadPayerKey(hex: string): PayerKey {
  const text = hex.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(text)) {
    throw new RoyaltyError(
      "INVALID_PAYER_KEY",
      "a payer key is 0x followed by 64 hex digits (32 bytes), as `royalty keys new` prints it",
    );
  }
  return keyOf(hexToBytes(text as Hex));
}

/**
 * The payer key of an Ethereum account: keccak256 of its signature of PAYER_KEY_MESSAGE. Needs a
 * signer with deterministic signatures (RFC 6979, as every EOA wallet and viem's local accounts).
 *
 * @example
 * const key = await derivePayerKey(privateKeyToAccount(process.env.MARKETPLACE_KEY));
 */
export async function derivePayerKey(signer: {
  signMessage: (args: { message: string }) => Promise<Hex>;
}): Promise<PayerKey> {
  const signature = await signer.signMessage({ message: PAYER_KEY_MESSAGE });
  return keyOf(hexToBytes(keccak256(signature)));
}

/** The private key as loadPayerKey reads it. */
export function payerKeyHex(key: PayerKey): Hex {
  return toHex(key.privateKey);
}
