// Section 7 of the dev ptau: one contribution record, as snarkjs's powersoftau_contribute.js
// writes it. Our accumulator *is* exactly `powersoftau new` followed by one contribution with
// secrets (tau, alpha, beta), so a fully valid record (proof-of-knowledge keys, response hash,
// next-challenge hash) costs only some hashing. That keeps `zkey new` happy, lets
// `snarkjs powersoftau verify` check every section (and print the label as the contributor),
// and keeps the label inside the file where it cannot get separated.

import { createHash, type Hash } from "node:crypto";
import { blake2b } from "@noble/hashes/blake2b";
import { RoyaltyError } from "../../core/errors.ts";
import { concat, u32 } from "./bin-file.ts";
import { G1_BYTES, G2_BYTES } from "./bn254.ts";
import { type ContributionKey, contributionKey, nameParams } from "./contribution-key.ts";
import type { Curve, GroupName } from "./dev-curve.ts";
import type { PtauSecrets } from "./dev-secrets.ts";

type Buf = Uint8Array;

/** Sections 2-6 as written: tau^i G1, tau^i G2, alpha tau^i G1, beta tau^i G1, beta G2. */
export interface AccumulatorPoints {
  tauG1: Buf;
  tauG2: Buf;
  alphaTauG1: Buf;
  betaTauG1: Buf;
  betaG2: Buf;
}

export async function contributionSection(
  curve: Curve,
  power: number,
  secrets: PtauSecrets,
  acc: AccumulatorPoints,
  label: string,
): Promise<Buf> {
  // snarkjs truncates names to 64 bytes whenever it rewrites section 7 (e.g. a later
  // `contribute` on top of this file); a longer label would not survive that intact.
  if (new TextEncoder().encode(label).byteLength > 64) {
    throw new RoyaltyError("DEV_SETUP_INVALID", "contribution name longer than 64 bytes", {
      details: { label },
    });
  }
  const challenge = firstChallengeHash(curve, power);
  const key = [secrets.tau, secrets.alpha, secrets.beta].map((x, personalization) =>
    contributionKey(curve, x, [new Uint8Array([personalization]), challenge]),
  );
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

  return concat([
    u32(1), // number of contributions
    acc.tauG1.subarray(G1_BYTES, 2 * G1_BYTES), // tau * G1
    acc.tauG2.subarray(G2_BYTES, 2 * G2_BYTES), // tau * G2
    acc.alphaTauG1.subarray(0, G1_BYTES),
    acc.betaTauG1.subarray(0, G1_BYTES),
    acc.betaG2,
    pubKeyBytes(curve, key, "montgomery"),
    partialHash,
    nextChallenge,
    u32(0), // type 0: ordinary contribution, not a beacon
    ...nameParams(label),
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

// Order of snarkjs toPtauPubKeyRpr: the six G1 points, then the three G2 points.
function pubKeyBytes(
  curve: Curve,
  key: ContributionKey[],
  form: "montgomery" | "uncompressed",
): Buf {
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
