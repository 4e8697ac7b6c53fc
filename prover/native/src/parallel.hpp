#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rn {

/**
 * Runs fn(i) for every i < n on up to `threads` threads (the calling one included), taking
 * indices in order from a shared counter. The first exception is rethrown after all finish.
 */
template <class Fn>
void parallel_for(size_t n, int threads, Fn&& fn) {
  if (n == 0) return;
  size_t t = std::min<size_t>(n, threads < 1 ? 1 : (size_t)threads);
  if (t == 1) {
    for (size_t i = 0; i < n; i++) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&]() {
    try {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next.store(n);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(t - 1);
  for (size_t k = 0; k + 1 < t; k++) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

/** Splits [0, n) into `parts` contiguous ranges and runs fn(begin, end) on each in parallel. */
template <class Fn>
void parallel_ranges(size_t n, int threads, Fn&& fn) {
  size_t parts = std::max<size_t>(1, std::min<size_t>(n, threads < 1 ? 1 : (size_t)threads));
  parallel_for(parts, (int)parts, [&](size_t p) {
    size_t begin = n * p / parts, end = n * (p + 1) / parts;
    if (begin < end) fn(begin, end);
  });
}

}  // namespace rn
