// The eight small-order points of Baby Jubjub (its 8-torsion subgroup), computed with circomlibjs
// and checked here, for the core and contract tests of small-order key refusal.
import { buildBabyjub } from "circomlibjs";
import { expect } from "vitest";
import { SNARK_FIELD } from "../../core/field.ts";

/** A Baby Jubjub instance of circomlibjs's own, so expected points do not come from core. */
export const babyJub = await buildBabyjub();
const F = babyJub.F;
export type Point = [Uint8Array, Uint8Array];
export const toPoint = (p: readonly [bigint, bigint]): Point => [F.e(p[0]), F.e(p[1])];
export const fromPoint = (p: Point): [bigint, bigint] => [F.toObject(p[0]), F.toObject(p[1])];
/** Baby Jubjub's full-group generator (order 8 * subOrder); not in the project's typings. */
export const GENERATOR = (babyJub as unknown as { Generator: Point }).Generator;
const IDENTITY: [bigint, bigint] = [0n, 1n];
const same = (a: readonly bigint[], b: readonly bigint[]) => a[0] === b[0] && a[1] === b[1];

/** 8 * p, with circomlibjs. */
export function times8(p: readonly [bigint, bigint]): [bigint, bigint] {
  return fromPoint(babyJub.mulPointEscalar(toPoint(p), 8n));
}

/**
 * All eight points P with 8P = identity: the multiples k * T of T = subOrder * Generator, a point
 * of order exactly 8 (4T is not the identity). Asserts each is on the curve, is killed by 8, that
 * they are distinct, and that they include (0, 1), (0, -1) (order 2) and two points with y = 0
 * (order 4).
 */
export function smallOrderPoints(): [bigint, bigint][] {
  const t = babyJub.mulPointEscalar(GENERATOR, babyJub.subOrder);
  expect(same(fromPoint(babyJub.mulPointEscalar(t, 4n)), IDENTITY)).toBe(false);
  const points = Array.from({ length: 8 }, (_, k) =>
    fromPoint(babyJub.mulPointEscalar(t, BigInt(k))),
  );
  for (const p of points) {
    expect(babyJub.inCurve(toPoint(p))).toBe(true);
    expect(times8(p)).toEqual(IDENTITY);
  }
  expect(new Set(points.map((p) => p.join())).size).toBe(8);
  expect(points.some((p) => same(p, IDENTITY))).toBe(true);
  expect(points.some((p) => same(p, [0n, SNARK_FIELD - 1n]))).toBe(true);
  expect(points.filter((p) => p[1] === 0n)).toHaveLength(2);
  return points;
}
