#pragma once
// Which bytes go next: range planners that follow the server's
// nextExpectedRanges within a flavor's chunk cap and quantum.
//
// A Planner policy is a type with
//   std::error_code configure(std::uint64_t total, std::uint64_t requested_chunk) noexcept;
//   std::uint64_t chunk_size() const noexcept;
//   result<content_range> next(const byte_range* ranges, std::size_t count,
//                              std::uint64_t total) const noexcept;
// configure() validates the caller's chunk size once (0 = the flavor's
// default); next() plans the fragment for the server's current ranges.
// It is default-constructible. is_planner_v / require_planner (policies.hpp)
// check the shape.

#include <cstddef>
#include <cstdint>
#include <system_error>

#include "rangeup/byte_range.hpp"
#include "rangeup/result.hpp"

namespace rangeup {

inline constexpr std::uint64_t mebibyte = 1024 * 1024;

// Checks a nextExpectedRanges list against an upload of `total` bytes: at least
// one range, every range starting inside the upload, ascending and disjoint.
// A closed range ending at or past the end is accepted and clamped (the
// printDocument docs themselves show "78929-4533322" for 4533322 bytes).
// Anything else is errc::protocol_violation.
inline std::error_code validate_ranges(const byte_range* ranges, std::size_t count, std::uint64_t total) noexcept {
  if (count == 0 || total == 0) return errc::protocol_violation;
  for (std::size_t i = 0; i < count; ++i) {
    if (ranges[i].first >= total) return errc::protocol_violation;
    if (i > 0 && ranges[i].first <= ranges[i - 1].last_byte(total)) return errc::protocol_violation;
    if (i + 1 < count && ranges[i].open_ended) return errc::protocol_violation;  // "N-" must be last
  }
  return {};
}

// Bytes the server still misses according to (validated) ranges.
inline std::uint64_t missing_bytes(const byte_range* ranges, std::size_t count, std::uint64_t total) noexcept {
  std::uint64_t missing = 0;
  for (std::size_t i = 0; i < count; ++i) missing += ranges[i].last_byte(total) - ranges[i].first + 1;
  return missing;
}

// The next fragment: from the start of the first missing range, at most
// `chunk` bytes, never past that range's end or the end of the upload.
inline result<content_range> first_fragment(const byte_range* ranges, std::size_t count, std::uint64_t total,
                                            std::uint64_t chunk) noexcept {
  if (auto ec = validate_ranges(ranges, count, total)) return ec;
  const byte_range& r = ranges[0];
  const std::uint64_t end = r.last_byte(total);  // inclusive
  const std::uint64_t available = end - r.first + 1;
  const std::uint64_t length = available < chunk ? available : chunk;
  return content_range{r.first, r.first + length - 1, total};
}

// Fragments of at most MaxChunk bytes (inclusive), each a multiple of Quantum
// except where the upload or a closed server range ends.
template <std::uint64_t MaxChunk, std::uint64_t Quantum, std::uint64_t DefaultChunk>
class range_planner {
  static_assert(Quantum > 0 && MaxChunk >= Quantum, "a chunk must hold at least one quantum");
  static_assert(DefaultChunk % Quantum == 0 && DefaultChunk <= MaxChunk && DefaultChunk > 0, "bad default chunk");

 public:
  static constexpr std::uint64_t max_chunk = MaxChunk;
  static constexpr std::uint64_t quantum = Quantum;
  static constexpr std::uint64_t default_chunk = DefaultChunk;

  // 0 → DefaultChunk; above MaxChunk → invalid_chunk_size; otherwise rounded
  // DOWN to a multiple of Quantum, and invalid_chunk_size if that leaves 0.
  static result<std::uint64_t> resolve_chunk(std::uint64_t requested) noexcept {
    if (requested == 0) return DefaultChunk;
    if (requested > MaxChunk) return errc::invalid_chunk_size;
    const std::uint64_t rounded = requested - requested % Quantum;
    if (rounded == 0) return errc::invalid_chunk_size;
    return rounded;
  }

  std::error_code configure(std::uint64_t /*total*/, std::uint64_t requested_chunk) noexcept {
    auto c = resolve_chunk(requested_chunk);
    if (!c) return c.error();
    chunk_ = *c;
    return {};
  }

  constexpr std::uint64_t chunk_size() const noexcept { return chunk_; }

  result<content_range> next(const byte_range* ranges, std::size_t count, std::uint64_t total) const noexcept {
    return first_fragment(ranges, count, total, chunk_);
  }

 private:
  std::uint64_t chunk_ = DefaultChunk;
};

// Outlook and To Do attachments: fragments "less than 4 MB", read so that it
// holds for MB = 10^6 and 2^20 alike: at most 4 000 000 bytes (PROTOCOL.md O5, T2).
using attachment_planner = range_planner<4000000, 1, 4000000>;
// driveItem: multiples of 320 KiB, below 60 MiB; 10 MiB by default.
using drive_planner = range_planner<60 * mebibyte - 1, 327680, 10 * mebibyte>;
// printDocument: "less than 10 MB" per request, below both readings of MB
// (PROTOCOL.md P2); the default is a multiple of both 200 KiB (the service's
// recommendation) and 320 KiB (the SDKs' quantum).
using print_planner = range_planner<9999999, 1, 3276800>;

}  // namespace rangeup
