#pragma once
// Time as the core sees it: values handed in by the caller. The core never reads
// a clock; drivers convert their clock (e.g. steady_clock) to an instant.

#include <cstdint>

namespace rangeup {

// Milliseconds on a monotonic timeline chosen by the caller.
struct instant {
  std::int64_t ms = 0;

  friend constexpr bool operator<(instant a, instant b) noexcept { return a.ms < b.ms; }
  friend constexpr bool operator<=(instant a, instant b) noexcept { return a.ms <= b.ms; }
  friend constexpr bool operator>(instant a, instant b) noexcept { return a.ms > b.ms; }
  friend constexpr bool operator>=(instant a, instant b) noexcept { return a.ms >= b.ms; }
  friend constexpr bool operator==(instant a, instant b) noexcept { return a.ms == b.ms; }
  friend constexpr bool operator!=(instant a, instant b) noexcept { return a.ms != b.ms; }
};

constexpr instant operator+(instant t, std::int64_t ms) noexcept { return instant{t.ms + ms}; }
constexpr std::int64_t operator-(instant a, instant b) noexcept { return a.ms - b.ms; }

}  // namespace rangeup
