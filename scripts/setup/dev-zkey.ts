// Fast, INSECURE Groth16 proving key for development, written straight from the secrets.
//
// snarkjs `zkey new` builds every proving-key point as a multiexp over the ptau's Lagrange
// points (10+ minutes for 95k constraints on two cores), then `zkey contribute` multiplies
// the C and H sections by 1/delta point by point. Whoever made the dev ptau knows tau,
// alpha and beta, so every point is just (field scalar) * generator: the scalars are cheap
// field arithmetic over the r1cs coefficients and the Lagrange values L_j(tau), and the
// points come from the fixed-base comb engine of dev-ptau.ts.
//
// The result is what `zkey new` followed by one `zkey contribute` with secret delta writes:
// sections 1-9 byte for byte (same section order as `zkey new`), section 10 with the same
// circuit hash and one genuine contribution record (random proof-of-knowledge key, as
// snarkjs's), so `zkey verify` passes and names the label as the contributor.
//
// Anyone who kept the secrets can forge proofs for keys made this way. Tests and local
// development only.

import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { blake2b } from "@noble/hashes/blake2b";
import * as ffjavascript from "ffjavascript";
import { SNARK_FIELD } from "../../core/field.ts";
import { BinFileWriter, concat } from "./bin-file.ts";
import {
  buildDevCurve,
  type Curve,
  FixedBaseMul,
  type GroupName,
  randomScalar,
  terminateDevCurve,
  type WasmFr,
  type WasmGroup,
} from "./dev-ptau.ts";

export interface DevKeySecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
  /** default 1, as in snarkjs `zkey new` (any other value fails `zkey verify`'s gamma check) */
  gamma?: bigint;
  delta: bigint;
}

export interface DevZkeyOptions {
  r1csPath: string;
  /** output; written to zkeyPath + ".tmp" and renamed when complete */
  zkeyPath: string;
  /** the dev ptau made from the same tau/alpha/beta: checked against them, and its power
   * decides the H section exactly as in snarkjs */
  ptauPath: string;
  secrets: DevKeySecrets;
  /** contributor name of the phase-2 contribution record (snarkjs keeps 64 characters) */
  label: string;
  /** `done` and `total` count points (or steps) of `stage` */
  onProgress?: (stage: string, done: number, total: number) => void;
}

type Buf = Uint8Array;

/** Fresh crypto-random secrets (gamma left at 1), for a ptau and zkey made together. */
export function randomDevKeySecrets(): DevKeySecrets {
  const [tau, alpha, beta, delta] = [0, 1, 2, 3].map(() => randomScalar(SNARK_FIELD)) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  return { tau, alpha, beta, delta };
}

/** What this file needs of the curve beyond dev-ptau's view of it. */
type ZkCurve = Curve & {
  Fr: WasmFr & {
    batchFromMontgomery(buff: Buf): Promise<Buf>;
  };
  G1: WasmGroup & { eq(a: Buf, b: Buf): boolean };
  G2: WasmGroup & { eq(a: Buf, b: Buf): boolean };
};

const FR_BYTES = 32;
const SG1 = 64;
const SG2 = 128;
// Fr's two-adicity: from there on snarkjs builds H from a coset instead; not supported.
const FR_S = 28;

export async function writeDevZkey(opts: DevZkeyOptions): Promise<void> {
  const r1cs = await readR1cs(opts.r1csPath);
  const ptau = await readPtauHead(opts.ptauPath);
  const tmpPath = `${opts.zkeyPath}.tmp`;
  const curve = (await buildDevCurve()) as ZkCurve;
  try {
    const secrets = checkSecrets(opts.secrets, curve.r);
    const power = domainPower(r1cs, curve, ptau.power);
    checkPtauMatches(curve, ptau, secrets);
    const out = await open(tmpPath, "w");
    try {
      await new DevZkeyWriter(curve, opts, out, r1cs, ptau, power, secrets).writeAll();
    } finally {
      await out.close();
    }
    await rename(tmpPath, opts.zkeyPath);
  } catch (err) {
    await rm(tmpPath, { force: true });
    throw err;
  } finally {
    await terminateDevCurve(curve);
  }
}

interface Secrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
  gamma: bigint;
  delta: bigint;
}

function checkSecrets(s: DevKeySecrets, r: bigint): Secrets {
  const full = { ...s, gamma: s.gamma ?? 1n };
  for (const [name, v] of Object.entries(full)) {
    if (typeof v !== "bigint" || v <= 0n || v >= r) {
      throw new Error(`dev zkey secret ${name} must be a bigint in 1..r-1`);
    }
  }
  return full;
}

/** log2 of the evaluation domain, computed as snarkjs `zkey new` does. */
function domainPower(r1cs: R1cs, curve: Curve, ptauPower: number): number {
  if (r1cs.prime !== curve.r) throw new Error("r1cs is not over the bn128 scalar field");
  const power = floorLog2(r1cs.nConstraints + r1cs.nPublic) + 1;
  if (power > ptauPower) {
    throw new Error(`circuit needs a ptau of power ${power}; the ptau has ${ptauPower}`);
  }
  if (power >= FR_S) throw new Error(`circuit too big: domain 2^${power}`);
  return power;
}

function floorLog2(v: number): number {
  return v <= 0 ? 0 : 31 - Math.clz32(v);
}

// The ptau contributes only alpha1, beta1 and beta2 to the zkey (copied as snarkjs copies
// them), and its power. Checking those and tau*G1 against the secrets catches the one
// mistake that would otherwise give a key that silently fails to verify: secrets that are
// not the ptau's.
function checkPtauMatches(curve: ZkCurve, ptau: PtauHead, s: Secrets): void {
  const expect: [string, GroupName, bigint, Buf][] = [
    ["tau", "G1", s.tau, ptau.tau1],
    ["alpha", "G1", s.alpha, ptau.alpha1],
    ["beta", "G1", s.beta, ptau.beta1],
    ["beta", "G2", s.beta, ptau.beta2],
  ];
  for (const [name, group, x, point] of expect) {
    if (!curve[group].eq(mulG(curve, group, x), point)) {
      throw new Error(`ptau was not made from these secrets (${name} * ${group} differs)`);
    }
  }
}

/** x * generator, affine Montgomery (file format). */
function mulG(curve: Curve, group: GroupName, x: bigint): Buf {
  const G = curve[group];
  return G.toAffine(G.timesFr(G.g, curve.Fr.e(x)));
}

// ---------------------------------------------------------------------------------------
// Input files: snarkjs's binfile container (magic, version u32, count u32, then
// (type u32, size u64, data) per section).

interface SectionPos {
  offset: number;
  size: number;
}

function view(b: Buf): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

interface R1cs {
  prime: bigint;
  nVars: number;
  /** outputs + public inputs (not counting the constant-one wire) */
  nPublic: number;
  nConstraints: number;
  /** section 2: per constraint, for A, B, C: count u32, then (wire u32, coefficient) */
  constraints: Buf;
}

async function readR1cs(path: string): Promise<R1cs> {
  const fh = await open(path, "r");
  try {
    const table = await sectionTableOf(fh, "r1cs");
    const head = table.get(1);
    const body = table.get(2);
    if (!head || !body) throw new Error("r1cs file lacks its header or constraints");
    const h = await readAt(fh, head.offset, head.size);
    const dv = view(h);
    const n8 = dv.getUint32(0, true);
    if (n8 !== FR_BYTES) throw new Error(`r1cs field elements of ${n8} bytes; expected 32`);
    const at = 4 + n8;
    return {
      prime: leToBigint(h.subarray(4, at)),
      nVars: dv.getUint32(at, true),
      nPublic: dv.getUint32(at + 4, true) + dv.getUint32(at + 8, true),
      nConstraints: dv.getUint32(at + 24, true),
      constraints: await readAt(fh, body.offset, body.size),
    };
  } finally {
    await fh.close();
  }
}

interface PtauHead {
  power: number;
  tau1: Buf;
  alpha1: Buf;
  beta1: Buf;
  beta2: Buf;
}

/** The ptau's power and its first points, without loading the whole file. */
async function readPtauHead(path: string): Promise<PtauHead> {
  const fh = await open(path, "r");
  try {
    const table = await sectionTableOf(fh, "ptau");
    const at = (type: number, offset: number, size: number) => {
      const s = table.get(type);
      if (!s || s.size < offset + size) throw new Error(`ptau section ${type} missing or short`);
      return readAt(fh, s.offset + offset, size);
    };
    const head = view(await at(1, 0, 4 + 32 + 8));
    return {
      power: head.getUint32(4 + 32, true),
      tau1: await at(2, SG1, SG1),
      alpha1: await at(4, 0, SG1),
      beta1: await at(5, 0, SG1),
      beta2: await at(6, 0, SG2),
    };
  } finally {
    await fh.close();
  }
}

async function sectionTableOf(fh: FileHandle, magic: string): Promise<Map<number, SectionPos>> {
  const head = await readAt(fh, 0, 12);
  if (new TextDecoder().decode(head.subarray(0, 4)) !== magic)
    throw new Error(`not a ${magic} file`);
  const table = new Map<number, SectionPos>();
  let at = 12;
  for (let i = 0; i < view(head).getUint32(8, true); i++) {
    const h = view(await readAt(fh, at, 12));
    const size = Number(h.getBigUint64(4, true));
    table.set(h.getUint32(0, true), { offset: at + 12, size });
    at += 12 + size;
  }
  return table;
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buf> {
  const b = new Uint8Array(length);
  const { bytesRead } = await fh.read(b, 0, length, position);
  if (bytesRead !== length) throw new Error("unexpected end of file");
  return b;
}

// ---------------------------------------------------------------------------------------
// Field arithmetic in BigInt: the per-wire sums run over ~10 terms per constraint, and
// BigInt keeps them simple. Bulk work (IFFT, powers, scaling) stays in the wasm engine.

function leToBigint(b: Buf): bigint {
  const dv = view(b);
  let x = 0n;
  for (let i = b.byteLength - 8; i >= 0; i -= 8) x = (x << 64n) | dv.getBigUint64(i, true);
  return x;
}

function writeLe(dv: DataView, offset: number, x: bigint): void {
  dv.setBigUint64(offset, BigInt.asUintN(64, x), true);
  dv.setBigUint64(offset + 8, BigInt.asUintN(64, x >> 64n), true);
  dv.setBigUint64(offset + 16, BigInt.asUintN(64, x >> 128n), true);
  dv.setBigUint64(offset + 24, BigInt.asUintN(64, x >> 192n), true);
}

function mod(x: bigint, r: bigint): bigint {
  const m = x % r;
  return m < 0n ? m + r : m;
}

function powMod(base: bigint, exp: bigint, r: bigint): bigint {
  let result = 1n;
  let b = mod(base, r);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % r;
    b = (b * b) % r;
  }
  return result;
}

const invMod = (x: bigint, r: bigint) => powMod(x, r - 2n, r);

/** scale * x_i for every x_i, as Fr Montgomery bytes (x * R mod r, R = 2^256). */
function montgomery(xs: readonly bigint[], scale: bigint, r: bigint): Buf {
  const k = mod(scale * (1n << 256n), r);
  const out = new Uint8Array(xs.length * FR_BYTES);
  const dv = view(out);
  for (let i = 0; i < xs.length; i++) writeLe(dv, i * FR_BYTES, (xs[i]! * k) % r);
  return out;
}

/** Fr Montgomery bytes to bigints (standard form). */
async function toBigints(Fr: ZkCurve["Fr"], mont: Buf, count: number): Promise<bigint[]> {
  const std = await Fr.batchFromMontgomery(mont.slice(0, count * FR_BYTES));
  const out = new Array<bigint>(count);
  for (let i = 0; i < count; i++)
    out[i] = leToBigint(std.subarray(i * FR_BYTES, (i + 1) * FR_BYTES));
  std.fill(0);
  return out;
}

/** first * ratio^i for i < count, Fr Montgomery, on the worker threads. */
async function geometric(Fr: WasmFr, first: Buf, ratio: Buf, count: number): Promise<Buf> {
  const ones = new Uint8Array(count * FR_BYTES);
  for (let i = 0; i < count; i++) ones.set(Fr.one, i * FR_BYTES);
  return Fr.batchApplyKey(ones, first, ratio);
}

// ---------------------------------------------------------------------------------------
// QAP: per wire s, u_s(tau), v_s(tau), w_s(tau) = sum over constraints c of the A, B, C
// coefficient of s in c times L_c(tau); plus, as snarkjs adds them, one extra A row per
// public wire (constraint nConstraints + s, coefficient 1) that makes the public inputs
// linearly independent. Also section 4, the A and B coefficients the prover needs.

interface Qap {
  u: bigint[];
  v: bigint[];
  w: bigint[];
  coefs: Buf;
}

/** Walks section 2 of the r1cs: matrix (0 A, 1 B, 2 C), constraint, wire, coefficient offset. */
function forEachTerm(
  r1cs: R1cs,
  visit: (matrix: number, constraint: number, wire: number, coefAt: number) => void,
): void {
  const dv = view(r1cs.constraints);
  let at = 0;
  for (let c = 0; c < r1cs.nConstraints; c++) {
    for (let m = 0; m < 3; m++) {
      const n = dv.getUint32(at, true);
      at += 4;
      for (let i = 0; i < n; i++, at += 4 + FR_BYTES) visit(m, c, dv.getUint32(at, true), at + 4);
    }
  }
  if (at !== r1cs.constraints.byteLength) throw new Error("r1cs constraints section malformed");
}

function countAbTerms(r1cs: R1cs): number {
  const dv = view(r1cs.constraints);
  let at = 0;
  let count = 0;
  for (let c = 0; c < r1cs.nConstraints; c++) {
    for (let m = 0; m < 3; m++) {
      const n = dv.getUint32(at, true);
      if (m < 2) count += n;
      at += 4 + n * (4 + FR_BYTES);
    }
  }
  return count;
}

/** Section 4 body: count, then (matrix, constraint, wire, coefficient * R^2 mod r) each. */
class CoefWriter {
  readonly bytes: Buf;
  private readonly dv: DataView;
  private at = 4;
  private readonly r2: bigint;
  private readonly oneBytes: Buf;
  private readonly minusOneBytes: Buf;

  constructor(
    count: number,
    private readonly r: bigint,
  ) {
    this.bytes = new Uint8Array(4 + count * (12 + FR_BYTES));
    this.dv = view(this.bytes);
    this.dv.setUint32(0, count, true);
    // snarkjs stores coefficients doubly Montgomery-encoded: the prover multiplies them,
    // as Montgomery numbers, with witness values that are not.
    this.r2 = mod(1n << 512n, r);
    this.oneBytes = this.encode(1n);
    this.minusOneBytes = this.encode(r - 1n);
  }

  private encode(coef: bigint): Buf {
    const b = new Uint8Array(FR_BYTES);
    writeLe(view(b), 0, (coef * this.r2) % this.r);
    return b;
  }

  push(matrix: number, constraint: number, wire: number, coef: bigint): void {
    this.dv.setUint32(this.at, matrix, true);
    this.dv.setUint32(this.at + 4, constraint, true);
    this.dv.setUint32(this.at + 8, wire, true);
    if (coef === 1n) this.bytes.set(this.oneBytes, this.at + 12);
    else if (coef === this.r - 1n) this.bytes.set(this.minusOneBytes, this.at + 12);
    else writeLe(this.dv, this.at + 12, (coef * this.r2) % this.r);
    this.at += 12 + FR_BYTES;
  }

  finish(): Buf {
    if (this.at !== this.bytes.byteLength) throw new Error("coefficient count mismatch");
    return this.bytes;
  }
}

/** Coefficient reader with fast paths for 1 and -1, most of a circom r1cs. */
function coefReader(constraints: Buf, r: bigint): (at: number) => bigint {
  const dv = view(constraints);
  const minusOne = new Uint8Array(FR_BYTES);
  writeLe(view(minusOne), 0, r - 1n);
  const m = view(minusOne);
  const words = Array.from({ length: 8 }, (_, i) => m.getUint32(i * 4, true));
  const isOne = (at: number) => {
    if (dv.getUint32(at, true) !== 1) return false;
    for (let i = 1; i < 8; i++) if (dv.getUint32(at + i * 4, true) !== 0) return false;
    return true;
  };
  const isMinusOne = (at: number) => {
    for (let i = 0; i < 8; i++) if (dv.getUint32(at + i * 4, true) !== words[i]) return false;
    return true;
  };
  return (at) => {
    if (isOne(at)) return 1n;
    if (isMinusOne(at)) return r - 1n;
    return leToBigint(constraints.subarray(at, at + FR_BYTES));
  };
}

function buildQap(r1cs: R1cs, lagrange: readonly bigint[], r: bigint): Qap {
  const { nVars, nPublic, nConstraints } = r1cs;
  const sums = [0, 1, 2].map(() => new Array<bigint>(nVars).fill(0n));
  const coefs = new CoefWriter(countAbTerms(r1cs) + nPublic + 1, r);
  const coefAt = coefReader(r1cs.constraints, r);
  const minusOne = r - 1n;
  forEachTerm(r1cs, (m, c, s, at) => {
    if (s >= nVars) throw new Error(`r1cs wire ${s} out of range`);
    const coef = coefAt(at);
    const sum = sums[m]!;
    const l = lagrange[c]!;
    // Unreduced sums: one reduction per wire at the end instead of one per term.
    if (coef === 1n) sum[s]! += l;
    else if (coef === minusOne) sum[s]! -= l;
    else sum[s]! += coef * l;
    if (m < 2) coefs.push(m, c, s, coef);
  });
  const [u, v, w] = sums as [bigint[], bigint[], bigint[]];
  for (let s = 0; s <= nPublic; s++) {
    u[s]! += lagrange[nConstraints + s]!;
    coefs.push(0, nConstraints + s, s, 1n);
  }
  for (const sum of sums) for (let s = 0; s < nVars; s++) sum[s] = mod(sum[s]!, r);
  return { u, v, w, coefs: coefs.finish() };
}

// ---------------------------------------------------------------------------------------
// Output: zkey container ("zkey", version 1, 10 sections), every size known up front.

function u32(v: number, littleEndian = true): Buf {
  const b = new Uint8Array(4);
  view(b).setUint32(0, v, littleEndian);
  return b;
}

type Hasher = ReturnType<typeof blake2b.create>;

/** Scalars of every point section, Fr Montgomery. */
interface Scalars {
  A: Buf;
  B: Buf;
  IC: Buf;
  /** C with delta = 1, as `zkey new` hashes it into the circuit hash */
  C1: Buf;
  C: Buf;
  H: Buf;
  /** tau^i (tau^n - 1): the H points `zkey new` hashes (from the ptau's tau powers) */
  Hhash: Buf;
}

class DevZkeyWriter {
  private readonly file: BinFileWriter;
  private readonly fixed: FixedBaseMul;
  private readonly n: number;
  /** snarkjs's circuit hash: fixed by the circuit and the ptau, not by delta */
  private readonly csHasher: Hasher = blake2b.create({ dkLen: 64 });

  constructor(
    private readonly curve: ZkCurve,
    private readonly opts: DevZkeyOptions,
    fh: FileHandle,
    private readonly r1cs: R1cs,
    private readonly ptau: PtauHead,
    private readonly power: number,
    private readonly secrets: Secrets,
  ) {
    this.file = new BinFileWriter(fh, "zkey");
    this.fixed = new FixedBaseMul(curve);
    this.n = 2 ** power;
  }

  private progress(stage: string, done: number, total: number): void {
    this.opts.onProgress?.(stage, done, total);
  }

  // Sections in the order `zkey new` writes them, which is also the order the circuit
  // hash covers them in: 1, 2, 4, 3 (IC), 9 (H), 8 (C), 5 (A), 6 (B1), 7 (B2), 10.
  async writeAll(): Promise<void> {
    const { scalars, coefs } = await this.computeScalars();
    try {
      await this.file.header(10);
      await this.file.section(1, u32(1)); // prover type 1: Groth16
      await this.file.section(2, this.grothHeader());
      this.hashGrothHeader();
      await this.file.section(4, coefs);
      await this.pointSection(3, "G1", scalars.IC, "IC", true);
      await this.pointSection(9, "G1", scalars.H, "H", false);
      await this.hashOnly(scalars.Hhash, "H (circuit hash)");
      // With delta = 1 the C points are the hashed ones; otherwise hash C1 separately.
      const plainC = this.secrets.delta === 1n;
      await this.pointSection(8, "G1", scalars.C, "C", plainC);
      if (!plainC) await this.hashOnly(scalars.C1, "C (circuit hash)");
      await this.pointSection(5, "G1", scalars.A, "A", true);
      await this.pointSection(6, "G1", scalars.B, "B1", true);
      await this.pointSection(7, "G2", scalars.B, "B2", true);
      this.progress("contribution", 0, 1);
      await this.file.section(10, this.mpcSection(this.csHasher.digest()));
      this.progress("contribution", 1, 1);
    } finally {
      for (const b of Object.values(scalars)) b.fill(0);
    }
  }

  private async computeScalars(): Promise<{ scalars: Scalars; coefs: Buf }> {
    const { Fr, r } = this.curve;
    const { tau, alpha, beta, gamma, delta } = this.secrets;
    const { nVars, nPublic, nConstraints } = this.r1cs;
    this.progress("lagrange", 0, 2);
    // tau^0 .. tau^(2n-1); the n-domain Lagrange values are the IFFT of the first n.
    const powers = await geometric(Fr, Fr.one, Fr.e(tau), 2 * this.n);
    const lagrangeN = await Fr.ifft(powers.slice(0, this.n * FR_BYTES));
    const lagrange = await toBigints(Fr, lagrangeN, nConstraints + nPublic + 1);
    lagrangeN.fill(0);
    this.progress("lagrange", 1, 2);
    const H = await this.hScalars(powers, invMod(delta, r));
    powers.fill(0);
    this.progress("lagrange", 2, 2);

    this.progress("qap", 0, 1);
    const { u, v, w, coefs } = buildQap(this.r1cs, lagrange, r);
    // k_s = beta*u_s + alpha*v_s + w_s: IC for public wires (/gamma), C for private (/delta).
    const k = u.map((us, s) => mod(beta * us + alpha * v[s]! + w[s]!, r));
    const tauN1 = Fr.e(mod(powMod(tau, BigInt(this.n), r) - 1n, r));
    const scalars: Scalars = {
      A: montgomery(u, 1n, r),
      B: montgomery(v, 1n, r),
      IC: montgomery(k.slice(0, nPublic + 1), invMod(gamma, r), r),
      C1: montgomery(k.slice(nPublic + 1, nVars), 1n, r),
      C: montgomery(k.slice(nPublic + 1, nVars), invMod(delta, r), r),
      H,
      Hhash: await geometric(Fr, tauN1, Fr.e(tau), this.n - 1),
    };
    this.progress("qap", 1, 1);
    return { scalars, coefs };
  }

  // snarkjs's H section is the odd half of the Lagrange basis of the 2n-point domain:
  // ptau section 12 at level 2n, points 1, 3, 5, ... (then / delta by the contribution).
  // When 2n is one more than the ptau's power, that level is the ptau's extra top level,
  // which snarkjs builds with the missing highest power tau^(2n-1) taken as 0; we do the
  // same so the bytes match (both are valid: h(x)Z(x) has degree at most 2n-2).
  private async hScalars(powers: Buf, deltaInv: bigint): Promise<Buf> {
    const { Fr } = this.curve;
    const input = powers.slice();
    if (this.power === this.ptau.power) input.fill(0, (2 * this.n - 1) * FR_BYTES);
    const lagrange2n = await Fr.ifft(input);
    input.fill(0);
    const odd = new Uint8Array(this.n * FR_BYTES);
    for (let i = 0; i < this.n; i++) {
      odd.set(lagrange2n.subarray((2 * i + 1) * FR_BYTES, (2 * i + 2) * FR_BYTES), i * FR_BYTES);
    }
    lagrange2n.fill(0);
    const scaled = await Fr.batchApplyKey(odd, Fr.e(deltaInv), Fr.one);
    odd.fill(0);
    return scaled;
  }

  private grothHeader(): Buf {
    const { curve, r1cs, ptau, secrets } = this;
    const b = new Uint8Array(4 + 32 + 4 + 32 + 12);
    const dv = view(b);
    dv.setUint32(0, 32, true);
    writeLe(dv, 4, curve.q);
    dv.setUint32(36, 32, true);
    writeLe(dv, 40, curve.r);
    dv.setUint32(72, r1cs.nVars, true);
    dv.setUint32(76, r1cs.nPublic, true);
    dv.setUint32(80, this.n, true);
    return concat([
      b,
      ptau.alpha1,
      ptau.beta1,
      ptau.beta2,
      mulG(curve, "G2", secrets.gamma),
      mulG(curve, "G1", secrets.delta),
      mulG(curve, "G2", secrets.delta),
    ]);
  }

  // `zkey new` hashes alpha1, beta1, beta2, gamma2 and its *initial* delta1 and delta2
  // (the generators), all uncompressed.
  private hashGrothHeader(): void {
    const { G1, G2 } = this.curve;
    const { ptau, secrets } = this;
    for (const [G, p] of [
      [G1, ptau.alpha1],
      [G1, ptau.beta1],
      [G2, ptau.beta2],
      [G2, mulG(this.curve, "G2", secrets.gamma)],
      [G1, G1.g],
      [G2, G2.g],
    ] as [WasmGroup, Buf][]) {
      this.csHasher.update(G.toUncompressed(p));
    }
  }

  /** Section count, big-endian, as `zkey new` hashes it before each point list. */
  private hashCount(count: number): void {
    this.csHasher.update(u32(count, false));
  }

  private async pointSection(
    type: number,
    group: GroupName,
    scalars: Buf,
    stage: string,
    hashed: boolean,
  ): Promise<void> {
    const count = scalars.byteLength / FR_BYTES;
    if (hashed) this.hashCount(count);
    await this.file.startSection(type, count * this.fixed.pointSize(group));
    await this.fixed.mulGenerator(
      group,
      scalars,
      async (points) => {
        await this.file.write(points);
        if (hashed) this.csHasher.update(await this.curve[group].batchLEMtoU(points));
      },
      (done, total) => this.progress(stage, done, total),
    );
  }

  /** Points that enter the circuit hash but not the file. */
  private async hashOnly(scalars: Buf, stage: string): Promise<void> {
    this.hashCount(scalars.byteLength / FR_BYTES);
    await this.fixed.mulGenerator(
      "G1",
      scalars,
      async (points) => {
        this.csHasher.update(await this.curve.G1.batchLEMtoU(points));
      },
      (done, total) => this.progress(stage, done, total),
    );
  }

  // Section 10 as `zkey contribute` leaves it: circuit hash, then one contribution with
  // private key delta. Its proof of knowledge: random s, s*G1, s*delta*G1, and delta times
  // a G2 point derived from the transcript hash (blake2b of circuit hash and those two).
  private mpcSection(csHash: Buf): Buf {
    const { G1, G2, Fr } = this.curve;
    const delta = Fr.e(this.secrets.delta);
    const g1s = mulG(this.curve, "G1", randomScalar(this.curve.r));
    const g1sx = G1.toAffine(G1.timesFr(g1s, delta));
    const transcript = blake2b
      .create({ dkLen: 64 })
      .update(csHash)
      .update(G1.toUncompressed(g1s))
      .update(G1.toUncompressed(g1sx))
      .digest();
    const g2spx = G2.toAffine(G2.timesFr(hashToG2(G2, transcript), delta));
    return concat([
      csHash,
      u32(1),
      mulG(this.curve, "G1", this.secrets.delta), // deltaAfter
      g1s,
      g1sx,
      g2spx,
      transcript,
      u32(0), // type 0: ordinary contribution, not a beacon
      ...nameParam(this.opts.label),
    ]);
  }
}

// snarkjs keypair.js hashToG2: ChaCha seeded with the hash's first 8 big-endian words.
function hashToG2(G2: WasmGroup, hash: Buf): Buf {
  const dv = view(hash);
  const seed = Array.from({ length: 8 }, (_, i) => dv.getUint32(i * 4));
  return G2.fromRng(new ffjavascript.ChaCha(seed));
}

// As snarkjs writeContribution: parameter 1 (name), the first 64 characters, UTF-8.
function nameParam(label: string): Buf[] {
  if (label === "") return [u32(0)];
  const bytes = new TextEncoder().encode(label.substring(0, 64));
  return [u32(bytes.byteLength + 2), new Uint8Array([1, bytes.byteLength]), bytes];
}
