import { describe, expect, it } from "vitest";
import {
  IDENTITY_POINT,
  isSmallOrderKey,
  type PubKey,
  payerKeyHash,
  publicKeyOf,
  type Signature,
  SNARK_FIELD,
  signHead,
  verifyHeadSignature,
} from "../../core/index.ts";
import { expectInvalid, refHash } from "./helpers.ts";
import { babyJub, fromPoint, GENERATOR, smallOrderPoints, toPoint } from "./small-order.ts";

// @zk-kit/eddsa-poseidon is not a dependency of this project, so there is no cross-check against
// it here; instead the verification equation is recomputed below from Baby Jubjub primitives.

// Expected curve arithmetic comes from a second Baby Jubjub instance (./small-order.ts), not core.

const KEY_A = new Uint8Array(32).fill(1);
const KEY_B = Uint8Array.from({ length: 32 }, (_, i) => i);
const HEAD = refHash([0n, 12345n]);

/**
 * EdDSA-Poseidon as circomlib's EdDSAPoseidonVerifier checks it:
 * S < subOrder and S * Base8 = R8 + (8 * Poseidon(R8x, R8y, Ax, Ay, msg)) * A.
 */
function refVerify(msg: bigint, sig: Signature, A: PubKey): boolean {
  if (sig.S >= babyJub.subOrder) return false;
  const hm = refHash([sig.R8[0], sig.R8[1], A[0], A[1], msg]);
  const left = babyJub.mulPointEscalar(babyJub.Base8, sig.S);
  const right = babyJub.addPoint(toPoint(sig.R8), babyJub.mulPointEscalar(toPoint(A), 8n * hm));
  return fromPoint(left).join() === fromPoint(right).join();
}

describe("publicKeyOf", () => {
  it("should derive a point of the prime-order subgroup", () => {
    for (const key of [KEY_A, KEY_B]) {
      const A = publicKeyOf(key);
      expect(babyJub.inCurve(toPoint(A))).toBe(true);
      expect(fromPoint(babyJub.mulPointEscalar(toPoint(A), babyJub.subOrder))).toEqual([0n, 1n]);
      expect(A).not.toEqual(IDENTITY_POINT);
    }
  });

  it("should give different keys different public keys", () => {
    expect(publicKeyOf(KEY_A)).not.toEqual(publicKeyOf(KEY_B));
  });
});

describe("signHead and verifyHeadSignature", () => {
  const pubA = publicKeyOf(KEY_A);
  const sig = signHead(KEY_A, HEAD);

  it("should round-trip a signature over a head", () => {
    expect(verifyHeadSignature(HEAD, sig, pubA)).toBe(true);
    for (const head of [0n, 1n, SNARK_FIELD - 1n]) {
      expect(verifyHeadSignature(head, signHead(KEY_B, head), publicKeyOf(KEY_B))).toBe(true);
    }
  });

  it("should satisfy the verification equation recomputed from Baby Jubjub primitives", () => {
    expect(sig.S < babyJub.subOrder).toBe(true);
    expect(refVerify(HEAD, sig, pubA)).toBe(true);
    expect(refVerify(HEAD + 1n, sig, pubA)).toBe(false);
  });

  it("should not verify for a different head", () => {
    expect(verifyHeadSignature(HEAD + 1n, sig, pubA)).toBe(false);
    expect(verifyHeadSignature(0n, sig, pubA)).toBe(false);
  });

  it("should not verify a tampered S", () => {
    expect(verifyHeadSignature(HEAD, { ...sig, S: sig.S + 1n }, pubA)).toBe(false);
    expect(verifyHeadSignature(HEAD, { ...sig, S: sig.S === 0n ? 1n : sig.S - 1n }, pubA)).toBe(
      false,
    );
    expect(verifyHeadSignature(HEAD, { ...sig, S: -1n }, pubA)).toBe(false);
  });

  it("should not verify S + subOrder, though it satisfies the curve equation (malleability)", () => {
    const malleable = { ...sig, S: sig.S + babyJub.subOrder };
    // Base8 has order subOrder, so the equation alone would accept it; the range check must not.
    expect(
      fromPoint(babyJub.mulPointEscalar(babyJub.Base8, malleable.S)).join() ===
        fromPoint(babyJub.mulPointEscalar(babyJub.Base8, sig.S)).join(),
    ).toBe(true);
    expect(verifyHeadSignature(HEAD, malleable, pubA)).toBe(false);
  });

  it("should not verify a tampered R8", () => {
    const otherR8 = signHead(KEY_A, HEAD + 1n).R8;
    expect(verifyHeadSignature(HEAD, { ...sig, R8: otherR8 }, pubA)).toBe(false);
    const shifted = fromPoint(babyJub.addPoint(toPoint(sig.R8), babyJub.Base8));
    expect(verifyHeadSignature(HEAD, { ...sig, R8: shifted }, pubA)).toBe(false);
    // Off the curve: rejected before any arithmetic.
    expect(verifyHeadSignature(HEAD, { ...sig, R8: [sig.R8[0] + 1n, sig.R8[1]] }, pubA)).toBe(
      false,
    );
  });

  it("should not verify under a different key, or an off-curve key", () => {
    expect(verifyHeadSignature(HEAD, sig, publicKeyOf(KEY_B))).toBe(false);
    expect(verifyHeadSignature(HEAD, sig, [pubA[0], pubA[1] + 1n])).toBe(false);
    expect(verifyHeadSignature(HEAD, sig, IDENTITY_POINT)).toBe(false);
  });

  it("should not sign a head outside the field", () => {
    expectInvalid(
      () => signHead(KEY_A, SNARK_FIELD),
      "head",
      "must be a field element (0 <= x < r)",
    );
    expectInvalid(() => signHead(KEY_A, -1n), "head", "must be a field element (0 <= x < r)");
  });
});

describe("payerKeyHash", () => {
  const domain = 77n;
  it("should equal Poseidon(domain, payer, Ax, Ay)", () => {
    const payer = 0x70997970c51812dc3a010c7d01b50e0d17dc79c8n;
    const [ax, ay] = publicKeyOf(KEY_A);
    expect(payerKeyHash(domain, payer, [ax, ay])).toBe(refHash([domain, payer, ax, ay]));
    expect(payerKeyHash(domain, payer + 1n, [ax, ay])).toBe(refHash([domain, payer + 1n, ax, ay]));
    expect(payerKeyHash(domain, payer, IDENTITY_POINT)).toBe(refHash([domain, payer, 0n, 1n]));
  });

  it("should bind the domain, the payer and its key", () => {
    const payer = 1n;
    const a = payerKeyHash(domain, payer, publicKeyOf(KEY_A));
    expect(a).not.toBe(payerKeyHash(domain, payer, publicKeyOf(KEY_B)));
    expect(a).not.toBe(payerKeyHash(domain, 2n, publicKeyOf(KEY_A)));
    expect(a).not.toBe(payerKeyHash(domain + 1n, payer, publicKeyOf(KEY_A)));
  });
});

describe("isSmallOrderKey", () => {
  it("should be true for each of the eight points of the 8-torsion subgroup", () => {
    const points = smallOrderPoints();
    expect(points.map((p) => isSmallOrderKey(p))).toEqual(Array(8).fill(true));
  });

  it("should be false for a derived key and for a derived key plus a torsion point", () => {
    const A = publicKeyOf(KEY_A);
    expect(isSmallOrderKey(A)).toBe(false);
    // A + T has a small-order component but is not itself of small order.
    const shifted = fromPoint(babyJub.addPoint(toPoint(A), toPoint(smallOrderPoints()[1]!)));
    expect(isSmallOrderKey(shifted)).toBe(false);
  });
});

describe("isSmallOrderKey on the 8-torsion subgroup", () => {
  it("should flag every point of the 8-torsion subgroup, and no derived key", () => {
    expect(isSmallOrderKey(publicKeyOf(KEY_A))).toBe(false);
    expect(isSmallOrderKey(IDENTITY_POINT)).toBe(true);
    // Generator has order 8 * subOrder, so Generator * subOrder has order 8 and its multiples
    // are exactly the eight small-order points.
    const t8 = babyJub.mulPointEscalar(GENERATOR, babyJub.subOrder);
    expect(fromPoint(babyJub.mulPointEscalar(t8, 4n))).not.toEqual([0n, 1n]);
    for (let k = 0n; k < 8n; k++) {
      const p = fromPoint(babyJub.mulPointEscalar(t8, k));
      expect(babyJub.inCurve(toPoint(p))).toBe(true);
      expect(isSmallOrderKey(p)).toBe(true);
    }
    // (0, -1) is the point of order 2.
    expect(isSmallOrderKey([0n, SNARK_FIELD - 1n])).toBe(true);
  });
});
