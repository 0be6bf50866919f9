#pragma once
// rangeup::io::rate_limiter: a token bucket that paces upload bytes to a
// rate. One object can be shared by any number of drivers on any threads
// (e.g. every file of a parallel CLI run): they all draw from one bucket, so
// the limit holds for their sum.
//
// Time is the caller's monotonic milliseconds (the driver passes its clock),
// so the bucket is deterministic under a fake clock. reserve() never sleeps:
// it takes the bytes (the bucket may go into debt) and says when they may go;
// the caller waits until then. Debt makes the long-run rate exact however the
// waits overshoot, and the bucket starts empty and holds at most `burst`
// bytes, so idle time between requests buys at most one burst.

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace rangeup {
namespace io {

class rate_limiter {
 public:
  // bytes_per_second > 0. burst 0: a tenth of a second's worth (at least one piece).
  explicit rate_limiter(std::uint64_t bytes_per_second, std::uint64_t burst = 0) noexcept
      : rate_(bytes_per_second == 0 ? 1 : bytes_per_second) {
    std::uint64_t b = burst != 0 ? burst : rate_ / 10;
    if (b < piece_size()) b = piece_size();
    cap_ = to_milli(b);
  }
  rate_limiter(const rate_limiter&) = delete;
  rate_limiter& operator=(const rate_limiter&) = delete;

  std::uint64_t rate() const noexcept { return rate_; }

  // How many bytes to take at once: about 50 ms worth, so one wait stays short
  // and the send stays smooth (at least 1, at most 256 KiB).
  std::size_t piece_size() const noexcept {
    const std::uint64_t p = rate_ / 20;
    if (p == 0) return 1;
    return p > 262144 ? 262144 : static_cast<std::size_t>(p);
  }

  // Takes n bytes at time now_ms; returns when they may be sent (<= now_ms: at once).
  std::int64_t reserve(std::uint64_t n, std::int64_t now_ms) noexcept {
    const std::lock_guard<std::mutex> lock(mutex_);
    refill(now_ms);
    tokens_ -= to_milli(n);
    if (tokens_ >= 0) return now_ms;
    // tokens_ is in milli-bytes and the bucket gains rate_ of them per ms.
    const std::uint64_t debt = static_cast<std::uint64_t>(-tokens_);
    return now_ms + static_cast<std::int64_t>((debt + rate_ - 1) / rate_);
  }

 private:
  static std::int64_t to_milli(std::uint64_t bytes) noexcept {
    constexpr std::uint64_t limit = static_cast<std::uint64_t>(INT64_MAX / 4000);
    return static_cast<std::int64_t>((bytes > limit ? limit : bytes) * 1000);
  }

  void refill(std::int64_t now_ms) noexcept {
    if (!started_) {
      started_ = true;
      last_ = now_ms;
      return;
    }
    if (now_ms <= last_) return;
    const std::uint64_t elapsed = static_cast<std::uint64_t>(now_ms - last_);
    last_ = now_ms;
    const std::uint64_t room = static_cast<std::uint64_t>(cap_ - tokens_);  // tokens_ <= cap_ always
    if (elapsed >= room / rate_ + 1) tokens_ = cap_;  // also avoids overflowing elapsed * rate_
    else tokens_ += static_cast<std::int64_t>(elapsed * rate_);
  }

  const std::uint64_t rate_;
  std::int64_t cap_ = 0;     // milli-bytes
  std::mutex mutex_;
  bool started_ = false;
  std::int64_t last_ = 0;    // ms of the last refill
  std::int64_t tokens_ = 0;  // milli-bytes; negative = debt
};

}  // namespace io
}  // namespace rangeup
