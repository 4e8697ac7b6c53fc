import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import * as ffjavascript from "ffjavascript";
import * as snarkjs from "snarkjs";
import { beforeAll, describe, expect, it } from "vitest";
import { SNARK_FIELD } from "../../core/field.ts";
import { loadParams } from "../../core/params.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { encodeWtns, loadWitnessCalculator } from "../../prover/witness.ts";
import { writeDevPtau } from "../../scripts/setup/dev-ptau.ts";
import { type DevKeySecrets, randomDevKeySecrets } from "../../scripts/setup/dev-secrets.ts";
import { writeDevZkey } from "../../scripts/setup/dev-zkey.ts";
import { ptauPowerFor } from "../../scripts/setup/keys.ts";
import { artifactPaths } from "../../scripts/setup/paths.ts";
import { captureLogger, expectSectionsEqual, PTAU_SECRETS, tempDir } from "./dev-fixtures.ts";

const LABEL = "dev-zkey test contribution";

// Public a, b; private x and an input no constraint uses (its A, B, C points are zero);
// constants other than +-1 in the linear combinations.
const TINY_CIRCOM = `pragma circom 2.0.0;
template Tiny() {
  signal input a;
  signal input b;
  signal input x;
  signal input unused;
  signal output y;
  signal output z;
  signal t;
  t <== (3 * x + 5 * a) * (x - b);
  y <== t * t + 7 * a;
  z <== x * b - 2 * t;
}
component main {public [a, b]} = Tiny();
`;
const TINY_INPUT = { a: 3, b: 11, x: 5, unused: 0 };

const tmp = tempDir("dev-zkey-test-");
let r1cs: string;
let wasm: string;

beforeAll(async () => {
  ({ r1cs, wasm } = await tmp.compile("tiny", TINY_CIRCOM));
});

async function ptauOfPower(power: number): Promise<string> {
  const path = tmp.path(`dev_${power}.ptau`);
  if (!existsSync(path)) await writeDevPtau({ power, path, secrets: PTAU_SECRETS });
  return path;
}

/** The domain power snarkjs picks for the tiny circuit (header of the zkey it writes). */
async function tinyPower(zkey: string): Promise<number> {
  const domainSize = (await tmp.sections(zkey)).get(2)!.readUInt32LE(4 + 32 + 4 + 32 + 8);
  return Math.log2(domainSize);
}

function randomFr(): bigint {
  return (
    BigInt(`0x${createHash("sha256").update(String(Math.random())).digest("hex")}`) % SNARK_FIELD
  );
}

// snarkjs zkey beacon: delta = Fr.fromRng(ChaCha(sha256^(2^exp)(hash))), read as Montgomery.
async function beaconDelta(hashHex: string, numIterationsExp: number): Promise<bigint> {
  let h: Buffer = Buffer.from(hashHex, "hex");
  for (let i = 0; i < 2 ** numIterationsExp; i++) h = createHash("sha256").update(h).digest();
  const seed = Array.from({ length: 8 }, (_, i) => h.readUInt32BE(i * 4));
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  return curve.Fr.toObject(curve.Fr.fromRng(new ffjavascript.ChaCha(seed))) as bigint;
}

async function proveAndVerify(zkey: string, input: Record<string, unknown>) {
  const vk = await snarkjs.zKey.exportVerificationKey(zkey);
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, wasm, zkey);
  return { vk, proof, publicSignals: publicSignals as string[] };
}

describe("dev key secrets", () => {
  it("are drawn below snarkjs's BN254 scalar order, the one core's SNARK_FIELD names", async () => {
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    expect(SNARK_FIELD).toBe(curve.r as bigint);
    for (let i = 0; i < 50; i++) {
      for (const v of Object.values(randomDevKeySecrets())) {
        expect(v > 0n && v < (curve.r as bigint)).toBe(true);
      }
    }
  });
});

describe("writeDevZkey on a tiny circuit", () => {
  let power: number;
  let initial: string;

  beforeAll(async () => {
    // snarkjs's own key from a roomy ptau, to learn the domain size.
    initial = tmp.path("snarkjs_roomy.zkey");
    await snarkjs.zKey.newZKey(r1cs, await ptauOfPower(8), initial);
    power = await tinyPower(initial);
  });

  // With delta = 1 the key is exactly `zkey new`'s, apart from section 10 carrying one
  // contribution record after the identical circuit hash.
  it.each([
    ["a ptau of exactly the domain power (H from the ptau's extra top level)", 0],
    ["a larger ptau", 3],
  ])("with delta = 1 equals snarkjs zkey new, %s", async (_, extra) => {
    const ptau = await ptauOfPower(power + extra);
    const theirs = tmp.path(`snarkjs_${extra}.zkey`);
    const ours = tmp.path(`ours_${extra}.zkey`);
    await snarkjs.zKey.newZKey(r1cs, ptau, theirs);
    const stages = new Set<string>();
    await writeDevZkey({
      r1csPath: r1cs,
      zkeyPath: ours,
      ptauPath: ptau,
      secrets: { ...PTAU_SECRETS, delta: 1n },
      label: LABEL,
      onProgress: (stage) => stages.add(stage),
    });
    const a = await tmp.sections(ours);
    const b = await tmp.sections(theirs);
    expect([...a.keys()]).toEqual([...b.keys()]); // same sections, same order
    expectSectionsEqual(a, b, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a.get(10)!.subarray(0, 64).equals(b.get(10)!.subarray(0, 64)), "circuit hash").toBe(
      true,
    );
    expect(b.get(10)!.readUInt32LE(64)).toBe(0);
    expect(a.get(10)!.readUInt32LE(64)).toBe(1);
    expect(stages).toEqual(
      new Set([
        "lagrange",
        "qap",
        "IC",
        "H",
        "H (circuit hash)",
        "C",
        "A",
        "B1",
        "B2",
        "contribution",
      ]),
    );
  });

  it("with a beacon's delta equals snarkjs zkey new + zkey beacon in sections 1-9", async () => {
    const ptau = await ptauOfPower(power);
    const init = tmp.path("beacon_0.zkey");
    const theirs = tmp.path("beacon_1.zkey");
    const ours = tmp.path("beacon_ours.zkey");
    const hash = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
    await snarkjs.zKey.newZKey(r1cs, ptau, init);
    await snarkjs.zKey.beacon(init, theirs, "beacon", hash, 10);
    const delta = await beaconDelta(hash, 10);
    await writeDevZkey({
      r1csPath: r1cs,
      zkeyPath: ours,
      ptauPath: ptau,
      secrets: { ...PTAU_SECRETS, delta },
      label: LABEL,
    });
    const a = await tmp.sections(ours);
    const b = await tmp.sections(theirs);
    expectSectionsEqual(a, b, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Circuit hash, count and deltaAfter agree; the proof-of-knowledge keys are random.
    expect(
      a
        .get(10)!
        .subarray(0, 64 + 4 + 64)
        .equals(b.get(10)!.subarray(0, 64 + 4 + 64)),
    ).toBe(true);
  });

  it("with a random delta proves, verifies, and passes snarkjs zkey verify", async () => {
    const ptau = await ptauOfPower(power + 1);
    const zkey = tmp.path("random_delta.zkey");
    await writeDevZkey({
      r1csPath: r1cs,
      zkeyPath: zkey,
      ptauPath: ptau,
      secrets: { ...PTAU_SECRETS, delta: randomFr() },
      label: LABEL,
    });
    const { vk, proof, publicSignals } = await proveAndVerify(zkey, TINY_INPUT);
    const t = (3 * 5 + 5 * 3) * (5 - 11);
    expect(publicSignals).toEqual([String(t * t + 21), String(5 * 11 - 2 * t), "3", "11"]);
    expect(await snarkjs.groth16.verify(vk, publicSignals, proof)).toBe(true);
    const tampered = [...publicSignals];
    tampered[3] = "12";
    expect(await snarkjs.groth16.verify(vk, tampered, proof)).toBe(false);

    const { lines, logger } = captureLogger();
    expect(await snarkjs.zKey.verifyFromR1cs(r1cs, ptau, zkey, logger)).toBe(true);
    expect(lines.some((l) => l.includes(`contribution #1 ${LABEL}:`))).toBe(true);
  });

  it("refuses wrong secrets, a small ptau or swapped files, leaving no file", async () => {
    const ptau = await ptauOfPower(power);
    const zkey = tmp.path("wrong.zkey");
    const wrong: DevKeySecrets = { ...PTAU_SECRETS, alpha: PTAU_SECRETS.alpha + 1n, delta: 7n };
    const base = { r1csPath: r1cs, zkeyPath: zkey, ptauPath: ptau, label: LABEL };
    await expect(writeDevZkey({ ...base, secrets: wrong })).rejects.toMatchObject({
      code: "PTAU_SECRETS_MISMATCH",
      details: { secret: "alpha" },
    });
    await expect(
      writeDevZkey({ ...base, secrets: { ...PTAU_SECRETS, delta: 0n } }),
    ).rejects.toMatchObject({ code: "DEV_SETUP_INVALID", details: { secret: "delta" } });
    await expect(
      writeDevZkey({
        ...base,
        ptauPath: await ptauOfPower(power - 1),
        secrets: { ...PTAU_SECRETS, delta: 7n },
      }),
    ).rejects.toMatchObject({ code: "PTAU_TOO_SMALL", details: { needed: power } });
    const secrets = { ...PTAU_SECRETS, delta: 7n };
    for (const swapped of [
      { ...base, r1csPath: ptau },
      { ...base, ptauPath: r1cs },
    ]) {
      await expect(writeDevZkey({ ...swapped, secrets })).rejects.toMatchObject({
        code: "SETUP_FILE_MALFORMED",
      });
    }
    await expect(stat(zkey)).rejects.toThrow();
    await expect(stat(`${zkey}.tmp`)).rejects.toThrow();
  });
});

const testBuild = artifactPaths(loadParams("test"));
const testBuilt = existsSync(testBuild.r1cs) && existsSync(testBuild.wasm);

describe.skipIf(!testBuilt)("writeDevZkey on the project's test circuit", () => {
  it("proves and verifies a sample batch; a tampered public signal fails", async () => {
    const info = await snarkjs.r1cs.info(testBuild.r1cs);
    const power = ptauPowerFor(info.nConstraints, info.nPubInputs + info.nOutputs);
    const ptau = tmp.path("dev_test.ptau");
    await writeDevPtau({ power, path: ptau, secrets: PTAU_SECRETS });
    const zkey = tmp.path("royalty_batch_test.zkey");
    await writeDevZkey({
      r1csPath: testBuild.r1cs,
      zkeyPath: zkey,
      ptauPath: ptau,
      secrets: { ...PTAU_SECRETS, delta: randomFr() },
      label: LABEL,
    });
    const calculate = await loadWitnessCalculator(testBuild.wasm, testBuild.witnessCalculator);
    const witness = await calculate(sampleBatch(loadParams("test")).input);
    const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, {
      type: "mem",
      data: encodeWtns(witness),
    });
    const vk = await snarkjs.zKey.exportVerificationKey(zkey);
    expect(await snarkjs.groth16.verify(vk, publicSignals, proof)).toBe(true);
    const tampered = [...(publicSignals as string[])];
    tampered[0] = String((BigInt(tampered[0]!) + 1n) % SNARK_FIELD);
    expect(await snarkjs.groth16.verify(vk, tampered, proof)).toBe(false);
  });
});
