import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";

/** What a setup run built, so a second run with the same inputs does nothing. */
export interface Manifest {
  circuit?: { hash: string; constraints: number; publicSignals: number };
  keys?: { hash: string; ptau: string; ptauPower: number; insecure: boolean; label: string };
}

export function readManifest(path: string): Manifest {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch {
    return {}; // a corrupt manifest only costs a rebuild
  }
}

export async function writeManifest(path: string, manifest: Manifest): Promise<void> {
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
