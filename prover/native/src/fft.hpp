// Radix-2 FFTs over Fr (Montgomery form) and the coset step of snarkjs's groth16 prover.
//
// snarkjs (groth16_prove.js): a = ifft(A) on the domain of size n (root w = Fr.w[log n]),
// a_i *= inc^i with inc = Fr.w[log n + 1] (a 2n-th root of unity), A' = fft(a): the values of
// the polynomial at inc * w^k. Here the inverse transform is decimation in frequency (natural
// order in, bit-reversed out), the coset factors and 1/n are applied in bit-reversed order,
// and the forward transform is decimation in time (bit-reversed in, natural out), so no
// permutation pass is needed and the result is in snarkjs's order.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "field.hpp"
#include "parallel.hpp"

namespace rn {

constexpr int FR_TWO_ADICITY = 28;

inline uint32_t bit_reverse(uint32_t x, int bits) {
  uint32_t r = 0;
  for (int i = 0; i < bits; i++) {
    r = (r << 1) | (x & 1);
    x >>= 1;
  }
  return r;
}

/** ffjavascript's roots of unity: w[s] = nqr^t with r - 1 = 2^s t, nqr the least non-residue. */
inline Fr fr_root_of_unity(int power) {
  static const std::vector<Fr> roots = [] {
    const Fr one = Fr::one(), minus_one = one.neg();
    u64 half[4], t[4];
    // (r - 1) / 2 and t = (r - 1) / 2^28
    u64 rm1[4];
    std::memcpy(rm1, FrParams::MOD, 32);
    rm1[0] -= 1;
    for (int i = 0; i < 4; i++) half[i] = (rm1[i] >> 1) | (i < 3 ? rm1[i + 1] << 63 : 0);
    for (int i = 0; i < 4; i++)
      t[i] = (rm1[i] >> FR_TWO_ADICITY) | (i < 3 ? rm1[i + 1] << (64 - FR_TWO_ADICITY) : 0);
    Fr nqr = one + one;
    while (nqr.pow(half) != minus_one) nqr = nqr + one;
    std::vector<Fr> w(FR_TWO_ADICITY + 1);
    w[FR_TWO_ADICITY] = nqr.pow(t);
    for (int i = FR_TWO_ADICITY - 1; i >= 0; i--) w[i] = w[i + 1].sq();
    if (w[0] != one) throw std::logic_error("roots of unity");
    return w;
  }();
  if (power < 0 || power > FR_TWO_ADICITY) throw std::invalid_argument("no such root of unity");
  return roots[power];
}

/** Powers x^0 .. x^(count-1). */
inline std::vector<Fr> powers(const Fr& x, size_t count) {
  std::vector<Fr> p(count);
  Fr acc = Fr::one();
  for (size_t i = 0; i < count; i++) {
    p[i] = acc;
    acc = acc * x;
  }
  return p;
}

/** Twiddles and coset factors for one domain size n = 2^power (power < 28). */
struct Domain {
  int power = 0;
  size_t n = 0;
  std::vector<Fr> tw;     // per stage of span len: w_len^j for j < len/2, at [len/2 - 1 + j]
  std::vector<Fr> itw;    // the same for w^-1
  std::vector<Fr> coset;  // inc^bitrev(p) / n, p < n

  Domain() = default;
  explicit Domain(int pw) : power(pw), n((size_t)1 << pw) {
    if (pw < 1 || pw >= FR_TWO_ADICITY) throw std::invalid_argument("domain size out of range");
    Fr w = fr_root_of_unity(pw);
    std::vector<Fr> wp = powers(w, n / 2), iwp = powers(w.inv(), n / 2);
    tw.resize(n);
    itw.resize(n);
    for (size_t len = 2; len <= n; len <<= 1) {
      const size_t stride = n / len;
      for (size_t j = 0; j < len / 2; j++) {
        tw[len / 2 - 1 + j] = wp[j * stride];
        itw[len / 2 - 1 + j] = iwp[j * stride];
      }
    }
    Fr inc = fr_root_of_unity(pw + 1);
    std::vector<Fr> incp = powers(inc, n);
    Fr ninv = Fr::from_u64(n).inv();
    coset.resize(n);
    for (size_t p = 0; p < n; p++) coset[p] = incp[bit_reverse((uint32_t)p, pw)] * ninv;
  }

  /** Sub-FFTs of this many elements fit in L2 and are done start to finish one at a time. */
  static constexpr size_t BLOCK = (size_t)1 << 13;

  /**
   * One stage of butterfly span `len` over a[0, count), twiddles from the stage's table: DIF
   * multiplies the difference by the twiddle, DIT the second input. Twiddle 0 is 1 (skipped).
   */
  template <bool DIF>
  void block_stage(Fr* a, size_t count, size_t len, const std::vector<Fr>& table) const {
    const size_t half = len / 2;
    const Fr* t = table.data() + half - 1;
    for (size_t s = 0; s < count; s += len) {
      Fr* x = a + s;
      Fr* y = x + half;
      Fr u = x[0], v = y[0];
      x[0] = u + v;
      y[0] = u - v;
      for (size_t j = 1; j < half; j++) {
        u = x[j];
        v = DIF ? y[j] : y[j] * t[j];
        x[j] = u + v;
        y[j] = DIF ? (u - v) * t[j] : u - v;
      }
    }
  }

  /** A stage wider than BLOCK, its butterflies split across threads. */
  template <bool DIF>
  void wide_stage(Fr* a, size_t len, const std::vector<Fr>& table, int threads) const {
    const size_t half = len / 2;
    const Fr* t = table.data() + half - 1;
    const int lh = __builtin_ctzll(half);
    parallel_ranges(n / 2, threads, [&](size_t begin, size_t end) {
      for (size_t k = begin; k < end; k++) {
        size_t j = k & (half - 1), s = (k >> lh) << (lh + 1);
        Fr u = a[s + j], v = a[s + j + half];
        if (DIF) {
          a[s + j] = u + v;
          a[s + j + half] = (u - v) * t[j];
        } else {
          v = v * t[j];
          a[s + j] = u + v;
          a[s + j + half] = u - v;
        }
      }
    });
  }

  /** Decimation in frequency with twiddle table t: natural in, bit-reversed out, unscaled. */
  void dif(Fr* a, const std::vector<Fr>& t, int threads) const {
    size_t len = n;
    for (; len > BLOCK; len >>= 1) wide_stage<true>(a, len, t, threads);
    const size_t block = len;
    parallel_for(n / block, threads, [&](size_t i) {
      for (size_t l = block; l >= 2; l >>= 1) block_stage<true>(a + i * block, block, l, t);
    });
  }

  /** Decimation in time with twiddle table t: bit-reversed in, natural out, unscaled. */
  void dit(Fr* a, const std::vector<Fr>& t, int threads) const {
    const size_t block = std::min(n, BLOCK);
    parallel_for(n / block, threads, [&](size_t i) {
      for (size_t l = 2; l <= block; l <<= 1) block_stage<false>(a + i * block, block, l, t);
    });
    for (size_t len = block * 2; len <= n; len <<= 1) wide_stage<false>(a, len, t, threads);
  }

  /** Values on the domain (natural order) -> values on the coset inc * w^k (natural order). */
  void to_coset(Fr* a, int threads) const {
    dif(a, itw, threads);
    parallel_ranges(n, threads, [&](size_t b, size_t e) {
      for (size_t p = b; p < e; p++) a[p] = a[p] * coset[p];
    });
    dit(a, tw, threads);
  }

  /** Plain forward DFT (natural in and out), for tests: values at w^k of coefficients a. */
  void fft(Fr* a, int threads) const {
    dif(a, tw, threads);
    permute(a);
  }

  /** Plain inverse DFT (natural in and out), for tests. */
  void ifft(Fr* a, int threads) const {
    dif(a, itw, threads);
    permute(a);
    Fr ninv = Fr::from_u64(n).inv();
    for (size_t i = 0; i < n; i++) a[i] = a[i] * ninv;
  }

  void permute(Fr* a) const {
    for (size_t i = 0; i < n; i++) {
      size_t j = bit_reverse((uint32_t)i, power);
      if (i < j) std::swap(a[i], a[j]);
    }
  }
};

}  // namespace rn
