// Multi-scalar multiplication sum k_i * P_i by Pippenger's bucket method with signed
// c-bit digits (buckets 1..2^(c-1), a negative digit adds -P_i), buckets in XYZZ coordinates
// and affine bases (mixed additions), one window per task across threads.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "curve.hpp"
#include "parallel.hpp"

namespace rn {

constexpr int SCALAR_BITS = 254;  // every scalar is < r < 2^254

/** c bits of the plain 256-bit value k from bit `off` (bits past 255 read as zero). */
inline uint32_t bits_at(const u64* k, int off, int c) {
  int limb = off >> 6, sh = off & 63;
  if (limb >= 4) return 0;
  u64 v = k[limb] >> sh;
  if (sh + c > 64 && limb + 1 < 4) v |= k[limb + 1] << (64 - sh);
  return (uint32_t)(v & ((1ULL << c) - 1));
}

/**
 * Window size by input length. Cost model in field multiplications per window: a batch-affine
 * addition per nonzero digit (about 10 with its share of sorting and inversion) and the running
 * sum per bucket (about 24 in XYZZ; `bucket_weight` raises it where buckets cost more, as G2's
 * larger points do). Measured on the default set: G1 with 68k and 131k points best at c = 13,
 * G2 with 68k at c = 12.
 */
inline int choose_window(size_t nonzero, double bucket_weight = 24.0) {
  if (nonzero < 4) return 2;
  int best = 2;
  double best_cost = 1e300;
  for (int c = 2; c <= 18; c++) {
    double windows = SCALAR_BITS / c + 1;
    double cost = windows * (10.0 * (double)nonzero + bucket_weight * (double)(1u << (c - 1)));
    if (cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  return best;
}

/**
 * The digits of one set of scalars, reusable for several MSMs over the same scalars
 * (A, B1 and B2 all multiply the witness).
 */
struct MsmPlan {
  int c = 2;
  int windows = 0;
  std::vector<uint32_t> index;  // scalar index of every nonzero scalar
  std::vector<int32_t> digits;  // windows x index.size(), window-major

  MsmPlan() = default;

  /** scalars: n plain little-endian 4-limb values, each < r (the caller checks). */
  MsmPlan(const u64* scalars, size_t n, int threads, int force_c = 0,
          double bucket_weight = 24.0) {
    for (size_t i = 0; i < n; i++) {
      const u64* k = scalars + 4 * i;
      if ((k[0] | k[1] | k[2] | k[3]) != 0) index.push_back((uint32_t)i);
    }
    c = force_c > 0 ? force_c : choose_window(index.size(), bucket_weight);
    windows = SCALAR_BITS / c + 1;
    size_t m = index.size();
    digits.assign((size_t)windows * m, 0);
    const int32_t half = 1 << (c - 1), full = 1 << c;
    parallel_ranges(m, threads, [&](size_t begin, size_t end) {
      for (size_t j = begin; j < end; j++) {
        const u64* k = scalars + 4 * (size_t)index[j];
        int32_t carry = 0;
        for (int w = 0; w < windows; w++) {
          int32_t d = (int32_t)bits_at(k, w * c, c) + carry;
          if (d > half) {
            d -= full;
            carry = 1;
          } else {
            carry = 0;
          }
          digits[(size_t)w * m + j] = d;
        }
      }
    });
  }
};

constexpr int LANES = 4;

/** Per-thread working memory of msm_window, kept across windows and calls. */
template <class F>
struct MsmScratch {
  std::vector<uint32_t> start, len, active, order;
  std::vector<Affine<F>> pts;
  std::vector<F> den, prefix;
  std::vector<uint8_t> special;
};

/**
 * One window: sorts the window's points by bucket, then empties every bucket into one affine
 * point by pairwise affine additions, all pairs of a round sharing one field inversion
 * (Montgomery's trick: about 6 multiplications per addition instead of 10 for a mixed XYZZ
 * one), and finally sums b * bucket[b] with a running sum.
 */
template <class F>
Xyzz<F> msm_window(const MsmPlan& plan, const Affine<F>* bases, int w, MsmScratch<F>& S) {
  const size_t m = plan.index.size();
  const size_t nb = (size_t)1 << (plan.c - 1);
  const int32_t* d = plan.digits.data() + (size_t)w * m;

  // Counting sort of the window's nonzero digits (on points other than infinity) by bucket.
  S.start.assign(nb + 1, 0);
  for (size_t j = 0; j < m; j++) {
    int32_t digit = d[j];
    if (digit != 0 && !bases[plan.index[j]].is_inf()) S.start[(size_t)(digit < 0 ? -digit : digit)]++;
  }
  uint32_t total = 0;
  for (size_t b = 0; b < nb; b++) {
    uint32_t c = S.start[b + 1];
    S.start[b + 1] = total;  // start[b + 1] becomes bucket b's fill position
    total += c;
  }
  S.pts.resize(total);
  for (size_t j = 0; j < m; j++) {
    int32_t digit = d[j];
    if (digit == 0) continue;
    const Affine<F>& p = bases[plan.index[j]];
    if (p.is_inf()) continue;
    size_t b = (size_t)(digit < 0 ? -digit : digit);
    Affine<F>& q = S.pts[S.start[b]++];
    q.x = p.x;
    q.y = digit < 0 ? p.y.neg() : p.y;
  }
  // start[b + 1] is now the end of bucket b, so start[b] its beginning.
  S.len.resize(nb);
  S.active.clear();
  for (size_t b = 0; b < nb; b++) {
    S.len[b] = S.start[b + 1] - S.start[b];
    if (S.len[b] >= 2) S.active.push_back((uint32_t)b);
  }

  while (!S.active.empty()) {
    size_t pairs = 0;
    for (uint32_t b : S.active) pairs += S.len[b] / 2;
    S.den.resize(pairs);
    S.prefix.resize(pairs);
    S.special.assign(pairs, 0);
    // Denominators x2 - x1; equal x (P = Q or P = -Q) is handled alone, outside the batch.
    // The running products go round LANES independent chains: one chain would wait for each
    // multiplication's full latency.
    size_t k = 0;
    F acc[LANES];
    for (auto& a : acc) a = F::one();
    for (uint32_t b : S.active) {
      const Affine<F>* p = S.pts.data() + S.start[b];
      for (uint32_t i = 0; i + 1 < S.len[b]; i += 2, k++) {
        F dx = p[i + 1].x - p[i].x;
        if (dx.is_zero()) {
          S.special[k] = 1;
          dx = F::one();
        }
        S.den[k] = dx;
        F& a = acc[k % LANES];
        S.prefix[k] = a;  // product of this lane's denominators before this one
        a = a * dx;
      }
    }
    // One inversion for all lanes: 1/a_l = (prod of the others) / (prod of all).
    F inv[LANES], before[LANES];
    F all = F::one();
    for (int l = 0; l < LANES; l++) {
      before[l] = all;
      all = all * acc[l];
    }
    F t = all.inv();
    for (int l = LANES; l-- > 0;) {
      inv[l] = t * before[l];
      t = t * acc[l];
    }
    for (size_t i = pairs; i-- > 0;) {
      F& v = inv[i % LANES];
      F di = v * S.prefix[i];  // 1 / den[i]
      v = v * S.den[i];
      S.den[i] = di;
    }
    // Sums, written back over each bucket's own first slots; then the odd one out.
    k = 0;
    size_t still = 0;
    for (uint32_t b : S.active) {
      Affine<F>* p = S.pts.data() + S.start[b];
      const uint32_t L = S.len[b];
      uint32_t out = 0;
      for (uint32_t i = 0; i + 1 < L; i += 2, k++) {
        const Affine<F> P = p[i], Q = p[i + 1];
        if (S.special[k]) {
          if (P.y != Q.y || P.y.is_zero()) continue;  // P + (-P): nothing left
          // P + P: lambda = 3x^2 / 2y, inverted on its own (equal points are rare).
          F x2 = P.x.sq();
          F lambda = (x2.dbl() + x2) * P.y.dbl().inv();
          F x3 = lambda.sq() - P.x.dbl();
          p[out++] = {x3, lambda * (P.x - x3) - P.y};
          continue;
        }
        F lambda = (Q.y - P.y) * S.den[k];
        F x3 = lambda.sq() - P.x - Q.x;
        p[out++] = {x3, lambda * (P.x - x3) - P.y};
      }
      if (L & 1) p[out++] = p[L - 1];
      S.len[b] = out;
      if (out >= 2) S.active[still++] = b;
    }
    S.active.resize(still);
  }

  // sum_b (b + 1) * bucket[b] as a running sum from the top bucket down.
  Xyzz<F> running = Xyzz<F>::inf(), sum = Xyzz<F>::inf();
  for (size_t b = nb; b-- > 0;) {
    if (S.len[b]) {
      const Affine<F>& p = S.pts[S.start[b]];
      running.add_affine(p.x, p.y);
    }
    sum.add(running);
  }
  return sum;
}

template <class F>
Xyzz<F> msm(const MsmPlan& plan, const Affine<F>* bases, int threads) {
  if (plan.index.empty()) return Xyzz<F>::inf();
  std::vector<Xyzz<F>> results(plan.windows, Xyzz<F>::inf());
  parallel_for((size_t)plan.windows, threads, [&](size_t w) {
    thread_local MsmScratch<F> scratch;
    results[w] = msm_window(plan, bases, (int)w, scratch);
  });
  Xyzz<F> r = results[plan.windows - 1];
  for (int w = plan.windows - 2; w >= 0; w--) {
    for (int i = 0; i < plan.c; i++) r.dbl_in_place();
    r.add(results[w]);
  }
  return r;
}

}  // namespace rn
