import { describe, expect, it } from "vitest";
import {
  type AssetState,
  type BatchRequest,
  buildBatch,
  chainHeads,
  computeShares,
  decodePublicSignals,
  domainOf,
  genesisHead,
  loadParams,
  MAX_AMOUNT,
  type PayerState,
  publicKeyOf,
  publicSignals,
  type RoyaltyEvent,
  type Signature,
  signHead,
} from "../../core/index.ts";
import { expectInvalid, expectRoyaltyError, refHash } from "./helpers.ts";
import { smallOrderPoints } from "./small-order.ts";

// Test parameters: N = 4 events, K = 2 recipients per split, A = 2 assets, P = 2 payers, R = 4.
const params = loadParams("test");
const domain = domainOf(31337n, "0x5FbDB2315678afecb367f032d93F642f64180aa3");

// Payer "hi" has the larger address, so it takes payer slot 1 although its event comes first.
const KEY_HI = new Uint8Array(32).fill(1);
const KEY_LO = new Uint8Array(32).fill(2);
const ADDR_HI = 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaan;
const ADDR_LO = 0x1111111111111111111111111111111111111111n;
const PUB_HI = publicKeyOf(KEY_HI);
const PUB_LO = publicKeyOf(KEY_LO);

const ev = (
  payer: bigint,
  seq: bigint,
  assetId: bigint,
  amount: bigint,
  ref = 0n,
): RoyaltyEvent => ({
  payer,
  seq,
  assetId,
  amount,
  ref,
});

// Payer "lo" settled two events in an earlier batch, so its chain starts from a non-zero head.
// Each chain starts at Poseidon(domain, payer), computed here by the reference hash.
const GENESIS_HI = refHash([domain, ADDR_HI]);
const LO_HEAD = chainHeads(genesisHead(domain, ADDR_LO), [
  ev(ADDR_LO, 1n, 5n, 700n),
  ev(ADDR_LO, 2n, 5n, 800n),
])[1] as bigint;

const payers: PayerState[] = [
  { address: ADDR_HI, pubKey: PUB_HI, head: GENESIS_HI },
  { address: ADDR_LO, pubKey: PUB_LO, head: LO_HEAD },
];
// Asset 900 lists recipient 30 first (it takes the remainder); asset 5 uses the 1/9999 edge.
const assets: AssetState[] = [
  { assetId: 900n, split: { recipients: [30n, 10n], bps: [6667, 3333] } },
  { assetId: 5n, split: { recipients: [20n, 30n], bps: [1, 9999] } },
];

const events: RoyaltyEvent[] = [
  ev(ADDR_HI, 1n, 900n, 10001n, 77n),
  ev(ADDR_LO, 3n, 5n, MAX_AMOUNT),
  ev(ADDR_HI, 2n, 5n, 9999n),
  ev(ADDR_LO, 4n, 900n, 1n),
];
const eventsOf = (payer: bigint, list = events) => list.filter((e) => e.payer === payer);
const headsHi = chainHeads(GENESIS_HI, eventsOf(ADDR_HI));
const headsLo = chainHeads(LO_HEAD, eventsOf(ADDR_LO));
const lastHi = headsHi.at(-1) as bigint;
const lastLo = headsLo.at(-1) as bigint;

const signatures = new Map<bigint, Signature>([
  [ADDR_HI, signHead(KEY_HI, lastHi)],
  [ADDR_LO, signHead(KEY_LO, lastLo)],
]);

const request = (over: Partial<BatchRequest> = {}): BatchRequest => ({
  params,
  domain,
  events,
  payers,
  assets,
  signatures,
  ...over,
});

/** Poseidon(prevHead, payer, seq, assetId * 2^97 + amount, ref), by hand. */
const refEventHash = (prev: bigint, e: RoyaltyEvent) =>
  refHash([prev, e.seq * 2n ** 189n + e.ref, e.assetId * 2n ** 97n + e.amount]);
const refSplitHash = (a: AssetState) =>
  refHash([
    a.assetId,
    ...[0, 1].map((k) =>
      k < a.split.recipients.length
        ? (a.split.recipients[k] as bigint) * 16384n + BigInt(a.split.bps[k] as number)
        : 0n,
    ),
  ]);
const sum = (xs: readonly bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe("buildBatch", () => {
  const built = buildBatch(request());
  const pd = built.publicData;

  it("should order payer, asset and recipient slots by ascending id", () => {
    expect(built.payerSlots).toEqual([ADDR_LO, ADDR_HI]);
    expect(built.assetSlots).toEqual([5n, 900n]);
    expect(built.recipientSlots).toEqual([10n, 20n, 30n, 0n]);
    expect(pd.recipientIds).toEqual([10n, 20n, 30n, 0n]);
  });

  it("should debit each payer the sum of its amounts", () => {
    expect(pd.debits).toEqual([MAX_AMOUNT + 1n, 10001n + 9999n]);
  });

  it("should credit each recipient the sum of its per-event shares", () => {
    const expected = new Map<bigint, bigint>();
    for (const e of events) {
      const split = (assets.find((a) => a.assetId === e.assetId) as AssetState).split;
      computeShares(e.amount, split.bps).forEach((share, k) => {
        const id = split.recipients[k] as bigint;
        expected.set(id, (expected.get(id) ?? 0n) + share);
      });
    }
    expect(pd.credits).toEqual([expected.get(10n), expected.get(20n), expected.get(30n), 0n]);
    // Pinned by hand (the remainder goes to each split's first recipient):
    //   10001 on 900 (30: 6667, 10: 3333): 10 <- 3333 (3333.33); 30 <- 6667 (6667.67) + 1 = 6668.
    //   MAX_AMOUNT on 5 (20: 1, 30: 9999): 10000 * 2^83 - 1 = ...9999, so the fractions are .9999
    //     and .0001; 20 <- floor(MAX_AMOUNT / 10000) + 1, 30 <- floor(MAX_AMOUNT * 9999 / 10000).
    //   9999 on 5: 20 <- 0 + 1 (9998.0001 floors to 9998), 30 <- 9998.
    //   1 on 900: 10 <- 0, 30 <- 0 + 1.
    const toTwenty = MAX_AMOUNT / 10000n + 1n + 1n;
    const toThirty = 6668n + (MAX_AMOUNT * 9999n) / 10000n + 9998n + 1n;
    expect(pd.credits).toEqual([3333n, toTwenty, toThirty, 0n]);
  });

  it("should credit exactly what it debits", () => {
    expect(sum(pd.credits)).toBe(sum(pd.debits));
    expect(sum(pd.debits)).toBe(sum(events.map((e) => e.amount)));
  });

  it("should set each payer's old head, new head and key hash in its slot", () => {
    expect(pd.oldHead).toEqual([LO_HEAD, GENESIS_HI]);
    expect(pd.newHead).toEqual([lastLo, lastHi]);
    expect(pd.keyHash).toEqual([
      refHash([domain, ADDR_LO, PUB_LO[0], PUB_LO[1]]),
      refHash([domain, ADDR_HI, PUB_HI[0], PUB_HI[1]]),
    ]);
    expect(pd.domain).toBe(domain);
  });

  it("should record every event's payer head after it, in batch order", () => {
    expect(built.heads).toEqual([headsHi[0], headsLo[0], headsHi[1], headsLo[1]]);
    // The chain recomputed by hand for payer "hi".
    const h1 = refEventHash(GENESIS_HI, events[0] as RoyaltyEvent);
    expect(built.heads[2]).toBe(refEventHash(h1, events[2] as RoyaltyEvent));
  });

  it("should set each asset's split hash in its slot", () => {
    expect(pd.splitHash).toEqual([
      refSplitHash(assets[1] as AssetState),
      refSplitHash(assets[0] as AssetState),
    ]);
  });

  it("should use the event hashes (each the payer's head after it) as leaves, in a Poseidon tree", () => {
    const hi1 = refEventHash(GENESIS_HI, events[0] as RoyaltyEvent);
    const lo1 = refEventHash(LO_HEAD, events[1] as RoyaltyEvent);
    const leaves = [
      hi1,
      lo1,
      refEventHash(hi1, events[2] as RoyaltyEvent),
      refEventHash(lo1, events[3] as RoyaltyEvent),
    ];
    expect(built.heads).toEqual(leaves);
    expect(built.leaves).toEqual(leaves);
    // N = 4 <= arity 16: one level, leaves past N are 0.
    expect(pd.eventsRoot).toBe(refHash([...leaves, ...Array<bigint>(16 - leaves.length).fill(0n)]));
  });

  it("should publish the packed public signals of its public data", () => {
    expect(built.publicSignals).toEqual(publicSignals(params, pd));
    expect(decodePublicSignals(params, built.publicSignals, pd.domain)).toEqual(pd);
  });

  it("should lay out the witness input by slot", () => {
    const { input } = built;
    expect(input.domain).toBe(domain.toString());
    expect(input.payerAddress).toEqual([ADDR_LO.toString(), ADDR_HI.toString()]);
    expect(input.pubKeyX).toEqual([PUB_LO[0].toString(), PUB_HI[0].toString()]);
    expect(input.sigS).toEqual([
      (signatures.get(ADDR_LO) as Signature).S.toString(),
      (signatures.get(ADDR_HI) as Signature).S.toString(),
    ]);
    expect(input.eventPayer).toEqual([
      ["0", "1"],
      ["1", "0"],
      ["0", "1"],
      ["1", "0"],
    ]);
    expect(input.eventAsset).toEqual([
      ["0", "1"],
      ["1", "0"],
      ["1", "0"],
      ["0", "1"],
    ]);
    expect(input.eventAmount).toEqual(events.map((e) => e.amount.toString()));
    expect(input.eventRef).toEqual(["77", "0", "0", "0"]);
    // Asset slot 0 is asset 5: recipients 20, 30 -> recipient slots 1, 2.
    expect(input.splitRecipient).toEqual([
      ["20", "30"],
      ["30", "10"],
    ]);
    expect(input.splitBps).toEqual([
      ["1", "9999"],
      ["6667", "3333"],
    ]);
    expect(input.route).toEqual([
      [
        ["0", "1", "0", "0"],
        ["0", "0", "1", "0"],
      ],
      [
        ["0", "0", "1", "0"],
        ["1", "0", "0", "0"],
      ],
    ]);
  });

  describe("with empty slots", () => {
    const one = ev(ADDR_HI, 1n, 5n, 12345n);
    const head = chainHeads(GENESIS_HI, [one])[0] as bigint;
    const small = buildBatch(
      request({ events: [one], signatures: new Map([[ADDR_HI, signHead(KEY_HI, head)]]) }),
    );
    const spd = small.publicData;

    it("should fill empty payer, asset and recipient slots with 0", () => {
      expect(small.payerSlots).toEqual([ADDR_HI, 0n]);
      expect(small.assetSlots).toEqual([5n, 0n]);
      expect(spd.keyHash).toEqual([refHash([domain, ADDR_HI, PUB_HI[0], PUB_HI[1]]), 0n]);
      expect(spd.oldHead).toEqual([GENESIS_HI, 0n]);
      expect(spd.newHead).toEqual([head, 0n]);
      expect(spd.debits).toEqual([12345n, 0n]);
      expect(spd.splitHash).toEqual([refSplitHash(assets[1] as AssetState), 0n]);
      // 12345 * 1 / 10000 = 1.23 -> 1, plus the remainder 1 to 20 (the first recipient);
      // 12345 * 9999 / 10000 = 12343.77 -> 12343 to 30.
      expect(spd.recipientIds).toEqual([20n, 30n, 0n, 0n]);
      expect(spd.credits).toEqual([2n, 12343n, 0n, 0n]);
    });

    it("should pad leaves with 0 and the root over them", () => {
      const leaf = refEventHash(GENESIS_HI, one);
      expect(small.leaves).toEqual([leaf, 0n, 0n, 0n]);
      expect(spd.eventsRoot).toBe(refHash([leaf, ...Array<bigint>(15).fill(0n)]));
    });

    it("should pad the witness with an identity key, a neutral signature and zero events", () => {
      const { input } = small;
      expect(input.pubKeyX?.[1]).toBe("0");
      expect(input.pubKeyY?.[1]).toBe("1");
      expect(input.sigR8x?.[1]).toBe("0");
      expect(input.sigR8y?.[1]).toBe("1");
      expect(input.sigS?.[1]).toBe("0");
      expect(input.eventAmount).toEqual(["12345", "0", "0", "0"]);
      expect(input.eventPayer).toEqual([
        ["1", "0"],
        ["0", "0"],
        ["0", "0"],
        ["0", "0"],
      ]);
      expect(input.route).toEqual([
        [
          ["1", "0", "0", "0"],
          ["0", "1", "0", "0"],
        ],
        [
          ["0", "0", "0", "0"],
          ["0", "0", "0", "0"],
        ],
      ]);
    });
  });

  it("should build a batch cut at a payer's signed mid-run event", () => {
    const firstHi = events.slice(0, 2);
    const b = buildBatch(
      request({
        events: firstHi,
        signatures: new Map([
          [ADDR_HI, signHead(KEY_HI, headsHi[0] as bigint)],
          [ADDR_LO, signHead(KEY_LO, headsLo[0] as bigint)],
        ]),
      }),
    );
    expect(b.publicData.newHead).toEqual([headsLo[0], headsHi[0]]);
  });

  it("should not accept more events than N", () => {
    const five = [...events, ev(ADDR_HI, 3n, 5n, 1n)];
    const e = expectRoyaltyError(
      () => buildBatch(request({ events: five })),
      "BATCH_OVERFLOW",
      "batch needs 5 event slots but the circuit has 4; cut the batch earlier",
    );
    expect(e.details).toEqual({ kind: "event", count: 5, limit: 4 });
  });

  it("should not accept more payers than P", () => {
    const ADDR_3 = 0x3333333333333333333333333333333333333333n;
    const e = expectRoyaltyError(
      () =>
        buildBatch(
          request({
            events: [events[0] as RoyaltyEvent, events[1] as RoyaltyEvent, ev(ADDR_3, 1n, 5n, 1n)],
            payers: [
              ...payers,
              { address: ADDR_3, pubKey: PUB_HI, head: refHash([domain, ADDR_3]) },
            ],
          }),
        ),
      "BATCH_OVERFLOW",
      "batch needs 3 payer slots but the circuit has 2; cut the batch earlier",
    );
    expect(e.details).toEqual({ kind: "payer", count: 3, limit: 2 });
  });

  it("should not accept more assets than A", () => {
    const e = expectRoyaltyError(
      () =>
        buildBatch(
          request({
            events: [...events.slice(0, 3), ev(ADDR_LO, 4n, 6n, 1n)],
            assets: [...assets, { assetId: 6n, split: { recipients: [20n], bps: [10_000] } }],
          }),
        ),
      "BATCH_OVERFLOW",
      "batch needs 3 asset slots but the circuit has 2; cut the batch earlier",
    );
    expect(e.details).toEqual({ kind: "asset", count: 3, limit: 2 });
  });

  it("should not accept more recipients than R", () => {
    // The test set cannot overflow R (A * K = R), so shrink R for this case only.
    const e = expectRoyaltyError(
      () => buildBatch(request({ params: { ...params, R: 2 } })),
      "BATCH_OVERFLOW",
      "batch needs 3 recipient slots but the circuit has 2; cut the batch earlier",
    );
    expect(e.details).toEqual({ kind: "recipient", count: 3, limit: 2 });
  });

  it("should not accept an event of an unregistered payer", () => {
    expectRoyaltyError(
      () => buildBatch(request({ payers: [payers[0] as PayerState] })),
      "PAYER_STATE_MISSING",
      "payer 0x1111111111111111111111111111111111111111 has no registered state",
    );
  });

  it("should not accept an event of an unregistered asset", () => {
    expectRoyaltyError(
      () => buildBatch(request({ assets: [assets[0] as AssetState] })),
      "UNKNOWN_ASSET",
      "asset 5 has no registered split",
    );
  });

  it("should not accept a payer whose key is of small order, naming the payer", () => {
    // Under such a key a signature with R8 = S * Base8 verifies for any head: check the key first.
    for (const pubKey of smallOrderPoints()) {
      const small = [payers[0] as PayerState, { ...(payers[1] as PayerState), pubKey }];
      expectRoyaltyError(
        () => buildBatch(request({ payers: small })),
        "SMALL_ORDER_KEY",
        "payer 0x1111111111111111111111111111111111111111 has a small-order public key (8 * key is the identity); no batch can include it",
      );
    }
  });

  it("should not accept a signature over an earlier head of the payer's run", () => {
    const early = new Map(signatures);
    early.set(ADDR_HI, signHead(KEY_HI, headsHi[0] as bigint));
    expectRoyaltyError(
      () => buildBatch(request({ signatures: early })),
      "MISSING_SIGNATURE",
      "payer 0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa has no valid signature over its last head in the batch; a batch must end each payer's run at a signed event",
    );
  });

  it("should not accept a missing signature or one made with another key", () => {
    const missing = new Map(signatures);
    missing.delete(ADDR_LO);
    const wrongKey = new Map(signatures);
    wrongKey.set(ADDR_LO, signHead(KEY_HI, lastLo));
    for (const sigs of [missing, wrongKey]) {
      expectRoyaltyError(
        () => buildBatch(request({ signatures: sigs })),
        "MISSING_SIGNATURE",
        "payer 0x1111111111111111111111111111111111111111 has no valid signature over its last head in the batch; a batch must end each payer's run at a signed event",
      );
    }
  });

  it("should not accept a signature when the payer's settled head differs", () => {
    const stale = [payers[0] as PayerState, { ...(payers[1] as PayerState), head: 0n }];
    expect(() => buildBatch(request({ payers: stale }))).toThrow(
      expect.objectContaining({ code: "MISSING_SIGNATURE" }),
    );
  });

  it("should not accept an invalid event or split, naming the field", () => {
    const bad = [...events];
    bad[1] = { ...(events[1] as RoyaltyEvent), amount: 0n };
    expectInvalid(
      () => buildBatch(request({ events: bad })),
      "events[1].amount",
      "must satisfy 0 < amount < 10000 * 2^83",
    );
    const badSplit = [
      assets[0] as AssetState,
      { assetId: 5n, split: { recipients: [20n], bps: [9999] } },
    ];
    expectInvalid(
      () => buildBatch(request({ assets: badSplit })),
      "asset 5 split.bps",
      "must sum to 10000",
    );
  });
});
