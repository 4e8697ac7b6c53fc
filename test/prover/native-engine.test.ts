// The native prover's parts against slow references computed with ffjavascript (snarkjs's own
// curve engine) and plain BigInt: multi-scalar multiplication in G1 and G2, and the FFTs.
import { randomBytes } from "node:crypto";
import * as ffjavascript from "ffjavascript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SNARK_FIELD as R } from "../../core/field.ts";
import { concat } from "../../scripts/setup/bin-file.ts";
import { frMod, frPow, leToBigint } from "../../scripts/setup/bn254.ts";
import { native, nativeMissing, nativeSkipNote } from "./native-env.ts";

// biome-ignore lint/suspicious/noExplicitAny: ffjavascript is untyped
let curve: any;

beforeAll(async () => {
  if (!nativeMissing) curve = await ffjavascript.buildBn128(true);
});
afterAll(async () => {
  await curve?.terminate();
});

function le32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = x;
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

const randomScalar = () => leToBigint(randomBytes(32)) % R;

/** Affine points (Montgomery LE, as the zkey stores them) k * G, with (0, 0) for k = 0. */
function basesOf(group: "G1" | "G2", ks: readonly bigint[]): Uint8Array[] {
  const G = curve[group];
  return ks.map((k) => {
    if (k === 0n) return new Uint8Array(G.F.n8 * 2);
    return G.toAffine(G.timesScalar(G.g, ffjavascript.Scalar.e(k)));
  });
}

/** sum k_i * P_i the slow way, as snarkjs's affine object ([x, y, 1], or null for infinity). */
function slowMsm(group: "G1" | "G2", bases: Uint8Array[], scalars: readonly bigint[]) {
  const G = curve[group];
  let acc = G.zero;
  bases.forEach((b, i) => {
    const k = scalars[i] as bigint;
    if (k === 0n || b.every((x) => x === 0)) return;
    acc = G.add(acc, G.timesScalar(b, ffjavascript.Scalar.e(k)));
  });
  if (G.isZero(acc)) return null;
  return ffjavascript.utils.stringifyBigInts(G.toObject(G.toAffine(acc)));
}

/** Random scalars with the awkward ones mixed in: zero, one, r - 1, long runs of ones. */
function scalarsFor(n: number): bigint[] {
  const special = [0n, 1n, 2n, R - 1n, R - 2n, (1n << 253n) - 1n, (1n << 200n) + 1n, 0n, 3n];
  return Array.from({ length: n }, (_, i) =>
    i < special.length ? (special[i] as bigint) : i % 5 === 0 ? 0n : randomScalar(),
  );
}

/** Base multipliers with infinity, repeated points and opposite points mixed in. */
function pointKeysFor(n: number): bigint[] {
  const ks = Array.from({ length: n }, () => randomScalar());
  ks[1] = 0n; // the point at infinity
  ks[4] = ks[3] as bigint; // the same point twice (a doubling inside a bucket)
  ks[6] = R - (ks[5] as bigint); // P and -P (they cancel inside a bucket)
  ks[11] = 0n;
  return ks;
}

describe.skipIf(nativeMissing)(`native MSM against ffjavascript${nativeSkipNote}`, () => {
  for (const group of ["G1", "G2"] as const) {
    const msm = (b: Uint8Array, s: Uint8Array, o?: { threads?: number; window?: number }) =>
      group === "G1" ? native.msmG1(b, s, o) : native.msmG2(b, s, o);
    const infinity =
      group === "G1"
        ? ["0", "1", "0"]
        : [
            ["0", "0"],
            ["1", "0"],
            ["0", "0"],
          ];

    it(`${group}: random inputs with zero scalars, infinity and repeated points, every window size`, () => {
      const n = group === "G1" ? 160 : 80;
      const ks = pointKeysFor(n);
      const bases = basesOf(group, ks);
      // Same point with the same digit twice, and opposite points with the same digit.
      const scalars = scalarsFor(n);
      scalars[4] = scalars[3] as bigint;
      scalars[6] = scalars[5] as bigint;
      const want = slowMsm(group, bases, scalars);
      const basesBytes = concat(bases);
      const scalarBytes = concat(scalars.map(le32));
      for (const window of [undefined, 1, 2, 3, 5, 7, 8, 11, 13, 16]) {
        for (const threads of [1, 3]) {
          expect(msm(basesBytes, scalarBytes, { window, threads }), `window ${window}`).toEqual(
            want,
          );
        }
      }
    });

    it(`${group}: sums that are the point at infinity, and empty inputs`, () => {
      const ks = [5n, 7n, 0n];
      const bases = concat(basesOf(group, ks));
      // 7 * (5G) + 5 * (R - 7) ... : choose scalars so the total cancels: 7*5G - 5*7G = 0.
      const bases2 = concat(basesOf(group, [5n, 7n]));
      expect(msm(bases2, concat([le32(7n), le32(R - 5n)]))).toEqual(infinity);
      expect(msm(bases, concat([0n, 0n, 9n].map(le32)))).toEqual(infinity);
      expect(msm(new Uint8Array(0), new Uint8Array(0))).toEqual(infinity);
    });

    it(`${group}: a single doubling-heavy case, all scalars equal on one point`, () => {
      const bases = basesOf(
        group,
        Array.from({ length: 40 }, () => 12345n),
      );
      const scalars = Array.from({ length: 40 }, () => R - 1n);
      expect(msm(concat(bases), concat(scalars.map(le32)), { window: 4 })).toEqual(
        slowMsm(group, bases, scalars),
      );
    });

    it(`${group}: rejects scalars >= r and points off the curve`, () => {
      const bases = concat(basesOf(group, [3n, 4n]));
      for (const bad of [R, R + 1n, (1n << 256n) - 1n]) {
        expect(() => msm(bases, concat([le32(1n), le32(bad)]))).toThrowError(
          expect.objectContaining({ code: "SCALAR_OUT_OF_RANGE" }),
        );
      }
      const off = bases.slice();
      off[5] = (off[5] as number) ^ 1;
      expect(() => msm(off, concat([le32(1n), le32(2n)]))).toThrowError(
        expect.objectContaining({ code: "POINT_INVALID" }),
      );
      expect(() => msm(bases, concat([le32(1n)]))).toThrowError(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    });
  }
});

// Plain BigInt modular arithmetic for the slow DFT (scripts/setup/bn254.ts).
const mod = frMod;
const pow = frPow;

describe.skipIf(nativeMissing)(`native FFT against a slow DFT${nativeSkipNote}`, () => {
  const toBytes = (xs: bigint[]) => concat(xs.map(le32));
  const fromBytes = (b: Uint8Array) =>
    Array.from({ length: b.length / 32 }, (_, i) => leToBigint(b.subarray(32 * i, 32 * i + 32)));
  const root = (bits: number) => BigInt(curve.Fr.toObject(curve.Fr.w[bits]));

  for (const bits of [1, 2, 3, 5, 6]) {
    const n = 1 << bits;
    it(`size ${n}: fft, ifft and the coset step equal the DFT sums`, () => {
      const w = root(bits);
      const inc = root(bits + 1);
      const xs = Array.from({ length: n }, (_, i) =>
        i === 1 ? 0n : i === 2 ? R - 1n : randomScalar(),
      );
      const dft = (a: bigint[], x: bigint) =>
        Array.from({ length: n }, (_, k) =>
          a.reduce((acc, c, j) => mod(acc + c * pow(x, BigInt(j * k))), 0n),
        );
      expect(fromBytes(native.fft(toBytes(xs), "fft"))).toEqual(dft(xs, w));
      const ninv = pow(BigInt(n), R - 2n);
      const coeffs = dft(xs, pow(w, R - 2n)).map((c) => mod(c * ninv));
      expect(fromBytes(native.fft(toBytes(xs), "ifft"))).toEqual(coeffs);
      // snarkjs: values on the domain -> values of the same polynomial at inc * w^k.
      const coset = Array.from({ length: n }, (_, k) => {
        const x = mod(inc * pow(w, BigInt(k)));
        return coeffs.reduce((acc, c, j) => mod(acc + c * pow(x, BigInt(j))), 0n);
      });
      expect(fromBytes(native.fft(toBytes(xs), "coset"))).toEqual(coset);
      expect(fromBytes(native.fft(toBytes(xs), "coset", 4))).toEqual(coset);
    });
  }

  it("size 1024: the coset step equals snarkjs's ifft / batchApplyKey / fft", async () => {
    const bits = 10;
    const n = 1 << bits;
    const xs = Array.from({ length: n }, () => randomScalar());
    const Fr = curve.Fr;
    const mont = concat(xs.map((x) => Fr.e(x)));
    const coef = await Fr.ifft(mont);
    const shifted = await Fr.batchApplyKey(coef, Fr.e(1), Fr.w[bits + 1]);
    const values = await Fr.fft(shifted);
    const want = Array.from({ length: n }, (_, i) =>
      BigInt(Fr.toObject(values.slice(32 * i, 32 * i + 32))),
    );
    expect(fromBytes(native.fft(toBytes(xs), "coset", 2))).toEqual(want);
  });

  it("rejects values >= r and lengths that are not powers of two", () => {
    expect(() => native.fft(toBytes([1n, R]), "fft")).toThrowError(
      expect.objectContaining({ code: "SCALAR_OUT_OF_RANGE" }),
    );
    expect(() => native.fft(toBytes([1n, 2n, 3n]), "fft")).toThrowError(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});
