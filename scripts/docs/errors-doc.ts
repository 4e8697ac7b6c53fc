// docs/errors.md is this catalogue as a table: regenerate it with
// `npx tsx scripts/docs/errors-doc.ts --write` after changing core/error-codes.ts (a test checks
// the committed page is current).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ERROR_CODES, type ErrorCodeInfo } from "../../core/error-codes.ts";

export const ERRORS_DOC_FILE = fileURLToPath(new URL("../../docs/errors.md", import.meta.url));

/** The page: every code, its HTTP status where the API returns it, its meaning and its section. */
export function errorsMarkdown(): string {
  const rows = Object.entries(ERROR_CODES as Record<string, ErrorCodeInfo>).map(
    ([code, info]) =>
      `| \`${code}\` | ${info.status ?? ""} | ${info.meaning} | [${info.section}](protocol.md) |`,
  );
  return [
    "# Error codes",
    "",
    "Every failure the sequencer's API, the SDK, the provers and the `royalty` commands report",
    'carries one of these codes (`{ "error": { "code", "message", "details"? } }` over HTTP,',
    "`error [CODE] message` or a JSON line from the CLI, `RoyaltyError.code` in TypeScript).",
    "Programs match on the code; the message is for people and may change. The HTTP status is",
    "given for the codes an API response can carry (an unlisted code there is a 500). The section",
    "is the one of [protocol.md](protocol.md) that holds the rule behind the code.",
    "",
    "Generated from `core/error-codes.ts` by `npx tsx scripts/docs/errors-doc.ts --write`.",
    "",
    "| code | HTTP | meaning | protocol.md |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes("--write")) {
  writeFileSync(ERRORS_DOC_FILE, errorsMarkdown());
  console.log(`wrote ${ERRORS_DOC_FILE}`);
}
