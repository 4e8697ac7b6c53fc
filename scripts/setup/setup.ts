import { publicSignalCount } from "../../core/packing.ts";
import type { CircuitParams } from "../../core/params.ts";
import { ensureCircuit } from "./build-circuit.ts";
import { ensureKeys } from "./keys.ts";
import { artifactPaths } from "./paths.ts";
import { createProgress } from "./progress.ts";

export interface SetupSummary {
  params: string;
  constraints: number;
  compiled: boolean;
  keysMade: boolean;
  insecure: boolean;
  seconds: number;
  artifacts: ReturnType<typeof artifactPaths>;
}

/**
 * Everything a parameter set needs before proving: circuit, ptau, zkey, verification key and
 * Solidity verifier. Each step is skipped when its inputs have not changed since the last run.
 */
export async function runSetup(
  params: CircuitParams,
  options: { ptauFile?: string; progress?: boolean } = {},
): Promise<SetupSummary> {
  const started = performance.now();
  const progress = createProgress(options.progress ?? true);
  progress.stage(`compile ${params.name} (circom2 --O2)`, 1);
  const circuit = await ensureCircuit(params);
  progress.update(1);
  progress.done();
  const keys = await ensureKeys(
    params,
    {
      hash: circuit.hash,
      constraints: circuit.constraints,
      publicSignals: publicSignalCount(params),
    },
    { ptauFile: options.ptauFile, progress },
  );
  progress.done();
  return {
    params: params.name,
    constraints: circuit.constraints,
    compiled: !circuit.cached,
    keysMade: !keys.cached,
    insecure: keys.insecure,
    seconds: (performance.now() - started) / 1000,
    artifacts: artifactPaths(params),
  };
}
