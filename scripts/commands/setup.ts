import { loadParams } from "../../core/params.ts";
import { fromRoot } from "../setup/paths.ts";
import { runSetup } from "../setup/setup.ts";

export async function setupCommand(options: {
  params: string;
  ptau?: string;
  json?: boolean;
}): Promise<void> {
  const params = loadParams(options.params);
  const summary = await runSetup(params, { ptauFile: options.ptau });
  if (options.json) {
    console.log(
      JSON.stringify({ ...summary, artifacts: undefined, zkey: fromRoot(summary.artifacts.zkey) }),
    );
    return;
  }
  const what = summary.compiled || summary.keysMade ? "built" : "already up to date (cached)";
  console.log(`setup '${params.name}': ${what} in ${summary.seconds.toFixed(1)} s`);
  console.log(`  constraints        ${summary.constraints}`);
  console.log(`  proving key        ${fromRoot(summary.artifacts.zkey)}`);
  console.log(`  verification key   ${fromRoot(summary.artifacts.verificationKey)}`);
  console.log(`  Solidity verifier  ${fromRoot(summary.artifacts.verifierSol)}`);
  if (summary.insecure) {
    console.log(
      "  WARNING: keys come from an insecure development ptau; pass --ptau FILE for production keys",
    );
  }
}
