// core/fast's Poseidon, event hash and EdDSA must agree with core (circomlibjs) on every input.

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { publicKeyOf, signHead, verifyHeadSignature } from "../../../core/eddsa.ts";
import { eventHash } from "../../../core/event.ts";
import { expandKey, fastSignHead, fastVerifyHeadSignature } from "../../../core/fast/eddsa.ts";
import { fastEventHash } from "../../../core/fast/event.ts";
import { fastPoseidon } from "../../../core/fast/poseidon.ts";
import { MAX_AMOUNT, SNARK_FIELD } from "../../../core/field.ts";
import { poseidon } from "../../../core/poseidon.ts";
import { expectRoyaltyError } from "../helpers.ts";

const randField = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % SNARK_FIELD;
const randBits = (bits: number) =>
  BigInt(`0x${randomBytes(32).toString("hex")}`) >> BigInt(256 - bits);

describe("fastPoseidon", () => {
  it("should equal core poseidon for 1..16 random inputs and edge values", () => {
    for (let n = 1; n <= 16; n++) {
      for (let k = 0; k < 4; k++) {
        const xs = Array.from({ length: n }, () => randField());
        expect(fastPoseidon(xs)).toBe(poseidon(xs));
      }
      const edges = Array.from({ length: n }, (_, i) => (i % 2 ? SNARK_FIELD - 1n : 0n));
      expect(fastPoseidon(edges)).toBe(poseidon(edges));
    }
  });

  it("should not accept inputs outside the field", () => {
    for (const x of [SNARK_FIELD, -1n]) {
      expectRoyaltyError(
        () => fastPoseidon([x]),
        "FIELD_OVERFLOW",
        `Poseidon input ${x} is not a field element`,
      );
    }
  });

  it("should give core's eventHash", () => {
    for (let i = 0; i < 20; i++) {
      const ev = {
        payer: randBits(160),
        seq: randBits(64),
        assetId: randBits(64),
        amount: randBits(97) % MAX_AMOUNT,
        ref: randBits(189),
      };
      const prev = randField();
      expect(fastEventHash(prev, ev)).toBe(eventHash(prev, ev));
    }
  });
});

describe("fast EdDSA-Poseidon", () => {
  it("should derive core's public key and make core's signatures, which both verifiers accept", () => {
    for (let i = 0; i < 4; i++) {
      const prv = randomBytes(32);
      const key = expandKey(prv);
      expect(key.pubKey).toEqual(publicKeyOf(prv));
      const head = randField();
      const sig = fastSignHead(key, head);
      expect(sig).toEqual(signHead(prv, head));
      expect(verifyHeadSignature(head, sig, key.pubKey)).toBe(true);
      expect(fastVerifyHeadSignature(head, sig, key.pubKey)).toBe(true);
    }
  });

  it("should reject exactly what core rejects", () => {
    const prv = randomBytes(32);
    const key = expandKey(prv);
    const other = expandKey(randomBytes(32));
    const head = randField();
    const sig = signHead(prv, head);
    const cases = [
      { head: head + 1n, sig, pk: key.pubKey },
      { head, sig: { ...sig, S: sig.S + 1n }, pk: key.pubKey },
      {
        head,
        sig: {
          ...sig,
          S: sig.S + 2736030358979909402780800718157159386076813972158567259200215660948447373041n,
        },
        pk: key.pubKey,
      },
      { head, sig: { ...sig, R8: [sig.R8[0], sig.R8[1] + 1n] as const }, pk: key.pubKey },
      { head, sig, pk: other.pubKey },
      // Non-canonical encodings (x + r) name the same field element; both verifiers refuse them.
      { head: head + SNARK_FIELD, sig, pk: key.pubKey },
      { head, sig: { ...sig, R8: [sig.R8[0] + SNARK_FIELD, sig.R8[1]] as const }, pk: key.pubKey },
      { head, sig, pk: [key.pubKey[0], key.pubKey[1] + 1n] as const },
    ];
    for (const c of cases) {
      expect(fastVerifyHeadSignature(c.head, c.sig, c.pk)).toBe(false);
      expect(verifyHeadSignature(c.head, c.sig, c.pk)).toBe(false);
    }
  });

  it("should give the same answers once keys have cached tables, and after the cache evicts them", () => {
    // 70 keys, three rounds: tables are built on the second sighting and the cache (64) recycles.
    const keys = Array.from({ length: 70 }, () => expandKey(randomBytes(32)));
    for (let round = 0; round < 3; round++) {
      for (const key of keys) {
        const head = randField();
        const sig = fastSignHead(key, head);
        expect(fastVerifyHeadSignature(head, sig, key.pubKey)).toBe(true);
        expect(fastVerifyHeadSignature(head, { ...sig, S: sig.S ^ 1n }, key.pubKey)).toBe(false);
      }
    }
    const key = keys[0] as (typeof keys)[number];
    const prvSig = fastSignHead(key, 99n);
    expect(verifyHeadSignature(99n, prvSig, key.pubKey)).toBe(true);
  });
});
