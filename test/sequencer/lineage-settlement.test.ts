// Lineage end to end (docs/protocol.md §3): a random workload over assets whose lineages are 0 to
// D = 3 parents deep (the default set), sent by marketplaces over HTTP, proven and settled on a
// chain, pays every account what an independent recomputation says (floor per level, remainder
// to the first entry, no core split code), to the base unit, and every batch credits exactly
// what it debits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadParams } from "../../core/params.ts";
import { type EmbeddedRollup, startEmbeddedRollup } from "../../scripts/demo/embedded-rollup.ts";
import { runSetup } from "../../scripts/setup/setup.ts";
import { creditsByHand, type HandSplit } from "../core/lineage-by-hand.ts";

const params = loadParams("default");
type Address = `0x${string}`;

/** mulberry32: a small seeded generator, so a failure replays. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261207;
const random = rng(SEED);
const pick = (n: number) => Math.floor(random() * n);
// Twelve people, so any batch's recipients fit its R = 16 slots.
const PEOPLE: Address[] = Array.from(
  { length: 12 },
  (_, i) => `0x${(0xe0000000 + i).toString(16).padStart(40, "0")}` as Address,
);

/** n basis points summing to 10000, the last (a parent's, when `parent`) at least 1. */
function bpsOf(n: number, parent: boolean): number[] {
  const cuts = Array.from({ length: n - 1 }, () => pick(10_001)).sort((a, b) => a - b);
  const bps = [...cuts, 10_000].map((c, i) => c - (i === 0 ? 0 : (cuts[i - 1] as number)));
  if (parent && bps[n - 1] === 0) {
    const big = bps.indexOf(Math.max(...bps));
    bps[big] = (bps[big] as number) - 1;
    bps[n - 1] = 1;
  }
  return bps;
}

// Assets 101..108 registered in order: 101 <- 102 <- 103 <- 104 is a lineage of depth 3 (an image
// from a fine-tuned model of a base model trained on a dataset); the others pick a random parent
// of a level below D, or none.
const levels = new Map<bigint, number>();
const splits = new Map<bigint, HandSplit<Address>>();
const assets = Array.from({ length: params.A }, (_, i) => {
  const id = 101n + BigInt(i);
  const candidates = [...levels].filter(([, l]) => l < params.D).map(([a]) => a);
  const parent =
    i === 0
      ? undefined
      : i < 4
        ? id - 1n
        : random() < 0.7 && candidates.length > 0
          ? candidates[pick(candidates.length)]
          : undefined;
  const accounts = 1 + pick(parent ? params.K - 1 : params.K);
  const recipients = [...PEOPLE].sort(() => random() - 0.5).slice(0, accounts);
  const bps = bpsOf(accounts + (parent ? 1 : 0), parent !== undefined);
  const split: HandSplit<Address> = {
    recipients,
    bps: bps.slice(0, accounts),
    ...(parent ? { parent: { assetId: parent, bps: bps[accounts] as number } } : {}),
  };
  splits.set(id, split);
  levels.set(id, parent ? (levels.get(parent) as number) + 1 : 0);
  return { id, recipients, bps: [...split.bps], ...(split.parent ? { parent: split.parent } : {}) };
});

// Per marketplace: 24 events on random assets, amounts from 1 base unit (the parents' shares
// round to 0) to 10^18.
const workload = Array.from({ length: params.P }, () =>
  Array.from({ length: 24 }, (_, j) => ({
    assetId: 101n + BigInt(pick(params.A)),
    amount:
      random() < 0.2 ? BigInt(1 + pick(20)) : BigInt(Math.floor(random() * 1e15)) * 1000n + 1n,
    ref: BigInt(j),
  })),
);
const total = workload.reduce((n, w) => n + w.length, 0);

let rollup: EmbeddedRollup;
beforeAll(async () => {
  const setup = await runSetup(params, { progress: false });
  rollup = await startEmbeddedRollup({
    params,
    chain: "l1",
    payers: params.P,
    deposit: 10n ** 21n,
    insecureKeys: setup.insecure,
    assets,
  });
});
afterAll(async () => {
  await rollup?.close();
});

describe(`a random workload over lineages of depth 0..${params.D} (seed ${SEED})`, () => {
  it("should register levels 0 to D and settle every account's royalties to the base unit", async () => {
    expect(new Set(levels.values())).toEqual(new Set([0, 1, 2, 3]));
    await rollup.send((i) => workload[i] ?? []);
    await rollup.settled(total);

    const expected = new Map<Address, bigint>();
    for (const e of workload.flat()) {
      for (const [who, c] of creditsByHand(e.amount, e.assetId, splits)) {
        expected.set(who, (expected.get(who) ?? 0n) + c);
      }
    }
    for (const who of PEOPLE) {
      const claimable = (await rollup.rollup.read.claimable([who])) as bigint;
      expect(claimable, who).toBe(expected.get(who) ?? 0n);
    }

    const store = rollup.sequencer.store;
    const batches = Array.from({ length: store.lastBatchNumber() }, (_, i) => store.batch(i + 1));
    let lineageSlots = 0;
    for (const b of batches) {
      expect(b?.status).toBe("settled");
      const content = b?.content;
      if (!content) throw new Error(`batch ${b?.number} has no content`);
      const pd = content.publicData as Record<string, string[]>;
      const sum = (xs: string[]) => xs.reduce((a, x) => a + BigInt(x), 0n);
      expect(sum(pd.credits as string[]), `batch ${b?.number}`).toBe(sum(pd.debits as string[]));
      lineageSlots += (content.input.eventLineage as string[]).filter((f) => f === "1").length;
    }
    expect(lineageSlots).toBeGreaterThan(0);
  });
});
