// Resubmission: the same event at the same (payer, seq) is acknowledged again, never stored twice;
// other content at a used seq is 409 CONFLICT.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventCount, genesis, makeEvents, post, startServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ payers: 2, assets: 2 });
});
afterAll(async () => {
  await s?.close();
});

describe("POST /v1/events idempotency", () => {
  it("should acknowledge a resubmitted request with the original acks and store it once", async () => {
    const [p1, p2] = s.payers as [(typeof s.payers)[0], (typeof s.payers)[0]];
    const a = makeEvents(p1, { seq: 1n, head: genesis(p1) }, [
      { assetId: 1n, amount: 10n, ref: 42n },
      { assetId: 2n, amount: 20n },
    ]);
    const b = makeEvents(p2, { seq: 1n, head: genesis(p2) }, [{ assetId: 2n, amount: 30n }]);
    const body = { events: [a.events[0], b.events[0], a.events[1]] };
    const first = await post(s.url, body);
    expect(first.status).toBe(202);
    expect(first.body.accepted.map((x: { seq: string }) => x.seq)).toEqual(["1", "1", "2"]);
    expect(first.body.heads).toEqual({
      [p1.address]: a.heads[1]!.toString(),
      [p2.address]: b.heads[0]!.toString(),
    });
    const again = await post(s.url, body);
    expect(again).toEqual(first);
    expect(eventCount(s.store, s.payers)).toBe(3);
    expect(s.store.payerState(p1.address)?.pendingDebits).toBe(30n);
  });

  it("should accept a request that repeats accepted events and continues the chain", async () => {
    const p1 = s.payers[0]!;
    const all = makeEvents(
      p1,
      { seq: 1n, head: genesis(p1) },
      [
        { assetId: 1n, amount: 10n, ref: 42n },
        { assetId: 2n, amount: 20n },
        { assetId: 2n, amount: 5n },
      ],
      (i) => i !== 0,
    );
    const res = await post(s.url, { events: all.events.slice(1) });
    expect(res.status).toBe(202);
    expect(res.body.heads[p1.address]).toBe(all.heads[2]!.toString());
    expect(s.store.payerState(p1.address)?.nextSeq).toBe(4n);
    expect(eventCount(s.store, s.payers)).toBe(4);
  });

  it("should not accept different content at a used seq (409 CONFLICT)", async () => {
    const p1 = s.payers[0]!;
    const other = makeEvents(p1, { seq: 1n, head: genesis(p1) }, [
      { assetId: 1n, amount: 11n, ref: 42n },
    ]);
    const res = await post(s.url, other.events[0]);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "CONFLICT",
      details: { seq: "1", payer: p1.address },
    });
    expect(eventCount(s.store, s.payers)).toBe(4);
    expect(s.store.event(p1.address, 1n)?.amount).toBe(10n);
  });
});
