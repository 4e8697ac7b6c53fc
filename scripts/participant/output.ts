import { type Address, parseUnits } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { ADDRESS_RE } from "../../core/field.ts";
import { toJsonValue } from "../../core/json.ts";
import type { TxResult } from "../../sdk/actions/transact.ts";

/** Prints what a command did: one sentence for a person, or one JSON line with `--json`. */
export function report(json: boolean | undefined, sentence: string, data: Record<string, unknown>) {
  console.log(json ? JSON.stringify(toJsonValue(data)) : sentence);
}

/** A transaction's part of a report. */
export function txData(tx: TxResult) {
  return { hash: tx.hash, blockNumber: tx.blockNumber, gasUsed: tx.gasUsed };
}

/**
 * An amount in the token's smallest unit: an integer ("1000000"), or a decimal with a unit of
 * ETH's ("1.5ether", "20gwei") for ETH deployments and readers who think in ether.
 */
export function parseAmount(field: string, text: string | undefined): bigint {
  const t = (text ?? "").trim();
  if (/^\d+$/.test(t)) return BigInt(t);
  const m = /^(\d+(?:\.\d+)?)\s*(ether|eth|gwei)$/i.exec(t);
  if (m) return parseUnits(m[1] as string, m[2]?.toLowerCase() === "gwei" ? 9 : 18);
  throw new RoyaltyError(
    "INVALID_FIELD",
    `${field} must be an integer in the token's smallest unit (e.g. 1000000000000000000) or a decimal with ether/gwei (e.g. 1.5ether), not '${t}'`,
    { details: { field, value: t } },
  );
}

/** An id option: a positive integer. */
export function parseId(field: string, text: string | undefined): bigint {
  const t = (text ?? "").trim();
  if (!/^\d+$/.test(t) || BigInt(t) === 0n || BigInt(t) >= 2n ** 64n) {
    throw new RoyaltyError(
      "INVALID_FIELD",
      `${field} must be an integer from 1 to 2^64-1, not '${t}'`,
      {
        details: { field, value: t },
      },
    );
  }
  return BigInt(t);
}

/** An address option. */
export function parseAddress(field: string, text: string | undefined): Address {
  const t = (text ?? "").trim();
  if (!ADDRESS_RE.test(t)) {
    throw new RoyaltyError(
      "INVALID_FIELD",
      `${field} must be a 0x address (40 hex digits), not '${t}'`,
      {
        details: { field, value: t },
      },
    );
  }
  return t as Address;
}

/** `--split 0xA:7000,0xB:3000`: recipients and basis points (the contract checks the sum). */
export function parseSplit(text: string | undefined): { recipients: Address[]; bps: number[] } {
  const parts = (text ?? "").split(",").filter((p) => p.trim() !== "");
  if (parts.length === 0) {
    throw new RoyaltyError(
      "INVALID_FIELD",
      "--split must list ADDRESS:BPS pairs, e.g. 0xA…:7000,0xB…:3000",
      {
        details: { field: "split" },
      },
    );
  }
  const recipients: Address[] = [];
  const bps: number[] = [];
  for (const part of parts) {
    const [address, share] = part.split(":");
    recipients.push(parseAddress("--split recipient", address));
    if (!/^\d+$/.test(share?.trim() ?? "") || Number(share) > 10_000) {
      throw new RoyaltyError(
        "INVALID_FIELD",
        `--split share of ${address} must be basis points from 0 to 10000, not '${share}'`,
        { details: { field: "split", value: part } },
      );
    }
    bps.push(Number(share));
  }
  return { recipients, bps };
}

/** `--parent 12:2000`: the parent asset a split names and its basis points. */
export function parseParent(
  text: string | undefined,
): { assetId: bigint; bps: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(text);
  const assetId = m ? BigInt(m[1] as string) : 0n;
  const bps = m ? Number(m[2]) : 0;
  if (!m || assetId === 0n || assetId >= 1n << 64n || bps < 1 || bps > 10_000) {
    throw new RoyaltyError(
      "INVALID_FIELD",
      `--parent must be ASSET:BPS, an asset id from 1 to 2^64-1 and basis points from 1 to 10000, e.g. 12:2000, not '${text}'`,
      { details: { field: "parent", value: text } },
    );
  }
  return { assetId, bps };
}

/** Unix seconds as an ISO time for sentences. */
export const when = (t: bigint) => new Date(Number(t) * 1000).toISOString();
