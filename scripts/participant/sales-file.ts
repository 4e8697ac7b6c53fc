import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse } from "csv-parse/sync";
import { RoyaltyError } from "../../core/errors.ts";
import { refOf } from "../../core/event.ts";
import { ASSET_ID_BITS, requireAmount, requireBits } from "../../core/field.ts";

/** One sale of a marketplace's export: what a royalty event carries besides payer and seq. */
export interface Sale {
  assetId: bigint;
  amount: bigint;
  ref: bigint;
}

export interface SalesFile {
  sales: Sale[];
  /** sha256 of the file: a resumed send must continue the same file */
  sha256: string;
}

function saleOf(row: Record<string, unknown>, line: number): Sale {
  const field = (name: string) => {
    const v = row[name];
    return v === undefined || v === null ? "" : String(v).trim();
  };
  try {
    for (const name of ["assetId", "amount"]) {
      if (!/^\d+$/.test(field(name))) {
        throw new RoyaltyError("INVALID_FIELD", `'${name}' must be a decimal integer`, {
          details: { field: name, value: field(name) },
        });
      }
    }
    const assetId = requireBits("assetId", BigInt(field("assetId")), ASSET_ID_BITS, false);
    const amount = requireAmount("amount", BigInt(field("amount")));
    return { assetId, amount, ref: refOf(field("ref")) };
  } catch (error) {
    const e = error as RoyaltyError;
    throw new RoyaltyError("INVALID_SALE", `line ${line}: ${e.message}`, {
      details: { line, ...(e.details ?? {}) },
      cause: error,
    });
  }
}

/**
 * Reads a marketplace's sales export: CSV with a header naming `assetId`, `amount` and optionally
 * `ref` (other columns are ignored), or JSON lines of `{ "assetId", "amount", "ref"? }`. Every
 * line is checked before anything is sent; an error names the line and the field.
 */
export async function readSalesFile(file: string): Promise<SalesFile> {
  const bytes = await readFile(file);
  const text = bytes.toString("utf8");
  const jsonLines =
    [".jsonl", ".ndjson"].includes(extname(file).toLowerCase()) || text.trimStart().startsWith("{");
  const sales: Sale[] = [];
  if (jsonLines) {
    text.split("\n").forEach((raw, i) => {
      if (raw.trim() === "") return;
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        throw new RoyaltyError("INVALID_SALE", `line ${i + 1}: not a JSON object`, {
          details: { line: i + 1 },
        });
      }
      sales.push(saleOf(row, i + 1));
    });
  } else {
    let rows: Record<string, string>[];
    try {
      rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
    } catch (cause) {
      throw new RoyaltyError(
        "INVALID_SALE",
        `${file} is not valid CSV: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    const header = rows.length > 0 ? Object.keys(rows[0] as object) : [];
    for (const column of ["assetId", "amount"]) {
      if (rows.length > 0 && !header.includes(column)) {
        throw new RoyaltyError(
          "INVALID_SALE",
          `${file}: the CSV header must name an '${column}' column (found: ${header.join(", ")})`,
          { details: { field: column } },
        );
      }
    }
    rows.forEach((row, i) => {
      sales.push(saleOf(row, i + 2));
    });
  }
  if (sales.length === 0) {
    throw new RoyaltyError("INVALID_SALE", `${file} holds no sales`);
  }
  return { sales, sha256: createHash("sha256").update(bytes).digest("hex") };
}
