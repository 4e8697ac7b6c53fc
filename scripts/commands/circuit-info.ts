import { publicSignalCount } from "../../core/packing.ts";
import { loadParams } from "../../core/params.ts";
import { ensureCircuit } from "../setup/build-circuit.ts";
import { ptauPowerFor } from "../setup/keys.ts";

export async function circuitInfoCommand(options: {
  params: string;
  json?: boolean;
}): Promise<void> {
  const params = loadParams(options.params);
  const { constraints } = await ensureCircuit(params);
  const info = {
    params: params.name,
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
