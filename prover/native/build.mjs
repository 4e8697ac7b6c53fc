#!/usr/bin/env node
// Builds the native Groth16 prover addon (prover/native/build/Release/royalty_native.node) with
// node-gyp, offline: the headers come from the Node that runs this script (the `node` npm
// package ships them) or from the system's, never from the network.
//
//   node prover/native/build.mjs               build (or rebuild) it; exit 1 on failure
//   node prover/native/build.mjs --if-stale    only when a source is newer than the addon
//   node prover/native/build.mjs --optional    never fail: on failure print why and that the
//                                              provers will fall back to snarkjs (npm install)
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
export const ADDON = join(here, "build", "Release", "royalty_native.node");
const require = createRequire(import.meta.url);

function sources() {
  const src = join(here, "src");
  return [join(here, "binding.gyp"), ...readdirSync(src).map((f) => join(src, f))];
}

export function isStale() {
  if (!existsSync(ADDON)) return true;
  const built = statSync(ADDON).mtimeMs;
  return sources().some((f) => statSync(f).mtimeMs > built);
}

/** node-gyp: npm's own copy (npm points scripts at it), else one next to npm or installed. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    // .../npm/bin/npm-cli.js -> .../npm/node_modules/node-gyp/bin/node-gyp.js
    candidates.push(
      join(
        dirname(process.env.npm_execpath),
        "..",
        "node_modules",
        "node-gyp",
        "bin",
        "node-gyp.js",
      ),
    );
  }
  try {
    candidates.push(require.resolve("node-gyp/bin/node-gyp.js"));
  } catch {}
  for (const prefix of [dirname(dirname(process.execPath)), "/usr", "/usr/local"]) {
    candidates.push(
      join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    );
  }
  return candidates.find((c) => existsSync(c));
}

/** A directory laid out as an installed Node (include/node/node_api.h and common.gypi). */
function findNodeDir() {
  const candidates = [];
  try {
    candidates.push(dirname(dirname(realpathSync(process.execPath))));
  } catch {}
  // The `node` npm package (a devDependency here) keeps the real install in node-<platform>-<arch>.
  const platformPkg = `node-${process.platform}-${process.arch}`;
  for (const base of [join(root, "node_modules", "node"), root]) {
    try {
      candidates.push(dirname(require.resolve(`${platformPkg}/package.json`, { paths: [base] })));
    } catch {}
  }
  candidates.push("/usr", "/usr/local");
  return candidates.find(
    (d) =>
      existsSync(join(d, "include", "node", "node_api.h")) &&
      existsSync(join(d, "include", "node", "common.gypi")),
  );
}

/** Builds the addon; returns null on success, else the reason it failed. */
export function build({ quiet = false } = {}) {
  const gyp = findNodeGyp();
  if (!gyp) return "node-gyp not found (it ships with npm; run through `npm run build:native`)";
  const nodedir = findNodeDir();
  if (!nodedir) return "Node headers (include/node/node_api.h) not found next to node or in /usr";
  const result = spawnSync(
    process.execPath,
    [gyp, "rebuild", `--nodedir=${nodedir}`, "--loglevel=warn"],
    { cwd: here, stdio: quiet ? "pipe" : "inherit", encoding: "utf8" },
  );
  if (result.error) return `node-gyp did not start: ${result.error.message}`;
  if (result.status !== 0) {
    const tail = quiet
      ? `\n${(result.stderr || result.stdout || "").split("\n").slice(-15).join("\n")}`
      : "";
    return `node-gyp exited with ${result.status}${tail}`;
  }
  try {
    const addon = require(ADDON);
    if (typeof addon.prove !== "function") return "the built addon does not export prove()";
  } catch (error) {
    return `the built addon does not load: ${error.message}`;
  }
  return null;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = new Set(process.argv.slice(2));
  if (args.has("--if-stale") && !isStale()) {
    console.log("native prover: up to date");
    process.exit(0);
  }
  console.log("native prover: building prover/native (node-gyp, g++)");
  const t0 = Date.now();
  const failure = build();
  if (failure === null) {
    console.log(
      `native prover: built ${ADDON.slice(root.length + 1)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  } else if (args.has("--optional")) {
    console.warn(`native prover: NOT built (${failure}); proving falls back to snarkjs`);
  } else {
    console.error(`native prover: build failed: ${failure}`);
    process.exit(1);
  }
}
