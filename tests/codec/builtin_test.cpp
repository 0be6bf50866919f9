// The built-in codec's own guarantees: zero heap allocations on every vector,
// the number range limit measured against strtod, UTF-8 helpers, the concept.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "codec_test_support.hpp"
#include "rangeup/json/builtin_codec.hpp"
#include "support/alloc_counter.hpp"
#include "vectors.hpp"

using namespace codec_vectors;
using rangeup::json::builtin_codec;

namespace {
struct not_a_codec {
  static std::error_code parse_session(std::string_view, rangeup::session_document&) { return {}; }  // not noexcept
};
}  // namespace
static_assert(!rangeup::is_json_codec_v<not_a_codec>, "a partial codec is rejected");
static_assert(!rangeup::is_json_codec_v<int>, "int is not a codec");
#if RANGEUP_HAS_CONCEPTS
static_assert(rangeup::json_codec<builtin_codec>);
static_assert(!rangeup::json_codec<not_a_codec>);
#endif

TEST_CASE("builtin codec: zero heap allocations across all vectors, prefixes and create bodies") {
  const std::vector<vector> table = all();
  const std::vector<name_vector> name_table = names();
  static rangeup::session_document session;
  static rangeup::error_document error;
  static rangeup::drive_item_document item;
  static char out[4096];
  std::size_t failures = 0, parses = 0;
  std::uint64_t allocations = 0;
  {
    rangeup_test::allocation_scope scope;
    for (const vector& v : table) {
      const std::string_view json = v.json;
      for (std::size_t n = 0; n <= json.size(); n += (n < 300 ? 1 : 97)) {
        const std::string_view input = n == json.size() ? json : json.substr(0, n);
        std::error_code ec;
        switch (v.fn) {
          case parser::session: ec = builtin_codec::parse_session(input, session); break;
          case parser::error: ec = builtin_codec::parse_error(input, error); break;
          case parser::item: ec = builtin_codec::parse_drive_item(input, item); break;
        }
        ++parses;
        if (n == json.size() && ec != (v.expected == ok ? std::error_code{} : rangeup::make_error_code(v.expected))) ++failures;
      }
    }
    for (const name_vector& n : name_table) {
      const rangeup::json_member m[] = {rangeup::json_member::string("name", n.name),
                                        rangeup::json_member::integer("size", 1)};
      (void)builtin_codec::write_create_body({"AttachmentItem", m, 2, nullptr, 0}, out, sizeof out);
    }
    allocations = scope.count();
  }
  CHECK(failures == 0);  // the measured runs did real work
  CHECK(parses > 10000);
  if (rangeup_test::allocation_counting_enabled()) {
    CHECK(allocations == 0);
  } else {
    MESSAGE("allocation counting disabled in this build (sanitizer); not asserted");
  }
}

TEST_CASE("counting works: a std::string allocation is seen") {
  if (!rangeup_test::allocation_counting_enabled()) return;
  rangeup_test::allocation_scope scope;
  std::string s(1000, 'x');
  CHECK(scope.count() >= 1);
  CHECK(s.size() == 1000);
}

// The limit must be exact: same answer as a correctly rounded strtod (glibc),
// which is what nlohmann/json applies.
TEST_CASE("number_exceeds_double matches strtod at the boundary") {
  std::vector<std::string> numbers = {"0", "-0", "1", "1e308", "1e309", "-1e309", "1.7976931348623157e308",
                                      "1.7976931348623158e308", "1.7976931348623159e308", "0.1e310", "0.01e310",
                                      "17976931348623158e292", "17976931348623159e292", "1e-400", "0.000e999999",
                                      "100e306", "1000e306", "1e99999999999999999999999", "1e-99999999999999999999999",
                                      "0.0000000000000000000001e330", "0.0000000000000000000001e331"};
  const std::string bound =
      "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910"
      "946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834"
      "936475292719074168444365510704342711559699508093042880177904174497792";
  numbers.push_back(bound);
  numbers.push_back(bound.substr(0, 308) + "1");      // one below the bound: rounds to DBL_MAX
  numbers.push_back(bound + "e0");
  numbers.push_back(bound.substr(0, 1) + "." + bound.substr(1) + "e308");
  numbers.push_back(bound.substr(0, 1) + "." + bound.substr(1, 307) + "1e308");
  numbers.push_back("0." + bound + "e309");
  numbers.push_back("0.00" + bound + "e311");
  numbers.push_back(bound + "0000e-4");
  numbers.push_back(bound.substr(0, 200) + "." + bound.substr(200) + "1");
  for (const std::string& n : numbers) {
    INFO(n.substr(0, 60));
    const auto t = rangeup::json::scan_number(n);
    REQUIRE(t.length == n.size());
    CHECK(rangeup::json::number_exceeds_double(n) == std::isinf(std::strtod(n.c_str(), nullptr)));
  }
}

TEST_CASE("scan_number: grammar and uint64 classification") {
  using rangeup::json::scan_number;
  CHECK(scan_number("18446744073709551615").is_u64);
  CHECK(scan_number("18446744073709551615").value == UINT64_MAX);
  CHECK_FALSE(scan_number("18446744073709551616").is_u64);
  CHECK(scan_number("18446744073709551616").length == 20);
  CHECK_FALSE(scan_number("-0").is_u64);
  CHECK_FALSE(scan_number("1.0").is_u64);
  CHECK_FALSE(scan_number("1e0").is_u64);
  CHECK(scan_number("0").is_u64);
  CHECK(scan_number("01").length == 1);  // the caller rejects what follows
  CHECK(scan_number("-").length == 0);
  CHECK(scan_number("1.").length == 0);
  CHECK(scan_number("1e+").length == 0);
  CHECK(scan_number("").length == 0);
}

TEST_CASE("UTF-8 helpers") {
  using rangeup::json::is_valid_utf8;
  using rangeup::json::utf8_prefix;
  CHECK(is_valid_utf8("r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x8e\x89"));
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));   // U+10FFFF
  CHECK(is_valid_utf8("\xed\x9f\xbf"));       // U+D7FF
  CHECK(is_valid_utf8("\xee\x80\x80"));       // U+E000
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));
  CHECK_FALSE(is_valid_utf8("\xe0\x9f\xbf"));  // overlong
  CHECK_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf"));
  CHECK_FALSE(is_valid_utf8("\xc1\xbf"));
  CHECK_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));
  CHECK(utf8_prefix("ab\xc3\xa9", 3) == "ab");
  CHECK(utf8_prefix("ab\xc3\xa9", 4) == "ab\xc3\xa9");
  CHECK(utf8_prefix("\xf0\x9f\x8e\x89x", 3).empty());
}

TEST_CASE("a parse resets the document first") {
  rangeup::session_document d;
  REQUIRE_FALSE(builtin_codec::parse_session(R"({"uploadUrl":"https://a","nextExpectedRanges":["0-"]})", d));
  REQUIRE_FALSE(builtin_codec::parse_session(R"({"expirationDateTime":"t"})", d));
  CHECK(d.upload_url.empty());
  CHECK_FALSE(d.has_ranges);
  CHECK(d.range_count == 0);
  CHECK(d.expiration_date_time == "t");
}

TEST_CASE("number_in_range: exponent limit of 9 significant digits") {
  using rangeup::json::number_in_range;
  CHECK(number_in_range("0e999999999"));
  CHECK(number_in_range("1e-999999999"));
  CHECK(number_in_range("1e-0000000000005"));
  CHECK_FALSE(number_in_range("0e1000000000"));
  CHECK_FALSE(number_in_range("1E+1000000000"));
  CHECK_FALSE(number_in_range("1e309"));
  CHECK(number_in_range("123456789012345678901234567890"));
}
