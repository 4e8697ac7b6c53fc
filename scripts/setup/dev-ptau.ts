// Fast, INSECURE powers-of-tau for development keys.
//
// snarkjs builds the phase-2 Lagrange sections (12-15) with group IFFTs, whose butterflies
// are full scalar multiplications: O(n log n) of them, hours at 2^17 on two cores. Because
// we pick tau ourselves we can do the IFFT on the *scalars* (cheap field arithmetic) and
// then compute every point once as scalar * generator (fixed-base.ts). Apart from the random
// blinding in the contribution's proof-of-knowledge keys, the file is byte-for-byte what
// `powersoftau new`, one `contribute` with these secrets and `prepare phase2` would write.
//
// Whoever runs this knows tau for a moment; keys made from it are forgeable by anyone who
// kept it. That is fine for tests and local development and nothing else.

import { RoyaltyError } from "../../core/errors.ts";
import { type BinFileWriter, concat, writeBinFile } from "./bin-file.ts";
import { FR_BYTES, FR_TWO_ADICITY, view, writeLe256 } from "./bn254.ts";
import { type Curve, type GroupName, type WasmFr, withDevCurve } from "./dev-curve.ts";
import { checkSecrets, type PtauSecrets, randomScalar } from "./dev-secrets.ts";
import { FixedBaseMul } from "./fixed-base.ts";
import { geometric, scale } from "./fr-batch.ts";
import { type AccumulatorPoints, contributionSection } from "./ptau-contribution.ts";

export interface DevPtauOptions {
  /** ptau power (max constraints 2^power) */
  power: number;
  /** output .ptau path; written to path + ".tmp" then renamed */
  path: string;
  /** default: crypto-random, never logged or stored. Pass them only for tests, or to make
   * the matching proving key in the same run (dev-zkey.ts) and then forget them. */
  secrets?: PtauSecrets;
  /** called after every chunk of points; `done` and `total` count points of `stage` */
  onProgress?: (stage: string, done: number, total: number) => void;
}

// The label is the contributor name of the single contribution record (section 7), so
// `powersoftau verify` names this file for what it is.
export const DEV_PTAU_LABEL = "INSECURE dev ptau: local tau, discarded; never for production";

type Buf = Uint8Array;

export async function writeDevPtau(opts: DevPtauOptions): Promise<void> {
  checkPower(opts.power);
  const secrets = opts.secrets ?? {
    tau: randomScalar(),
    alpha: randomScalar(),
    beta: randomScalar(),
  };
  checkSecrets(secrets, "dev ptau");
  await withDevCurve((curve) =>
    writeBinFile(opts.path, "ptau", (file) =>
      writeAll(new DevPtauBuilder(curve, opts, file), secrets),
    ),
  );
}

function checkPower(power: number): void {
  // At Fr's two-adicity snarkjs switches to a different Lagrange construction.
  if (!Number.isInteger(power) || power < 1 || power >= FR_TWO_ADICITY) {
    throw new RoyaltyError(
      "DEV_SETUP_INVALID",
      `dev ptau power must be an integer in 1..${FR_TWO_ADICITY - 1}, got ${power}`,
      { details: { power } },
    );
  }
}

class DevPtauBuilder {
  readonly n: number;
  private readonly fixed: FixedBaseMul;

  constructor(
    readonly curve: Curve,
    readonly opts: DevPtauOptions,
    readonly file: BinFileWriter,
  ) {
    this.n = 2 ** opts.power;
    this.fixed = new FixedBaseMul(curve, opts.onProgress);
  }

  progress(stage: string, done: number, total: number): void {
    this.opts.onProgress?.(stage, done, total);
  }

  /** Streams scalar_i * generator for every Fr (Montgomery) in `scalars` as section `type`. */
  async streamedSection(
    type: number,
    group: GroupName,
    scalars: Buf,
    stage: string,
    sink?: (points: Buf) => void,
  ): Promise<void> {
    await this.file.startSection(type, (scalars.byteLength / FR_BYTES) * this.pointSize(group));
    await this.fixed.mulGenerator(group, scalars, stage, async (points) => {
      sink?.(points);
      await this.file.write(points);
    });
  }

  /** The same, also kept in memory (sections 2-6 are hashed for section 7). */
  async pointSection(type: number, group: GroupName, scalars: Buf, stage: string): Promise<Buf> {
    const all = new Uint8Array((scalars.byteLength / FR_BYTES) * this.pointSize(group));
    let at = 0;
    await this.streamedSection(type, group, scalars, stage, (points) => {
      all.set(points, at);
      at += points.byteLength;
    });
    return all;
  }

  private pointSize(group: GroupName): number {
    return this.fixed.pointSize(group);
  }
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

async function writeAll(b: DevPtauBuilder, secrets: PtauSecrets): Promise<void> {
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
    b.progress("contribution", 0, 1);
    const record = await contributionSection(b.curve, b.opts.power, secrets, acc, DEV_PTAU_LABEL);
    await b.file.section(7, record);
    b.progress("contribution", 1, 1);
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

/** Section 1: base field size and order, power, and the ceremony power (the same: not truncated). */
function headerSection(curve: Curve, power: number): Buf {
  const b = new Uint8Array(4 + FR_BYTES + 4 + 4);
  const dv = view(b);
  dv.setUint32(0, FR_BYTES, true);
  writeLe256(dv, 4, curve.q);
  dv.setUint32(4 + FR_BYTES, power, true);
  dv.setUint32(8 + FR_BYTES, power, true);
  return b;
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
