// Shared test helpers for the core tests: an independent Poseidon and exact error assertions.
import { buildPoseidon } from "circomlibjs";
import { expect } from "vitest";
import { RoyaltyError } from "../../core/index.ts";

/**
 * A second circomlibjs Poseidon instance, built here rather than taken from core/poseidon.ts, so
 * expected hashes do not come from the code under test.
 */
const refPoseidon = await buildPoseidon();

export function refHash(inputs: readonly bigint[]): bigint {
  return refPoseidon.F.toObject(refPoseidon([...inputs]));
}

/** Runs `fn` and returns what it threw; fails the test if it returned normally. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  expect.fail("expected the call to throw");
}

/** Asserts `fn` throws a RoyaltyError with exactly this code and message. */
export function expectRoyaltyError(
  fn: () => unknown,
  code: string,
  message: string | RegExp,
): RoyaltyError {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(RoyaltyError);
  const e = err as RoyaltyError;
  expect(e.code).toBe(code);
  if (typeof message === "string") expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  return e;
}

/** Asserts `fn` throws the INVALID_FIELD error that core/errors.ts `invalid(field, rule)` formats. */
export function expectInvalid(fn: () => unknown, field: string, rule: string): RoyaltyError {
  const e = expectRoyaltyError(fn, "INVALID_FIELD", `'${field}' ${rule}`);
  expect(e.details).toMatchObject({ field, rule });
  return e;
}
