#pragma once
// Adaptive fragment size: a Planner policy whose chunk follows measured
// throughput (grow towards a target time per fragment) and failures (halve
// after a timeout, drop or 5xx), always a multiple of the quantum.
//
// Beyond the Planner concept (planner.hpp) it takes feedback, which
// upload_session gives to any planner that has the member:
//   void on_fragment(const fragment_report&) noexcept;
// Everything is a function of the reports (bytes, elapsed ms from the
// caller's clock, outcome), so runs are deterministic under a simulator.

#include <cstddef>
#include <cstdint>
#include <system_error>

#include "rangeup/byte_range.hpp"
#include "rangeup/planner.hpp"
#include "rangeup/result.hpp"

namespace rangeup {

// What became of one PUT of a fragment.
struct fragment_report {
  std::uint64_t bytes = 0;       // the fragment's length
  std::int64_t elapsed_ms = 0;   // from sending it to its outcome (the caller's clock)
  bool ok = false;               // answered 2xx; false: dropped, timed out, 5xx/429
};

// Chunks between MinChunk and the largest multiple of Quantum not above
// MaxChunk, starting at StartChunk (or the caller's chunk size).
template <std::uint64_t MaxChunk, std::uint64_t Quantum, std::uint64_t MinChunk, std::uint64_t StartChunk>
class adaptive_planner {
  static_assert(Quantum > 0 && MinChunk % Quantum == 0 && MinChunk > 0, "bad minimum chunk");
  static_assert(StartChunk % Quantum == 0 && StartChunk >= MinChunk && StartChunk <= MaxChunk, "bad start chunk");

 public:
  static constexpr std::uint64_t max_chunk = MaxChunk - MaxChunk % Quantum;
  static constexpr std::uint64_t quantum = Quantum;
  static constexpr std::uint64_t min_chunk = MinChunk;
  static constexpr std::uint64_t default_chunk = StartChunk;

  // requested_chunk: where to start (0 = StartChunk), validated like range_planner.
  std::error_code configure(std::uint64_t /*total*/, std::uint64_t requested_chunk) noexcept {
    auto c = range_planner<MaxChunk, Quantum, StartChunk>::resolve_chunk(requested_chunk);
    if (!c) return c.error();
    chunk_ = clamp(*c);
    calm_ = 0;
    return {};
  }

  // Aim: one fragment takes about this long (default 3 s: long enough that
  // per-request overhead is small, short enough that a retry costs little).
  void set_target_ms(std::int64_t ms) noexcept { target_ms_ = ms > 0 ? ms : 1; }

  constexpr std::uint64_t chunk_size() const noexcept { return chunk_; }

  result<content_range> next(const byte_range* ranges, std::size_t count, std::uint64_t total) const noexcept {
    return first_fragment(ranges, count, total, chunk_);
  }

  void on_fragment(const fragment_report& f) noexcept {
    if (!f.ok) {  // smaller pieces lose less to the next failure and finish before timeouts
      chunk_ = clamp(chunk_ / 2);
      calm_ = calm_after_failure;
      return;
    }
    // Short fragments (the end of the upload, a closed range) say little about the rate.
    if (f.bytes < chunk_ / 2 || f.bytes == 0) return;
    const std::uint64_t ms = f.elapsed_ms > 0 ? static_cast<std::uint64_t>(f.elapsed_ms) : 1;
    // Bytes the measured rate moves in target_ms; overflow-safe for any realistic sizes.
    const std::uint64_t ideal = f.bytes / ms * static_cast<std::uint64_t>(target_ms_) +
                                f.bytes % ms * static_cast<std::uint64_t>(target_ms_) / ms;
    std::uint64_t next = ideal;
    if (next > chunk_ * 2) next = chunk_ * 2;  // at most double per step
    if (next < chunk_ / 2) next = chunk_ / 2;  // at most halve per step
    if (calm_ != 0) {  // recently failed: do not grow yet
      --calm_;
      if (next > chunk_) next = chunk_;
    }
    chunk_ = clamp(next);
  }

 private:
  static constexpr unsigned calm_after_failure = 2;

  static constexpr std::uint64_t clamp(std::uint64_t c) noexcept {
    c -= c % Quantum;
    if (c < MinChunk) return MinChunk;
    if (c > max_chunk) return max_chunk;
    return c;
  }

  std::uint64_t chunk_ = StartChunk;
  std::int64_t target_ms_ = 3000;
  unsigned calm_ = 0;  // successes to wait before growing again
};

// driveItem: 320 KiB quanta, below 60 MiB, starting at 5 MiB.
using adaptive_drive_planner = adaptive_planner<60 * mebibyte - 1, 327680, 327680, 16 * 327680>;

}  // namespace rangeup
