// The committed docs/openapi.json must be what the server serves: regenerate it with
// `npx tsx sequencer/openapi.ts --write` after changing a route.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatOpenApi, OPENAPI_FILE } from "../../sequencer/openapi.ts";
import { get, startServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s?.close();
});

describe("GET /v1/openapi.json", () => {
  it("should serve exactly the committed docs/openapi.json", async () => {
    const served = await get(s.url, "/v1/openapi.json");
    expect(served.status).toBe(200);
    expect(formatOpenApi(served.body)).toBe(readFileSync(OPENAPI_FILE, "utf8"));
  });

  it("should document every endpoint of docs/protocol.md §11", async () => {
    const { body } = await get(s.url, "/v1/openapi.json");
    expect(Object.keys(body.paths).sort()).toEqual([
      "/v1/accounts/{address}",
      "/v1/accounts/{address}/statement",
      "/v1/assets/{id}",
      "/v1/batches",
      "/v1/batches/{n}",
      "/v1/deployment",
      "/v1/events",
      "/v1/events/{payer}/{seq}",
      "/v1/health",
      "/v1/payers/{address}",
    ]);
  });
});
