import { buildEddsa } from "circomlibjs";
import { requireFieldElement, SNARK_FIELD } from "./field.ts";
import { poseidon } from "./poseidon.ts";

/** circomlibjs EdDSA-Poseidon over Baby Jubjub, the scheme circomlib's EdDSAPoseidonVerifier checks. */
const eddsa = await buildEddsa();
const F = eddsa.babyJub.F;

export type PubKey = readonly [bigint, bigint];
export interface Signature {
  R8: readonly [bigint, bigint];
  S: bigint;
}

/** The neutral point (0, 1): what an empty payer slot feeds the verifier. */
export const IDENTITY_POINT: PubKey = [0n, 1n];

export function publicKeyOf(privateKey: Uint8Array): PubKey {
  const [x, y] = eddsa.prv2pub(privateKey);
  return [F.toObject(x), F.toObject(y)];
}

/**
 * Signs a payer chain head: one signature authorises every event up to that head
 * (docs/protocol.md §2).
 */
export function signHead(privateKey: Uint8Array, head: bigint): Signature {
  const sig = eddsa.signPoseidon(privateKey, F.e(requireFieldElement("head", head)));
  return { R8: [F.toObject(sig.R8[0]), F.toObject(sig.R8[1])], S: sig.S };
}

const inField = (x: bigint) => x >= 0n && x < SNARK_FIELD;

export function verifyHeadSignature(head: bigint, sig: Signature, pubKey: PubKey): boolean {
  // circomlibjs reduces inputs mod r; refuse non-canonical encodings so each signature has one form.
  if (![head, sig.R8[0], sig.R8[1], pubKey[0], pubKey[1]].every(inField)) return false;
  if (sig.S < 0n || sig.S >= eddsa.babyJub.subOrder) return false;
  const A: [Uint8Array, Uint8Array] = [F.e(pubKey[0]), F.e(pubKey[1])];
  const R8: [Uint8Array, Uint8Array] = [F.e(sig.R8[0]), F.e(sig.R8[1])];
  if (!eddsa.babyJub.inCurve(A) || !eddsa.babyJub.inCurve(R8)) return false;
  return eddsa.verifyPoseidon(F.e(head), { R8, S: sig.S }, A);
}

/**
 * True when `8 * pubKey` is the identity (0, 1): the key is one of the eight points of the
 * 8-torsion subgroup, under which EdDSA's check `S*B8 == R8 + 8*h*A` holds for any message, so
 * anyone could sign for it. The contract (`BabyJubjub.isSmallOrder`) and the circuit refuse such
 * keys. Meaningful for a point on the curve (check that first).
 */
export function isSmallOrderKey(pubKey: PubKey): boolean {
  const A8 = eddsa.babyJub.mulPointEscalar([F.e(pubKey[0]), F.e(pubKey[1])], 8n);
  return F.toObject(A8[0]) === 0n && F.toObject(A8[1]) === 1n;
}

/**
 * What the contract stores per payer and the circuit opens: Poseidon(domain, payer, Ax, Ay). It
 * binds the deployment's domain, the payer's address and its key at once, so none of them needs a
 * public input of its own (docs/protocol.md, "Payer key hash").
 */
export function payerKeyHash(domain: bigint, payer: bigint, pubKey: PubKey): bigint {
  return poseidon([domain, payer, pubKey[0], pubKey[1]]);
}
