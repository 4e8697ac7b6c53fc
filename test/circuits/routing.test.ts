// Routing(A, K, R) and BatchTotals(P, R, totalBits) on their own: credits are the sums of the
// entries routed to each slot, every misrouting is refused, and the packed words are core's.
import { beforeAll, describe, expect, it } from "vitest";
import { packWords } from "../../core/packing.ts";
import { loadParams } from "../../core/params.ts";
import { refuses, type TemplateUnderTest, templateUnderTest } from "./template-harness.ts";

const [A, K, R] = [2, 2, 4];
let routing: TemplateUnderTest;
let totals: TemplateUnderTest;
const params = loadParams("test");

beforeAll(async () => {
  routing = await templateUnderTest("routing.circom", "Routing", [A, K, R]);
  totals = await templateUnderTest("batch_totals.circom", "BatchTotals", [
    params.P,
    params.R,
    params.totalBits,
  ]);
});

// Asset 0 pays ids 7 then 9; asset 1 pays id 9 and has no second recipient.
const IDS = [7n, 9n, 0n, 0n];
const ENTRIES = [
  { recipient: [7n, 9n], total: [100n, 50n] },
  { recipient: [9n, 0n], total: [30n, 0n] },
];
const oneHot = (i: number) => Array.from({ length: R }, (_, j) => (j === i ? "1" : "0"));

function routingInput(over: Record<string, unknown> = {}) {
  return {
    entryTotal: ENTRIES.map((e) => e.total.map(String)),
    recipient: ENTRIES.map((e) => e.recipient.map(String)),
    recipientEmpty: ENTRIES.map((e) => e.recipient.map((r) => (r === 0n ? "1" : "0"))),
    recipientId: IDS.map(String),
    route: [
      [oneHot(0), oneHot(1)],
      [oneHot(1), oneHot(-1)],
    ],
    ...over,
  };
}

describe("Routing(2, 2, 4)", () => {
  it("should cost R(32 + 3AK) constraints (176)", () => {
    expect(routing.constraints).toBe(R * (32 + 3 * A * K));
  });

  it("should credit each slot with the entries routed to it", async () => {
    const w = await routing.witness(routingInput());
    expect(await routing.satisfies(w)).toBe(true);
    const credits = IDS.map((_, r) => w[routing.signal(`main.credit[${r}]`)]);
    expect(credits).toEqual([100n, 80n, 0n, 0n]);
  });

  it("should refuse every misrouting", async () => {
    const route = routingInput().route as string[][][];
    const cases = [
      // entry (0, 0) paid to id 9's slot
      { route: [[oneHot(1), route[0]?.[1]], route[1]] },
      // an entry with a recipient routed nowhere
      { route: [[oneHot(-1), route[0]?.[1]], route[1]] },
      // an entry without a recipient routed to a slot
      { route: [route[0], [route[1]?.[0], oneHot(2)]] },
      // an entry routed to two slots
      { route: [[["1", "0", "1", "0"], route[0]?.[1]], route[1]] },
      // a slot claiming another id for entry (0, 0)
      { recipientId: ["8", "9", "0", "0"] },
      // a recipient id of 2^32
      {
        recipientId: [String(2n ** 32n), "9", "0", "0"],
        recipient: [
          [String(2n ** 32n), "9"],
          ["9", "0"],
        ],
      },
    ];
    for (const c of cases) expect(await refuses(routing, routingInput(c))).toBe(true);
  });

  it("should refuse a tampered credit (tampered witness)", async () => {
    const w = await routing.witness(routingInput());
    const i = routing.signal("main.routeCredit[0][0][0]");
    const tampered = [...w];
    tampered[i] = (w[i] as bigint) + 1n;
    expect(await routing.satisfies(tampered)).toBe(false);
  });
});

describe("BatchTotals(test set)", () => {
  const max = (1n << BigInt(params.totalBits)) - 1n;
  const values = {
    debits: [max - 5n, 5n],
    credits: [max - 10n, 7n, 3n, 0n],
    recipientIds: [1n, 2n, 2n ** 32n - 1n, 0n],
  };
  const input = (v: typeof values) => ({
    debit: v.debits.map(String),
    credit: v.credits.map(String),
    recipientId: v.recipientIds.map(String),
  });

  it("should be linear (no constraints after --O2): the batch circuit keeps it in its products", () => {
    expect(totals.constraints).toBe(0);
  });

  it("should give core's packed words at the widths' edges", async () => {
    const w = await totals.witness(input(values));
    const words = packWords(params, values);
    words.forEach((word, i) => {
      expect(w[totals.signal(`main.words[${i}]`)]).toBe(word);
    });
  });

  it("should refuse credits that do not add up to the debits", async () => {
    const short = { ...values, credits: [max - 10n, 7n, 2n, 0n] };
    expect(await refuses(totals, input(short))).toBe(true);
  });
});
