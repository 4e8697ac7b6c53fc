// BelowDenominator() on its own: exactly the integers 0..9999 pass (10000 = 16 * 625 split into
// low < 16 and high < 625), values at and past 10000 and field wrap-arounds fail, a witness with
// another split fails, and it costs 24 constraints.
import { beforeAll, describe, expect, it } from "vitest";
import { SNARK_FIELD } from "../../core/field.ts";
import { refuses, type TemplateUnderTest, templateUnderTest } from "./template-harness.ts";

let below: TemplateUnderTest;

beforeAll(async () => {
  below = await templateUnderTest("below_denominator.circom", "BelowDenominator", []);
});

const accepted = async (value: bigint) => !(await refuses(below, { in: String(value) }));

describe("BelowDenominator()", () => {
  it("should cost 24 constraints (low 4 bits, high 10 bits twice)", () => {
    expect(below.constraints).toBe(24);
  });

  it("should accept every value of 0..9999 at the split's edges", async () => {
    for (const v of [0n, 1n, 15n, 16n, 17n, 4999n, 9983n, 9984n, 9998n, 9999n]) {
      expect(await accepted(v), String(v)).toBe(true);
    }
  });

  it("should refuse 10000 and above, and values that wrap the field", async () => {
    for (const v of [
      10_000n,
      10_001n,
      10_015n,
      16_383n,
      1n << 20n,
      SNARK_FIELD - 1n,
      SNARK_FIELD - 9_999n,
    ]) {
      expect(await accepted(v), String(v)).toBe(false);
    }
  });

  it("should refuse another split of an accepted value (tampered witness)", async () => {
    const honest = await below.witness({ in: "9999" });
    const high = below.signal("main.high");
    // 9999 = 16 * 624 + 15 = 16 * 625 - 1: high 625 makes low -1 (--O2 keeps low only as
    // in - 16 * high), which neither low's 4 bits nor high's bound allow.
    for (const h of [625n, 623n]) {
      const shifted = [...honest];
      shifted[high] = h;
      expect(await below.satisfies(shifted)).toBe(false);
    }
  });
});
