// libFuzzer target: parse_byte_range, parse_content_range and
// format_content_range. Invariants: whatever parses formats back to text
// that parses to the same value; canonical input (no leading zeros) formats
// back to itself; any valid triple of numbers round-trips through the
// formatter; nothing reads outside the input.
#include <rangeup/byte_range.hpp>

#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_support.hpp"

using rangeup_fuzz::byte_reader;

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// True when no number in s starts with a superfluous '0'.
bool canonical_numbers(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool starts = is_digit(s[i]) && (i == 0 || !is_digit(s[i - 1]));
    if (starts && s[i] == '0' && i + 1 < s.size() && is_digit(s[i + 1])) return false;
  }
  return true;
}

void check_byte_range(std::string_view text) {
  const auto r = rangeup::parse_byte_range(text);
  if (!r) {
    FUZZ_CHECK(r.error() == rangeup::errc::malformed_range, "unexpected error %s", r.error().message().c_str());
    return;
  }
  FUZZ_CHECK(r->open_ended || r->first <= r->last, "closed range with last < first");
  const std::string_view trimmed = rangeup::detail::trim(text);
  for (char c : trimmed) FUZZ_CHECK(is_digit(c) || c == '-', "accepted a range containing 0x%02x", c & 0xff);
  std::string canon = std::to_string(r->first) + "-";
  if (!r->open_ended) canon += std::to_string(r->last);
  const auto again = rangeup::parse_byte_range(canon);
  FUZZ_CHECK(again && *again == *r, "'%s' does not round-trip", canon.c_str());
  if (canonical_numbers(trimmed)) {
    const bool bare = trimmed.find('-') == std::string_view::npos;
    FUZZ_CHECK(bare ? canon == std::string(trimmed) + "-" : canon == trimmed, "canonical text changed: %s",
               canon.c_str());
  }
}

void check_content_range(std::string_view text) {
  const auto r = rangeup::parse_content_range(text);
  if (!r) {
    FUZZ_CHECK(r.error() == rangeup::errc::malformed_range, "unexpected error");
    return;
  }
  FUZZ_CHECK(r->first <= r->last && r->last < r->total, "accepted an impossible range");
  FUZZ_CHECK(r->length() >= 1 && r->length() <= r->total, "length out of bounds");
  char out[rangeup::content_range_capacity];
  const auto n = rangeup::format_content_range(*r, out, sizeof out);
  FUZZ_CHECK(n && *n < sizeof out, "format failed for a parsed range");
  const std::string_view formatted(out, *n);
  const auto again = rangeup::parse_content_range(formatted);
  FUZZ_CHECK(again && again->first == r->first && again->last == r->last && again->total == r->total,
             "format/parse round trip broke");
  if (canonical_numbers(rangeup::detail::trim(text)))
    FUZZ_CHECK(formatted == rangeup::detail::trim(text), "canonical Content-Range changed");
}

// Arbitrary numbers through the formatter, with an arbitrary buffer size.
void check_format(byte_reader& in) {
  rangeup::content_range r{in.u64(), in.u64(), in.u64()};
  const std::size_t capacity = in.u8() % (rangeup::content_range_capacity + 2);
  char out[rangeup::content_range_capacity + 2];
  std::memset(out, 0x5a, sizeof out);
  const auto n = rangeup::format_content_range(r, out, capacity);
  const bool valid = r.first <= r.last && r.last < r.total;
  if (!valid) {
    FUZZ_CHECK(!n && n.error() == rangeup::errc::invalid_argument, "formatted an impossible range");
    return;
  }
  const std::string want = "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" +
                           std::to_string(r.total);
  if (want.size() > capacity) {
    FUZZ_CHECK(!n && n.error() == rangeup::errc::buffer_too_small, "did not report a short buffer");
  } else {
    FUZZ_CHECK(n && std::string_view(out, *n) == want, "wrong text");
  }
  for (std::size_t i = capacity; i < sizeof out; ++i) FUZZ_CHECK(out[i] == 0x5a, "wrote past the capacity");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // libFuzzer hands over an exactly-sized buffer: ASan catches reads past its end.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_byte_range(text);
  check_content_range(text);
  byte_reader in(data, size);
  check_format(in);
  return 0;
}
