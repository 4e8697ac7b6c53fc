import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Abi } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";

const ARTIFACT = join(PROJECT_ROOT, "artifacts/contracts/RoyaltyRollup.sol/RoyaltyRollup.json");
let cached: Abi | undefined;

/** RoyaltyRollup's ABI from the Hardhat build (events, errors and functions in one place). */
export function rollupAbi(): Abi {
  if (cached) return cached;
  if (!existsSync(ARTIFACT)) {
    throw new RoyaltyError(
      "NO_CONTRACT_ARTIFACTS",
      "RoyaltyRollup is not compiled: run `npx hardhat build` (or any royalty command that deploys)",
    );
  }
  cached = (JSON.parse(readFileSync(ARTIFACT, "utf8")) as { abi: Abi }).abi;
  return cached;
}
