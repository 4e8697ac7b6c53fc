import { copyFile, stat } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import { describe, expect, it } from "vitest";
import { DEV_PTAU_LABEL, writeDevPtau } from "../../scripts/setup/dev-ptau.ts";
import { captureLogger, expectSectionsEqual, PTAU_SECRETS, tempDir } from "./dev-fixtures.ts";

const POWER = 5;
const tmp = tempDir("dev-ptau-test-");

describe("writeDevPtau", () => {
  it("writes phase-2 sections identical to snarkjs preparePhase2 of the same accumulator", async () => {
    const ours = tmp.path("ours.ptau");
    const stages = new Set<string>();
    await writeDevPtau({
      power: POWER,
      path: ours,
      secrets: PTAU_SECRETS,
      onProgress: (stage) => stages.add(stage),
    });
    // preparePhase2 copies sections 1-7 and recomputes 12-15 with group IFFTs.
    const input = tmp.path("input.ptau");
    const theirs = tmp.path("theirs.ptau");
    await copyFile(ours, input);
    await snarkjs.powersOfTau.preparePhase2(input, theirs);

    const a = await tmp.sections(ours);
    const b = await tmp.sections(theirs);
    expect([...a.keys()].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
    expectSectionsEqual(a, b, [12, 13, 14, 15]);
    expect(stages).toContain("lagrangeTauG2");
  });

  it("passes snarkjs powersoftau verify with the label as the only contributor", async () => {
    const path = tmp.path("verify.ptau");
    await writeDevPtau({ power: POWER, path });
    const { lines, logger } = captureLogger();
    expect(await snarkjs.powersOfTau.verify(path, logger)).toBe(true);
    expect(lines).toContain(`Contribution #1: ${DEV_PTAU_LABEL}`);
    expect(lines.some((l) => l.startsWith("Contribution #2"))).toBe(false);
  });

  it("leaves nothing behind when it fails", async () => {
    const path = tmp.path("bad.ptau");
    await expect(writeDevPtau({ power: 0, path })).rejects.toMatchObject({
      code: "DEV_SETUP_INVALID",
      details: { power: 0 },
    });
    await expect(
      writeDevPtau({ power: POWER, path, secrets: { ...PTAU_SECRETS, tau: 0n } }),
    ).rejects.toMatchObject({ code: "DEV_SETUP_INVALID", details: { secret: "tau" } });
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
    const ptau = tmp.path("circuit.ptau");
    await writeDevPtau({ power: POWER, path: ptau });

    const { r1cs, wasm } = await tmp.compile(
      "tiny",
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

    const zkey0 = tmp.path("tiny_0.zkey");
    const zkey1 = tmp.path("tiny_1.zkey");
    await snarkjs.zKey.newZKey(r1cs, ptau, zkey0);
    await snarkjs.zKey.contribute(zkey0, zkey1, "test", "some entropy for the test");
    const vk = await snarkjs.zKey.exportVerificationKey(zkey1);

    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 3, b: 11 }, wasm, zkey1);
    expect(publicSignals).toEqual([String(3 * 11 * 11), "3"]);
    expect(await snarkjs.groth16.verify(vk, publicSignals, proof)).toBe(true);

    const tampered = [String(3 * 11 * 11 + 1), "3"];
    expect(await snarkjs.groth16.verify(vk, tampered, proof)).toBe(false);
  });
});
