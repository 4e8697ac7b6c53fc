// MerkleRoot(leafCount, arity) on its own: its root is core's eventsRoot (zk-kit's IMT) for the
// leaf counts of every parameter set, a leaf's position matters, a tampered root or inner node
// is refused, and the constraint count is the formula's: 609 per Poseidon(16) node less 3 per
// child past the end (a constant the compiler folds into the first round).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { SNARK_FIELD } from "../../core/field.ts";
import { eventsRoot } from "../../core/merkle.ts";
import { loadParams } from "../../core/params.ts";
import { merkleRootConstraints } from "./counts.ts";
import { type TemplateUnderTest, templateUnderTest } from "./template-harness.ts";

const ARITY = 16;
const expectedConstraints = (leafCount: number) => merkleRootConstraints(leafCount, ARITY);

const trees: Record<number, TemplateUnderTest> = {};

beforeAll(async () => {
  for (const n of [4, 64])
    trees[n] = await templateUnderTest("merkle_root.circom", "MerkleRoot", [n, ARITY]);
});

async function rootOf(tree: TemplateUnderTest, leaves: readonly bigint[]): Promise<bigint> {
  const w = await tree.witness({ leaves: leaves.map(String) });
  expect(await tree.satisfies(w)).toBe(true);
  return w[tree.signal("main.root")] as bigint;
}

describe.each([
  ["test", 4],
  ["default", 64],
] as const)("MerkleRoot(%s set's N, 16)", (set, n) => {
  const params = loadParams(set);

  it("should cost the formula's constraints (test 573, default 3,009)", () => {
    expect(params.N).toBe(n);
    expect(expectedConstraints(n)).toBe(n === 4 ? 573 : 3009);
    expect(trees[n]?.constraints).toBe(expectedConstraints(n));
  });

  it("should equal core's eventsRoot for random leaves, zeros and the field's edge", async () => {
    const tree = trees[n] as TemplateUnderTest;
    const cases = [
      Array<bigint>(n).fill(0n),
      Array<bigint>(n).fill(SNARK_FIELD - 1n),
      ...fc.sample(
        fc.array(fc.bigInt({ min: 0n, max: SNARK_FIELD - 1n }), { minLength: n, maxLength: n }),
        3,
      ),
    ];
    for (const leaves of cases) expect(await rootOf(tree, leaves)).toBe(eventsRoot(params, leaves));
  });

  it("should give another root when two leaves swap", async () => {
    const tree = trees[n] as TemplateUnderTest;
    const leaves = Array.from({ length: n }, (_, i) => BigInt(i + 1));
    const swapped = [...leaves];
    [swapped[0], swapped[n - 1]] = [swapped[n - 1] as bigint, swapped[0] as bigint];
    expect(await rootOf(tree, swapped)).not.toBe(await rootOf(tree, leaves));
  });

  it("should refuse a witness with a tampered root or inner node", async () => {
    const tree = trees[n] as TemplateUnderTest;
    const honest = await tree.witness({
      leaves: Array.from({ length: n }, (_, i) => String(i * 7 + 3)),
    });
    const root = tree.signal("main.root");
    const badRoot = [...honest];
    badRoot[root] = (honest[root] as bigint) + 1n;
    expect(await tree.satisfies(badRoot)).toBe(false);
    if (n <= ARITY) return; // one level: the only node is the root
    const node = tree.signal("main.nodes[0].out");
    const badNode = [...honest];
    badNode[node] = (honest[node] as bigint) + 1n;
    expect(await tree.satisfies(badNode)).toBe(false);
  });
});

it("MerkleRoot(256, 16) should cost 17 full nodes (the large set)", () => {
  expect(loadParams("large").N).toBe(256);
  expect(expectedConstraints(256)).toBe(17 * 609);
});
