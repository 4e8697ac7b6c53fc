// The SDK's HTTP transport against a real HTTP server: retries with doubling delays after 5xx
// answers and dropped connections, refusals final, error bodies decoded into RoyaltyApiError,
// SEQUENCER_UNREACHABLE naming the URL; and fetchStatement, which sends through it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RoyaltyApiError } from "../../sdk/errors.ts";
import { fetchStatement } from "../../sdk/statement.ts";
import { SequencerTransport } from "../../sdk/transport.ts";

interface Hit {
  method: string;
  url: string;
  body: string;
  at: number;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

type Answer = number | { status: number; body: unknown } | "drop" | "hang";

/** A server that answers its n-th request by plan[n] (the last entry again past the end). */
async function serve(plan: Answer[]): Promise<{ url: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    hits.push({ method: req.method ?? "", url: req.url ?? "", body, at: performance.now() });
    const answer = plan[Math.min(hits.length - 1, plan.length - 1)] as Answer;
    if (answer === "drop") {
      req.socket.destroy();
      return;
    }
    if (answer === "hang") return; // accepted, never answered
    const { status, body: json } =
      typeof answer === "number" ? { status: answer, body: { ok: true } } : answer;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(json));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

const internal = {
  status: 500,
  body: { error: { code: "INTERNAL", message: "disk full", details: { disk: "/data" } } },
};
const unknownAsset = {
  status: 422,
  body: { error: { code: "UNKNOWN_ASSET", message: "asset 9 is not registered" } },
};

describe("SequencerTransport", () => {
  it("should retry a GET after 5xx answers, each delay twice the one before, and give the first answer below 500", async () => {
    const { url, hits } = await serve([503, 503, 503, { status: 200, body: { n: 1 } }]);
    const http = new SequencerTransport({ baseUrl: `${url}/`, retries: 5, retryDelayMs: 20 });
    expect(await http.getJson("/v1/health")).toEqual({ n: 1 });
    expect(hits.map((h) => `${h.method} ${h.url}`)).toEqual(Array(4).fill("GET /v1/health"));
    const gaps = hits.slice(1).map((h, i) => h.at - (hits[i] as Hit).at);
    // 20, 40, 80 ms (a timer may fire a fraction of a millisecond early).
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(20 * 2 ** i - 2);
    });
  });

  it("should answer the last 5xx once the retries are spent, and decode its error", async () => {
    const { url, hits } = await serve([internal]);
    const http = new SequencerTransport({ baseUrl: url, retries: 2, retryDelayMs: 1 });
    expect((await http.get("/v1/health")).status).toBe(500);
    expect(hits).toHaveLength(3);
    const err = await http.getJson("/v1/health").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoyaltyApiError);
    expect(err).toMatchObject({
      status: 500,
      code: "INTERNAL",
      message: "disk full",
      details: { disk: "/data" },
    });
  });

  it("should find a 404 as undefined and throw other refusals", async () => {
    const { url } = await serve([
      { status: 404, body: { error: { code: "NOT_FOUND", message: "no such payer" } } },
      { status: 200, body: { nextSeq: "3" } },
      unknownAsset,
    ]);
    const http = new SequencerTransport({ baseUrl: url, retryDelayMs: 1 });
    expect(await http.find("/v1/payers/0x01")).toBeUndefined();
    expect(await http.find("/v1/payers/0x01")).toEqual({ nextSeq: "3" });
    await expect(http.find("/v1/assets/9")).rejects.toMatchObject({
      status: 422,
      code: "UNKNOWN_ASSET",
    });
  });

  it("should resend a POST, the same, after a dropped connection or a 5xx, and take the expected status", async () => {
    const { url, hits } = await serve(["drop", 503, { status: 202, body: { accepted: [1] } }]);
    const http = new SequencerTransport({ baseUrl: url, retryDelayMs: 1 });
    expect(await http.post("/v1/events", '{"seq":"1"}', 202)).toEqual({ accepted: [1] });
    expect(hits.map((h) => `${h.method} ${h.url} ${h.body}`)).toEqual(
      Array(3).fill('POST /v1/events {"seq":"1"}'),
    );
  });

  it("should throw a POST's refusal (4xx) at once, and a 5xx after the retries as the server's error", async () => {
    const refused = await serve([unknownAsset]);
    const http = new SequencerTransport({ baseUrl: refused.url, retries: 3, retryDelayMs: 1 });
    await expect(http.post("/v1/events", "{}", 202)).rejects.toMatchObject({
      status: 422,
      code: "UNKNOWN_ASSET",
      message: "asset 9 is not registered",
    });
    expect(refused.hits).toHaveLength(1);
    await new Promise((r) => server!.close(r));
    const failing = await serve([internal]);
    const again = new SequencerTransport({ baseUrl: failing.url, retries: 3, retryDelayMs: 1 });
    await expect(again.post("/v1/events", "{}", 202)).rejects.toMatchObject({
      status: 500,
      code: "INTERNAL",
    });
    expect(failing.hits).toHaveLength(4);
  });

  it("should take a status other than the expected one as an error, 'HTTP <status>' when the body says nothing", async () => {
    const { url } = await serve([{ status: 200, body: {} }]);
    const http = new SequencerTransport({ baseUrl: url, retries: 0 });
    await expect(http.post("/v1/events", "{}", 202)).rejects.toMatchObject({
      status: 200,
      message: "HTTP 200",
    });
  });

  it("should say SEQUENCER_UNREACHABLE with the URL and the caller's hint when no answer comes", async () => {
    const { url, hits } = await serve(["drop"]);
    const http = new SequencerTransport({
      baseUrl: url,
      retries: 1,
      retryDelayMs: 1,
      unreachableHint: "Without --sequencer only the chain is checked",
    });
    for (const request of [
      () => http.get("/v1/health"),
      () => http.post("/v1/events", "{}", 202),
    ]) {
      const err = await request().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RoyaltyApiError);
      expect(err).toMatchObject({ status: 0, code: "SEQUENCER_UNREACHABLE" });
      expect((err as Error).message).toMatch(
        new RegExp(
          `^the sequencer at ${url} does not answer \\(.+\\): is it running, and is the URL right\\? Without --sequencer only the chain is checked$`,
        ),
      );
      expect((err as Error).cause).toBeInstanceOf(Error);
    }
    expect(hits).toHaveLength(4);
  });
});

describe("SequencerTransport without a usable answer", () => {
  it("should abandon an attempt that gets no answer within timeoutMs, retry it, then say SEQUENCER_UNREACHABLE", async () => {
    const { url, hits } = await serve(["hang"]);
    const http = new SequencerTransport({
      baseUrl: url,
      retries: 1,
      retryDelayMs: 1,
      timeoutMs: 100,
    });
    const err = await http.get("/v1/health").catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: "SEQUENCER_UNREACHABLE" });
    expect((err as Error).message).toContain(url);
    expect(hits).toHaveLength(2);
  });

  it("should call an error answer without a code SEQUENCER_ERROR, with its status in details", async () => {
    const { url } = await serve([{ status: 418, body: { error: { message: "teapot" } } }]);
    const http = new SequencerTransport({ baseUrl: url, retries: 0 });
    await expect(http.getJson("/v1/health")).rejects.toMatchObject({
      status: 418,
      code: "SEQUENCER_ERROR",
      message: "teapot",
      details: { status: 418 },
    });
  });

  it("should keep a code this version does not know in details, as UNCATALOGUED", async () => {
    const future = {
      status: 422,
      body: { error: { code: "FROM_THE_FUTURE", message: "new rule" } },
    };
    const { url } = await serve([future]);
    const http = new SequencerTransport({ baseUrl: url, retries: 0 });
    await expect(http.getJson("/v1/health")).rejects.toMatchObject({
      status: 422,
      code: "UNCATALOGUED",
      details: { code: "FROM_THE_FUTURE" },
    });
  });
});

describe("fetchStatement", () => {
  it("should ask once, and name a refusal as the statement's, SEQUENCER_ERROR when the body has no code", async () => {
    const { url, hits } = await serve([{ status: 503, body: {} }]);
    await expect(fetchStatement(url, "0x01", { fromBatch: 2 })).rejects.toMatchObject({
      status: 503,
      code: "SEQUENCER_ERROR",
      message: "the sequencer refused the statement: HTTP 503",
    });
    expect(hits.map((h) => h.url)).toEqual(["/v1/accounts/0x01/statement?fromBatch=2&limit=10000"]);
  });

  it("should follow nextCursor page by page", async () => {
    const page = (lines: string[], nextCursor: string | null) => ({
      status: 200,
      body: { lines, pending: ["p"], unavailableBatches: [4], nextCursor },
    });
    const { url, hits } = await serve([page(["a"], "c1"), page(["b"], null)]);
    const statement = await fetchStatement(`${url}/`, "0x01");
    expect(statement).toEqual({ lines: ["a", "b"], pending: ["p"], unavailableBatches: [4] });
    expect(hits.map((h) => h.url)).toEqual([
      "/v1/accounts/0x01/statement?limit=10000",
      "/v1/accounts/0x01/statement?limit=10000&cursor=c1",
    ]);
  });
});
