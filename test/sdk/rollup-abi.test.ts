import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";
import { royaltyRollupAbi } from "../../sdk/rollup-abi.ts";
import { prepare } from "../contracts/fixture.ts";

// The SDK's ABI is committed (typed `as const`, no build needed to type-check): it must be the
// ABI the contract compiles to now, or every action is typed against a contract that is gone.
describe("sdk/rollup-abi.ts", () => {
  it("should hold the ABI of the current RoyaltyRollup build (else run `npm run abi`)", async () => {
    await prepare();
    const artifact = join(PROJECT_ROOT, "artifacts/contracts/RoyaltyRollup.sol/RoyaltyRollup.json");
    const { abi } = JSON.parse(readFileSync(artifact, "utf8")) as { abi: unknown[] };
    expect(royaltyRollupAbi, "sdk/rollup-abi.ts is stale: run `npm run abi`").toEqual(abi);
  });
});
