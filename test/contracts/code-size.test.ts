// Everything `royalty deploy` deploys must fit the limits public chains enforce (EDR, like
// `hardhat node`, would deploy larger code without a word): EIP-170's 24,576 bytes of code and
// EIP-3860's 49,152 bytes of initcode.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";
import { params, prepare } from "./fixture.ts";

const artifact = (path: string) =>
  JSON.parse(readFileSync(join(PROJECT_ROOT, "artifacts", path), "utf8")) as {
    bytecode: string;
    deployedBytecode: string;
    linkReferences: Record<string, unknown>;
  };
const bytes = (hex: string) => (hex.length - 2) / 2;

describe("deployable code sizes", () => {
  it("should keep every deployed contract under EIP-170 and its initcode under EIP-3860", async () => {
    await prepare();
    const deployed = [
      ...[3, 4, 5, 6].map((t) => `poseidon-solidity/PoseidonT${t}.sol/PoseidonT${t}.json`),
      `contracts/generated/RoyaltyVerifier_${params.name}.sol/RoyaltyVerifier_${params.name}.json`,
      "contracts/RoyaltyRollup.sol/RoyaltyRollup.json",
    ];
    for (const path of deployed) {
      const a = artifact(path);
      expect(bytes(a.deployedBytecode), path).toBeLessThanOrEqual(24_576);
      expect(bytes(a.bytecode), path).toBeLessThanOrEqual(49_152);
    }
    // The rollup links Poseidon through its declarations, never compiling the rounds itself.
    expect(
      Object.keys(artifact("contracts/RoyaltyRollup.sol/RoyaltyRollup.json").linkReferences),
    ).toEqual(["project/contracts/lib/Poseidon.sol"]);
  });
});
