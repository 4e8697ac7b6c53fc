// Prime fields of BN254 on four 64-bit limbs, Montgomery form with R = 2^256 (the form of
// snarkjs's zkey and ffjavascript's wasm), products with unsigned __int128.
#pragma once

#include <cstdint>
#include <cstring>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define RN_INLINE inline __attribute__((always_inline))

namespace rn {

using u64 = uint64_t;
using u128 = unsigned __int128;

struct FqParams {
  static constexpr u64 MOD[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL,
                                 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
  static constexpr u64 R1[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL,
                                0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL};
  static constexpr u64 R2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL,
                                0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL};
  static constexpr u64 INV = 0x87d20782e4866389ULL;  // -MOD^-1 mod 2^64
};

struct FrParams {
  static constexpr u64 MOD[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL,
                                 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
  static constexpr u64 R1[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL,
                                0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL};
  static constexpr u64 R2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL,
                                0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL};
  static constexpr u64 INV = 0xc2e1f593efffffffULL;
};

/** a < b on four limbs (little-endian limb order). */
inline bool lt4(const u64* a, const u64* b) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return false;
}

/**
 * An element of GF(p) in Montgomery form. Both BN254 moduli leave the top limb's two high bits
 * clear, so the multiplication can use the "no final carry" CIOS variant: every intermediate
 * stays below 2p < 2^256.
 */
template <class P>
struct Fp {
  u64 v[4];

  static Fp zero() { return Fp{{0, 0, 0, 0}}; }
  static Fp one() { return Fp{{P::R1[0], P::R1[1], P::R1[2], P::R1[3]}}; }

  RN_INLINE bool is_zero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  bool operator==(const Fp& o) const {
    return v[0] == o.v[0] && v[1] == o.v[1] && v[2] == o.v[2] && v[3] == o.v[3];
  }
  bool operator!=(const Fp& o) const { return !(*this == o); }

  /** Is the raw 4-limb value a canonical representative (< p)? */
  static bool canonical(const u64* x) { return lt4(x, P::MOD); }

#if defined(__x86_64__)
  // Carry chains through the adc/sbb intrinsics: GCC turns __int128 chains into spills.
  static RN_INLINE void sub_mod_if_ge(u64* t) {
    // t < 2p; subtract p when t >= p, without a branch (the outcome is data-dependent).
    unsigned long long s0, s1, s2, s3;
    unsigned char b = _subborrow_u64(0, t[0], P::MOD[0], &s0);
    b = _subborrow_u64(b, t[1], P::MOD[1], &s1);
    b = _subborrow_u64(b, t[2], P::MOD[2], &s2);
    b = _subborrow_u64(b, t[3], P::MOD[3], &s3);
    t[0] = b ? t[0] : s0;
    t[1] = b ? t[1] : s1;
    t[2] = b ? t[2] : s2;
    t[3] = b ? t[3] : s3;
  }

  friend RN_INLINE Fp operator+(const Fp& a, const Fp& b) {
    Fp r;
    unsigned long long t0, t1, t2, t3;
    unsigned char c = _addcarry_u64(0, a.v[0], b.v[0], &t0);
    c = _addcarry_u64(c, a.v[1], b.v[1], &t1);
    c = _addcarry_u64(c, a.v[2], b.v[2], &t2);
    _addcarry_u64(c, a.v[3], b.v[3], &t3);
    r.v[0] = t0;
    r.v[1] = t1;
    r.v[2] = t2;
    r.v[3] = t3;
    sub_mod_if_ge(r.v);
    return r;
  }

  friend RN_INLINE Fp operator-(const Fp& a, const Fp& b) {
    unsigned long long t0, t1, t2, t3;
    unsigned char br = _subborrow_u64(0, a.v[0], b.v[0], &t0);
    br = _subborrow_u64(br, a.v[1], b.v[1], &t1);
    br = _subborrow_u64(br, a.v[2], b.v[2], &t2);
    br = _subborrow_u64(br, a.v[3], b.v[3], &t3);
    const u64 mask = -(u64)br;  // add p back when a < b, without a branch
    Fp r;
    unsigned long long r0, r1, r2, r3;
    unsigned char c = _addcarry_u64(0, t0, P::MOD[0] & mask, &r0);
    c = _addcarry_u64(c, t1, P::MOD[1] & mask, &r1);
    c = _addcarry_u64(c, t2, P::MOD[2] & mask, &r2);
    _addcarry_u64(c, t3, P::MOD[3] & mask, &r3);
    r.v[0] = r0;
    r.v[1] = r1;
    r.v[2] = r2;
    r.v[3] = r3;
    return r;
  }
#else
  static RN_INLINE void sub_mod_if_ge(u64* t) {
    // t < 2p; subtract p when t >= p, without a branch (the outcome is data-dependent).
    u64 s[4];
    u128 b = 0;
    for (int i = 0; i < 4; i++) {
      u128 d = (u128)t[i] - P::MOD[i] - b;
      s[i] = (u64)d;
      b = (d >> 64) & 1;
    }
    const u64 keep = -(u64)b;  // all ones when t < p
    for (int i = 0; i < 4; i++) t[i] = (t[i] & keep) | (s[i] & ~keep);
  }

  friend RN_INLINE Fp operator+(const Fp& a, const Fp& b) {
    Fp r;
    u128 c = 0;
    for (int i = 0; i < 4; i++) {
      c += (u128)a.v[i] + b.v[i];
      r.v[i] = (u64)c;
      c >>= 64;
    }
    sub_mod_if_ge(r.v);
    return r;
  }

  friend RN_INLINE Fp operator-(const Fp& a, const Fp& b) {
    Fp r;
    u128 br = 0;
    for (int i = 0; i < 4; i++) {
      u128 d = (u128)a.v[i] - b.v[i] - br;
      r.v[i] = (u64)d;
      br = (d >> 64) & 1;
    }
    const u64 mask = -(u64)br;  // add p back when a < b, without a branch
    u128 c = 0;
    for (int i = 0; i < 4; i++) {
      c += (u128)r.v[i] + (P::MOD[i] & mask);
      r.v[i] = (u64)c;
      c >>= 64;
    }
    return r;
  }
#endif

  RN_INLINE Fp neg() const { return is_zero() ? *this : zero() - *this; }
  RN_INLINE Fp dbl() const { return *this + *this; }

  friend RN_INLINE Fp operator*(const Fp& a, const Fp& b) {
    Fp r;
    mont_mul(r.v, a.v, b.v);
    return r;
  }

#if defined(__x86_64__) && defined(__ADX__) && defined(__BMI2__)
  /**
   * CIOS on two carry chains (mulx, adcx, adox): what GCC makes of __int128 spills the
   * accumulators and is about twice as slow.
   */
  static RN_INLINE void mont_mul(u64* r, const u64* a, const u64* b) {
    u64 t0, t1, t2, t3, A, s;
    __asm__(
        // i = 0
        "movq 0(%[b]), %%rdx\n\t"
        "xorq %%rax, %%rax\n\t"
        "mulxq 0(%[a]), %[t0], %[t1]\n\t"
        "mulxq 8(%[a]), %%rax, %[t2]\n\t"
        "adoxq %%rax, %[t1]\n\t"
        "mulxq 16(%[a]), %%rax, %[t3]\n\t"
        "adoxq %%rax, %[t2]\n\t"
        "mulxq 24(%[a]), %%rax, %[A]\n\t"
        "adoxq %%rax, %[t3]\n\t"
        "movl $0, %%eax\n\t"
        "adoxq %%rax, %[A]\n\t"
#define RN_REDUCE                                   \
        "movq %[inv], %%rdx\n\t"                      \
        "imulq %[t0], %%rdx\n\t"                      \
        "xorq %%rax, %%rax\n\t"                       \
        "mulxq %[q0], %%rax, %[s]\n\t"                \
        "adcxq %[t0], %%rax\n\t"                      \
        "movq %[s], %[t0]\n\t"                        \
        "adcxq %[t1], %[t0]\n\t"                      \
        "mulxq %[q1], %%rax, %[t1]\n\t"               \
        "adoxq %%rax, %[t0]\n\t"                      \
        "adcxq %[t2], %[t1]\n\t"                      \
        "mulxq %[q2], %%rax, %[t2]\n\t"               \
        "adoxq %%rax, %[t1]\n\t"                      \
        "adcxq %[t3], %[t2]\n\t"                      \
        "mulxq %[q3], %%rax, %[t3]\n\t"               \
        "adoxq %%rax, %[t2]\n\t"                      \
        "movl $0, %%eax\n\t"                          \
        "adcxq %%rax, %[t3]\n\t"                      \
        "adoxq %[A], %[t3]\n\t"
        RN_REDUCE
#define RN_ROUND(off)                               \
        "movq " #off "(%[b]), %%rdx\n\t"              \
        "xorq %%rax, %%rax\n\t"                       \
        "mulxq 0(%[a]), %%rax, %[A]\n\t"              \
        "adoxq %%rax, %[t0]\n\t"                      \
        "adcxq %[A], %[t1]\n\t"                       \
        "mulxq 8(%[a]), %%rax, %[A]\n\t"              \
        "adoxq %%rax, %[t1]\n\t"                      \
        "adcxq %[A], %[t2]\n\t"                       \
        "mulxq 16(%[a]), %%rax, %[A]\n\t"             \
        "adoxq %%rax, %[t2]\n\t"                      \
        "adcxq %[A], %[t3]\n\t"                       \
        "mulxq 24(%[a]), %%rax, %[A]\n\t"             \
        "adoxq %%rax, %[t3]\n\t"                      \
        "movl $0, %%eax\n\t"                          \
        "adcxq %%rax, %[A]\n\t"                       \
        "adoxq %%rax, %[A]\n\t"                       \
        RN_REDUCE
        RN_ROUND(8) RN_ROUND(16) RN_ROUND(24)
        : [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [A] "=&r"(A), [s] "=&r"(s)
        : [a] "r"(a), [b] "r"(b), [inv] "m"(P::INV), [q0] "m"(P::MOD[0]), [q1] "m"(P::MOD[1]),
          [q2] "m"(P::MOD[2]), [q3] "m"(P::MOD[3]), "m"(*(const u64(*)[4])a),
          "m"(*(const u64(*)[4])b)
        : "rax", "rdx", "cc");
#undef RN_ROUND
#undef RN_REDUCE
    u64 s0, s1, s2, s3;
    unsigned char c = 0;
    c = _subborrow_u64(c, t0, P::MOD[0], (unsigned long long*)&s0);
    c = _subborrow_u64(c, t1, P::MOD[1], (unsigned long long*)&s1);
    c = _subborrow_u64(c, t2, P::MOD[2], (unsigned long long*)&s2);
    c = _subborrow_u64(c, t3, P::MOD[3], (unsigned long long*)&s3);
    r[0] = c ? t0 : s0;
    r[1] = c ? t1 : s1;
    r[2] = c ? t2 : s2;
    r[3] = c ? t3 : s3;
  }
#else
  static inline void mont_mul(u64* r, const u64* a, const u64* b) {
    u64 t[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
      u128 x = (u128)a[0] * b[i] + t[0];
      u64 A = (u64)(x >> 64);
      u64 t0 = (u64)x;
      u64 m = t0 * P::INV;
      u128 y = (u128)m * P::MOD[0] + t0;
      u64 C = (u64)(y >> 64);
      for (int j = 1; j < 4; j++) {
        x = (u128)a[j] * b[i] + t[j] + A;
        A = (u64)(x >> 64);
        y = (u128)m * P::MOD[j] + (u64)x + C;
        C = (u64)(y >> 64);
        t[j - 1] = (u64)y;
      }
      t[3] = C + A;
    }
    std::memcpy(r, t, sizeof t);
    sub_mod_if_ge(r);
  }
#endif

  RN_INLINE Fp sq() const { return *this * *this; }

  RN_INLINE Fp& operator+=(const Fp& o) { return *this = *this + o; }
  RN_INLINE Fp& operator-=(const Fp& o) { return *this = *this - o; }
  RN_INLINE Fp& operator*=(const Fp& o) { return *this = *this * o; }

  /** From a canonical plain value (x < p) to Montgomery form. */
  static Fp from_plain(const u64* x) {
    Fp a, r2;
    std::memcpy(a.v, x, 32);
    std::memcpy(r2.v, P::R2, 32);
    return a * r2;
  }
  static Fp from_u64(u64 x) {
    u64 t[4] = {x, 0, 0, 0};
    return from_plain(t);
  }
  /** Montgomery form to the plain value. */
  void to_plain(u64* out) const {
    Fp one_raw{{1, 0, 0, 0}};
    Fp r = *this * one_raw;
    std::memcpy(out, r.v, 32);
  }

  /** this^e, e a plain little-endian 4-limb exponent. */
  Fp pow(const u64* e) const {
    Fp r = one();
    for (int i = 3; i >= 0; i--) {
      for (int b = 63; b >= 0; b--) {
        r = r.sq();
        if ((e[i] >> b) & 1) r = r * *this;
      }
    }
    return r;
  }

  /** Inverse by Fermat (zero maps to zero). */
  Fp inv() const {
    u64 e[4];
    std::memcpy(e, P::MOD, 32);
    e[0] -= 2;  // low limb of both moduli is > 2
    return pow(e);
  }
};

using Fq = Fp<FqParams>;
using Fr = Fp<FrParams>;

/** Fq2 = Fq[u] / (u^2 + 1). */
struct Fq2 {
  Fq c0, c1;

  static Fq2 zero() { return {Fq::zero(), Fq::zero()}; }
  static Fq2 one() { return {Fq::one(), Fq::zero()}; }
  bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
  bool operator==(const Fq2& o) const { return c0 == o.c0 && c1 == o.c1; }
  bool operator!=(const Fq2& o) const { return !(*this == o); }

  friend inline Fq2 operator+(const Fq2& a, const Fq2& b) { return {a.c0 + b.c0, a.c1 + b.c1}; }
  friend inline Fq2 operator-(const Fq2& a, const Fq2& b) { return {a.c0 - b.c0, a.c1 - b.c1}; }
  inline Fq2 neg() const { return {c0.neg(), c1.neg()}; }
  inline Fq2 dbl() const { return {c0.dbl(), c1.dbl()}; }

  friend inline Fq2 operator*(const Fq2& a, const Fq2& b) {
    Fq t0 = a.c0 * b.c0;
    Fq t1 = a.c1 * b.c1;
    Fq t2 = (a.c0 + a.c1) * (b.c0 + b.c1);
    return {t0 - t1, t2 - t0 - t1};
  }
  inline Fq2 sq() const {
    Fq t = c0 * c1;
    return {(c0 + c1) * (c0 - c1), t.dbl()};
  }
  inline Fq2& operator+=(const Fq2& o) { return *this = *this + o; }
  inline Fq2& operator-=(const Fq2& o) { return *this = *this - o; }
  inline Fq2& operator*=(const Fq2& o) { return *this = *this * o; }

  Fq2 inv() const {
    Fq n = (c0.sq() + c1.sq()).inv();
    return {c0 * n, (c1 * n).neg()};
  }
};

}  // namespace rn
