// The error catalogue (core/error-codes.ts) against the sources: every code raised anywhere is
// catalogued, no production module throws an uncoded error, every entry is raised somewhere,
// and docs/errors.md is the catalogue.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, httpStatusOf, isErrorCode } from "../../core/error-codes.ts";
import { codeFromWire, RoyaltyError } from "../../core/errors.ts";
import { ERRORS_DOC_FILE, errorsMarkdown } from "../../scripts/docs/errors-doc.ts";

const ROOT = join(import.meta.dirname, "../..");
const PRODUCTION = ["core", "prover", "sdk", "sequencer", "scripts"];
const CATALOGUE = "core/error-codes.ts";

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((f) => f.isFile() && /\.(ts|mjs)$/.test(f.name) && !f.name.endsWith(".d.ts"))
    .map((f) => relative(ROOT, join(f.parentPath, f.name)))
    .filter((f) => !f.includes("node_modules") && !f.startsWith("prover/native/build"));
}
const files = PRODUCTION.flatMap(sources).map((path) => ({
  path,
  text: readFileSync(join(ROOT, path), "utf8"),
}));

/** Codes a source raises: `new RoyaltyError("X"`, `RoyaltyApiError(status, "X"`, `code: "X"`. */
function raisedCodes(text: string): string[] {
  const patterns = [
    /RoyaltyError\(\s*"([A-Z][A-Z0-9_]*)"/g,
    /RoyaltyApiError\(\s*\d+,\s*"([A-Z][A-Z0-9_]*)"/g,
    /\bcode: "([A-Z][A-Z0-9_]*)"/g,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1] as string));
}

describe("the error catalogue", () => {
  it("should list every code the sources raise", () => {
    const missing = files.flatMap(({ path, text }) =>
      raisedCodes(text)
        .filter((code) => !isErrorCode(code))
        .map((code) => `${path}: ${code}`),
    );
    expect(missing).toEqual([]);
  });

  it("should leave no production module throwing an error without a catalogued code", () => {
    const uncoded = /(throw|reject\()\s*(new\s+)?(Error|RangeError|TypeError|SyntaxError)\(/;
    const offenders = files.flatMap(({ path, text }) =>
      text
        .split("\n")
        .map((line, i) => ({ line, at: `${path}:${i + 1}` }))
        // sequencer/dashboard.ts carries browser code as a string (a shim of node's assert).
        .filter(({ line }) => uncoded.test(line) && !line.includes("module.exports"))
        .map(({ at, line }) => `${at}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });

  it("should hold no code that nothing raises", () => {
    const used = new Set(
      files
        .filter((f) => f.path !== CATALOGUE)
        .flatMap(({ text }) => text.match(/"[A-Z][A-Z0-9_]+"/g) ?? []),
    );
    const unused = Object.keys(ERROR_CODES).filter((code) => !used.has(`"${code}"`));
    expect(unused).toEqual([]);
  });

  it("should give every code a meaning and a section that docs/protocol.md has", () => {
    const protocol = readFileSync(join(ROOT, "docs/protocol.md"), "utf8");
    const sections = new Set([...protocol.matchAll(/^## (\d+)\. /gm)].map((m) => `§${m[1]}`));
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(info.meaning.length, code).toBeGreaterThan(10);
      expect(sections.has(info.section), `${code}: ${info.section}`).toBe(true);
    }
  });

  it("should answer HTTP with the catalogued status, 500 for a code with none", () => {
    expect(httpStatusOf("UNKNOWN_PAYER")).toBe(422);
    expect(httpStatusOf("SEQ_GAP")).toBe(409);
    expect(httpStatusOf("REORG_TOO_DEEP")).toBe(500);
    for (const [code, info] of Object.entries(ERROR_CODES) as [string, { status?: number }][]) {
      if (info.status !== undefined) expect(info.status, code).toBeGreaterThanOrEqual(400);
    }
  });

  it("should keep a peer's unknown code in details instead of inventing one", () => {
    expect(codeFromWire("SEQ_GAP", "SEQUENCER_ERROR")).toEqual({ code: "SEQ_GAP" });
    expect(codeFromWire(undefined, "SEQUENCER_ERROR")).toEqual({ code: "SEQUENCER_ERROR" });
    expect(codeFromWire("FROM_THE_FUTURE", "SEQUENCER_ERROR")).toEqual({
      code: "UNCATALOGUED",
      details: { code: "FROM_THE_FUTURE" },
    });
    const e = new RoyaltyError("SEQ_GAP", "gap");
    expect(e.meaning).toBe(ERROR_CODES.SEQ_GAP.meaning);
  });

  it("should be what docs/errors.md shows (npx tsx scripts/docs/errors-doc.ts --write)", () => {
    expect(readFileSync(ERRORS_DOC_FILE, "utf8")).toBe(errorsMarkdown());
  });
});
