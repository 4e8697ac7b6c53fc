// Read endpoints, health, metrics and the error format of unknown routes and bad parameters.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genesis, get, makeEvents, post, startServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ payers: 1 });
  const { events } = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
    { assetId: 1n, amount: 10n },
    { assetId: 1n, amount: 20n },
  ]);
  expect((await post(s.url, { events })).status).toBe(202);
  await post(s.url, { ...events[0], amount: "0" });
});
afterAll(async () => {
  await s?.close();
});

describe("read endpoints", () => {
  it("GET /v1/events/:payer/:seq should give status, batch and leaf index", async () => {
    const p = s.payers[0]!.address;
    const res = await get(s.url, `/v1/events/${p.toUpperCase().replace("0X", "0x")}/2`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      payer: p,
      seq: "2",
      amount: "20",
      status: "accepted",
      batch: null,
      leafIndex: null,
    });
    expect((await get(s.url, `/v1/events/${p}/3`)).body.error.code).toBe("NOT_FOUND");
    expect((await get(s.url, `/v1/events/${p}/18446744073709551615`)).status).toBe(404);
    const bad = await get(s.url, "/v1/events/0x12/1");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: "INVALID_REQUEST",
      message: "payer: must be a 0x address",
    });
  });

  it("GET /v1/payers/:address should give escrow, pending debits, next seq and head", async () => {
    const p = s.payers[0]!.address;
    const res = await get(s.url, `/v1/payers/${p}`);
    expect(res.body).toMatchObject({
      pendingDebits: "30",
      nextSeq: "3",
      settledHead: genesis(p).toString(),
    });
    expect(res.body.head).toBe(s.store.payerState(p)!.head.toString());
    expect((await get(s.url, `/v1/payers/0x${"9".repeat(40)}`)).status).toBe(404);
  });

  it("GET /v1/assets/:id should give the split the sequencer settles against, 404 before it knows the asset", async () => {
    const res = await get(s.url, "/v1/assets/1");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      assetId: "1",
      splitHash: s.chain.asset(1n)!.splitHash.toString(),
      recipients: [
        { accountId: "1", address: `0x${"ab".repeat(19)}01` },
        { accountId: "101", address: null }, // no address seen for this id (yet)
      ],
      bps: [7000, 3000],
      parent: null,
      pending: null,
      level: null, // a seeded view: no registration log
      // one event of asset 1 takes one slot, its asset and its split's two recipients
      lineage: { slots: 1, assetIds: ["1"], recipientIds: ["1", "101"] },
      block: null, // a seeded view: no chain watcher, no block
    });
    const unknown = await get(s.url, "/v1/assets/999");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/asset 999 is not registered/);
    const bad = await get(s.url, "/v1/assets/0x01");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe("id: must be a decimal string");
  });

  it("GET /v1/health and /metrics should report liveness, queue depths and rejections by reason", async () => {
    expect((await get(s.url, "/v1/health")).body).toEqual({
      status: "ok",
      reasons: [],
      lastBatch: 0,
      settledBatches: "0",
      queues: { accepted: 2, batched: 0, proven: 0 },
    });
    const m = (await get(s.url, "/metrics")).body as string;
    expect(m).toContain("royalty_events_accepted_total 2");
    expect(m).toContain('royalty_events_rejected_total{reason="INVALID_FIELD"} 1');
    expect(m).toContain('royalty_queue_depth{queue="accepted"} 2');
    expect(m).toContain("royalty_proof_seconds_bucket");
  });

  it("should answer unknown routes with the error format", async () => {
    const res = await get(s.url, "/v2/nothing");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });
});
