// POST /v1/events: every rejection of docs/protocol.md §11 with its status and code, and nothing stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventCount, genesis, makeEvents, post, startServer, type TestServer } from "./helpers.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ payers: 2, assets: 2, escrow: 1000n });
});
afterAll(async () => {
  await s?.close();
});

function expectNothingStored() {
  expect(eventCount(s.store, s.payers)).toBe(0);
  for (const p of s.payers) expect(s.store.payerState(p.address)).toBeUndefined();
}

async function expectRejected(
  body: unknown,
  status: number,
  code: string,
  message?: string,
  raw = false,
) {
  const res = await post(s.url, body, raw);
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  if (message) expect(res.body.error.message).toBe(message);
  expectNothingStored();
  return res.body.error;
}

describe("POST /v1/events", () => {
  it("should not accept malformed JSON (400 MALFORMED_JSON)", async () => {
    await expectRejected('{"events": [', 400, "MALFORMED_JSON", undefined, true);
  });

  it("should not accept wrong types, naming the field and the rule (400 INVALID_REQUEST)", async () => {
    const { events } = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 5n },
    ]);
    const e = await expectRejected(
      { events: [{ ...events[0], amount: 5 }] },
      400,
      "INVALID_REQUEST",
    );
    expect(e.message).toMatch(/^events\[0\]\.amount: /);
    await expectRejected(
      { events: [] },
      400,
      "INVALID_REQUEST",
      "events: must hold at least 1 event",
    );
    await expectRejected(
      { ...events[0], payer: "0x12" },
      400,
      "INVALID_REQUEST",
      "payer: must be a 20-byte 0x-prefixed hex address",
    );
    await expectRejected({ ...events[0], amout: "5" }, 400, "INVALID_REQUEST");
    await expectRejected(
      { events: Array.from({ length: 1001 }, () => events[0]) },
      400,
      "INVALID_REQUEST",
      "events: must hold at most 1000 events",
    );
  });

  it("should not accept amount 0 or >= 10000 * 2^83 (400 INVALID_FIELD)", async () => {
    const { events } = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 5n },
    ]);
    const ev = events[0]!;
    await expectRejected(
      { events: [ev, ev, ev, { ...ev, amount: "0" }] },
      400,
      "INVALID_FIELD",
      "events[3].amount: must satisfy 0 < amount < 10000 * 2^83",
    );
    await expectRejected(
      { ...ev, amount: (10_000n * 2n ** 83n).toString() },
      400,
      "INVALID_FIELD",
      "amount: must satisfy 0 < amount < 10000 * 2^83",
    );
  });

  it("should not accept a ref of 2^189 or more: seq and ref share one hash input (400 INVALID_FIELD)", async () => {
    const { events } = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 5n },
    ]);
    const ev = events[0]!;
    await expectRejected(
      { events: [ev, { ...ev, ref: (2n ** 189n).toString() }] },
      400,
      "INVALID_FIELD",
      "events[1].ref: must be below 2^189",
    );
  });

  it("should not accept an unknown payer (422 UNKNOWN_PAYER)", async () => {
    const stranger = { ...s.payers[0]!, address: "0x00000000000000000000000000000000000000ff" };
    const { events } = makeEvents(stranger, { seq: 1n, head: genesis(stranger) }, [
      { assetId: 1n, amount: 5n },
    ]);
    await expectRejected(events[0], 422, "UNKNOWN_PAYER");
  });

  it("should not accept an unknown asset (422 UNKNOWN_ASSET)", async () => {
    const { events } = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 5n },
      { assetId: 99n, amount: 5n },
    ]);
    await expectRejected(
      { events },
      422,
      "UNKNOWN_ASSET",
      "events[1].assetId: asset 99 is not registered on chain",
    );
  });

  it("should not accept a bad signature (422 BAD_SIGNATURE)", async () => {
    const { events } = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 5n },
      { assetId: 1n, amount: 6n },
    ]);
    // The signature of event 2 moved onto a tampered amount: the head it signs no longer matches.
    const tampered = { ...events[1]!, amount: "7" };
    const e = await expectRejected({ events: [events[0], tampered] }, 422, "BAD_SIGNATURE");
    expect(e.details).toMatchObject({ index: 1, seq: "2" });
    // Signed by another payer's key.
    const other = makeEvents(s.payers[1]!, { seq: 1n, head: genesis(s.payers[1]!) }, [
      { assetId: 1n, amount: 5n },
    ]);
    const forged = { ...events[0]!, signature: other.events[0]!.signature };
    await expectRejected(forged, 422, "BAD_SIGNATURE");
  });

  it("should not accept a gap in seq (409 SEQ_GAP) and say which seq is expected", async () => {
    const { events } = makeEvents(s.payers[0]!, { seq: 2n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 5n },
    ]);
    const e = await expectRejected(events[0], 409, "SEQ_GAP");
    expect(e.details.expectedSeq).toBe("1");
    const ok = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 5n },
      { assetId: 1n, amount: 5n },
    ]);
    const e2 = await expectRejected(
      { events: [ok.events[0], ok.events[1], { ...ok.events[1], seq: "4" }] },
      409,
      "SEQ_GAP",
    );
    expect(e2.details).toMatchObject({ expectedSeq: "3", index: 2 });
  });

  it("should not accept a request whose last event (per payer) is unsigned (400 LAST_EVENT_UNSIGNED)", async () => {
    const a = makeEvents(
      s.payers[0]!,
      { seq: 1n, head: genesis(s.payers[0]!) },
      [{ assetId: 1n, amount: 5n }],
      () => false,
    );
    await expectRejected(a.events[0], 400, "LAST_EVENT_UNSIGNED");
    // Payer 1's run ends signed, payer 2's does not, although the request's last event is signed.
    const b = makeEvents(
      s.payers[1]!,
      { seq: 1n, head: genesis(s.payers[1]!) },
      [{ assetId: 1n, amount: 5n }],
      () => false,
    );
    const c = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 5n },
    ]);
    const e = await expectRejected(
      { events: [b.events[0], c.events[0]] },
      400,
      "LAST_EVENT_UNSIGNED",
    );
    expect(e.details.payer).toBe(s.payers[1]!.address);
  });

  it("should not accept a payer's run between signatures that no batch could hold (422 RUN_TOO_LARGE)", async () => {
    // Test set: N = 4 event slots; five events signed only at the end can never be batched.
    const items = Array.from({ length: 5 }, () => ({ assetId: 1n, amount: 5n }));
    const a = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, items);
    const e = await expectRejected({ events: a.events }, 422, "RUN_TOO_LARGE");
    expect(e.message).toMatch(/^events\[4\]\.signature: payer .* from seq 1 to 5 /);
    expect(e.details.fromSeq).toBe("1");
  });

  it("should not accept debits above escrow minus pending debits and withdrawals (422 INSUFFICIENT_ESCROW)", async () => {
    const payer = BigInt(s.payers[0]!.address);
    s.chain.updatePayer(payer, { pendingWithdrawal: 400n });
    const big = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 300n },
      { assetId: 1n, amount: 301n },
    ]);
    const e = await expectRejected({ events: big.events }, 422, "INSUFFICIENT_ESCROW");
    expect(e.details).toMatchObject({ escrow: "1000", pendingWithdrawal: "400", requested: "601" });
    // 600 fits; then pending debits are 600 and one more unit does not.
    s.chain.updatePayer(payer, { pendingWithdrawal: 400n });
    const fits = makeEvents(s.payers[0]!, { seq: 1n, head: genesis(s.payers[0]!) }, [
      { assetId: 1n, amount: 600n },
    ]);
    expect((await post(s.url, fits.events[0])).status).toBe(202);
    const more = makeEvents(s.payers[0]!, { seq: 2n, head: fits.heads[0]! }, [
      { assetId: 1n, amount: 1n },
    ]);
    const res = await post(s.url, more.events[0]);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("INSUFFICIENT_ESCROW");
    expect(s.store.events(s.payers[0]!.address, 1n, 10n)).toHaveLength(1);
  });

  it("should not accept a body too large (413 BODY_TOO_LARGE)", async () => {
    const res = await post(s.url, JSON.stringify({ events: [], pad: "x".repeat(1_100_000) }), true);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("BODY_TOO_LARGE");
  });
});
