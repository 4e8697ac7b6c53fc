// LineageLinks(N, D) on its own: a parent's share must be the next slot, a lineage slot of exactly
// that asset and amount; a lineage slot needs a parent before it; no share climbs more than D
// parents; the constraint count is the formula's.
import { beforeAll, describe, expect, it } from "vitest";
import { refuses, type TemplateUnderTest, templateUnderTest } from "./template-harness.ts";

const [N, D] = [6, 2];
let links: TemplateUnderTest;

beforeAll(async () => {
  links = await templateUnderTest("lineage_links.circom", "LineageLinks", [N, D]);
});

/** One slot as LineageLinks sees it: its asset, amount, the asset's parent and its share. */
interface Slot {
  lineage?: boolean;
  asset: number;
  amount: number;
  parent?: number;
  parentShare?: number;
}

const padding: Slot = { asset: 0, amount: 0 };

function input(slots: Slot[]) {
  const all = [...slots, ...Array<Slot>(N - slots.length).fill(padding)];
  return {
    lineage: all.map((s) => (s.lineage ? "1" : "0")),
    assetId: all.map((s) => String(s.asset)),
    amount: all.map((s) => String(s.amount)),
    parentAsset: all.map((s) => String(s.parent ?? 0)),
    parentShare: all.map((s) => String(s.parentShare ?? 0)),
  };
}

const accepts = async (slots: Slot[]) => !(await refuses(links, input(slots)));

// Image 30 -> model 20 -> dataset 10: the image's event of 1000 routes 300 to the model, whose
// split routes 90 of that to the dataset.
const image: Slot = { asset: 30, amount: 1000, parent: 20, parentShare: 300 };
const model: Slot = { lineage: true, asset: 20, amount: 300, parent: 10, parentShare: 90 };
const dataset: Slot = { lineage: true, asset: 10, amount: 90 };

describe("LineageLinks(6, 2)", () => {
  it("should cost 4(N - 1) - 1 constraints (19): link and level per slot after the first, level 1 is the flag", () => {
    expect(links.constraints).toBe(4 * (N - 1) - 1);
  });

  it("should accept events without lineage, a lineage of D levels, and one that stops early", async () => {
    expect(await accepts([{ asset: 30, amount: 5 }, padding])).toBe(true);
    expect(await accepts([image, model, dataset, { asset: 10, amount: 7 }])).toBe(true);
    expect(
      await accepts([
        { ...model, lineage: false },
        { ...dataset, amount: 90 },
      ]),
    ).toBe(true);
    // a share of 0 still takes its slot
    expect(
      await accepts([
        { ...image, parentShare: 0 },
        { ...model, amount: 0, parentShare: 0 },
        { ...dataset, amount: 0 },
      ]),
    ).toBe(true);
  });

  it("should refuse a parent's share kept by the event: no lineage slot after it", async () => {
    expect(await accepts([image, { asset: 20, amount: 300 }])).toBe(false);
    expect(await accepts([image])).toBe(false);
  });

  it("should refuse a lineage slot of another asset or another amount", async () => {
    expect(await accepts([image, { ...model, asset: 21 }, dataset])).toBe(false);
    expect(await accepts([image, { ...model, amount: 301 }, dataset])).toBe(false);
    expect(await accepts([image, { ...model, amount: 299 }, dataset])).toBe(false);
  });

  it("should refuse a lineage slot that no parent share funds", async () => {
    expect(
      await accepts([
        { asset: 30, amount: 5 },
        { lineage: true, asset: 20, amount: 0 },
      ]),
    ).toBe(false);
    expect(await accepts([{ lineage: true, asset: 20, amount: 300 }])).toBe(false);
  });

  it("should refuse a parent in the last slot (its share would have nowhere to go)", async () => {
    const last: Slot[] = Array<Slot>(N).fill({ asset: 10, amount: 1 });
    last[N - 1] = { asset: 30, amount: 1000, parent: 20, parentShare: 300 };
    expect(await accepts(last)).toBe(false);
  });

  it("should refuse a lineage deeper than D", async () => {
    const deep: Slot = { ...dataset, parent: 5, parentShare: 9 };
    expect(await accepts([image, model, deep, { lineage: true, asset: 5, amount: 9 }])).toBe(false);
  });
});
