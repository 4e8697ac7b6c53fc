// BN254 G1 (over Fq) and G2 (over Fq2, the sextic twist): y^2 = x^3 + b, a = 0.
// Affine points as the zkey stores them ((0, 0) is the point at infinity) and extended
// Jacobian "XYZZ" points (x = X/ZZ, y = Y/ZZZ, ZZ^3 = ZZZ^2; ZZ = 0 is infinity) for sums.
#pragma once

#include "field.hpp"

namespace rn {

template <class F>
struct Affine {
  F x, y;
  bool is_inf() const { return x.is_zero() && y.is_zero(); }
  static Affine inf() { return {F::zero(), F::zero()}; }
  Affine neg() const { return is_inf() ? *this : Affine{x, y.neg()}; }
};

template <class F>
struct Xyzz {
  F X, Y, ZZ, ZZZ;

  static Xyzz inf() { return {F::one(), F::one(), F::zero(), F::zero()}; }
  bool is_inf() const { return ZZ.is_zero(); }
  static Xyzz from_affine(const Affine<F>& a) {
    if (a.is_inf()) return inf();
    return {a.x, a.y, F::one(), F::one()};
  }
  Xyzz neg() const { return {X, Y.neg(), ZZ, ZZZ}; }

  /** dbl-2008-s-1 */
  void dbl_in_place() {
    if (is_inf()) return;
    F U = Y.dbl();
    F V = U.sq();
    F W = U * V;
    F S = X * V;
    F X2 = X.sq();
    F M = X2.dbl() + X2;
    F X3 = M.sq() - S.dbl();
    Y = M * (S - X3) - W * Y;
    X = X3;
    ZZ = V * ZZ;
    ZZZ = W * ZZZ;
  }

  /** Sets this to 2a for an affine a (mdbl-2008-s-1). */
  void set_dbl_affine(const F& x, const F& y) {
    F U = y.dbl();
    F V = U.sq();
    F W = U * V;
    F S = x * V;
    F X2 = x.sq();
    F M = X2.dbl() + X2;
    X = M.sq() - S.dbl();
    Y = M * (S - X) - W * y;
    ZZ = V;
    ZZZ = W;
  }

  /** this += (x, y), an affine point that is not infinity (madd-2008-s). */
  void add_affine(const F& x, const F& y) {
    if (is_inf()) {
      X = x;
      Y = y;
      ZZ = F::one();
      ZZZ = F::one();
      return;
    }
    F U2 = x * ZZ;
    F S2 = y * ZZZ;
    F P = U2 - X;
    F R = S2 - Y;
    if (P.is_zero()) {
      if (R.is_zero()) {
        set_dbl_affine(x, y);
      } else {
        *this = inf();
      }
      return;
    }
    F PP = P.sq();
    F PPP = P * PP;
    F Q = X * PP;
    F X3 = R.sq() - PPP - Q.dbl();
    Y = R * (Q - X3) - Y * PPP;
    X = X3;
    ZZ = ZZ * PP;
    ZZZ = ZZZ * PPP;
  }

  void add_affine(const Affine<F>& a) {
    if (!a.is_inf()) add_affine(a.x, a.y);
  }

  /** this += o (add-2008-s). */
  void add(const Xyzz& o) {
    if (o.is_inf()) return;
    if (is_inf()) {
      *this = o;
      return;
    }
    F U1 = X * o.ZZ;
    F U2 = o.X * ZZ;
    F S1 = Y * o.ZZZ;
    F S2 = o.Y * ZZZ;
    F P = U2 - U1;
    F R = S2 - S1;
    if (P.is_zero()) {
      if (R.is_zero()) {
        dbl_in_place();
      } else {
        *this = inf();
      }
      return;
    }
    F PP = P.sq();
    F PPP = P * PP;
    F Q = U1 * PP;
    F X3 = R.sq() - PPP - Q.dbl();
    Y = R * (Q - X3) - S1 * PPP;
    X = X3;
    ZZ = ZZ * o.ZZ * PP;
    ZZZ = ZZZ * o.ZZZ * PPP;
  }

  Affine<F> to_affine() const {
    if (is_inf()) return Affine<F>::inf();
    // 1/ZZZ = ZZ^-3/2...; use one inversion of ZZZ*ZZ: x = X/ZZ, y = Y/ZZZ.
    F t = (ZZ * ZZZ).inv();
    F izz = t * ZZZ;   // 1/ZZ
    F izzz = t * ZZ;   // 1/ZZZ
    return {X * izz, Y * izzz};
  }

  bool equals(const Xyzz& o) const {
    if (is_inf() || o.is_inf()) return is_inf() && o.is_inf();
    return X * o.ZZ == o.X * ZZ && Y * o.ZZZ == o.Y * ZZZ;
  }
};

struct G1 {
  using F = Fq;
  static F b() { return Fq::from_u64(3); }
};

struct G2 {
  using F = Fq2;
  static F b() {
    // 3 / (9 + u), Montgomery form.
    Fq2 r;
    const u64 c0[4] = {0x3bf938e377b802a8ULL, 0x020b1b273633535dULL, 0x26b7edf049755260ULL,
                       0x2514c6324384a86dULL};
    const u64 c1[4] = {0x38e7ecccd1dcff67ULL, 0x65f0b37d93ce0d3eULL, 0xd749d0dd22ac00aaULL,
                       0x0141b9ce4a688d4dULL};
    std::memcpy(r.c0.v, c0, 32);
    std::memcpy(r.c1.v, c1, 32);
    return r;
  }
};

template <class C>
bool on_curve(const Affine<typename C::F>& p) {
  if (p.is_inf()) return true;
  return p.y.sq() == p.x.sq() * p.x + C::b();
}

/** k * p for a plain scalar k (< 2^256): double-and-add over every bit, always adding. */
template <class F>
Xyzz<F> mul_scalar(const Xyzz<F>& p, const u64* k) {
  Xyzz<F> acc = Xyzz<F>::inf();
  for (int i = 3; i >= 0; i--) {
    for (int b = 63; b >= 0; b--) {
      acc.dbl_in_place();
      Xyzz<F> sum = acc;
      sum.add(p);
      if ((k[i] >> b) & 1) acc = sum;
    }
  }
  return acc;
}

}  // namespace rn
