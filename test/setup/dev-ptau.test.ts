import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSections } from "../../scripts/setup/bin-file.ts";
import { DEV_PTAU_LABEL, writeDevPtau } from "../../scripts/setup/dev-ptau.ts";

const run = promisify(execFile);
const CIRCOM2_CLI = createRequire(import.meta.url).resolve("circom2/cli.js");
const POWER = 5;
const SECRETS = { tau: 0x1234_5678_9abc_def0n, alpha: 987_654_321n, beta: 55_555n };

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dev-ptau-test-"));
});

afterAll(async () => {
  // snarkjs caches one multi-threaded curve per process; its workers would outlive the file.
  const cached = (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null })
    .curve_bn128;
  await cached?.terminate();
  await rm(dir, { recursive: true, force: true });
});

const sections = (file: Buffer) => readSections(file) as Map<number, Buffer>;

function captureLogger() {
  const lines: string[] = [];
  const keep = (m: string) => lines.push(m);
  return { lines, logger: { debug: keep, info: keep, warn: keep, error: keep, log: keep } };
}

describe("writeDevPtau", () => {
  it("writes phase-2 sections identical to snarkjs preparePhase2 of the same accumulator", async () => {
    const ours = join(dir, "ours.ptau");
    const stages = new Set<string>();
    await writeDevPtau({
      power: POWER,
      path: ours,
      secrets: SECRETS,
      onProgress: (stage) => stages.add(stage),
    });
    // preparePhase2 copies sections 1-7 and recomputes 12-15 with group IFFTs.
    const input = join(dir, "input.ptau");
    const theirs = join(dir, "theirs.ptau");
    await copyFile(ours, input);
    await snarkjs.powersOfTau.preparePhase2(input, theirs);

    const a = sections(await readFile(ours));
    const b = sections(await readFile(theirs));
    expect([...a.keys()].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
    for (const id of [12, 13, 14, 15]) {
      expect(a.get(id)?.length, `section ${id} size`).toBe(b.get(id)?.length);
      expect(a.get(id)?.equals(b.get(id) ?? Buffer.alloc(0)), `section ${id} bytes`).toBe(true);
    }
    expect(stages).toContain("lagrangeTauG2");
  });

  it("passes snarkjs powersoftau verify with the label as the only contributor", async () => {
    const path = join(dir, "verify.ptau");
    await writeDevPtau({ power: POWER, path });
    const { lines, logger } = captureLogger();
    expect(await snarkjs.powersOfTau.verify(path, logger)).toBe(true);
    expect(lines).toContain(`Contribution #1: ${DEV_PTAU_LABEL}`);
    expect(lines.some((l) => l.startsWith("Contribution #2"))).toBe(false);
  });

  it("leaves nothing behind when it fails", async () => {
    const path = join(dir, "bad.ptau");
    await expect(writeDevPtau({ power: 0, path })).rejects.toThrow(/power/);
    await expect(
      writeDevPtau({ power: POWER, path, secrets: { ...SECRETS, tau: 0n } }),
    ).rejects.toThrow(/tau/);
    const abort = (stage: string) => {
      if (stage === "lagrangeTauG1") throw new Error("aborted mid-file");
    };
    await expect(writeDevPtau({ power: POWER, path, onProgress: abort })).rejects.toThrow(
      /aborted/,
    );
    await expect(stat(path)).rejects.toThrow();
    await expect(stat(`${path}.tmp`)).rejects.toThrow();
  });
});

describe("groth16 keys from a dev ptau", () => {
  it("prove and verify a tiny circuit; a tampered public signal fails", async () => {
    const ptau = join(dir, "circuit.ptau");
    await writeDevPtau({ power: POWER, path: ptau });

    const source = join(dir, "tiny.circom");
    await writeFile(
      source,
      [
        "pragma circom 2.0.0;",
        "template Tiny() {",
        "  signal input a;",
        "  signal input b;",
        "  signal output c;",
        "  signal ab;",
        "  ab <== a * b;",
        "  c <== ab * b;",
        "}",
        "component main {public [a]} = Tiny();",
        "",
      ].join("\n"),
    );
    await run(process.execPath, [CIRCOM2_CLI, source, "--r1cs", "--wasm", "-o", dir]);

    const zkey0 = join(dir, "tiny_0.zkey");
    const zkey1 = join(dir, "tiny_1.zkey");
    await snarkjs.zKey.newZKey(join(dir, "tiny.r1cs"), ptau, zkey0);
    await snarkjs.zKey.contribute(zkey0, zkey1, "test", "some entropy for the test");
    const vk = await snarkjs.zKey.exportVerificationKey(zkey1);

    const { proof, publicSignals } = await snarkjs.groth16.fullProve(
      { a: 3, b: 11 },
      join(dir, "tiny_js", "tiny.wasm"),
      zkey1,
    );
    expect(publicSignals).toEqual([String(3 * 11 * 11), "3"]);
    expect(await snarkjs.groth16.verify(vk, publicSignals, proof)).toBe(true);

    const tampered = [String(3 * 11 * 11 + 1), "3"];
    expect(await snarkjs.groth16.verify(vk, tampered, proof)).toBe(false);
  });
});
