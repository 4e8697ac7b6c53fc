// What the dev ptau and dev zkey tests share: a temp dir per file (with circom runs and section
// reading in it), fixed secrets, section comparisons and a logger that keeps snarkjs's output.

import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect } from "vitest";
import { readSections } from "../../scripts/setup/bin-file.ts";
import { terminateCachedCurve } from "../../scripts/setup/dev-curve.ts";

const run = promisify(execFile);
const CIRCOM2_CLI = createRequire(import.meta.url).resolve("circom2/cli.js");

/** Fixed phase-1 secrets, so files made in different tests match each other. */
export const PTAU_SECRETS = { tau: 0x1234_5678_9abc_def0n, alpha: 987_654_321n, beta: 55_555n };

export interface TempDir {
  /** `names` joined onto the dir */
  path(...names: string[]): string;
  /** Compiles `source` as `<name>.circom` in the dir; its r1cs and witness wasm. */
  compile(name: string, source: string): Promise<{ r1cs: string; wasm: string }>;
  /** The sections of a ptau or zkey file (a path, or a name in the dir), by type. */
  sections(file: string): Promise<Map<number, Buffer>>;
}

/**
 * A temp dir made before the file's tests and removed after them, together with snarkjs's cached
 * curve, whose worker threads would otherwise outlive the file.
 */
export function tempDir(prefix: string): TempDir {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await terminateCachedCurve();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  // Only called inside tests and hooks registered after these, when dir is set.
  const path = (...names: string[]) => join(dir!, ...names);
  return {
    path,
    async compile(name, source) {
      await writeFile(path(`${name}.circom`), source);
      // circom2 runs in a WASI sandbox that sees only paths relative to its working directory.
      await run(process.execPath, [CIRCOM2_CLI, `${name}.circom`, "--r1cs", "--wasm", "-o", "."], {
        cwd: path(),
      });
      return { r1cs: path(`${name}.r1cs`), wasm: path(`${name}_js`, `${name}.wasm`) };
    },
    async sections(file) {
      return readSections(await readFile(resolve(path(), file))) as Map<number, Buffer>;
    },
  };
}

/** Sections `ids` have the same size and bytes in both files. */
export function expectSectionsEqual(
  ours: Map<number, Buffer>,
  theirs: Map<number, Buffer>,
  ids: number[],
): void {
  for (const id of ids) {
    const a = ours.get(id);
    const b = theirs.get(id);
    expect(a?.length, `section ${id} size`).toBe(b?.length);
    expect(a?.equals(b ?? Buffer.alloc(0)), `section ${id} bytes`).toBe(true);
  }
}

/** A snarkjs logger that keeps every line. */
export function captureLogger() {
  const lines: string[] = [];
  const keep = (m: string) => lines.push(m);
  return { lines, logger: { debug: keep, info: keep, warn: keep, error: keep, log: keep } };
}
