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

/** Cost model in field multiplications: mixed additions per digit, two full additions per bucket. */
inline int choose_window(size_t nonzero) {
  if (nonzero < 4) return 2;
  int best = 2;
  double best_cost = 1e300;
  for (int c = 2; c <= 18; c++) {
    double windows = SCALAR_BITS / c + 1;
    double cost = windows * (10.0 * (double)nonzero + 28.0 * (double)(1u << (c - 1)));
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
  MsmPlan(const u64* scalars, size_t n, int threads, int force_c = 0) {
    for (size_t i = 0; i < n; i++) {
      const u64* k = scalars + 4 * i;
      if ((k[0] | k[1] | k[2] | k[3]) != 0) index.push_back((uint32_t)i);
    }
    c = force_c > 0 ? force_c : choose_window(index.size());
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

template <class F>
Xyzz<F> msm_window(const MsmPlan& plan, const Affine<F>* bases, int w,
                   std::vector<Xyzz<F>>& buckets) {
  const size_t m = plan.index.size();
  const size_t nb = (size_t)1 << (plan.c - 1);
  buckets.assign(nb, Xyzz<F>::inf());
  const int32_t* d = plan.digits.data() + (size_t)w * m;
  for (size_t j = 0; j < m; j++) {
    int32_t digit = d[j];
    if (digit == 0) continue;
    const Affine<F>& p = bases[plan.index[j]];
    if (p.is_inf()) continue;
    if (digit > 0) {
      buckets[(size_t)digit - 1].add_affine(p.x, p.y);
    } else {
      buckets[(size_t)(-digit) - 1].add_affine(p.x, p.y.neg());
    }
  }
  // sum_b b * bucket[b-1] as a running sum from the top bucket down.
  Xyzz<F> running = Xyzz<F>::inf(), acc = Xyzz<F>::inf();
  for (size_t b = nb; b-- > 0;) {
    running.add(buckets[b]);
    acc.add(running);
  }
  return acc;
}

template <class F>
Xyzz<F> msm(const MsmPlan& plan, const Affine<F>* bases, int threads) {
  if (plan.index.empty()) return Xyzz<F>::inf();
  std::vector<Xyzz<F>> results(plan.windows, Xyzz<F>::inf());
  parallel_for((size_t)plan.windows, threads, [&](size_t w) {
    thread_local std::vector<Xyzz<F>> buckets;
    results[w] = msm_window(plan, bases, (int)w, buckets);
  });
  Xyzz<F> r = results[plan.windows - 1];
  for (int w = plan.windows - 2; w >= 0; w--) {
    for (int i = 0; i < plan.c; i++) r.dbl_in_place();
    r.add(results[w]);
  }
  return r;
}

}  // namespace rn
