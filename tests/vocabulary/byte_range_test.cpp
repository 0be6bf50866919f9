#include <doctest/doctest.h>

#include <cstring>
#include <string_view>

#include "rangeup/byte_range.hpp"

using rangeup::byte_range;
using rangeup::errc;
using rangeup::parse_byte_range;

namespace {
byte_range open_from(std::uint64_t first) { return byte_range{first, 0, true}; }
byte_range closed(std::uint64_t first, std::uint64_t last) { return byte_range{first, last, false}; }
}  // namespace

TEST_CASE("nextExpectedRanges: every documented form parses") {
  CHECK(*parse_byte_range("0-") == open_from(0));
  CHECK(*parse_byte_range("26-") == open_from(26));
  CHECK(*parse_byte_range("0-4533321") == closed(0, 4533321));
  CHECK(*parse_byte_range("2097152") == open_from(2097152));  // Outlook's bare start offset
  CHECK(*parse_byte_range("12-12") == closed(12, 12));         // one byte
}

TEST_CASE("nextExpectedRanges: surrounding whitespace is ignored, inner whitespace is not") {
  CHECK(*parse_byte_range("  4194304-  ") == open_from(4194304));
  CHECK(*parse_byte_range("\t5\r\n") == open_from(5));
  CHECK(parse_byte_range("5 -").error() == errc::malformed_range);
  CHECK(parse_byte_range("5- 9").error() == errc::malformed_range);
}

TEST_CASE("nextExpectedRanges: garbage is rejected") {
  for (std::string_view bad : {"", " ", "-", "-5", "+5", "5--", "5-a", "a-5", "5-6-7", "0x10-", "5,6", "5.0-",
                               "5-6 ", "18446744073709551616", "1-18446744073709551616"}) {
    INFO("input: '" << std::string(bad) << "'");
    if (bad == "5-6 ") {  // trailing whitespace is fine, this one must parse
      CHECK(parse_byte_range(bad).has_value());
      continue;
    }
    CHECK(parse_byte_range(bad).error() == errc::malformed_range);
  }
}

TEST_CASE("nextExpectedRanges: end before start is rejected") {
  CHECK(parse_byte_range("10-9").error() == errc::malformed_range);
}

TEST_CASE("nextExpectedRanges: 64-bit offsets (files over 4 GiB)") {
  CHECK(*parse_byte_range("5368709120-") == open_from(5368709120ULL));
  CHECK(*parse_byte_range("18446744073709551615") == open_from(18446744073709551615ULL));
  CHECK(*parse_byte_range("4294967296-4294967297") == closed(4294967296ULL, 4294967297ULL));
}

TEST_CASE("byte_range::last_byte resolves open and over-long ranges against the total") {
  CHECK(open_from(10).last_byte(100) == 99);
  CHECK(closed(10, 20).last_byte(100) == 20);
  CHECK(closed(10, 500).last_byte(100) == 99);
}

TEST_CASE("Content-Range formatting") {
  char buf[rangeup::content_range_capacity];
  auto n = rangeup::format_content_range({0, 25, 128}, buf, sizeof buf);
  REQUIRE(n);
  CHECK(std::string_view(buf, *n) == "bytes 0-25/128");

  n = rangeup::format_content_range({5368709119ULL, 5368709119ULL, 5368709120ULL}, buf, sizeof buf);
  REQUIRE(n);
  CHECK(std::string_view(buf, *n) == "bytes 5368709119-5368709119/5368709120");

  const std::uint64_t max = 18446744073709551615ULL;
  n = rangeup::format_content_range({max - 2, max - 1, max}, buf, sizeof buf);
  REQUIRE(n);
  CHECK(*n == std::strlen("bytes 18446744073709551613-18446744073709551614/18446744073709551615"));
}

TEST_CASE("Content-Range formatting rejects impossible ranges and small buffers") {
  char buf[64];
  CHECK(rangeup::format_content_range({5, 4, 10}, buf, sizeof buf).error() == errc::invalid_argument);
  CHECK(rangeup::format_content_range({0, 10, 10}, buf, sizeof buf).error() == errc::invalid_argument);
  CHECK(rangeup::format_content_range({0, 0, 0}, buf, sizeof buf).error() == errc::invalid_argument);
  CHECK(rangeup::format_content_range({0, 9, 10}, buf, 8).error() == errc::buffer_too_small);
  // Exactly enough room for "bytes 0-9/10" (12 chars) succeeds; one less fails.
  CHECK(rangeup::format_content_range({0, 9, 10}, buf, 12).has_value());
  CHECK(rangeup::format_content_range({0, 9, 10}, buf, 11).error() == errc::buffer_too_small);
}

TEST_CASE("Content-Range parsing (strict server side)") {
  auto r = rangeup::parse_content_range("bytes 0-4194303/157286400");
  REQUIRE(r);
  CHECK(r->first == 0);
  CHECK(r->last == 4194303);
  CHECK(r->total == 157286400);
  CHECK(r->length() == 4194304);
  for (std::string_view bad : {"bytes 0-9/9", "bytes 5-4/10", "bytes 0-/10", "bytes */10", "0-9/10", "bytes 0-9",
                               "Bytes 0-9/10", "bytes 0-9/10x", "bytes  0-9/10", "bytes -1-9/10"}) {
    INFO("input: '" << std::string(bad) << "'");
    CHECK(rangeup::parse_content_range(bad).error() == errc::malformed_range);
  }
}

TEST_CASE("format then parse round-trips") {
  char buf[rangeup::content_range_capacity];
  const rangeup::content_range in{327680, 655359, 5368709121ULL};
  auto n = rangeup::format_content_range(in, buf, sizeof buf);
  REQUIRE(n);
  auto out = rangeup::parse_content_range(std::string_view(buf, *n));
  REQUIRE(out);
  CHECK(out->first == in.first);
  CHECK(out->last == in.last);
  CHECK(out->total == in.total);
}
