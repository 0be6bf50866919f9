#pragma once
// What a range of bytes is: parsing every nextExpectedRanges form the services
// send ("0-", "26-", "0-4533321", bare "2097152") and formatting/parsing the
// Content-Range header. 64-bit offsets throughout (files > 4 GiB).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rangeup/fixed_string.hpp"
#include "rangeup/result.hpp"

namespace rangeup {

struct byte_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;   // inclusive; meaningful only when !open_ended
  bool open_ended = false;  // "N-" or bare "N": from first to the end of the upload

  // The inclusive last byte for an upload of `total` bytes (total > 0).
  constexpr std::uint64_t last_byte(std::uint64_t total) const noexcept {
    return open_ended || last >= total ? total - 1 : last;
  }

  friend constexpr bool operator==(const byte_range& a, const byte_range& b) noexcept {
    return a.first == b.first && a.open_ended == b.open_ended && (a.open_ended || a.last == b.last);
  }
  friend constexpr bool operator!=(const byte_range& a, const byte_range& b) noexcept { return !(a == b); }
};

namespace detail {

constexpr bool is_http_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_http_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_http_space(s.back())) s.remove_suffix(1);
  return s;
}

// Parses one or more decimal digits from the front of s into out, consuming
// them. Fails on no digits or on overflow of 64 bits.
constexpr bool take_u64(std::string_view& s, std::uint64_t& out) noexcept {
  std::size_t i = 0;
  std::uint64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    const auto d = static_cast<std::uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
    ++i;
  }
  if (i == 0) return false;
  out = v;
  s.remove_prefix(i);
  return true;
}

}  // namespace detail

// Parses one nextExpectedRanges entry. Surrounding whitespace is ignored;
// anything else that is not "A", "A-" or "A-B" with B >= A is malformed_range.
inline result<byte_range> parse_byte_range(std::string_view text) noexcept {
  std::string_view s = detail::trim(text);
  byte_range r;
  if (!detail::take_u64(s, r.first)) return errc::malformed_range;
  if (s.empty()) {  // bare "N": Outlook's form of "N-"
    r.open_ended = true;
    return r;
  }
  if (s.front() != '-') return errc::malformed_range;
  s.remove_prefix(1);
  if (s.empty()) {
    r.open_ended = true;
    return r;
  }
  if (!detail::take_u64(s, r.last) || !s.empty() || r.last < r.first) return errc::malformed_range;
  return r;
}

// The value of a Content-Range request header: "bytes first-last/total".
struct content_range {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::uint64_t total = 0;
  constexpr std::uint64_t length() const noexcept { return last - first + 1; }
};

// Longest possible "bytes a-b/c" with 64-bit numbers, plus a terminating NUL.
inline constexpr std::size_t content_range_capacity = 6 + 20 + 1 + 20 + 1 + 20 + 1;

// Formats "bytes first-last/total" into out. Requires first <= last < total.
inline result<std::size_t> format_content_range(const content_range& r, char* out, std::size_t capacity) noexcept {
  if (r.first > r.last || r.last >= r.total) return errc::invalid_argument;
  text_writer w(out, capacity);
  w.append("bytes ").append_decimal(r.first).append('-').append_decimal(r.last).append('/').append_decimal(r.total);
  if (!w.ok()) return errc::buffer_too_small;
  return w.size();
}

// Parses a Content-Range request header value ("bytes a-b/total"), as a strict
// server does: exact syntax, first <= last < total.
inline result<content_range> parse_content_range(std::string_view text) noexcept {
  std::string_view s = detail::trim(text);
  constexpr std::string_view unit = "bytes ";
  if (s.substr(0, unit.size()) != unit) return errc::malformed_range;
  s.remove_prefix(unit.size());
  content_range r;
  if (!detail::take_u64(s, r.first) || s.empty() || s.front() != '-') return errc::malformed_range;
  s.remove_prefix(1);
  if (!detail::take_u64(s, r.last) || s.empty() || s.front() != '/') return errc::malformed_range;
  s.remove_prefix(1);
  if (!detail::take_u64(s, r.total) || !s.empty()) return errc::malformed_range;
  if (r.first > r.last || r.last >= r.total) return errc::malformed_range;
  return r;
}

}  // namespace rangeup
