// snarkjs Groth16 proving keys (.zkey) and witnesses (.wtns), and the prover itself, computed
// as snarkjs 0.7.6's groth16_prove.js does.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "curve.hpp"
#include "fft.hpp"
#include "msm.hpp"

namespace rn {

/** Something is wrong with the input; `code` names what (becomes the JS error's code). */
struct InputError : std::runtime_error {
  std::string code;
  InputError(std::string c, const std::string& m) : std::runtime_error(m), code(std::move(c)) {}
};

using G1A = Affine<Fq>;
using G2A = Affine<Fq2>;
using G1P = Xyzz<Fq>;
using G2P = Xyzz<Fq2>;

struct Coef {
  uint32_t constraint;
  uint32_t signal;
  Fr value;  // the r1cs coefficient times R^2 (snarkjs stores it "doubly Montgomery")
};

struct Zkey {
  uint32_t n_vars = 0, n_public = 0, domain_size = 0;
  int power = 0;
  G1A alpha1, beta1, delta1;
  G2A beta2, gamma2, delta2;
  std::vector<Coef> coef_a, coef_b;
  std::vector<G1A> A, B1, C, H;
  std::vector<G2A> B2;
  Domain domain;
};

/** A byte reader over one file image that reports every overrun as a zkey/wtns error. */
class Reader {
 public:
  Reader(const uint8_t* d, size_t n, const char* code, const char* what)
      : data_(d), size_(n), code_(code), what_(what) {}

  void need(size_t at, size_t n) const {
    if (at > size_ || n > size_ - at) fail("truncated (needs byte " + std::to_string(at + n) +
                                           ", has " + std::to_string(size_) + ")");
  }
  uint32_t u32(size_t at) const {
    need(at, 4);
    uint32_t v;
    std::memcpy(&v, data_ + at, 4);
    return v;
  }
  uint64_t u64v(size_t at) const {
    need(at, 8);
    uint64_t v;
    std::memcpy(&v, data_ + at, 8);
    return v;
  }
  void limbs(size_t at, u64* out) const {
    need(at, 32);
    std::memcpy(out, data_ + at, 32);
  }
  [[noreturn]] void fail(const std::string& m) const {
    throw InputError(code_, std::string(what_) + ": " + m);
  }

  struct Section {
    size_t offset, size;
  };
  /** The binfile container: magic, version u32, count u32, then (type u32, size u64, body)*. */
  std::map<uint32_t, Section> sections(const char* magic, uint32_t version) const {
    need(0, 12);
    if (std::memcmp(data_, magic, 4) != 0) fail(std::string("not a ") + magic + " file (bad magic)");
    uint32_t v = u32(4);
    if (v != version) fail("unsupported version " + std::to_string(v));
    uint32_t count = u32(8);
    std::map<uint32_t, Section> out;
    size_t at = 12;
    for (uint32_t i = 0; i < count; i++) {
      uint32_t type = u32(at);
      uint64_t sz = u64v(at + 4);
      at += 12;
      if (sz > size_ - at) fail("truncated (section " + std::to_string(type) + " of " +
                                std::to_string(sz) + " bytes runs past the end of the file)");
      if (out.count(type)) fail("section " + std::to_string(type) + " appears twice");
      out[type] = {at, (size_t)sz};
      at += (size_t)sz;
    }
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  const char* code_;
  const char* what_;
};

inline bool eq_limbs(const u64* a, const u64* b) { return std::memcmp(a, b, 32) == 0; }

inline Fq read_fq(const Reader& rd, size_t at, const char* what) {
  Fq x;
  rd.limbs(at, x.v);
  if (!Fq::canonical(x.v)) rd.fail(std::string(what) + ": coordinate not below q");
  return x;
}

inline G1A read_g1(const Reader& rd, size_t at, const std::string& what) {
  G1A p{read_fq(rd, at, what.c_str()), read_fq(rd, at + 32, what.c_str())};
  if (!on_curve<G1>(p)) rd.fail(what + ": point not on the curve");
  return p;
}

inline G2A read_g2(const Reader& rd, size_t at, const std::string& what) {
  G2A p{{read_fq(rd, at, what.c_str()), read_fq(rd, at + 32, what.c_str())},
        {read_fq(rd, at + 64, what.c_str()), read_fq(rd, at + 96, what.c_str())}};
  if (!on_curve<G2>(p)) rd.fail(what + ": point not on the twist curve");
  return p;
}

template <class Read, class T>
void read_points(const Reader& rd, const Reader::Section& s, size_t count, size_t bytes,
                 const char* name, std::vector<T>& out, Read read, int threads) {
  if (s.size != count * bytes)
    rd.fail(std::string("section ") + name + " has " + std::to_string(s.size) +
            " bytes; the header's sizes need " + std::to_string(count * bytes));
  out.resize(count);
  parallel_ranges(count, threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; i++)
      out[i] = read(rd, s.offset + i * bytes, std::string(name) + " point " + std::to_string(i));
  });
}

/** Parses and checks a whole Groth16 BN254 zkey image. */
inline Zkey parse_zkey(const uint8_t* data, size_t size, int threads) {
  Reader rd(data, size, "ZKEY_INVALID", "zkey");
  auto secs = rd.sections("zkey", 1);
  auto get = [&](uint32_t t) -> Reader::Section {
    auto it = secs.find(t);
    if (it == secs.end()) rd.fail("section " + std::to_string(t) + " missing");
    return it->second;
  };
  Reader::Section h1 = get(1);
  if (h1.size != 4) rd.fail("header section has " + std::to_string(h1.size) + " bytes, not 4");
  uint32_t protocol = rd.u32(h1.offset);
  if (protocol != 1)
    rd.fail("protocol " + std::to_string(protocol) + " is not Groth16 (1)");

  Zkey z;
  Reader::Section h2 = get(2);
  const size_t H2 = 4 + 32 + 4 + 32 + 12 + 3 * 64 + 3 * 128;
  if (h2.size != H2) rd.fail("Groth16 header has " + std::to_string(h2.size) + " bytes, not " +
                             std::to_string(H2));
  size_t at = h2.offset;
  u64 q[4], r[4];
  if (rd.u32(at) != 32) rd.fail("base field elements are not 32 bytes");
  rd.limbs(at + 4, q);
  if (!eq_limbs(q, FqParams::MOD)) rd.fail("base field is not BN254's (curve mismatch)");
  if (rd.u32(at + 36) != 32) rd.fail("scalar field elements are not 32 bytes");
  rd.limbs(at + 40, r);
  if (!eq_limbs(r, FrParams::MOD)) rd.fail("scalar field is not BN254's (curve mismatch)");
  at += 72;
  z.n_vars = rd.u32(at);
  z.n_public = rd.u32(at + 4);
  z.domain_size = rd.u32(at + 8);
  at += 12;
  if (z.n_vars == 0 || z.n_public + 1 > z.n_vars)
    rd.fail("nVars " + std::to_string(z.n_vars) + " and nPublic " + std::to_string(z.n_public) +
            " are inconsistent");
  if (z.domain_size < 2 || (z.domain_size & (z.domain_size - 1)) != 0)
    rd.fail("domain size " + std::to_string(z.domain_size) + " is not a power of two");
  z.power = __builtin_ctz(z.domain_size);
  if (z.power >= FR_TWO_ADICITY) rd.fail("domain of 2^" + std::to_string(z.power) + " is too big");
  z.alpha1 = read_g1(rd, at, "alpha1");
  z.beta1 = read_g1(rd, at + 64, "beta1");
  z.beta2 = read_g2(rd, at + 128, "beta2");
  z.gamma2 = read_g2(rd, at + 256, "gamma2");
  z.delta1 = read_g1(rd, at + 384, "delta1");
  z.delta2 = read_g2(rd, at + 448, "delta2");

  Reader::Section ic = get(3);
  if (ic.size != (size_t)(z.n_public + 1) * 64) rd.fail("IC section size does not match nPublic");

  Reader::Section c4 = get(4);
  uint32_t n_coef = rd.u32(c4.offset);
  if (c4.size != 4 + (size_t)n_coef * 44)
    rd.fail("coefficient section has " + std::to_string(c4.size) + " bytes for " +
            std::to_string(n_coef) + " coefficients");
  z.coef_a.reserve(n_coef);
  z.coef_b.reserve(n_coef);
  for (uint32_t i = 0; i < n_coef; i++) {
    size_t p = c4.offset + 4 + (size_t)i * 44;
    uint32_t m = rd.u32(p), c = rd.u32(p + 4), s = rd.u32(p + 8);
    Coef k{c, s, {}};
    rd.limbs(p + 12, k.value.v);
    if (m > 1 || c >= z.domain_size || s >= z.n_vars || !Fr::canonical(k.value.v))
      rd.fail("coefficient " + std::to_string(i) + " is out of range");
    (m == 0 ? z.coef_a : z.coef_b).push_back(k);
  }

  const size_t nv = z.n_vars, nc = z.n_vars - z.n_public - 1;
  read_points(rd, get(5), nv, 64, "A", z.A, read_g1, threads);
  read_points(rd, get(6), nv, 64, "B1", z.B1, read_g1, threads);
  read_points(rd, get(7), nv, 128, "B2", z.B2, read_g2, threads);
  read_points(rd, get(8), nc, 64, "C", z.C, read_g1, threads);
  read_points(rd, get(9), z.domain_size, 64, "H", z.H, read_g1, threads);
  z.domain = Domain(z.power);
  return z;
}

/** A .wtns image (version 2, as snarkjs and prover/witness.ts write it) -> plain values. */
inline std::vector<u64> parse_wtns(const uint8_t* data, size_t size) {
  Reader rd(data, size, "WITNESS_INVALID", "witness");
  auto secs = rd.sections("wtns", 2);
  auto s1 = secs.find(1), s2 = secs.find(2);
  if (s1 == secs.end() || s2 == secs.end()) rd.fail("header or values section missing");
  if (s1->second.size != 40) rd.fail("header section is not 40 bytes");
  size_t at = s1->second.offset;
  if (rd.u32(at) != 32) rd.fail("field elements are not 32 bytes");
  u64 prime[4];
  rd.limbs(at + 4, prime);
  if (!eq_limbs(prime, FrParams::MOD)) rd.fail("witness is not over BN254's scalar field");
  uint32_t n = rd.u32(at + 36);
  if (s2->second.size != (size_t)n * 32) rd.fail("values section does not hold nWitness values");
  std::vector<u64> w((size_t)n * 4);
  if (n) std::memcpy(w.data(), data + s2->second.offset, (size_t)n * 32);
  return w;
}

/** Plain value range checks of a witness for this key (every value < r, w[0] = 1). */
inline void check_witness(const Zkey& z, const std::vector<u64>& w) {
  size_t n = w.size() / 4;
  if (n != z.n_vars)
    throw InputError("WITNESS_INVALID", "witness has " + std::to_string(n) +
                                            " values; the circuit of this zkey has " +
                                            std::to_string(z.n_vars));
  for (size_t i = 0; i < n; i++) {
    if (!Fr::canonical(&w[4 * i]))
      throw InputError("WITNESS_INVALID", "witness value " + std::to_string(i) + " is not below r");
  }
  if (w[0] != 1 || w[1] != 0 || w[2] != 0 || w[3] != 0)
    throw InputError("WITNESS_INVALID", "witness value 0 (the constant signal) is not 1");
}

struct Proof {
  G1A a, c;
  G2A b;
};

struct ProveTimes {
  double abc_ms = 0, fft_ms = 0, msm_ms = 0;
};

inline Fr fr_raw(const u64* x) {
  Fr f;
  std::memcpy(f.v, x, 32);
  return f;
}

/**
 * The H scalars: (A*B - C) on the odd coset of the 2n domain, plain form, exactly as snarkjs's
 * buildABC1 / ifft / batchApplyKey / fft / joinABC compute them.
 */
inline std::vector<u64> h_scalars(const Zkey& z, const u64* w, int threads) {
  const size_t n = z.domain_size;
  std::vector<Fr> a(n, Fr::zero()), b(n, Fr::zero()), c(n);
  parallel_for(2, threads, [&](size_t which) {
    const auto& coefs = which == 0 ? z.coef_a : z.coef_b;
    std::vector<Fr>& out = which == 0 ? a : b;
    // coefficient * R^2 times the plain value, Montgomery-multiplied: Montgomery of coef * w.
    for (const Coef& k : coefs) out[k.constraint] += k.value * fr_raw(w + 4 * (size_t)k.signal);
  });
  parallel_ranges(n, threads, [&](size_t s, size_t e) {
    for (size_t i = s; i < e; i++) c[i] = a[i] * b[i];
  });
  z.domain.to_coset(a.data(), threads);
  z.domain.to_coset(b.data(), threads);
  z.domain.to_coset(c.data(), threads);
  std::vector<u64> h(4 * n);
  parallel_ranges(n, threads, [&](size_t s, size_t e) {
    for (size_t i = s; i < e; i++) (a[i] * b[i] - c[i]).to_plain(&h[4 * i]);
  });
  return h;
}

inline Proof prove(const Zkey& z, const std::vector<u64>& witness, const u64* r, const u64* s,
                   int threads) {
  check_witness(z, witness);
  if (!Fr::canonical(r) || !Fr::canonical(s))
    throw InputError("SCALAR_OUT_OF_RANGE", "r and s must be below the scalar field order");
  const u64* w = witness.data();
  std::vector<u64> h = h_scalars(z, w, threads);

  // One plan (digits) for A, B1 and B2, sized for B2: G2's buckets cost about twice G1's.
  MsmPlan plan_w(w, z.n_vars, threads, 0, 48.0);
  G1P pa = msm(plan_w, z.A.data(), threads);
  G1P pb1 = msm(plan_w, z.B1.data(), threads);
  G2P pb = msm(plan_w, z.B2.data(), threads);
  plan_w = MsmPlan();
  MsmPlan plan_c(w + 4 * (size_t)(z.n_public + 1), z.n_vars - z.n_public - 1, threads);
  G1P pc = msm(plan_c, z.C.data(), threads);
  plan_c = MsmPlan();
  MsmPlan plan_h(h.data(), z.domain_size, threads);
  G1P ph = msm(plan_h, z.H.data(), threads);

  const G1P delta1 = G1P::from_affine(z.delta1);
  pa.add_affine(z.alpha1);
  pa.add(mul_scalar(delta1, r));
  pb.add_affine(z.beta2);
  pb.add(mul_scalar(G2P::from_affine(z.delta2), s));
  pb1.add_affine(z.beta1);
  pb1.add(mul_scalar(delta1, s));
  pc.add(ph);
  pc.add(mul_scalar(pa, s));
  pc.add(mul_scalar(pb1, r));
  u64 minus_rs[4];
  (Fr::from_plain(r) * Fr::from_plain(s)).neg().to_plain(minus_rs);
  pc.add(mul_scalar(delta1, minus_rs));
  return {pa.to_affine(), pc.to_affine(), pb.to_affine()};
}

/** Plain 4-limb value as a decimal string. */
inline std::string to_decimal(const u64* x) {
  u64 v[4] = {x[0], x[1], x[2], x[3]};
  std::string out;
  const u64 base = 10000000000000000000ULL;  // 10^19
  while (v[0] | v[1] | v[2] | v[3]) {
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
      u128 cur = (rem << 64) | v[i];
      v[i] = (u64)(cur / base);
      rem = cur % base;
    }
    std::string chunk = std::to_string((u64)rem);
    if (v[0] | v[1] | v[2] | v[3]) chunk.insert(0, 19 - chunk.size(), '0');
    out.insert(0, chunk);
  }
  return out.empty() ? "0" : out;
}

inline std::string fq_decimal(const Fq& x) {
  u64 p[4];
  x.to_plain(p);
  return to_decimal(p);
}

}  // namespace rn
