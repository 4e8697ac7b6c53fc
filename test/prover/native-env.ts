// The native prover for its tests: built here when a source is newer than the addon (a fresh
// clone whose `npm ci` could not build it, or an edited source), then loaded. Without a working
// build the native tests fail under CI and are skipped elsewhere, saying why.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type NativeAddon, nativeProver } from "../../prover/native/index.ts";

const ci = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const buildScript = fileURLToPath(new URL("../../prover/native/build.mjs", import.meta.url));

function prepare(): { addon?: NativeAddon; reason?: string } {
  const built = spawnSync(process.execPath, [buildScript, "--if-stale"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (built.status !== 0) {
    return { reason: `npm run build:native failed: ${(built.stderr || built.stdout).trim()}` };
  }
  const status = nativeProver();
  return status.ok ? { addon: status.addon } : { reason: status.reason };
}

const prepared = prepare();

/** The addon; under CI a missing addon is an error, not a skip. */
export const native = prepared.addon as NativeAddon;
export const nativeMissing = !prepared.addon;
if (nativeMissing && ci) throw new Error(`native prover tests under CI: ${prepared.reason}`);

/** Appended to a describe title: vitest then lists the skipped tests with the reason. */
export const nativeSkipNote = nativeMissing ? ` [skipped: ${prepared.reason}]` : "";
if (nativeMissing) console.warn(`native prover tests${nativeSkipNote}`);
