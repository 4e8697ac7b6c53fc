// The OpenAPI document of the HTTP API, generated from the route schemas, and the committed copy
// in docs/openapi.json. Regenerate after changing a route:
//   npx tsx sequencer/openapi.ts --write
// test/sequencer/openapi.test.ts fails when the committed copy differs from what the server serves.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadParams } from "../core/params.ts";
import { InMemoryChainView } from "./chain-state.ts";
import { buildServer } from "./server.ts";
import { SqliteStore } from "./store/sqlite.ts";

export const OPENAPI_FILE = fileURLToPath(new URL("../docs/openapi.json", import.meta.url));

export async function openApiDocument(): Promise<unknown> {
  const store = new SqliteStore(":memory:");
  const app = await buildServer({
    store,
    chain: new InMemoryChainView(0n, 0n),
    params: loadParams("test"),
  });
  await app.ready();
  const doc = app.swagger();
  await app.close();
  store.close();
  return doc;
}

export function formatOpenApi(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = formatOpenApi(await openApiDocument());
  if (process.argv.includes("--write")) {
    writeFileSync(OPENAPI_FILE, text);
    console.log(`wrote ${OPENAPI_FILE}`);
  } else {
    process.stdout.write(text);
  }
}
