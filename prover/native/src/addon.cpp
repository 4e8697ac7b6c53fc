// N-API bindings (plain node_api.h, ABI-stable across Node versions) of the native Groth16
// prover. Every failure becomes a JS exception with a `code`; nothing here aborts the process.

#include <node_api.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "groth16.hpp"

using namespace rn;

namespace {

struct JsError {
  std::string code, message;
};

#define NAPI(call)                                                           \
  do {                                                                       \
    if ((call) != napi_ok) throw JsError{"NATIVE_API", "N-API call failed: " #call}; \
  } while (0)

int default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : (int)n;
}

// ---------------------------------------------------------------------------------------
// Keys: loaded once per file (size and mtime) and shared by every thread of the process.

struct KeyCacheEntry {
  off_t size;
  long long mtime_ns;
  std::weak_ptr<const Zkey> key;
};
std::mutex key_cache_mutex;
std::unordered_map<std::string, KeyCacheEntry> key_cache;

std::shared_ptr<const Zkey> load_zkey_file(const std::string& path, int threads) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    throw InputError("ZKEY_NOT_FOUND", "cannot read zkey " + path + ": " + std::strerror(errno));
  long long mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
  std::lock_guard<std::mutex> lock(key_cache_mutex);
  auto it = key_cache.find(path);
  if (it != key_cache.end() && it->second.size == st.st_size && it->second.mtime_ns == mtime) {
    if (auto k = it->second.key.lock()) return k;
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError("ZKEY_NOT_FOUND", "cannot open zkey " + path + ": " + std::strerror(errno));
  std::vector<uint8_t> data((size_t)st.st_size);
  size_t got = data.empty() ? 0 : std::fread(data.data(), 1, data.size(), f);
  std::fclose(f);
  if (got != data.size()) throw InputError("ZKEY_INVALID", "zkey " + path + ": short read");
  auto key = std::make_shared<const Zkey>(parse_zkey(data.data(), data.size(), threads));
  key_cache[path] = {st.st_size, mtime, key};
  return key;
}

struct KeyHandle {
  std::shared_ptr<const Zkey> key;
};

void finalize_key(napi_env, void* data, void*) { delete static_cast<KeyHandle*>(data); }

// ---------------------------------------------------------------------------------------
// Argument helpers

bool is_uint8(napi_env env, napi_value v, const uint8_t** data, size_t* len) {
  bool is_typed = false;
  NAPI(napi_is_typedarray(env, v, &is_typed));
  if (!is_typed) return false;
  napi_typedarray_type type;
  size_t length, offset;
  void* ptr;
  napi_value buffer;
  NAPI(napi_get_typedarray_info(env, v, &type, &length, &ptr, &buffer, &offset));
  if (type != napi_uint8_array) return false;
  *data = static_cast<const uint8_t*>(ptr);
  *len = length;
  return true;
}

std::string get_string(napi_env env, napi_value v) {
  size_t len;
  NAPI(napi_get_value_string_utf8(env, v, nullptr, 0, &len));
  std::string s(len, '\0');
  NAPI(napi_get_value_string_utf8(env, v, s.data(), len + 1, &len));
  return s;
}

napi_valuetype type_of(napi_env env, napi_value v) {
  napi_valuetype t;
  NAPI(napi_typeof(env, v, &t));
  return t;
}

/** A non-negative BigInt (or safe integer Number) below r, as plain limbs. */
void get_scalar(napi_env env, napi_value v, u64* out, const std::string& what) {
  napi_valuetype t = type_of(env, v);
  std::memset(out, 0, 32);
  if (t == napi_bigint) {
    int sign = 0;
    size_t count = 4;  // in: room in `out`; out: words the value needs
    NAPI(napi_get_value_bigint_words(env, v, &sign, &count, out));
    if (count > 4) throw InputError("SCALAR_OUT_OF_RANGE", what + " is not below r");
    bool zero = (out[0] | out[1] | out[2] | out[3]) == 0;
    if (sign && !zero) throw InputError("SCALAR_OUT_OF_RANGE", what + " is negative");
  } else if (t == napi_number) {
    double d;
    NAPI(napi_get_value_double(env, v, &d));
    if (!(d >= 0) || d > 9007199254740991.0 || d != (double)(u64)d)
      throw InputError("SCALAR_OUT_OF_RANGE", what + " is not a non-negative safe integer");
    out[0] = (u64)d;
  } else {
    throw InputError("INVALID_ARGUMENT", what + " must be a bigint");
  }
  if (!Fr::canonical(out)) throw InputError("SCALAR_OUT_OF_RANGE", what + " is not below r");
}

std::shared_ptr<const Zkey> get_key(napi_env env, napi_value v) {
  if (type_of(env, v) != napi_external)
    throw InputError("INVALID_ARGUMENT", "expected a key handle from loadZkey");
  void* data;
  NAPI(napi_get_value_external(env, v, &data));
  return static_cast<KeyHandle*>(data)->key;
}

bool get_optional(napi_env env, napi_value obj, const char* name, napi_value* out) {
  if (obj == nullptr || type_of(env, obj) != napi_object) return false;
  bool has;
  NAPI(napi_has_named_property(env, obj, name, &has));
  if (!has) return false;
  NAPI(napi_get_named_property(env, obj, name, out));
  napi_valuetype t = type_of(env, *out);
  return t != napi_undefined && t != napi_null;
}

int get_threads(napi_env env, napi_value options) {
  napi_value v;
  if (!get_optional(env, options, "threads", &v)) return default_threads();
  int32_t n;
  if (type_of(env, v) != napi_number || napi_get_value_int32(env, v, &n) != napi_ok || n < 1 ||
      n > 1024)
    throw InputError("INVALID_ARGUMENT", "threads must be an integer from 1 to 1024");
  return n;
}

/** Witness as .wtns bytes or as an array of bigints (the witness calculator's output). */
std::vector<u64> get_witness(napi_env env, napi_value v) {
  const uint8_t* data;
  size_t len;
  if (is_uint8(env, v, &data, &len)) return parse_wtns(data, len);
  bool is_array = false;
  NAPI(napi_is_array(env, v, &is_array));
  if (!is_array)
    throw InputError("INVALID_ARGUMENT", "witness must be .wtns bytes or an array of bigints");
  uint32_t n;
  NAPI(napi_get_array_length(env, v, &n));
  std::vector<u64> w((size_t)n * 4);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    NAPI(napi_get_element(env, v, i, &e));
    try {
      get_scalar(env, e, &w[4 * (size_t)i], "witness value " + std::to_string(i));
    } catch (InputError& err) {
      throw InputError("WITNESS_INVALID", err.what());
    }
  }
  return w;
}

/** Uniform in [0, r) from the kernel's CSPRNG (getrandom), by rejection. */
void random_scalar(u64* out) {
  for (;;) {
    uint8_t buf[32];
    size_t got = 0;
    while (got < sizeof buf) {
      ssize_t n = getrandom(buf + got, sizeof buf - got, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw InputError("RANDOM_FAILED", std::string("getrandom: ") + std::strerror(errno));
      }
      got += (size_t)n;
    }
    std::memcpy(out, buf, 32);
    out[3] &= (1ULL << 62) - 1;  // 254 bits
    if (Fr::canonical(out)) return;
  }
}

// ---------------------------------------------------------------------------------------
// Results

napi_value str(napi_env env, const std::string& s) {
  napi_value v;
  NAPI(napi_create_string_utf8(env, s.data(), s.size(), &v));
  return v;
}

napi_value str_array(napi_env env, const std::vector<napi_value>& items) {
  napi_value a;
  NAPI(napi_create_array_with_length(env, items.size(), &a));
  for (size_t i = 0; i < items.size(); i++) NAPI(napi_set_element(env, a, (uint32_t)i, items[i]));
  return a;
}

napi_value g1_object(napi_env env, const G1A& p) {
  if (p.is_inf()) return str_array(env, {str(env, "0"), str(env, "1"), str(env, "0")});
  return str_array(env, {str(env, fq_decimal(p.x)), str(env, fq_decimal(p.y)), str(env, "1")});
}

napi_value g2_object(napi_env env, const G2A& p) {
  auto pair = [&](const Fq2& x) {
    return str_array(env, {str(env, fq_decimal(x.c0)), str(env, fq_decimal(x.c1))});
  };
  if (p.is_inf())
    return str_array(env, {str_array(env, {str(env, "0"), str(env, "0")}),
                           str_array(env, {str(env, "1"), str(env, "0")}),
                           str_array(env, {str(env, "0"), str(env, "0")})});
  return str_array(env, {pair(p.x), pair(p.y), str_array(env, {str(env, "1"), str(env, "0")})});
}

void set(napi_env env, napi_value obj, const char* name, napi_value v) {
  NAPI(napi_set_named_property(env, obj, name, v));
}

napi_value number(napi_env env, double x) {
  napi_value v;
  NAPI(napi_create_double(env, x, &v));
  return v;
}

struct ProveResult {
  Proof proof;
  std::vector<std::string> publics;
  double ms = 0;
};

napi_value result_object(napi_env env, const ProveResult& r) {
  napi_value proof, out;
  NAPI(napi_create_object(env, &proof));
  set(env, proof, "pi_a", g1_object(env, r.proof.a));
  set(env, proof, "pi_b", g2_object(env, r.proof.b));
  set(env, proof, "pi_c", g1_object(env, r.proof.c));
  set(env, proof, "protocol", str(env, "groth16"));
  set(env, proof, "curve", str(env, "bn128"));
  std::vector<napi_value> pubs;
  for (const auto& s : r.publics) pubs.push_back(str(env, s));
  NAPI(napi_create_object(env, &out));
  set(env, out, "proof", proof);
  set(env, out, "publicSignals", str_array(env, pubs));
  set(env, out, "proveMs", number(env, r.ms));
  return out;
}

napi_value throw_js(napi_env env, const std::string& code, const std::string& message) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, code.c_str(), message.c_str());
  return nullptr;
}

napi_value make_error(napi_env env, const std::string& code, const std::string& message) {
  napi_value c = str(env, code), m = str(env, message), e;
  NAPI(napi_create_error(env, c, m, &e));
  return e;
}

/** Runs body and turns every C++ failure into a JS exception. */
template <class Body>
napi_value guarded(napi_env env, Body body) {
  try {
    return body();
  } catch (const InputError& e) {
    return throw_js(env, e.code, e.what());
  } catch (const JsError& e) {
    return throw_js(env, e.code, e.message);
  } catch (const std::bad_alloc&) {
    return throw_js(env, "OUT_OF_MEMORY", "native prover: out of memory");
  } catch (const std::exception& e) {
    return throw_js(env, "NATIVE_ERROR", std::string("native prover: ") + e.what());
  } catch (...) {
    return throw_js(env, "NATIVE_ERROR", "native prover: unknown failure");
  }
}

std::vector<napi_value> args(napi_env env, napi_callback_info info, size_t n) {
  std::vector<napi_value> a(n, nullptr);
  size_t argc = n;
  NAPI(napi_get_cb_info(env, info, &argc, a.data(), nullptr, nullptr));
  napi_value undef;
  NAPI(napi_get_undefined(env, &undef));
  for (size_t i = argc; i < n; i++) a[i] = undef;
  return a;
}

// ---------------------------------------------------------------------------------------
// Exported functions

/** loadZkey(path: string | Uint8Array, threads?: number): key handle */
napi_value LoadZkey(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 2);
    int threads = default_threads();
    if (type_of(env, a[1]) == napi_number) {
      int32_t t;
      NAPI(napi_get_value_int32(env, a[1], &t));
      if (t >= 1) threads = t;
    }
    std::shared_ptr<const Zkey> key;
    const uint8_t* data;
    size_t len;
    if (type_of(env, a[0]) == napi_string) {
      key = load_zkey_file(get_string(env, a[0]), threads);
    } else if (is_uint8(env, a[0], &data, &len)) {
      key = std::make_shared<const Zkey>(parse_zkey(data, len, threads));
    } else {
      throw InputError("INVALID_ARGUMENT", "loadZkey takes a path or the zkey's bytes");
    }
    napi_value ext;
    auto* handle = new KeyHandle{key};
    if (napi_create_external(env, handle, finalize_key, nullptr, &ext) != napi_ok) {
      delete handle;
      throw JsError{"NATIVE_API", "napi_create_external failed"};
    }
    return ext;
  });
}

/** zkeyInfo(key): { nVars, nPublic, domainSize, coefficients } */
napi_value ZkeyInfo(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 1);
    auto key = get_key(env, a[0]);
    napi_value o;
    NAPI(napi_create_object(env, &o));
    set(env, o, "nVars", number(env, key->n_vars));
    set(env, o, "nPublic", number(env, key->n_public));
    set(env, o, "domainSize", number(env, key->domain_size));
    set(env, o, "coefficients", number(env, (double)(key->coef_a.size() + key->coef_b.size())));
    return o;
  });
}

struct ProveTask {
  std::shared_ptr<const Zkey> key;
  std::vector<u64> witness;
  u64 r[4], s[4];
  int threads;
  ProveResult result;
  bool ok = false;
  std::string error_code, error_message;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;

  void run() {
    try {
      auto t0 = std::chrono::steady_clock::now();
      result.proof = prove(*key, witness, r, s, threads);
      for (uint32_t i = 1; i <= key->n_public; i++) result.publics.push_back(to_decimal(&witness[4 * i]));
      result.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      ok = true;
    } catch (const InputError& e) {
      error_code = e.code;
      error_message = e.what();
    } catch (const std::bad_alloc&) {
      error_code = "OUT_OF_MEMORY";
      error_message = "native prover: out of memory";
    } catch (const std::exception& e) {
      error_code = "NATIVE_ERROR";
      error_message = std::string("native prover: ") + e.what();
    }
  }
};

std::unique_ptr<ProveTask> prove_task(napi_env env, napi_callback_info info) {
  auto a = args(env, info, 3);
  auto task = std::make_unique<ProveTask>();
  task->key = get_key(env, a[0]);
  task->witness = get_witness(env, a[1]);
  task->threads = get_threads(env, a[2]);
  napi_value rv, sv;
  bool has_r = get_optional(env, a[2], "r", &rv), has_s = get_optional(env, a[2], "s", &sv);
  if (has_r != has_s) throw InputError("INVALID_ARGUMENT", "give both r and s, or neither");
  if (has_r) {
    get_scalar(env, rv, task->r, "r");
    get_scalar(env, sv, task->s, "s");
  } else {
    random_scalar(task->r);
    random_scalar(task->s);
  }
  check_witness(*task->key, task->witness);  // fail fast, on the calling thread
  return task;
}

/** proveSync(key, witness, { threads?, r?, s? }): { proof, publicSignals, proveMs } */
napi_value ProveSync(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto task = prove_task(env, info);
    task->run();
    if (!task->ok) throw InputError(task->error_code, task->error_message);
    return result_object(env, task->result);
  });
}

void prove_execute(napi_env, void* data) { static_cast<ProveTask*>(data)->run(); }

void prove_complete(napi_env env, napi_status status, void* data) {
  std::unique_ptr<ProveTask> task(static_cast<ProveTask*>(data));
  napi_value value;
  try {
    if (status != napi_ok) throw JsError{"NATIVE_ERROR", "native prover: async work cancelled"};
    if (!task->ok) {
      napi_reject_deferred(env, task->deferred, make_error(env, task->error_code, task->error_message));
    } else {
      value = result_object(env, task->result);
      napi_resolve_deferred(env, task->deferred, value);
    }
  } catch (const JsError& e) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ex;
      napi_get_and_clear_last_exception(env, &ex);
    }
    napi_value c, m, err;
    napi_create_string_utf8(env, e.code.c_str(), NAPI_AUTO_LENGTH, &c);
    napi_create_string_utf8(env, e.message.c_str(), NAPI_AUTO_LENGTH, &m);
    napi_create_error(env, c, m, &err);
    napi_reject_deferred(env, task->deferred, err);
  }
  napi_delete_async_work(env, task->work);
}

/**
 * prove(key, witness, { threads?, r?, s? }): Promise of proveSync's result, computed off the JS
 * thread. Bad arguments reject the promise too.
 */
napi_value Prove(napi_env env, napi_callback_info info) {
  napi_deferred deferred;
  napi_value promise;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok)
    return throw_js(env, "NATIVE_API", "napi_create_promise failed");
  std::string code, message;
  try {
    auto task = prove_task(env, info);
    task->deferred = deferred;
    napi_value name;
    NAPI(napi_create_string_utf8(env, "royalty-native-prove", NAPI_AUTO_LENGTH, &name));
    NAPI(napi_create_async_work(env, nullptr, name, prove_execute, prove_complete, task.get(),
                                &task->work));
    NAPI(napi_queue_async_work(env, task->work));
    task.release();
    return promise;
  } catch (const InputError& e) {
    code = e.code;
    message = e.what();
  } catch (const JsError& e) {
    code = e.code;
    message = e.message;
  } catch (const std::exception& e) {
    code = "NATIVE_ERROR";
    message = std::string("native prover: ") + e.what();
  }
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value ex;
    napi_get_and_clear_last_exception(env, &ex);
  }
  napi_value c, m, err;
  napi_create_string_utf8(env, code.c_str(), NAPI_AUTO_LENGTH, &c);
  napi_create_string_utf8(env, message.c_str(), NAPI_AUTO_LENGTH, &m);
  napi_create_error(env, c, m, &err);
  napi_reject_deferred(env, deferred, err);
  return promise;
}

// --- test hooks: the engine's parts on their own --------------------------------------

template <class F>
Affine<F> parse_base(const uint8_t* p);
template <>
G1A parse_base<Fq>(const uint8_t* p) {
  Reader rd(p, 64, "POINT_INVALID", "base");
  return read_g1(rd, 0, "base");
}
template <>
G2A parse_base<Fq2>(const uint8_t* p) {
  Reader rd(p, 128, "POINT_INVALID", "base");
  return read_g2(rd, 0, "base");
}

std::vector<u64> get_scalars(const uint8_t* data, size_t len, size_t n) {
  if (len != n * 32) throw InputError("INVALID_ARGUMENT", "scalars must be 32 bytes each, one per base");
  std::vector<u64> k(n * 4);
  if (n) std::memcpy(k.data(), data, len);
  for (size_t i = 0; i < n; i++)
    if (!Fr::canonical(&k[4 * i]))
      throw InputError("SCALAR_OUT_OF_RANGE", "scalar " + std::to_string(i) + " is not below r");
  return k;
}

/** msmG1/msmG2(bases LEM affine bytes, scalars 32-byte LE plain, { threads?, window? }) */
template <class F>
napi_value Msm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 3);
    const size_t bytes = sizeof(F) * 2;
    const uint8_t *bd, *sd;
    size_t bl, sl;
    if (!is_uint8(env, a[0], &bd, &bl) || bl % bytes != 0)
      throw InputError("INVALID_ARGUMENT", "bases must be a Uint8Array of affine points");
    if (!is_uint8(env, a[1], &sd, &sl)) throw InputError("INVALID_ARGUMENT", "scalars must be a Uint8Array");
    size_t n = bl / bytes;
    std::vector<Affine<F>> bases(n);
    for (size_t i = 0; i < n; i++) bases[i] = parse_base<F>(bd + i * bytes);
    std::vector<u64> k = get_scalars(sd, sl, n);
    int threads = get_threads(env, a[2]);
    int window = 0;
    napi_value wv;
    if (get_optional(env, a[2], "window", &wv)) {
      NAPI(napi_get_value_int32(env, wv, &window));
      if (window < 1 || window > 20) throw InputError("INVALID_ARGUMENT", "window must be 1..20");
    }
    MsmPlan plan(k.data(), n, threads, window);
    Affine<F> r = msm(plan, bases.data(), threads).to_affine();
    if constexpr (sizeof(F) == sizeof(Fq)) return g1_object(env, r);
    else return g2_object(env, r);
  });
}

/** fft(values 32-byte LE plain, mode: "fft" | "ifft" | "coset", threads?): same layout */
napi_value Fft(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 3);
    const uint8_t* d;
    size_t len;
    if (!is_uint8(env, a[0], &d, &len) || len % 32 != 0)
      throw InputError("INVALID_ARGUMENT", "values must be a Uint8Array of 32-byte elements");
    size_t n = len / 32;
    if (n < 2 || (n & (n - 1)) != 0 || n > ((size_t)1 << 27))
      throw InputError("INVALID_ARGUMENT", "length must be a power of two from 2 to 2^27");
    std::string mode = get_string(env, a[1]);
    int threads = 1;
    if (type_of(env, a[2]) == napi_number) NAPI(napi_get_value_int32(env, a[2], &threads));
    std::vector<u64> plain = get_scalars(d, len, n);
    std::vector<Fr> v(n);
    for (size_t i = 0; i < n; i++) v[i] = Fr::from_plain(&plain[4 * i]);
    Domain dom(__builtin_ctzll(n));
    if (mode == "fft") dom.fft(v.data(), threads);
    else if (mode == "ifft") dom.ifft(v.data(), threads);
    else if (mode == "coset") dom.to_coset(v.data(), threads);
    else throw InputError("INVALID_ARGUMENT", "mode must be fft, ifft or coset");
    void* out;
    napi_value buf;
    NAPI(napi_create_buffer(env, len, &out, &buf));
    for (size_t i = 0; i < n; i++) v[i].to_plain(static_cast<u64*>(out) + 4 * i);
    return buf;
  });
}

/** hScalars(key, witness, threads?): the H MSM's scalars (32-byte LE plain each) */
napi_value HScalars(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 3);
    auto key = get_key(env, a[0]);
    auto w = get_witness(env, a[1]);
    check_witness(*key, w);
    int threads = 1;
    if (type_of(env, a[2]) == napi_number) NAPI(napi_get_value_int32(env, a[2], &threads));
    auto h = h_scalars(*key, w.data(), threads);
    void* out;
    napi_value buf;
    NAPI(napi_create_buffer(env, h.size() * 8, &out, &buf));
    std::memcpy(out, h.data(), h.size() * 8);
    return buf;
  });
}

napi_value Init(napi_env env, napi_value exports) {
  struct Fn {
    const char* name;
    napi_callback cb;
  } fns[] = {{"loadZkey", LoadZkey}, {"zkeyInfo", ZkeyInfo},   {"prove", Prove},
             {"proveSync", ProveSync}, {"msmG1", Msm<Fq>},      {"msmG2", Msm<Fq2>},
             {"fft", Fft},             {"hScalars", HScalars}};
  for (const auto& f : fns) {
    napi_value fn;
    if (napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn) != napi_ok ||
        napi_set_named_property(env, exports, f.name, fn) != napi_ok)
      return nullptr;
  }
  napi_value hw;
  napi_create_uint32(env, (uint32_t)default_threads(), &hw);
  napi_set_named_property(env, exports, "hardwareThreads", hw);
  return exports;
}

}  // namespace

NAPI_MODULE_INIT() { return Init(env, exports); }
