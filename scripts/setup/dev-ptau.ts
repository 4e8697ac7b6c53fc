// Fast, INSECURE powers-of-tau for development keys.
//
// snarkjs builds the phase-2 Lagrange sections (12-15) with group IFFTs, whose butterflies
// are full scalar multiplications: O(n log n) of them, hours at 2^17 on two cores. Because
// we pick tau ourselves we can do the IFFT on the *scalars* (cheap field arithmetic) and
// then compute every point once as scalar * generator, using fixed-base comb tables in
// the curve's own wasm engine. Apart from the random blinding in the contribution's
// proof-of-knowledge keys, the file is byte-for-byte what `powersoftau new`, one
// `contribute` with these secrets and `prepare phase2` would write.
//
// Whoever runs this knows tau for a moment; keys made from it are forgeable by anyone who
// kept it. That is fine for tests and local development and nothing else.

import { createHash, type Hash, randomBytes } from "node:crypto";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { blake2b } from "@noble/hashes/blake2b";
import * as ffjavascript from "ffjavascript";
import { BinFileWriter, concat } from "./bin-file.ts";

export interface DevPtauOptions {
  /** ptau power (max constraints 2^power) */
  power: number;
  /** output .ptau path; written to path + ".tmp" then renamed */
  path: string;
  /** default: crypto-random, never logged or stored. Pass them only for tests, or to make
   * the matching proving key in the same run (dev-zkey.ts) and then forget them. */
  secrets?: { tau: bigint; alpha: bigint; beta: bigint };
  /** called after every chunk of points; `done` and `total` count points of `stage` */
  onProgress?: (stage: string, done: number, total: number) => void;
}

// The label is the contributor name of the single contribution record. snarkjs truncates
// names to 64 bytes whenever it rewrites section 7 (e.g. a later `contribute` on top of
// this file), so it is kept short enough to survive that intact.
export const DEV_PTAU_LABEL = "INSECURE dev ptau: local tau, discarded; never for production";

// Section 7 holds one genuine contribution record rather than none plus a sidecar file:
// our accumulator *is* exactly `powersoftau new` followed by one contribution with secrets
// (tau, alpha, beta), so a fully valid record (proof-of-knowledge keys, response hash,
// next-challenge hash) costs only some hashing. That keeps `zkey new` happy, lets
// `snarkjs powersoftau verify` check every section (and print the label as the
// contributor), and keeps the label inside the file where it cannot get separated.

type Buf = Uint8Array;

interface TaskCmd {
  cmd: "ALLOC" | "ALLOCSET" | "SET" | "CALL" | "GET";
  var?: number;
  len?: number;
  buff?: Buf;
  fnName?: string;
  params?: ({ var: number; offset?: number } | { val: number })[];
  out?: number;
}

interface ThreadManager {
  concurrency: number;
  queueAction(task: TaskCmd[]): Promise<Buf[]>;
}

export interface WasmFr {
  n8: number;
  one: Buf;
  e(x: bigint | number): Buf;
  mul(a: Buf, b: Buf): Buf;
  ifft(buff: Buf): Promise<Buf>;
  batchApplyKey(buff: Buf, first: Buf, inc: Buf): Promise<Buf>;
}

export interface WasmGroup {
  F: { n8: number };
  g: Buf;
  zero: Buf;
  add(a: Buf, b: Buf): Buf;
  double(a: Buf): Buf;
  toAffine(a: Buf): Buf;
  timesFr(a: Buf, s: Buf): Buf;
  toUncompressed(a: Buf): Buf;
  toRprUncompressed(out: Buf, offset: number, a: Buf): void;
  fromRng(rng: unknown): Buf;
  batchLEMtoC(buff: Buf): Promise<Buf>;
  batchLEMtoU(buff: Buf): Promise<Buf>;
}

export interface Curve {
  q: bigint;
  r: bigint;
  Fr: WasmFr;
  G1: WasmGroup;
  G2: WasmGroup;
  tm: ThreadManager;
  terminate(): Promise<void>;
}

export type GroupName = "G1" | "G2";

const WASM_PREFIX: Record<GroupName, string> = { G1: "g1m", G2: "g2m" };
const COMB_FN = "devFixedBaseMul";
// One comb window per scalar byte: 32 additions per point instead of ~254 doublings plus
// ~127 additions, and a table small enough (0.5 MB G1, 1 MB G2) to ship with each task.
const COMB_WINDOWS = 32;
const COMB_DIGITS = 256;
// Points per worker task: ~0.1-0.3 s of work, so progress moves and both threads stay busy.
const CHUNK: Record<GroupName, number> = { G1: 4096, G2: 1024 };
const FR_BYTES = 32;

export async function writeDevPtau(opts: DevPtauOptions): Promise<void> {
  checkPower(opts.power);
  const tmpPath = `${opts.path}.tmp`;
  const curve = await buildDevCurve();
  try {
    const secrets = opts.secrets ?? randomSecrets(curve.r);
    checkSecrets(secrets, curve.r);
    const out = await open(tmpPath, "w");
    try {
      await writeAll(new DevPtauBuilder(curve, opts, out), secrets);
    } finally {
      await out.close();
    }
    await rename(tmpPath, opts.path);
  } catch (err) {
    await rm(tmpPath, { force: true });
    throw err;
  } finally {
    await terminateDevCurve(curve);
  }
}

function checkPower(power: number): void {
  // 28 is Fr's two-adicity: beyond it snarkjs switches to a different Lagrange construction.
  if (!Number.isInteger(power) || power < 1 || power > 27) {
    throw new Error(`dev ptau power must be an integer in 1..27, got ${power}`);
  }
}

function randomSecrets(r: bigint): { tau: bigint; alpha: bigint; beta: bigint } {
  return { tau: randomScalar(r), alpha: randomScalar(r), beta: randomScalar(r) };
}

export function randomScalar(r: bigint): bigint {
  // 512 random bits reduced mod r: bias below 2^-250.
  for (;;) {
    const s = BigInt(`0x${randomBytes(64).toString("hex")}`) % r;
    if (s !== 0n) return s;
  }
}

function checkSecrets(s: { tau: bigint; alpha: bigint; beta: bigint }, r: bigint): void {
  for (const [name, v] of Object.entries(s)) {
    if (v <= 0n || v >= r) throw new Error(`dev ptau secret ${name} must be in 1..r-1`);
  }
}

// ---------------------------------------------------------------------------------------
// Curve with the comb function compiled into its wasm (main thread and every worker).

export async function buildDevCurve(): Promise<Curve> {
  // buildBn128 returns a process-wide cached curve when one exists, and that one lacks our
  // plugin. Build a private one and leave whatever snarkjs cached untouched.
  const g = globalThis as { curve_bn128?: unknown };
  const cached = g.curve_bn128;
  g.curve_bn128 = null;
  try {
    return (await ffjavascript.buildBn128(false, addCombFunctions)) as Curve;
  } finally {
    g.curve_bn128 = cached;
  }
}

export async function terminateDevCurve(curve: Curve): Promise<void> {
  const g = globalThis as { curve_bn128?: unknown };
  const cached = g.curve_bn128;
  await curve.terminate(); // also clears the global cache, which was never ours
  g.curve_bn128 = cached;
}

interface CodeBuilder {
  getLocal(name: string): number[];
  setLocal(name: string, v: number[]): number[];
  i32_const(n: number): number[];
  i32_add(a: number[], b: number[]): number[];
  i32_mul(a: number[], b: number[]): number[];
  i32_shl(a: number[], b: number[]): number[];
  i32_sub(a: number[], b: number[]): number[];
  i32_eq(a: number[], b: number[]): number[];
  i32_eqz(a: number[]): number[];
  i32_load8_u(addr: number[]): number[];
  call(fn: string, ...args: number[][]): number[];
  if(cond: number[], then: number[], otherwise?: number[]): number[];
  block(code: number[]): number[];
  loop(...code: number[][]): number[];
  br_if(depth: number, cond: number[]): number[];
  br(depth: number): number[];
}

interface ModuleBuilder {
  alloc(size: number): number;
  addFunction(name: string): {
    addParam(name: string, type: "i32"): void;
    addLocal(name: string, type: "i32"): void;
    getCodeBuilder(): CodeBuilder;
    addCode(...code: number[][]): void;
  };
  exportFunction(name: string): void;
}

function addCombFunctions(mb: ModuleBuilder): void {
  addCombFunction(mb, WASM_PREFIX.G1, "f1m", 32);
  addCombFunction(mb, WASM_PREFIX.G2, "f2m", 64);
}

// <prefix>_devFixedBaseMul(pTable, pScalars, n, pOut, pDen, pPre):
//   pOut[i] = scalar_i * G as affine Montgomery (the ptau point format), for n scalars in
//   Fr Montgomery form (converted in place). table[w][d] = d * 256^w * G, affine.
//   pDen and pPre are scratch, n base-field elements each.
//
// Window by window, every accumulator gets its table point added in *affine* coordinates,
// with one shared field inversion per window (Montgomery's batch-inversion trick): about
// 6 multiplications per addition instead of 11 for a Jacobian mixed addition, and no
// final conversion. The only special case is an empty accumulator: accumulator and table
// point can never be equal or opposite, because every partial sum of a canonical scalar's
// digits is smaller than the next non-zero digit's weight and than r.
function addCombFunction(mb: ModuleBuilder, prefix: string, fPrefix: string, n8: number): void {
  const sAffine = n8 * 2;
  const f = mb.addFunction(`${prefix}_${COMB_FN}`);
  for (const p of ["pTable", "pScalars", "n", "pOut", "pDen", "pPre"]) f.addParam(p, "i32");
  for (const l of ["i", "w", "d", "pS", "pA", "pT", "pD", "pP"]) f.addLocal(l, "i32");
  const c = f.getCodeBuilder();
  const get = (name: string) => c.getLocal(name);
  const k = (v: number) => c.i32_const(v);
  const F = (op: string, ...args: number[][]) => c.call(`${fPrefix}_${op}`, ...args);
  const G = (op: string, ...args: number[][]) => c.call(`${prefix}_${op}`, ...args);
  const at = (base: string, index: number[], size: number) =>
    c.i32_add(get(base), c.i32_mul(index, k(size)));
  const tmp = () => k(mb.alloc(n8));
  const [prod, inv, invI, lambda, x3, t1] = [tmp(), tmp(), tmp(), tmp(), tmp(), tmp()];
  const [xA, yA] = [get("pA"), c.i32_add(get("pA"), k(n8))];
  const [xT, yT] = [get("pT"), c.i32_add(get("pT"), k(n8))];

  const forEach = (body: number[][]) =>
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(get("i"), get("n"))),
        ...body,
        c.setLocal("i", c.i32_add(get("i"), k(1))),
        c.br(0),
      ),
    );
  const forEachBackwards = (body: number[][]) =>
    c.block(
      c.loop(
        c.br_if(1, c.i32_eqz(get("i"))),
        c.setLocal("i", c.i32_sub(get("i"), k(1))),
        ...body,
        c.br(0),
      ),
    );
  // Pointers for element i in window w; d = 0 means nothing to add.
  const locate = [
    c.setLocal("pS", at("pScalars", get("i"), FR_BYTES)),
    c.setLocal("pA", at("pOut", get("i"), sAffine)),
    c.setLocal("pD", at("pDen", get("i"), n8)),
    c.setLocal("pP", at("pPre", get("i"), n8)),
    c.setLocal("d", c.i32_load8_u(c.i32_add(get("pS"), get("w")))),
    c.setLocal("pT", at("pTable", c.i32_add(c.i32_shl(get("w"), k(8)), get("d")), sAffine)),
  ];
  // Forward: denominators x_T - x_A and their prefix products. A zero denominator marks
  // "no addition" (digit 0, or empty accumulator that just takes the table point).
  const forward = forEach([
    ...locate,
    c.if(
      c.i32_eqz(get("d")),
      F("zero", get("pD")),
      c.if(
        G("isZeroAffine", get("pA")),
        [...G("copyAffine", get("pT"), get("pA")), ...F("zero", get("pD"))],
        [
          ...F("sub", xT, xA, get("pD")),
          ...F("copy", prod, get("pP")),
          ...F("mul", prod, get("pD"), prod),
        ],
      ),
    ),
  ]);
  // Backward: peel each 1/den off the inverted product, then the affine addition.
  const backward = forEachBackwards([
    ...locate,
    c.if(c.i32_eqz(F("isZero", get("pD"))), [
      ...F("mul", inv, get("pP"), invI),
      ...F("mul", inv, get("pD"), inv),
      ...F("sub", yT, yA, lambda),
      ...F("mul", lambda, invI, lambda),
      ...F("square", lambda, x3),
      ...F("sub", x3, xA, x3),
      ...F("sub", x3, xT, x3),
      ...F("sub", xA, x3, t1),
      ...F("mul", lambda, t1, t1),
      ...F("sub", t1, yA, yA),
      ...F("copy", x3, xA),
    ]),
  ]);
  f.addCode(
    c.setLocal("i", k(0)),
    forEach([
      c.setLocal("pS", at("pScalars", get("i"), FR_BYTES)),
      c.call("frm_fromMontgomery", get("pS"), get("pS")),
      G("zeroAffine", at("pOut", get("i"), sAffine)),
    ]),
    c.setLocal("w", k(0)),
    c.block(
      c.loop(
        c.br_if(1, c.i32_eq(get("w"), k(COMB_WINDOWS))),
        F("one", prod),
        c.setLocal("i", k(0)),
        forward,
        F("inverse", prod, inv),
        c.setLocal("i", get("n")),
        backward,
        c.setLocal("w", c.i32_add(get("w"), k(1))),
        c.br(0),
      ),
    ),
  );
  mb.exportFunction(`${prefix}_${COMB_FN}`);
}

function buildCombTable(G: WasmGroup): Buf {
  const sAffine = G.F.n8 * 2;
  const table = new Uint8Array(COMB_WINDOWS * COMB_DIGITS * sAffine);
  let base = G.g;
  for (let w = 0; w < COMB_WINDOWS; w++) {
    let acc = G.zero;
    for (let d = 1; d < COMB_DIGITS; d++) {
      acc = G.add(acc, base);
      table.set(G.toAffine(acc), (w * COMB_DIGITS + d) * sAffine);
    }
    for (let k = 0; k < 8; k++) base = G.double(base);
  }
  return table;
}

// ---------------------------------------------------------------------------------------
// Output file: snarkjs's binfile container ("ptau", version 1, 11 sections). Section sizes
// are known up front, so each header is written before its data and nothing seeks back.

// ---------------------------------------------------------------------------------------

interface Secrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
}

/**
 * scalar * generator for many scalars at once, on the curve's worker threads, with the comb
 * tables above. Exported so the dev zkey writer (dev-zkey.ts) reuses the same engine.
 */
export class FixedBaseMul {
  private tables: Partial<Record<GroupName, Buf>> = {};

  constructor(readonly curve: Curve) {}

  table(group: GroupName): Buf {
    this.tables[group] ??= buildCombTable(this.curve[group]);
    return this.tables[group];
  }

  pointSize(group: GroupName): number {
    return this.curve[group].F.n8 * 2;
  }

  /**
   * scalar_i * generator (affine Montgomery, the ptau/zkey point format) for every Fr
   * (Montgomery) in `scalars`, handed to `sink` chunk by chunk in order. `scalars` is not
   * modified. `onChunk` gets the number of points done so far.
   */
  async mulGenerator(
    group: GroupName,
    scalars: Buf,
    sink: (points: Buf) => Promise<void> | void,
    onChunk?: (done: number, total: number) => void,
  ): Promise<void> {
    const total = scalars.byteLength / FR_BYTES;
    const chunk = Math.max(1, Math.min(CHUNK[group], Math.ceil(total / this.curve.tm.concurrency)));
    const pending: Promise<Buf[]>[] = [];
    for (let i = 0; i < total; i += chunk) {
      pending.push(this.queueComb(group, scalars.subarray(i * FR_BYTES, (i + chunk) * FR_BYTES)));
    }
    onChunk?.(0, total);
    let done = 0;
    for (const p of pending) {
      const points = first(await p);
      await sink(points);
      done += points.byteLength / this.pointSize(group);
      onChunk?.(done, total);
    }
  }

  private queueComb(group: GroupName, scalars: Buf): Promise<Buf[]> {
    const count = scalars.byteLength / FR_BYTES;
    const n8 = this.curve[group].F.n8;
    // A copy, not a view: posting a view to a worker would clone its whole backing buffer.
    const own = scalars.slice();
    const task = this.curve.tm.queueAction([
      { cmd: "ALLOCSET", var: 0, buff: this.table(group) },
      { cmd: "ALLOCSET", var: 1, buff: own },
      { cmd: "ALLOC", var: 2, len: count * this.pointSize(group) },
      { cmd: "ALLOC", var: 3, len: count * n8 },
      { cmd: "ALLOC", var: 4, len: count * n8 },
      {
        cmd: "CALL",
        fnName: `${WASM_PREFIX[group]}_${COMB_FN}`,
        params: [{ var: 0 }, { var: 1 }, { val: count }, { var: 2 }, { var: 3 }, { var: 4 }],
      },
      { cmd: "GET", out: 0, var: 2, len: count * this.pointSize(group) },
    ]);
    return task.finally(() => own.fill(0));
  }
}

class DevPtauBuilder {
  readonly n: number;
  readonly file: BinFileWriter;
  private readonly fixed: FixedBaseMul;

  constructor(
    readonly curve: Curve,
    readonly opts: DevPtauOptions,
    fh: FileHandle,
  ) {
    this.n = 2 ** opts.power;
    this.file = new BinFileWriter(fh, "ptau");
    this.fixed = new FixedBaseMul(curve);
  }

  progress(stage: string, done: number, total: number): void {
    this.opts.onProgress?.(stage, done, total);
  }

  pointSize(group: GroupName): number {
    return this.fixed.pointSize(group);
  }

  /** scalar_i * generator for every Fr (Montgomery) in `scalars`, streamed in order. */
  async mulGenerator(
    group: GroupName,
    scalars: Buf,
    stage: string,
    sink: (points: Buf) => Promise<void>,
  ): Promise<void> {
    await this.fixed.mulGenerator(group, scalars, sink, (done, total) =>
      this.progress(stage, done, total),
    );
  }

  /** Points for `scalars`, also kept in memory (sections 2-6 are hashed for section 7). */
  async pointSection(type: number, group: GroupName, scalars: Buf, stage: string): Promise<Buf> {
    const all = new Uint8Array((scalars.byteLength / FR_BYTES) * this.pointSize(group));
    let at = 0;
    await this.file.startSection(type, all.byteLength);
    await this.mulGenerator(group, scalars, stage, async (points) => {
      all.set(points, at);
      at += points.byteLength;
      await this.file.write(points);
    });
    return all;
  }

  async streamedSection(type: number, group: GroupName, scalars: Buf, stage: string) {
    const size = (scalars.byteLength / FR_BYTES) * this.pointSize(group);
    await this.file.startSection(type, size);
    await this.mulGenerator(group, scalars, stage, (points) => this.file.write(points));
  }
}

function first<T>(xs: T[]): T {
  const x = xs[0];
  if (x === undefined) throw new Error("worker returned no result");
  return x;
}

// Everything derived from the secrets is zeroed once used. JavaScript cannot promise the
// bytes are gone (copies, GC), but nothing big and tau-shaped lingers for a heap dump.
class Wipe {
  private readonly bufs: Buf[] = [];

  keep<T extends Buf>(b: T): T {
    this.bufs.push(b);
    return b;
  }

  all(): void {
    for (const b of this.bufs) b.fill(0);
  }
}

interface SecretScalars {
  tau: Buf;
  alpha: Buf;
  beta: Buf;
  /** tau^0 .. tau^(2n-2), Fr Montgomery */
  powers: Buf;
}

async function writeAll(b: DevPtauBuilder, secrets: Secrets): Promise<void> {
  const wipe = new Wipe();
  try {
    const Fr = b.curve.Fr;
    const tau = wipe.keep(Fr.e(secrets.tau));
    const scalars: SecretScalars = {
      tau,
      alpha: wipe.keep(Fr.e(secrets.alpha)),
      beta: wipe.keep(Fr.e(secrets.beta)),
      powers: wipe.keep(await geometric(Fr, Fr.one, tau, 2 * b.n - 1)),
    };
    await b.file.header(11);
    await b.file.section(1, headerSection(b.curve, b.opts.power));
    const acc = await writeAccumulator(b, scalars, wipe);
    await writeContribution(b, secrets, acc);
    await writeLagrangeSections(b, scalars, wipe);
  } finally {
    wipe.all();
  }
}

// Sections 2-6, exactly as after one contribution onto `powersoftau new`.
async function writeAccumulator(
  b: DevPtauBuilder,
  s: SecretScalars,
  wipe: Wipe,
): Promise<AccumulatorPoints> {
  const Fr = b.curve.Fr;
  const n = b.n;
  const alphaPowers = wipe.keep(await geometric(Fr, s.alpha, s.tau, n));
  const betaPowers = wipe.keep(await geometric(Fr, s.beta, s.tau, n));
  return {
    tauG1: await b.pointSection(2, "G1", s.powers, "tauG1"),
    tauG2: await b.pointSection(3, "G2", s.powers.subarray(0, n * FR_BYTES), "tauG2"),
    alphaTauG1: await b.pointSection(4, "G1", alphaPowers, "alphaTauG1"),
    betaTauG1: await b.pointSection(5, "G1", betaPowers, "betaTauG1"),
    betaG2: await b.pointSection(6, "G2", s.beta, "betaG2"),
  };
}

async function writeContribution(
  b: DevPtauBuilder,
  secrets: Secrets,
  acc: AccumulatorPoints,
): Promise<void> {
  b.progress("contribution", 0, 1);
  await b.file.section(7, await contributionSection(b.curve, b.opts.power, secrets, acc));
  b.progress("contribution", 1, 1);
}

// Sections 12-15: for p = 0..power the Lagrange basis of the size-2^p domain at tau.
// snarkjs gets them with G.lagrangeEvaluations, which for 2^p <= 2^28 points is plain
// G.ifft of the tau-power points. IFFT is linear, so ffjavascript's Fr.ifft (the very same
// code, same root of unity, same output permutation and 1/n scaling) run on the scalars
// yields exactly the scalars of snarkjs's output points, in the same order.
async function writeLagrangeSections(b: DevPtauBuilder, s: SecretScalars, wipe: Wipe) {
  const Fr = b.curve.Fr;
  const lagrange = wipe.keep(await lagrangeLevels(Fr, s.powers, b.opts.power, b.n, wipe));
  const top = wipe.keep(await lagrangeTopLevel(Fr, s.powers, b.n));
  await b.streamedSection(12, "G1", wipe.keep(concat([lagrange, top])), "lagrangeTauG1");
  await b.streamedSection(13, "G2", lagrange, "lagrangeTauG2");
  const alphaL = wipe.keep(await scale(Fr, lagrange, s.alpha));
  await b.streamedSection(14, "G1", alphaL, "lagrangeAlphaTauG1");
  const betaL = wipe.keep(await scale(Fr, lagrange, s.beta));
  await b.streamedSection(15, "G1", betaL, "lagrangeBetaTauG1");
}

function headerSection(curve: Curve, power: number): Buf {
  const n8q = 32;
  const b = new Uint8Array(4 + n8q + 4 + 4);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, n8q, true);
  b.set(bigintToLE(curve.q, n8q), 4);
  dv.setUint32(4 + n8q, power, true);
  dv.setUint32(8 + n8q, power, true); // ceremony power: this file is not truncated
  return b;
}

function bigintToLE(x: bigint, bytes: number): Buf {
  const b = new Uint8Array(bytes);
  let v = x;
  for (let i = 0; i < bytes; i++) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/** first * ratio^i for i < count, Fr Montgomery, computed on the worker threads. */
async function geometric(Fr: WasmFr, firstTerm: Buf, ratio: Buf, count: number): Promise<Buf> {
  const ones = new Uint8Array(count * FR_BYTES);
  for (let i = 0; i < count; i++) ones.set(Fr.one, i * FR_BYTES);
  return Fr.batchApplyKey(ones, firstTerm, ratio);
}

async function scale(Fr: WasmFr, values: Buf, k: Buf): Promise<Buf> {
  return Fr.batchApplyKey(values, k, Fr.one);
}

/** IFFT of tau^0..tau^(2^p - 1) for p = 0..power, concatenated (section 12 layout). */
async function lagrangeLevels(
  Fr: WasmFr,
  powers: Buf,
  power: number,
  n: number,
  wipe: Wipe,
): Promise<Buf> {
  const out = new Uint8Array((2 * n - 1) * FR_BYTES);
  for (let p = 0; p <= power; p++) {
    const size = 2 ** p;
    const level = await Fr.ifft(wipe.keep(powers.slice(0, size * FR_BYTES)));
    out.set(wipe.keep(level), (size - 1) * FR_BYTES);
  }
  return out;
}

// Section 12 has one more level, 2n points, built by snarkjs from the 2n-1 tauG1 points
// with the missing last one set to the zero point, i.e. scalar 0.
async function lagrangeTopLevel(Fr: WasmFr, powers: Buf, n: number): Promise<Buf> {
  const input = new Uint8Array(2 * n * FR_BYTES);
  input.set(powers.subarray(0, (2 * n - 1) * FR_BYTES));
  const out = await Fr.ifft(input);
  input.fill(0);
  return out;
}

// ---------------------------------------------------------------------------------------
// Section 7: one contribution record, as snarkjs's powersoftau_contribute.js writes it.

interface AccumulatorPoints {
  tauG1: Buf;
  tauG2: Buf;
  alphaTauG1: Buf;
  betaTauG1: Buf;
  betaG2: Buf;
}

interface KeyPart {
  g1s: Buf;
  g1sx: Buf;
  g2spx: Buf;
}

async function contributionSection(
  curve: Curve,
  power: number,
  secrets: Secrets,
  acc: AccumulatorPoints,
): Promise<Buf> {
  const challenge = firstChallengeHash(curve, power);
  const key = [
    keyPart(curve, 0, challenge, secrets.tau),
    keyPart(curve, 1, challenge, secrets.alpha),
    keyPart(curve, 2, challenge, secrets.beta),
  ];
  const keyU = pubKeyBytes(curve, key, "uncompressed");

  // The response a contributor would publish: previous challenge, points compressed.
  const response = blake2b.create({ dkLen: 64 });
  response.update(challenge);
  for (const [group, pts] of accumulatorParts(acc)) {
    response.update(await curve[group].batchLEMtoC(pts));
  }
  const partialHash = toPartialHash(response);
  response.update(keyU);
  const responseHash = response.digest();

  const next = createHash("blake2b512").update(responseHash);
  for (const [group, pts] of accumulatorParts(acc)) {
    next.update(await curve[group].batchLEMtoU(pts));
  }
  const nextChallenge = new Uint8Array(next.digest());

  const sG1 = 64;
  const sG2 = 128;
  return concat([
    u32(1), // number of contributions
    acc.tauG1.subarray(sG1, 2 * sG1), // tau * G1
    acc.tauG2.subarray(sG2, 2 * sG2), // tau * G2
    acc.alphaTauG1.subarray(0, sG1),
    acc.betaTauG1.subarray(0, sG1),
    acc.betaG2,
    pubKeyBytes(curve, key, "montgomery"),
    partialHash,
    nextChallenge,
    u32(0), // type 0: ordinary contribution, not a beacon
    ...nameParam(DEV_PTAU_LABEL),
  ]);
}

function accumulatorParts(acc: AccumulatorPoints): [GroupName, Buf][] {
  return [
    ["G1", acc.tauG1],
    ["G2", acc.tauG2],
    ["G1", acc.alphaTauG1],
    ["G1", acc.betaTauG1],
    ["G2", acc.betaG2],
  ];
}

function u32(v: number): Buf {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

function nameParam(name: string): Buf[] {
  const bytes = new TextEncoder().encode(name);
  if (bytes.byteLength > 64) throw new Error("contribution name longer than 64 bytes");
  return [u32(bytes.byteLength + 2), new Uint8Array([1, bytes.byteLength]), bytes];
}

// snarkjs's calculateFirstChallengeHash: hash of the empty hash followed by the initial
// accumulator (every point a generator), uncompressed.
function firstChallengeHash(curve: Curve, power: number): Buf {
  const n = 2 ** power;
  const g1 = curve.G1.toUncompressed(curve.G1.g);
  const g2 = curve.G2.toUncompressed(curve.G2.g);
  const h = createHash("blake2b512");
  h.update(createHash("blake2b512").digest());
  hashRepeated(h, g1, 2 * n - 1);
  hashRepeated(h, g2, n);
  hashRepeated(h, g1, n);
  hashRepeated(h, g1, n);
  h.update(g2);
  return new Uint8Array(h.digest());
}

function hashRepeated(h: Hash, item: Buf, count: number): void {
  const perBlock = 4096;
  const block = new Uint8Array(perBlock * item.byteLength);
  for (let i = 0; i < perBlock; i++) block.set(item, i * item.byteLength);
  let left = count;
  for (; left >= perBlock; left -= perBlock) h.update(block);
  h.update(block.subarray(0, left * item.byteLength));
}

// Proof of knowledge of one secret x, as snarkjs keypair.js: s*G1, x*s*G1, and x times a
// G2 point derived from the challenge and those two (verified with a pairing).
function keyPart(curve: Curve, personalization: number, challenge: Buf, x: bigint): KeyPart {
  const { G1, G2, Fr } = curve;
  const s = Fr.e(randomScalar(curve.r));
  const g1s = G1.toAffine(G1.timesFr(G1.g, s));
  const g1sx = G1.toAffine(G1.timesFr(g1s, Fr.e(x)));
  const g2sp = g2sp_(curve, personalization, challenge, g1s, g1sx);
  const g2spx = G2.toAffine(G2.timesFr(g2sp, Fr.e(x)));
  return { g1s, g1sx, g2spx };
}

function g2sp_(curve: Curve, personalization: number, challenge: Buf, g1s: Buf, g1sx: Buf): Buf {
  const h = blake2b.create({ dkLen: 64 });
  h.update(new Uint8Array([personalization]));
  h.update(challenge);
  h.update(curve.G1.toUncompressed(g1s));
  h.update(curve.G1.toUncompressed(g1sx));
  const hash = h.digest();
  const dv = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  const seed: number[] = [];
  for (let i = 0; i < 8; i++) seed.push(dv.getUint32(i * 4));
  return curve.G2.toAffine(curve.G2.fromRng(new ffjavascript.ChaCha(seed)));
}

// Order of snarkjs toPtauPubKeyRpr: the six G1 points, then the three G2 points.
function pubKeyBytes(curve: Curve, key: KeyPart[], form: "montgomery" | "uncompressed"): Buf {
  const points: [GroupName, Buf][] = [
    ...key.flatMap((k): [GroupName, Buf][] => [
      ["G1", k.g1s],
      ["G1", k.g1sx],
    ]),
    ...key.map((k): [GroupName, Buf] => ["G2", k.g2spx]),
  ];
  return concat(
    points.map(([group, p]) => {
      if (form === "montgomery") return p; // affine Montgomery is the in-memory form
      const out = new Uint8Array(p.byteLength);
      curve[group].toRprUncompressed(out, 0, p);
      return out;
    }),
  );
}

// snarkjs stores the response hasher's internal state (misc.js toPartialHash) so a reader
// can finish the hash with the public key. Same library, same layout.
interface Blake2bInternals {
  buffer: Buf;
  pos: number;
  length: number;
  [word: `v${number}${"l" | "h"}`]: number;
}

function toPartialHash(hash: ReturnType<typeof blake2b.create>): Buf {
  const h = hash as unknown as Blake2bInternals;
  const res = new Uint8Array(216);
  const w = new Uint32Array(res.buffer, 128);
  res.set(h.buffer);
  for (let i = 0; i < 8; i++) {
    w[2 * i] = h[`v${i}l`] ?? 0;
    w[2 * i + 1] = h[`v${i}h`] ?? 0;
  }
  w[16] = h.length - h.pos;
  w[18] = h.pos;
  return res;
}
