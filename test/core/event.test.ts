import fc from "fast-check";
import { keccak256, toBytes } from "viem";
import { describe, expect, it } from "vitest";
import {
  assetAmount,
  chainHeads,
  domainOf,
  eventHash,
  genesisHead,
  MAX_AMOUNT,
  type RoyaltyEvent,
  refOf,
  SNARK_FIELD,
  seqRef,
  validateEvent,
} from "../../core/index.ts";
import { expectInvalid, refHash } from "./helpers.ts";

const ROLLUP = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const DOMAIN = refHash([31337n, 0x5fbdb2315678afecb367f032d93f642f64180aa3n]);

const event = (over: Partial<RoyaltyEvent> = {}): RoyaltyEvent => ({
  payer: 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n,
  seq: 1n,
  assetId: 42n,
  amount: 1_000_000n,
  ref: 0n,
  ...over,
});

const eventArb: fc.Arbitrary<RoyaltyEvent> = fc.record({
  payer: fc.bigInt({ min: 1n, max: (1n << 160n) - 1n }),
  seq: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
  assetId: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
  amount: fc.bigInt({ min: 1n, max: MAX_AMOUNT }),
  ref: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: (1n << 189n) - 1n })),
});
const fieldArb = fc.bigInt({ min: 0n, max: SNARK_FIELD - 1n });

describe("domainOf", () => {
  it("should equal Poseidon(chainId, rollupAddress as an integer)", () => {
    expect(domainOf(31337n, ROLLUP)).toBe(DOMAIN);
    expect(domainOf(1n, `0x${"00".repeat(20)}`)).toBe(refHash([1n, 0n]));
    expect(domainOf((1n << 64n) - 1n, `0x${"ff".repeat(20)}`)).toBe(
      refHash([(1n << 64n) - 1n, (1n << 160n) - 1n]),
    );
  });

  it("should not depend on the address's letter case", () => {
    expect(domainOf(31337n, ROLLUP.toLowerCase())).toBe(DOMAIN);
    expect(domainOf(31337n, `0x${ROLLUP.slice(2).toUpperCase()}`)).toBe(DOMAIN);
  });

  it("should separate chains and rollup contracts", () => {
    expect(domainOf(10n, ROLLUP)).not.toBe(DOMAIN);
    expect(domainOf(31337n, "0x5FbDB2315678afecb367f032d93F642f64180aa4")).not.toBe(DOMAIN);
  });

  it("should not accept a chain id of 2^64 or more", () => {
    expectInvalid(() => domainOf(1n << 64n, ROLLUP), "chainId", "must be below 2^64");
    expectInvalid(() => domainOf(-1n, ROLLUP), "chainId", "must be below 2^64");
  });

  it("should not accept a malformed rollup address", () => {
    for (const bad of [
      ROLLUP.slice(2),
      `${ROLLUP}00`,
      ROLLUP.slice(0, -1),
      `0x${"g".repeat(40)}`,
      "",
    ]) {
      expectInvalid(
        () => domainOf(1n, bad),
        "rollupAddress",
        "must be a 20-byte 0x-prefixed hex address",
      );
    }
  });
});

/** The hand-written reference: Poseidon(prev, seq * 2^189 + ref, assetId * 2^97 + amount). */
const refEventHash = (prev: bigint, ev: RoyaltyEvent) =>
  refHash([prev, ev.seq * 2n ** 189n + ev.ref, ev.assetId * 2n ** 97n + ev.amount]);

const PAYER = event().payer;

describe("genesisHead", () => {
  it("should be Poseidon(domain, payer): every chain starts bound to one payer of one deployment", () => {
    expect(genesisHead(DOMAIN, PAYER)).toBe(refHash([DOMAIN, PAYER]));
    expect(genesisHead(domainOf(1n, ROLLUP), PAYER)).not.toBe(genesisHead(DOMAIN, PAYER));
    expect(genesisHead(DOMAIN, PAYER + 1n)).not.toBe(genesisHead(DOMAIN, PAYER));
  });

  it("should not accept a payer of 0 or 2^160", () => {
    expectInvalid(() => genesisHead(DOMAIN, 0n), "payer", "must not be 0");
    expectInvalid(() => genesisHead(DOMAIN, 1n << 160n), "payer", "must be below 2^160");
  });
});

describe("eventHash", () => {
  it("should equal Poseidon(prevHead, seq * 2^189 + ref, assetId * 2^97 + amount)", () => {
    const ev = event({ ref: 123456789n });
    expect(eventHash(DOMAIN, ev)).toBe(refEventHash(DOMAIN, ev));
    fc.assert(
      fc.property(fieldArb, eventArb, (prev, ev) => {
        expect(eventHash(prev, ev)).toBe(refEventHash(prev, ev));
      }),
      { numRuns: 200 },
    );
  });

  it("should change when any field or the previous head changes", () => {
    const base = event();
    const h = eventHash(DOMAIN, base);
    // The payer is not hashed: its genesis head binds every chain to it (see genesisHead).
    const changed: RoyaltyEvent[] = [
      event({ seq: 2n }),
      event({ assetId: 43n }),
      event({ amount: base.amount + 1n }),
      event({ ref: 1n }),
    ];
    for (const ev of changed) expect(eventHash(DOMAIN, ev)).not.toBe(h);
    expect(eventHash(domainOf(1n, ROLLUP), base)).not.toBe(h);
    expect(eventHash(h, base)).not.toBe(h);
    expect(eventHash(genesisHead(DOMAIN, PAYER + 1n), base)).not.toBe(
      eventHash(genesisHead(DOMAIN, PAYER), base),
    );
  });

  it("should pack seq and ref injectively at the edges of their ranges", () => {
    // The largest ref never reads as one more seq: ref stays below 2^189.
    const top = event({ seq: 7n, ref: (1n << 189n) - 1n });
    expect(seqRef(top)).toBeLessThan(seqRef(event({ seq: 8n, ref: 0n })));
    expect(seqRef(event({ seq: (1n << 64n) - 1n, ref: (1n << 189n) - 1n }))).toBeLessThan(
      SNARK_FIELD,
    );
    fc.assert(
      fc.property(eventArb, eventArb, (a, b) => {
        if (a.seq !== b.seq || a.ref !== b.ref) expect(seqRef(a)).not.toBe(seqRef(b));
      }),
      { numRuns: 200 },
    );
  });

  it("should pack assetId and amount injectively at the edges of their ranges", () => {
    // One more unit of amount never reads as one more asset: amount stays below 2^97.
    const top = event({ assetId: 7n, amount: MAX_AMOUNT });
    const next = event({ assetId: 8n, amount: 1n });
    expect(assetAmount(top)).toBeLessThan(assetAmount(next));
    expect(assetAmount(event({ assetId: (1n << 64n) - 1n, amount: MAX_AMOUNT }))).toBeLessThan(
      SNARK_FIELD,
    );
    fc.assert(
      fc.property(eventArb, eventArb, (a, b) => {
        if (a.assetId !== b.assetId || a.amount !== b.amount)
          expect(assetAmount(a)).not.toBe(assetAmount(b));
      }),
      { numRuns: 200 },
    );
  });
});

describe("chainHeads", () => {
  it("should return every intermediate head from the genesis head, each the event's hash", () => {
    const events = [1n, 2n, 3n].map((seq) => event({ seq, amount: 10n * seq }));
    const h1 = refEventHash(refHash([DOMAIN, PAYER]), events[0] as RoyaltyEvent);
    const h2 = refEventHash(h1, events[1] as RoyaltyEvent);
    const h3 = refEventHash(h2, events[2] as RoyaltyEvent);
    expect(chainHeads(genesisHead(DOMAIN, PAYER), events)).toEqual([h1, h2, h3]);
  });

  it("should continue from a settled head", () => {
    const all = [1n, 2n, 3n, 4n].map((seq) => event({ seq }));
    const heads = chainHeads(DOMAIN, all);
    expect(chainHeads(heads[1] as bigint, all.slice(2))).toEqual(heads.slice(2));
  });

  it("should return nothing for no events", () => {
    expect(chainHeads(5n, [])).toEqual([]);
  });

  it("should commit to the order of events", () => {
    const a = event({ seq: 1n });
    const b = event({ seq: 2n });
    expect(chainHeads(DOMAIN, [a, b])[1]).not.toBe(chainHeads(DOMAIN, [b, a])[1]);
  });
});

describe("validateEvent", () => {
  it("should accept events at the edges of every range and return them unchanged", () => {
    const edges = [
      event({ payer: 1n, seq: 1n, assetId: 1n, amount: 1n, ref: 0n }),
      event({
        payer: (1n << 160n) - 1n,
        seq: (1n << 64n) - 1n,
        assetId: (1n << 64n) - 1n,
        amount: (1n << 96n) - 1n,
        ref: (1n << 189n) - 1n,
      }),
    ];
    for (const ev of edges) expect(validateEvent(ev)).toBe(ev);
  });

  it("should not accept a payer of 0 or 2^160", () => {
    expectInvalid(() => validateEvent(event({ payer: 0n })), "event.payer", "must not be 0");
    expectInvalid(
      () => validateEvent(event({ payer: 1n << 160n })),
      "event.payer",
      "must be below 2^160",
    );
  });

  it("should not accept a seq of 0 or 2^64", () => {
    expectInvalid(() => validateEvent(event({ seq: 0n })), "event.seq", "must not be 0");
    expectInvalid(
      () => validateEvent(event({ seq: 1n << 64n })),
      "event.seq",
      "must be below 2^64",
    );
  });

  it("should not accept an asset id of 0 or 2^64", () => {
    expectInvalid(() => validateEvent(event({ assetId: 0n })), "event.assetId", "must not be 0");
    expectInvalid(
      () => validateEvent(event({ assetId: 1n << 64n })),
      "event.assetId",
      "must be below 2^64",
    );
  });

  it("should not accept an amount of 0, 10000 * 2^83 or below 0", () => {
    for (const amount of [0n, MAX_AMOUNT + 1n, 10_000n << 83n, -5n]) {
      expectInvalid(
        () => validateEvent(event({ amount })),
        "event.amount",
        "must satisfy 0 < amount < 10000 * 2^83",
      );
    }
  });

  it("should accept every amount below 2^96 and up to 10000 * 2^83 - 1", () => {
    for (const amount of [1n, (1n << 96n) - 1n, 1n << 96n, MAX_AMOUNT]) {
      expect(() => validateEvent(event({ amount }))).not.toThrow();
    }
  });

  it("should not accept a ref of 2^189 or more, or below 0", () => {
    for (const ref of [1n << 189n, SNARK_FIELD - 1n, -1n]) {
      expectInvalid(() => validateEvent(event({ ref })), "event.ref", "must be below 2^189");
    }
  });

  it("should name the field under the caller's prefix", () => {
    expectInvalid(
      () => validateEvent(event({ seq: 0n }), "events[3]"),
      "events[3].seq",
      "must not be 0",
    );
  });
});

describe("refOf", () => {
  it("should keep a decimal below 2^189 and hash any other text to keccak256 >> 67", () => {
    expect(refOf("")).toBe(0n);
    expect(refOf(undefined)).toBe(0n);
    expect(refOf(" 42 ")).toBe(42n);
    expect(refOf(((1n << 189n) - 1n).toString())).toBe((1n << 189n) - 1n);
    // viem's keccak256 as the independent reference
    expect(refOf("sale-1")).toBe(BigInt(keccak256(toBytes("sale-1"))) >> 67n);
    expect(refOf("ünïcode ✓")).toBe(BigInt(keccak256(toBytes("ünïcode ✓"))) >> 67n);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (text) => {
        fc.pre(!/^\s*\d+\s*$/.test(text) && text.trim() !== "");
        const ref = refOf(text);
        return ref < 2n ** 189n && ref === BigInt(keccak256(toBytes(text.trim()))) >> 67n;
      }),
    );
    expectInvalid(() => refOf((1n << 189n).toString()), "ref", "must be below 2^189");
  });
});
