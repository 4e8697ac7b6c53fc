// The client SDK against a real server: buffering, signing cadence, idempotent retries, errors.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Split, splitHash } from "../../core/split.ts";
import { RoyaltyApiError, RoyaltyClient } from "../../sdk/index.ts";
import { DOMAIN, startServer, type TestServer } from "../sequencer/helpers.ts";

let s: TestServer;
let proxy: Server | undefined;
afterEach(async () => {
  await s?.close();
  await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
  proxy = undefined;
});

function clientFor(server: TestServer, baseUrl = server.url, extra = {}, payer = 0) {
  const p = server.payers[payer]!;
  return new RoyaltyClient({
    baseUrl,
    payer: p.address,
    privateKey: p.privateKey,
    domain: DOMAIN,
    retryDelayMs: 10,
    ...extra,
  });
}

/**
 * A real HTTP hop in front of the server that misbehaves on chosen POSTs: "lose" forwards the
 * request and then drops the connection before the answer (the server did commit), "fail"
 * answers 503 without forwarding.
 */
async function startProxy(target: string, plan: ("lose" | "fail" | "pass")[]): Promise<string> {
  proxy = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const step = req.method === "POST" ? (plan.shift() ?? "pass") : "pass";
    if (step === "fail") {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "UNAVAILABLE", message: "try again" } }));
      return;
    }
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: { "content-type": "application/json" },
      ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}),
    });
    const text = await upstream.text();
    if (step === "lose") {
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(text);
  });
  await new Promise<void>((r) => proxy!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

describe("RoyaltyClient", () => {
  it("should sign whenever a run reaches signAfterAssets assets, so the sequencer can batch it", async () => {
    s = await startServer({ assets: 3 });
    // Test set: A = 2 asset slots. Assets 1, 2, 3 unsigned in between would be RUN_TOO_LARGE.
    const items = [1n, 2n, 3n, 1n].map((assetId) => ({ assetId, amount: 7n }));
    const strict = clientFor(s, s.url, { signEvery: 4, signAfterAssets: 2 });
    const acks = await strict.submitMany(items);
    expect(acks.map((a) => a.seq)).toEqual(["1", "2", "3", "4"]);
    const loose = clientFor(s, s.url, { signEvery: 4, signAfterAssets: 4 }, 1);
    await expect(loose.submitMany(items)).rejects.toMatchObject({ code: "RUN_TOO_LARGE" });
  });

  it("should sign runs that fit a batch exactly with batchLimits, counting each lineage's slots, assets and recipients", async () => {
    s = await startServer({ assets: 2 });
    // Asset 10 routes 30% to its parent 11 (test set: N = 4 slots, A = 2, R = 4, D = 1).
    const image: Split = { recipients: [21n], bps: [7000], parent: { assetId: 11n, bps: 3000 } };
    const model: Split = { recipients: [22n], bps: [10_000] };
    s.chain.setAsset(10n, { split: image, splitHash: splitHash(10n, image, 2) });
    s.chain.setAsset(11n, { split: model, splitHash: splitHash(11n, model, 2) });
    const client = clientFor(s, s.url, { signEvery: 4, batchLimits: { N: 4, A: 2, R: 4 } });
    // 10 takes 2 slots (and assets 10, 11); 11 one slot; 1 one slot (asset 1, recipients 1, 101).
    const items = [10n, 11n, 10n, 11n, 11n, 1n, 1n].map((assetId) => ({ assetId, amount: 1000n }));
    const acks = await client.submitMany(items);
    expect(acks).toHaveLength(7);
    const signed = s.store
      .events(s.payers[0]!.address, 1n, 7n)
      .filter((e) => e.signature)
      .map((e) => Number(e.seq));
    // Runs: 10 + 11 take 3 slots, one more 10 would make 5: sign 2; [10, 11] ends at seq 4
    // (signEvery); [11, 1, 1]: 3 slots, assets 11 and 1, recipients 22, 1, 101: sign 7 (the last).
    expect(signed).toEqual([2, 4, 7]);
    // Three events of 10 take 6 slots: the client signs the second; the old estimate by assets
    // (without batchLimits) would not, and the sequencer refuses that run.
    const three = [10n, 10n, 10n].map((assetId) => ({ assetId, amount: 1000n }));
    expect(
      await clientFor(s, s.url, { signEvery: 4, batchLimits: { N: 4, A: 2, R: 4 } }, 1).submitMany(
        three,
      ),
    ).toHaveLength(3);
    const blind = clientFor(s, s.url, { signEvery: 4, signAfterAssets: 2 }, 2);
    await expect(blind.submitMany(three)).rejects.toMatchObject({ code: "RUN_TOO_LARGE" });
  });

  it("should buffer single submissions into one bulk request and keep the server's chain", async () => {
    s = await startServer();
    // The test set has N = 4 event slots: the client must sign at least every 4th event.
    const client = clientFor(s, s.url, { bufferMs: 20, signEvery: 4 });
    const before = s.requests();
    const acks = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.submit({ assetId: 1n, amount: BigInt(i + 1) })),
    );
    expect(s.requests() - before).toBe(1);
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 10 }, (_, i) => String(i + 1)));
    const state = s.store.payerState(s.payers[0]!.address)!;
    expect(state.head).toBe(client.head);
    expect(state.nextSeq).toBe(client.nextSeq);
  });

  it("should sign the last event of each request and every k-th seq", async () => {
    s = await startServer();
    const client = clientFor(s, s.url, { signEvery: 4, maxEventsPerRequest: 6 });
    await client.submitMany(Array.from({ length: 10 }, () => ({ assetId: 2n, amount: 5n })));
    const signed = s.store
      .events(s.payers[0]!.address, 1n, 10n)
      .filter((e) => e.signature)
      .map((e) => Number(e.seq));
    expect(signed).toEqual([4, 6, 8, 10]);
  });

  it("should retry with the same seqs and content after a lost answer or a 5xx, storing each event once", async () => {
    s = await startServer();
    const url = await startProxy(s.url, ["lose", "fail", "pass", "fail", "pass"]);
    const client = clientFor(s, url);
    const first = await client.submitMany([
      { assetId: 1n, amount: 7n },
      { assetId: 1n, amount: 8n },
    ]);
    const second = await client.submit({ assetId: 1n, amount: 9n });
    expect(first.map((a) => a.seq)).toEqual(["1", "2"]);
    expect(second.seq).toBe("3");
    expect(s.store.events(s.payers[0]!.address, 1n, 100n).map((e) => e.amount)).toEqual([
      7n,
      8n,
      9n,
    ]);
  });

  it("should fail with the server's error code, and take later events without a manual resync", async () => {
    s = await startServer();
    const client = clientFor(s);
    await client.submit({ assetId: 1n, amount: 1n });
    const err = await client.submit({ assetId: 999n, amount: 1n }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoyaltyApiError);
    expect(err).toMatchObject({ status: 422, code: "UNKNOWN_ASSET" });
    // The refused seq 2 is reused: the client resyncs from the server's view by itself.
    const [a, b] = await Promise.all([
      client.submit({ assetId: 1n, amount: 2n }),
      client.submit({ assetId: 1n, amount: 3n }),
    ]);
    expect([a.seq, b.seq]).toEqual(["2", "3"]);
    expect((await client.eventStatus(3n)).status).not.toBe("rejected");
  });

  it("should refuse maxEventsPerRequest out of 1..1000 (BAD_OPTION) and a request of no or too many events (INVALID_FIELD)", () => {
    const base = {
      baseUrl: "http://127.0.0.1:9",
      payer: `0x${"d0".repeat(20)}`,
      privateKey: new Uint8Array(32).fill(7),
      domain: DOMAIN,
    };
    for (const most of [0, 1001, Number.NaN]) {
      expect(() => new RoyaltyClient({ ...base, maxEventsPerRequest: most })).toThrow(
        expect.objectContaining({
          code: "BAD_OPTION",
          message: expect.stringMatching(/'maxEventsPerRequest' must be from 1 to 1000/),
          details: { option: "maxEventsPerRequest", value: most },
        }),
      );
    }
    const client = new RoyaltyClient(base);
    const one = { assetId: 1n, amount: 1n };
    for (const events of [[], Array(1001).fill(one)]) {
      expect(() => client.prepare(events)).toThrow(
        expect.objectContaining({
          code: "INVALID_FIELD",
          message: "'events' must hold 1..1000 events",
          details: {
            field: "events",
            rule: "must hold 1..1000 events",
            value: String(events.length),
          },
        }),
      );
    }
    expect(client.nextSeq).toBe(1n);
  });

  it("should say the sequencer is unreachable, with its URL, after its retries", async () => {
    s = await startServer();
    const client = clientFor(s, "http://127.0.0.1:9", { retries: 1 });
    await expect(client.submit({ assetId: 1n, amount: 1n })).rejects.toMatchObject({
      code: "SEQUENCER_UNREACHABLE",
      message: expect.stringContaining("http://127.0.0.1:9"),
    });
  });
});
