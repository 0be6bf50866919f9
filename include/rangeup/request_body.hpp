#pragma once
// read_request_body: the bytes of a request's body at any offset, for every
// body_kind, read from the upload source where the body names it. Transports
// call it with the offset they have sent so far, so a body never has to be in
// memory at once: a small file's JSON attachment (body_kind::base64_json) is
// base64-encoded on the fly, a few hundred bytes at a time, on the stack.
//
// A Source has
//   result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n);
// returning fewer than n bytes only at its end. A source that ends before the
// body's range does is errc::source_changed: Content-Length must stay exact.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "rangeup/base64.hpp"
#include "rangeup/error.hpp"
#include "rangeup/http.hpp"
#include "rangeup/result.hpp"

namespace rangeup {

namespace detail {

inline std::size_t copy_text(std::string_view text, std::uint64_t at, char* out, std::size_t n) noexcept {
  if (at >= text.size()) return 0;
  const std::size_t left = text.size() - static_cast<std::size_t>(at);
  const std::size_t take = left < n ? left : n;
  std::memcpy(out, text.data() + at, take);
  return take;
}

// Base64 characters [at, at + n) of the encoding of bytes `range` of the
// source. Whole 3-byte groups are read and encoded; a request that starts or
// ends inside a group reads that group again (readers such as the hashing
// source tolerate rereads).
template <class Source>
result<std::size_t> read_base64(const content_range& range, Source& source, std::uint64_t at, char* out,
                                std::size_t n) noexcept {
  constexpr std::size_t groups_per_piece = 256;
  unsigned char raw[3 * groups_per_piece];
  char encoded[4 * groups_per_piece];
  const std::uint64_t bytes = range.length();
  const std::uint64_t chars = base64_length(bytes);
  std::size_t written = 0;
  while (written < n && at < chars) {
    const std::uint64_t group = at / 4;
    const std::uint64_t first = group * 3;  // offset inside the range
    const std::uint64_t left = bytes - first;
    const std::size_t want = left < sizeof raw ? static_cast<std::size_t>(left) : sizeof raw;
    // A paced source may return less than asked: read on until the piece is
    // whole or the source ends.
    std::size_t have = 0;
    while (have < want) {
      const result<std::size_t> got =
          source.read_at(range.first + first + have, reinterpret_cast<char*>(raw) + have, want - have);
      if (!got) return got.error();
      if (*got == 0) break;
      have += *got;
    }
    // Only whole groups, except where the range ends.
    const std::size_t usable = have == want ? want : have - have % 3;
    if (usable == 0) return errc::source_changed;
    const std::size_t produced = encode_base64(raw, usable, encoded);
    const std::size_t skip = static_cast<std::size_t>(at % 4);
    std::size_t take = produced - skip;
    if (take > n - written) take = n - written;
    std::memcpy(out + written, encoded + skip, take);
    written += take;
    at += take;
  }
  return written;
}

}  // namespace detail

// Copies up to n bytes of r's body, starting at body offset `at`, into out.
// Returns how many (0 at the end of the body; fewer than n only there).
template <class Source>
result<std::size_t> read_request_body(const request_view& r, Source& source, std::uint64_t at, char* out,
                                      std::size_t n) noexcept {
  const std::uint64_t total = r.content_length();
  if (at >= total || n == 0) return std::size_t{0};
  if (total - at < n) n = static_cast<std::size_t>(total - at);
  switch (r.body) {
    case body_kind::none: return std::size_t{0};
    case body_kind::text: return detail::copy_text(r.text, at, out, n);
    case body_kind::source_range: {
      const result<std::size_t> got = source.read_at(r.range.first + at, out, n);
      if (!got) return got.error();
      if (*got == 0 || *got > n) return errc::source_changed;  // the source ended before the range did
      return got;
    }
    case body_kind::base64_json: break;
  }
  const std::uint64_t encoded = base64_length(r.range.length());
  std::size_t written = 0;
  if (at < r.text.size()) {
    written = detail::copy_text(r.text, at, out, n);
    at += written;
  }
  const std::uint64_t suffix_at = r.text.size() + encoded;
  if (written < n && at < suffix_at) {
    const result<std::size_t> got = detail::read_base64(r.range, source, at - r.text.size(), out + written,
                                                        static_cast<std::size_t>(
                                                            n - written < suffix_at - at ? n - written : suffix_at - at));
    if (!got) return got.error();
    written += *got;
    at += *got;
  }
  if (written < n && at >= suffix_at) written += detail::copy_text(r.suffix, at - suffix_at, out + written, n - written);
  return written;
}

}  // namespace rangeup
