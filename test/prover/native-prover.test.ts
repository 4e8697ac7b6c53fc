// The native Groth16 prover on the test set's zkey, against snarkjs: valid proofs, the same
// public signals, for fixed r and s the very proof snarkjs makes (A and B also recomputed point
// by point with ffjavascript), failures for tampered witnesses and broken keys.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ffjavascript from "ffjavascript";
import * as snarkjs from "snarkjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SNARK_FIELD as R } from "../../core/field.ts";
import { loadParams } from "../../core/params.ts";
import { type Groth16Proof, readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import type { NativeKey } from "../../prover/native/index.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { encodeWtns, loadWitnessCalculator } from "../../prover/witness.ts";
import { runSetup } from "../../scripts/setup/setup.ts";
import { native, nativeMissing, nativeSkipNote } from "./native-env.ts";

const params = loadParams("test");

let artifacts: Awaited<ReturnType<typeof runSetup>>["artifacts"];
let vkey: unknown;
let zkeyBytes: Uint8Array;
let key: NativeKey;
let witness: bigint[];
let wtns: Uint8Array;
let expectedSignals: string[];
const tmp = mkdtempSync(join(tmpdir(), "royalty-native-"));

beforeAll(async () => {
  if (nativeMissing) return;
  artifacts = (await runSetup(params, { progress: false })).artifacts;
  vkey = readVerificationKey(artifacts.verificationKey);
  zkeyBytes = new Uint8Array(readFileSync(artifacts.zkey)); // a copy: Buffer#slice would share it
  key = native.loadZkey(artifacts.zkey);
  const built = sampleBatch(params);
  const calculate = await loadWitnessCalculator(artifacts.wasm, artifacts.witnessCalculator);
  witness = await calculate(built.input);
  wtns = encodeWtns(witness);
  expectedSignals = built.publicSignals.map(String);
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const verify = (signals: readonly string[], proof: Groth16Proof) =>
  verifyProof(vkey, signals.map(BigInt), proof);

/** snarkjs's proof with its two calls to Fr.random() answered by r, then s. */
async function snarkjsProofWith(r: bigint, s: bigint) {
  const curve = await ffjavascript.buildBn128(); // the multi-threaded curve snarkjs uses
  const random = curve.Fr.random;
  const queue = [r, s];
  curve.Fr.random = () => curve.Fr.e(queue.shift() as bigint);
  try {
    return await snarkjs.groth16.prove(artifacts.zkey, { type: "mem", data: wtns });
  } finally {
    curve.Fr.random = random;
  }
}

/** The zkey's sections by type: [offset, size]. */
function sectionsOf(z: Uint8Array): Map<number, [number, number]> {
  const dv = new DataView(z.buffer, z.byteOffset, z.byteLength);
  const out = new Map<number, [number, number]>();
  let at = 12;
  for (let i = 0; i < dv.getUint32(8, true); i++) {
    const size = Number(dv.getBigUint64(at + 4, true));
    out.set(dv.getUint32(at, true), [at + 12, size]);
    at += 12 + size;
  }
  return out;
}

describe.skipIf(nativeMissing)(`native prover on the test set's zkey${nativeSkipNote}`, () => {
  it("should make proofs that snarkjs verifies, with snarkjs's public signals", async () => {
    const info = native.zkeyInfo(key);
    expect(info.nVars).toBe(witness.length);
    const fromWtns = await native.prove(key, wtns, { threads: 2 });
    const fromArray = native.proveSync(key, witness, { threads: 1 });
    const { publicSignals } = await snarkjs.groth16.prove(artifacts.zkey, {
      type: "mem",
      data: wtns,
    });
    for (const p of [fromWtns, fromArray]) {
      expect(p.publicSignals).toEqual(publicSignals);
      expect(p.publicSignals).toEqual(expectedSignals);
      expect(p.proof.protocol).toBe("groth16");
      expect(p.proof.curve).toBe("bn128");
      expect(p.proof.pi_a[2]).toBe("1");
      expect(p.proof.pi_b[2]).toEqual(["1", "0"]);
      expect(p.proof.pi_c[2]).toBe("1");
      expect(await verify(p.publicSignals, p.proof)).toBe(true);
    }
    // Fresh randomness every time: two proofs of one witness differ.
    expect(fromWtns.proof.pi_a).not.toEqual(fromArray.proof.pi_a);
  });

  it("should equal snarkjs's own proof for the same r and s, on any number of threads", async () => {
    for (const [r, s] of [
      [123456789n, 987654321n],
      [R - 1n, 2n ** 200n + 17n],
      [0n, 0n],
    ] as const) {
      const want = await snarkjsProofWith(r, s);
      for (const threads of [1, 2, 3]) {
        const got = await native.prove(key, wtns, { threads, r, s });
        expect(got.proof, `r=${r} s=${s} threads=${threads}`).toEqual(want.proof);
        expect(got.publicSignals).toEqual(want.publicSignals);
      }
    }
  });

  it("should compute A and B as alpha + sum w_i A_i + r delta (point by point with ffjavascript)", async () => {
    const curve = await ffjavascript.buildBn128(true);
    try {
      const { G1, G2 } = curve;
      const sec = sectionsOf(zkeyBytes);
      const [h] = sec.get(2) as [number, number];
      const point = (at: number, bytes: number) => zkeyBytes.slice(at, at + bytes);
      const base = h + 4 + 32 + 4 + 32 + 12;
      const alpha1 = point(base, 64);
      const beta2 = point(base + 128, 128);
      const delta1 = point(base + 384, 64);
      const delta2 = point(base + 448, 128);
      const [aAt] = sec.get(5) as [number, number];
      const [b2At] = sec.get(7) as [number, number];
      const r = 31337n;
      const s = 4242n;
      let A = G1.add(alpha1, G1.timesScalar(delta1, r));
      let B = G2.add(beta2, G2.timesScalar(delta2, s));
      witness.forEach((w, i) => {
        if (w === 0n) return;
        A = G1.add(A, G1.timesScalar(point(aAt + 64 * i, 64), w));
        B = G2.add(B, G2.timesScalar(point(b2At + 128 * i, 128), w));
      });
      const got = native.proveSync(key, wtns, { threads: 2, r, s });
      const str = ffjavascript.utils.stringifyBigInts;
      expect(got.proof.pi_a).toEqual(str(G1.toObject(G1.toAffine(A))));
      expect(got.proof.pi_b).toEqual(str(G2.toObject(G2.toAffine(B))));
    } finally {
      await curve.terminate();
    }
  });

  it("should give proofs that fail verification for a tampered witness", async () => {
    const info = native.zkeyInfo(key);
    // A private signal off by one: A, B and C no longer satisfy the pairing equation.
    const privateTampered = witness.slice();
    const i = info.nPublic + 10;
    privateTampered[i] = ((privateTampered[i] as bigint) + 1n) % R;
    const p1 = await native.prove(key, privateTampered);
    expect(p1.publicSignals).toEqual(expectedSignals);
    expect(await verify(p1.publicSignals, p1.proof)).toBe(false);
    // A public signal changed in the witness: no valid proof for either set of signals.
    const publicTampered = witness.slice();
    publicTampered[1] = ((publicTampered[1] as bigint) + 1n) % R;
    const p2 = await native.prove(key, encodeWtns(publicTampered));
    expect(await verify(p2.publicSignals, p2.proof)).toBe(false);
    expect(await verify(expectedSignals, p2.proof)).toBe(false);
    // And the untampered witness still proves.
    const ok = await native.prove(key, wtns);
    expect(await verify(ok.publicSignals, ok.proof)).toBe(true);
  });

  it("should reject witnesses that do not fit the key, with a clear error", async () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => native.proveSync(key, witness.slice(1))).toThrowError(code("WITNESS_INVALID"));
    expect(() => native.proveSync(key, [...witness, 1n])).toThrowError(/circuit of this zkey has/);
    const tooBig = witness.slice();
    tooBig[3] = R;
    expect(() => native.proveSync(key, tooBig)).toThrowError(code("WITNESS_INVALID"));
    const negative = witness.slice();
    negative[3] = -1n;
    expect(() => native.proveSync(key, negative)).toThrowError(code("WITNESS_INVALID"));
    const noOne = witness.slice();
    noOne[0] = 2n;
    expect(() => native.proveSync(key, noOne)).toThrowError(/constant signal/);
    const otherField = wtns.slice();
    otherField[12 + 12 + 4] = (otherField[12 + 12 + 4] as number) ^ 1; // the prime in the header
    await expect(native.prove(key, otherField)).rejects.toThrowError(code("WITNESS_INVALID"));
    expect(() => native.proveSync(key, wtns.slice(0, wtns.length - 7))).toThrowError(/truncated/);
    expect(() => native.proveSync(key, wtns, { r: R, s: 1n })).toThrowError(
      code("SCALAR_OUT_OF_RANGE"),
    );
    expect(() => native.proveSync(key, wtns, { r: 1n })).toThrowError(/both r and s/);
  });

  it("should refuse corrupt, truncated and mismatched zkeys with a clear error, never a crash", () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    const load = (bytes: Uint8Array) => () => native.loadZkey(bytes);
    const sec = sectionsOf(zkeyBytes);
    const edit = (f: (b: Uint8Array, dv: DataView) => void) => {
      const b = zkeyBytes.slice();
      f(b, new DataView(b.buffer));
      return b;
    };
    expect(load(zkeyBytes.slice(0, 1000))).toThrowError(/truncated/);
    expect(load(zkeyBytes.slice(0, zkeyBytes.length - 1))).toThrowError(code("ZKEY_INVALID"));
    expect(load(new Uint8Array(0))).toThrowError(code("ZKEY_INVALID"));
    expect(load(edit((b) => b.set([0x77], 0)))).toThrowError(/bad magic/);
    const [h1] = sec.get(1) as [number, number];
    expect(load(edit((_, dv) => dv.setUint32(h1, 2, true)))).toThrowError(/not Groth16/);
    const [h2] = sec.get(2) as [number, number];
    // Another curve's base field, or a header whose sizes do not fit the sections (another circuit).
    expect(load(edit((b) => (b[h2 + 4] = (b[h2 + 4] as number) ^ 1)))).toThrowError(
      /curve mismatch/,
    );
    expect(
      load(edit((_, dv) => dv.setUint32(h2 + 72, dv.getUint32(h2 + 72, true) + 1, true))),
    ).toThrowError(/section A has/);
    expect(load(edit((_, dv) => dv.setUint32(h2 + 80, 1000, true)))).toThrowError(/power of two/);
    // A point off the curve, a coordinate >= q, a coefficient pointing past the witness.
    const [aAt] = sec.get(5) as [number, number];
    expect(
      load(edit((b) => (b[aAt + 64 * 7 + 3] = (b[aAt + 64 * 7 + 3] as number) ^ 4))),
    ).toThrowError(/A point 7: point not on the curve/);
    expect(load(edit((b) => b.fill(0xff, aAt + 64 * 2, aAt + 64 * 2 + 32)))).toThrowError(
      /not below q/,
    );
    const [b2At] = sec.get(7) as [number, number];
    expect(load(edit((b) => (b[b2At + 100] = (b[b2At + 100] as number) ^ 1)))).toThrowError(
      /B2 point 0: point not on the twist curve/,
    );
    const [cAt] = sec.get(4) as [number, number];
    expect(load(edit((_, dv) => dv.setUint32(cAt + 4 + 8, 0xfffffff0, true)))).toThrowError(
      /coefficient 0 is out of range/,
    );
    // A wtns file is not a zkey; a missing file says so.
    expect(load(wtns)).toThrowError(code("ZKEY_INVALID"));
    expect(() => native.loadZkey(join(tmp, "missing.zkey"))).toThrowError(code("ZKEY_NOT_FOUND"));
    const truncatedFile = join(tmp, "truncated.zkey");
    writeFileSync(truncatedFile, zkeyBytes.subarray(0, zkeyBytes.length >> 1));
    expect(() => native.loadZkey(truncatedFile)).toThrowError(/truncated/);
    // The process is still fine and the real key still proves.
    expect(native.zkeyInfo(native.loadZkey(zkeyBytes)).nVars).toBe(witness.length);
  });
});
