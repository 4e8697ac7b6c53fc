import { describe, expect, it } from "vitest";
import { explainRevert } from "../../sdk/revert.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";

// Every custom error the contract can revert with reaches a person as a sentence, never as the
// bare `Name(args)` fallback.
describe("sdk/revert.ts", () => {
  it("should have a sentence for every custom error of the RoyaltyRollup ABI", () => {
    const errors = royaltyRollupAbi.filter((item) => item.type === "error");
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      const args = error.inputs.map((_, i) => BigInt(i + 1));
      const sentence = explainRevert({ name: error.name, args });
      expect(sentence, error.name).not.toContain(error.name);
    }
  });

  it("should name the asset, the levels and the depth in the lineage errors", () => {
    expect(explainRevert({ name: "RoyaltyRollup__LineageTooDeep", args: [2101n, 2n, 1n] })).toBe(
      "asset 2101 would sit at lineage level 2, above this deployment's depth 1: name a parent of a lower level",
    );
    expect(
      explainRevert({
        name: "RoyaltyRollup__ParentLevelTooHigh",
        args: [2001n, 2002n, 1n, 1n],
      }),
    ).toBe(
      "asset 2001 is at lineage level 1, fixed at registration, and its parent 2002 is at level 1: a parent must be of a lower level (and never the asset itself)",
    );
  });
});
