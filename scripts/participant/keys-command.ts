import { writeFile } from "node:fs/promises";
import { RoyaltyError } from "../../core/errors.ts";
import { createPayerKey, derivePayerKey, type PayerKey, payerKeyHex } from "../../sdk/payer-key.ts";
import { accountFromEnv, type PayerKeyFile, payerKeyOf } from "./connection.ts";
import { report } from "./output.ts";

const pub = (key: PayerKey) => ({ x: key.publicKey[0].toString(), y: key.publicKey[1].toString() });

/**
 * `royalty keys new --out FILE`: a payer key from secure randomness, or with --derive from the
 * signature of ROYALTY_ACCOUNT_KEY's account over a fixed message (the same account always
 * derives the same key). The file is created with mode 0600 and never overwritten; the private
 * key is never printed.
 */
export async function keysNewCommand(o: { out: string; derive?: boolean; json?: boolean }) {
  const key = o.derive ? await derivePayerKey(accountFromEnv()) : createPayerKey();
  const file: PayerKeyFile = {
    type: "royalty-payer-key",
    privateKey: payerKeyHex(key),
    publicKey: pub(key),
  };
  try {
    await writeFile(o.out, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") {
      throw new RoyaltyError(
        "KEY_FILE_EXISTS",
        `${o.out} exists: a payer key is never overwritten (it may guard escrow); choose another --out`,
      );
    }
    throw cause;
  }
  report(
    o.json,
    `wrote a new payer key to ${o.out} (mode 0600${o.derive ? ", derived from the account's signature" : ""}); public key x=${file.publicKey.x} y=${file.publicKey.y}`,
    { file: o.out, derived: Boolean(o.derive), publicKey: file.publicKey },
  );
}

/** `royalty keys show`: the public key of the payer key in use (the private key is not shown). */
export async function keysShowCommand(o: { payerKeyFile?: string; json?: boolean }) {
  const key = await payerKeyOf(o);
  const p = pub(key);
  report(o.json, `payer public key x=${p.x} y=${p.y}`, { publicKey: p });
}
