import { RoyaltyError } from "../../core/errors.ts";
import { publicSignalCount } from "../../core/packing.ts";
import { loadParams } from "../../core/params.ts";
import { ensureCircuit } from "../setup/build-circuit.ts";
import { ptauPowerFor } from "../setup/keys.ts";

export async function circuitInfoCommand(options: {
  params: string;
  json?: boolean;
  lineageDepth?: string;
}): Promise<void> {
  const set = loadParams(options.params);
  // Another depth builds a variant beside the set's own build (build/<set>-d<D>/); depth 0 is the
  // circuit without lineage, to measure what lineage costs.
  const depth = options.lineageDepth === undefined ? set.D : Number(options.lineageDepth);
  if (!Number.isInteger(depth) || depth < 0 || depth > 255) {
    throw new RoyaltyError(
      "INVALID_FIELD",
      `--lineage-depth must be an integer from 0 to 255, not '${options.lineageDepth}'`,
      { details: { field: "lineage-depth", value: options.lineageDepth } },
    );
  }
  const params = depth === set.D ? set : { ...set, D: depth, name: `${set.name}-d${depth}` };
  const { constraints } = await ensureCircuit(params);
  const info = {
    params: params.name,
    lineageDepth: params.D,
    constraints,
    eventSlots: params.N,
    constraintsPerEvent: Math.round((constraints / params.N) * 10) / 10,
    publicSignals: publicSignalCount(params),
    ptauPower: ptauPowerFor(constraints, publicSignalCount(params)),
  };
  if (options.json) {
    console.log(JSON.stringify(info));
    return;
  }
  for (const [key, value] of Object.entries(info)) console.log(`${key.padEnd(20)} ${value}`);
}
