#pragma once
// How long to wait before retrying a transient failure: exponential backoff
// with full jitter from a seedable RNG, Retry-After (seconds or HTTP-date)
// honoured up to a cap, and attempt / elapsed-time budgets.
//
// A Retry policy is any type with
//   std::int64_t next_delay(std::uint32_t attempt, std::int64_t elapsed_ms,
//                           std::int64_t retry_after_ms) noexcept;
// attempt is 1 for the first retry of a request, elapsed_ms the time since the
// first failure of the current streak, retry_after_ms the server's hint (-1 if
// none). It returns the delay in ms (>= 0), or -1 when the budget is spent.
// It is default-constructible. is_retry_policy_v / require_retry_policy
// (policies.hpp) check the shape.

#include <cstdint>
#include <string_view>

#include "rangeup/byte_range.hpp"
#include "rangeup/date_time.hpp"

namespace rangeup {

// SplitMix64: a tiny, fast, well-distributed generator; deterministic per seed.
class splitmix64 {
 public:
  constexpr explicit splitmix64(std::uint64_t seed = 0x5eed5eed5eedULL) noexcept : state_(seed) {}
  constexpr void seed(std::uint64_t s) noexcept { state_ = s; }
  constexpr std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound] (bound inclusive; modulo bias is negligible for delays).
  constexpr std::uint64_t below_or_equal(std::uint64_t bound) noexcept {
    return bound == UINT64_MAX ? next() : next() % (bound + 1);
  }

 private:
  std::uint64_t state_;
};

struct backoff_settings {
  std::uint32_t max_attempts = 8;           // retries of one request (consecutive failures)
  std::int64_t initial_delay_ms = 500;      // ceiling of the first jittered delay
  std::int64_t max_delay_ms = 30000;        // ceiling of any backoff delay
  std::int64_t max_retry_after_ms = 120000; // a longer Retry-After is clamped to this
  std::int64_t budget_ms = 600000;          // a streak may not wait past this in total
};

class exponential_backoff {
 public:
  constexpr exponential_backoff() noexcept = default;
  constexpr explicit exponential_backoff(const backoff_settings& s, std::uint64_t seed = 0x5eed5eed5eedULL) noexcept
      : settings_(s), rng_(seed) {}

  constexpr void seed(std::uint64_t s) noexcept { rng_.seed(s); }
  constexpr backoff_settings& settings() noexcept { return settings_; }
  constexpr const backoff_settings& settings() const noexcept { return settings_; }

  // Full jitter: uniform in [0, min(max_delay, initial * 2^(attempt-1))]; a
  // Retry-After hint raises the delay to at least the (clamped) hint.
  constexpr std::int64_t next_delay(std::uint32_t attempt, std::int64_t elapsed_ms,
                                    std::int64_t retry_after_ms) noexcept {
    if (attempt == 0 || attempt > settings_.max_attempts) return -1;
    std::int64_t ceiling = settings_.initial_delay_ms < 0 ? 0 : settings_.initial_delay_ms;
    for (std::uint32_t i = 1; i < attempt && ceiling < settings_.max_delay_ms; ++i) ceiling *= 2;
    if (ceiling > settings_.max_delay_ms) ceiling = settings_.max_delay_ms;
    auto delay = static_cast<std::int64_t>(rng_.below_or_equal(static_cast<std::uint64_t>(ceiling)));
    if (retry_after_ms >= 0) {
      const std::int64_t hint =
          retry_after_ms > settings_.max_retry_after_ms ? settings_.max_retry_after_ms : retry_after_ms;
      if (hint > delay) delay = hint;
    }
    if (elapsed_ms + delay > settings_.budget_ms) return -1;
    return delay;
  }

 private:
  backoff_settings settings_{};
  splitmix64 rng_{};
};

// A Retry-After header value as a delay in ms: delta-seconds, or an HTTP-date
// measured against now_unix_ms (wall_clock_known false: dates are ignored).
// -1 when absent or unreadable; a date in the past gives 0.
inline std::int64_t retry_after_delay_ms(std::string_view value, bool wall_clock_known,
                                         std::int64_t now_unix_ms) noexcept {
  std::string_view s = detail::trim(value);
  if (s.empty()) return -1;
  if (s.front() >= '0' && s.front() <= '9') {
    std::uint64_t seconds = 0;
    if (!detail::take_u64(s, seconds) || !s.empty()) return -1;
    constexpr std::uint64_t limit = INT64_MAX / 1000;
    return static_cast<std::int64_t>(seconds > limit ? limit : seconds) * 1000;
  }
  if (!wall_clock_known) return -1;
  auto date = parse_http_date(s);
  if (!date) return -1;
  const std::int64_t at_ms = *date * 1000;
  return at_ms <= now_unix_ms ? 0 : at_ms - now_unix_ms;
}

}  // namespace rangeup
