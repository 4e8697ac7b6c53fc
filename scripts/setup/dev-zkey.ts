// Fast, INSECURE Groth16 proving key for development, written straight from the secrets.
//
// snarkjs `zkey new` builds every proving-key point as a multiexp over the ptau's Lagrange
// points (10+ minutes for 95k constraints on two cores), then `zkey contribute` multiplies
// the C and H sections by 1/delta point by point. Whoever made the dev ptau knows tau,
// alpha and beta, so every point is just (field scalar) * generator: the scalars are cheap
// field arithmetic over the r1cs coefficients and the Lagrange values L_j(tau) (qap.ts), and
// the points come from the fixed-base engine (fixed-base.ts).
//
// The result is what `zkey new` followed by one `zkey contribute` with secret delta writes:
// sections 1-9 byte for byte (same section order as `zkey new`), section 10 with the same
// circuit hash and one genuine contribution record (random proof-of-knowledge key, as
// snarkjs's), so `zkey verify` passes and names the label as the contributor.
//
// Anyone who kept the secrets can forge proofs for keys made this way. Tests and local
// development only.

import { blake2b } from "@noble/hashes/blake2b";
import { RoyaltyError } from "../../core/errors.ts";
import { SNARK_FIELD } from "../../core/field.ts";
import { type BinFileWriter, concat, u32, writeBinFile } from "./bin-file.ts";
import {
  FR_BYTES,
  FR_TWO_ADICITY,
  frInv,
  frMod,
  frPow,
  toMontgomery,
  view,
  writeLe256,
} from "./bn254.ts";
import { contributionKey, nameParams } from "./contribution-key.ts";
import {
  type Curve,
  type GroupName,
  timesGenerator,
  type WasmGroup,
  withDevCurve,
} from "./dev-curve.ts";
import { checkSecrets, type DevKeySecrets } from "./dev-secrets.ts";
import { FixedBaseMul } from "./fixed-base.ts";
import { geometric, toBigints } from "./fr-batch.ts";
import { type PtauHead, readPtauHead } from "./ptau-head.ts";
import { buildQap } from "./qap.ts";
import { type R1cs, readR1cs } from "./r1cs.ts";

// keys.ts draws the secrets for a ptau and zkey made together from here.
export { type DevKeySecrets, randomDevKeySecrets } from "./dev-secrets.ts";

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
type Secrets = Required<DevKeySecrets>;

export async function writeDevZkey(opts: DevZkeyOptions): Promise<void> {
  const r1cs = await readR1cs(opts.r1csPath);
  const ptau = await readPtauHead(opts.ptauPath);
  const secrets: Secrets = { ...opts.secrets, gamma: opts.secrets.gamma ?? 1n };
  checkSecrets(secrets, "dev zkey");
  const power = domainPower(r1cs, ptau.power);
  await withDevCurve(async (curve) => {
    checkPtauMatches(curve, ptau, secrets);
    await writeBinFile(opts.zkeyPath, "zkey", (file) =>
      new DevZkeyWriter(curve, opts, file, r1cs, ptau, power, secrets).writeAll(),
    );
  });
}

/** log2 of the evaluation domain, computed as snarkjs `zkey new` does. */
function domainPower(r1cs: R1cs, ptauPower: number): number {
  if (r1cs.prime !== SNARK_FIELD) {
    throw new RoyaltyError(
      "FIELD_MISMATCH",
      "r1cs is not over the bn128 scalar field; compile the circuit with circom's default prime",
      { details: { prime: r1cs.prime.toString() } },
    );
  }
  const power = floorLog2(r1cs.nConstraints + r1cs.nPublic) + 1;
  if (power > ptauPower) {
    throw new RoyaltyError(
      "PTAU_TOO_SMALL",
      `circuit needs a ptau of power ${power}; the ptau has ${ptauPower}: make or pass a larger one`,
      { details: { needed: power, ptauPower } },
    );
  }
  if (power >= FR_TWO_ADICITY) {
    throw new RoyaltyError(
      "CIRCUIT_TOO_BIG",
      `circuit too big: domain 2^${power}, BN254 supports below 2^${FR_TWO_ADICITY}`,
      { details: { power } },
    );
  }
  return power;
}

function floorLog2(v: number): number {
  return v <= 0 ? 0 : 31 - Math.clz32(v);
}

// The ptau contributes only alpha1, beta1 and beta2 to the zkey (copied as snarkjs copies
// them), and its power. Checking those and tau*G1 against the secrets catches the one
// mistake that would otherwise give a key that silently fails to verify: secrets that are
// not the ptau's.
function checkPtauMatches(curve: Curve, ptau: PtauHead, s: Secrets): void {
  const expect: [string, GroupName, bigint, Buf][] = [
    ["tau", "G1", s.tau, ptau.tau1],
    ["alpha", "G1", s.alpha, ptau.alpha1],
    ["beta", "G1", s.beta, ptau.beta1],
    ["beta", "G2", s.beta, ptau.beta2],
  ];
  for (const [name, group, x, point] of expect) {
    if (!curve[group].eq(timesGenerator(curve, group, x), point)) {
      throw new RoyaltyError(
        "PTAU_SECRETS_MISMATCH",
        `ptau was not made from these secrets (${name} * ${group} differs): ` +
          "pass the secrets the ptau was written with, or make a new ptau from these",
        { details: { secret: name, group } },
      );
    }
  }
}

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
  private readonly fixed: FixedBaseMul;
  private readonly n: number;
  /** snarkjs's circuit hash: fixed by the circuit and the ptau, not by delta */
  private readonly csHasher = blake2b.create({ dkLen: 64 });

  constructor(
    private readonly curve: Curve,
    private readonly opts: DevZkeyOptions,
    private readonly file: BinFileWriter,
    private readonly r1cs: R1cs,
    private readonly ptau: PtauHead,
    private readonly power: number,
    private readonly secrets: Secrets,
  ) {
    this.fixed = new FixedBaseMul(curve, opts.onProgress);
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
    const { Fr } = this.curve;
    const { tau, alpha, beta, gamma, delta } = this.secrets;
    const { nVars, nPublic, nConstraints } = this.r1cs;
    this.progress("lagrange", 0, 2);
    // tau^0 .. tau^(2n-1); the n-domain Lagrange values are the IFFT of the first n.
    const powers = await geometric(Fr, Fr.one, Fr.e(tau), 2 * this.n);
    const lagrangeN = await Fr.ifft(powers.slice(0, this.n * FR_BYTES));
    const lagrange = await toBigints(Fr, lagrangeN, nConstraints + nPublic + 1);
    lagrangeN.fill(0);
    this.progress("lagrange", 1, 2);
    const H = await this.hScalars(powers, frInv(delta));
    powers.fill(0);
    this.progress("lagrange", 2, 2);

    this.progress("qap", 0, 1);
    const { u, v, w, coefs } = buildQap(this.r1cs, lagrange);
    // k_s = beta*u_s + alpha*v_s + w_s: IC for public wires (/gamma), C for private (/delta).
    const k = u.map((us, s) => frMod(beta * us + alpha * v[s]! + w[s]!));
    const tauN1 = Fr.e(frMod(frPow(tau, BigInt(this.n)) - 1n));
    const scalars: Scalars = {
      A: toMontgomery(u, 1n),
      B: toMontgomery(v, 1n),
      IC: toMontgomery(k.slice(0, nPublic + 1), frInv(gamma)),
      C1: toMontgomery(k.slice(nPublic + 1, nVars), 1n),
      C: toMontgomery(k.slice(nPublic + 1, nVars), frInv(delta)),
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
    const b = new Uint8Array(4 + FR_BYTES + 4 + FR_BYTES + 12);
    const dv = view(b);
    dv.setUint32(0, FR_BYTES, true);
    writeLe256(dv, 4, curve.q);
    dv.setUint32(36, FR_BYTES, true);
    writeLe256(dv, 40, curve.r);
    dv.setUint32(72, r1cs.nVars, true);
    dv.setUint32(76, r1cs.nPublic, true);
    dv.setUint32(80, this.n, true);
    return concat([
      b,
      ptau.alpha1,
      ptau.beta1,
      ptau.beta2,
      timesGenerator(curve, "G2", secrets.gamma),
      timesGenerator(curve, "G1", secrets.delta),
      timesGenerator(curve, "G2", secrets.delta),
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
      [G2, timesGenerator(this.curve, "G2", secrets.gamma)],
      [G1, G1.g],
      [G2, G2.g],
    ] as [WasmGroup, Buf][]) {
      this.csHasher.update(G.toUncompressed(p));
    }
  }

  /** Points of one section, written if `type` is given, hashed into the circuit hash if asked. */
  private async points(
    group: GroupName,
    scalars: Buf,
    stage: string,
    out: { type?: number; hashed: boolean },
  ): Promise<void> {
    const count = scalars.byteLength / FR_BYTES;
    // Section count, big-endian, as `zkey new` hashes it before each point list.
    if (out.hashed) this.csHasher.update(u32(count, false));
    if (out.type !== undefined) {
      await this.file.startSection(out.type, count * this.fixed.pointSize(group));
    }
    await this.fixed.mulGenerator(group, scalars, stage, async (points) => {
      if (out.type !== undefined) await this.file.write(points);
      if (out.hashed) this.csHasher.update(await this.curve[group].batchLEMtoU(points));
    });
  }

  private pointSection(
    type: number,
    group: GroupName,
    scalars: Buf,
    stage: string,
    hashed: boolean,
  ) {
    return this.points(group, scalars, stage, { type, hashed });
  }

  /** Points that enter the circuit hash but not the file. */
  private hashOnly(scalars: Buf, stage: string) {
    return this.points("G1", scalars, stage, { hashed: true });
  }

  // Section 10 as `zkey contribute` leaves it: circuit hash, then one contribution with
  // private key delta, its proof of knowledge bound to the circuit hash.
  private mpcSection(csHash: Buf): Buf {
    const key = contributionKey(this.curve, this.secrets.delta, [csHash]);
    return concat([
      csHash,
      u32(1),
      timesGenerator(this.curve, "G1", this.secrets.delta), // deltaAfter
      key.g1s,
      key.g1sx,
      key.g2spx,
      key.transcript,
      u32(0), // type 0: ordinary contribution, not a beacon
      ...nameParams(this.opts.label),
    ]);
  }
}
