// The parts of a contribution record that ptau (phase 1) and zkey (phase 2) share: the proof of
// knowledge of the contributor's secret, and the name parameter. Both made as snarkjs makes
// them, so `powersoftau verify` and `zkey verify` accept them.

import { blake2b } from "@noble/hashes/blake2b";
import * as ffjavascript from "ffjavascript";
import { u32 } from "./bin-file.ts";
import type { Curve, WasmGroup } from "./dev-curve.ts";
import { randomScalar } from "./dev-secrets.ts";

type Buf = Uint8Array;

/** Proof of knowledge of x (snarkjs keypair.js): s*G1, x*s*G1 and x*hashToG2(transcript). */
export interface ContributionKey {
  g1s: Buf;
  g1sx: Buf;
  g2spx: Buf;
  /** blake2b-512 of the prefix and both G1 points, uncompressed */
  transcript: Buf;
}

/**
 * Random s, s*G1, x*s*G1, and x times the G2 point hashed from `transcriptPrefix` (ptau: the
 * personalization byte and the challenge; zkey: the circuit hash) and those two points; a
 * verifier checks the pair with pairings. All points affine Montgomery.
 */
export function contributionKey(curve: Curve, x: bigint, transcriptPrefix: Buf[]): ContributionKey {
  const { G1, G2, Fr } = curve;
  const xFr = Fr.e(x);
  const g1s = G1.toAffine(G1.timesFr(G1.g, Fr.e(randomScalar())));
  const g1sx = G1.toAffine(G1.timesFr(g1s, xFr));
  const h = blake2b.create({ dkLen: 64 });
  for (const part of transcriptPrefix) h.update(part);
  const transcript = h.update(G1.toUncompressed(g1s)).update(G1.toUncompressed(g1sx)).digest();
  const g2sp = G2.toAffine(hashToG2(G2, transcript));
  const g2spx = G2.toAffine(G2.timesFr(g2sp, xFr));
  return { g1s, g1sx, g2spx, transcript };
}

// snarkjs keypair.js hashToG2: ChaCha seeded with the hash's first 8 big-endian words.
function hashToG2(G2: WasmGroup, hash: Buf): Buf {
  const dv = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
  const seed = Array.from({ length: 8 }, (_, i) => dv.getUint32(i * 4));
  return G2.fromRng(new ffjavascript.ChaCha(seed));
}

/**
 * The record's parameter list as snarkjs writeContribution writes it: parameter 1 (name), the
 * first 64 characters in UTF-8, length-prefixed; no parameters for an empty name.
 */
export function nameParams(name: string): Buf[] {
  if (name === "") return [u32(0)];
  const bytes = new TextEncoder().encode(name.substring(0, 64));
  return [u32(bytes.byteLength + 2), new Uint8Array([1, bytes.byteLength]), bytes];
}
