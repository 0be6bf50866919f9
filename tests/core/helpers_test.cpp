// Unit tests for the core's small pieces: URL checks and encoding, timestamps,
// Location ids, the retry policy and the resume token format.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <ostream>  // doctest prints std::error_code values

#include <cstring>
#include <string>
#include <type_traits>

#include "support/alloc_counter.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace helpers_test_cases {

using rangeup::errc;

namespace {

std::string encode(std::string_view s, bool keep_slash = false) {
  char buf[256];
  rangeup::text_writer w(buf, sizeof buf);
  rangeup::append_path_segment(w, s, keep_slash);
  return std::string(w.view());
}

std::string location_id(std::string_view loc, std::error_code* ec = nullptr) {
  rangeup::fixed_string<128> out;
  auto e = rangeup::attachment_id_from_location(loc, out);
  if (ec) *ec = e;
  return e ? std::string("<error>") : std::string(out.view());
}

}  // namespace

TEST_CASE("check_url: https required, loopback http only when allowed") {
  CHECK_FALSE(rangeup::check_url("https://graph.microsoft.com/v1.0", false));
  CHECK_FALSE(rangeup::check_url("HTTPS://up.example:8443/a?b=c", false));
  CHECK(rangeup::check_url("http://graph.microsoft.com/v1.0", true) == errc::insecure_url);
  CHECK(rangeup::check_url("http://127.0.0.1:8080/x", false) == errc::insecure_url);
  CHECK_FALSE(rangeup::check_url("http://127.0.0.1:8080/x", true));
  CHECK_FALSE(rangeup::check_url("http://localhost/x", true));
  CHECK_FALSE(rangeup::check_url("http://[::1]:9/x", true));
  CHECK(rangeup::check_url("http://127.0.0.2/x", true) == errc::insecure_url);
  CHECK(rangeup::check_url("http://localhost.evil.com/x", true) == errc::insecure_url);
  // userinfo would let "http://localhost@evil" pass as loopback
  CHECK(rangeup::check_url("http://localhost@evil.com/x", true) == errc::invalid_url);
  CHECK(rangeup::check_url("up.example/sessions/1", false) == errc::invalid_url);
  CHECK(rangeup::check_url("", false) == errc::invalid_url);
  CHECK(rangeup::check_url("https://", false) == errc::invalid_url);
  CHECK(rangeup::check_url("https://:443/x", false) == errc::invalid_url);
  CHECK(rangeup::check_url("https://host:99999/x", false) == errc::invalid_url);
  CHECK(rangeup::check_url("https://host:8a/x", false) == errc::invalid_url);
  CHECK(rangeup::check_url("https://ho st/x", false) == errc::invalid_url);
  CHECK(rangeup::check_url("https://host/x\r\nInjected: 1", false) == errc::invalid_url);
  CHECK(rangeup::check_url("ftp://host/x", false) == errc::invalid_url);
  CHECK(rangeup::check_url("https://[::1/x", false) == errc::invalid_url);
}

TEST_CASE("path segments are percent-encoded; drive paths keep their slashes") {
  CHECK(encode("AAMkADI5MAAIT3drCAAA=") == "AAMkADI5MAAIT3drCAAA%3D");
  CHECK(encode("a/b+c=d") == "a%2Fb%2Bc%3Dd");
  CHECK(encode("my file:v2#1?.txt") == "my%20file%3Av2%231%3F.txt");
  CHECK(encode("\xc3\xa9t\xc3\xa9") == "%C3%A9t%C3%A9");
  CHECK(encode("Docs/2024 Q1/r+d.pdf", true) == "Docs/2024%20Q1/r%2Bd.pdf");
  CHECK(encode("-._~AZaz09") == "-._~AZaz09");
}

TEST_CASE("parse_iso8601: Graph's expirationDateTime forms") {
  CHECK(*rangeup::parse_iso8601("1970-01-01T00:00:00Z") == 0);
  CHECK(*rangeup::parse_iso8601("2019-09-25T01:09:30.7671707Z") == 1569373770);
  CHECK(*rangeup::parse_iso8601("2015-01-29T09:21:55.523Z") == 1422523315);
  CHECK(*rangeup::parse_iso8601("2015-01-29T11:21:55.523+02:00") == 1422523315);
  CHECK(*rangeup::parse_iso8601("2015-01-29T04:21:55-0500") == 1422523315);
  CHECK(*rangeup::parse_iso8601("2015-01-29T09:21:55") == 1422523315);  // no zone: UTC
  CHECK(*rangeup::parse_iso8601("2000-02-29T00:00:00Z") == 951782400);  // leap day
  CHECK(*rangeup::parse_iso8601("2100-03-01T00:00:00Z") == 4107542400);
  CHECK(rangeup::parse_iso8601("2001-02-29T00:00:00Z").error() == errc::malformed_response);
  CHECK(rangeup::parse_iso8601("2019-13-01T00:00:00Z").error() == errc::malformed_response);
  CHECK(rangeup::parse_iso8601("2019-09-25 01:09").error() == errc::malformed_response);
  CHECK(rangeup::parse_iso8601("2019-09-25T01:09:30.Z").error() == errc::malformed_response);
  CHECK(rangeup::parse_iso8601("2019-09-25T01:09:30Zjunk").error() == errc::malformed_response);
  CHECK(rangeup::parse_iso8601("").error() == errc::malformed_response);
  CHECK(rangeup::parse_iso8601("2019-09-25T25:00:00Z").error() == errc::malformed_response);
}

TEST_CASE("parse_http_date: IMF-fixdate, RFC 850 and asctime") {
  CHECK(*rangeup::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
  CHECK(*rangeup::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777);
  CHECK(*rangeup::parse_http_date("Sun Nov  6 08:49:37 1994") == 784111777);
  CHECK(*rangeup::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT") == 1445412480);
  CHECK(rangeup::parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC").error() == errc::malformed_response);
  CHECK(rangeup::parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT").error() == errc::malformed_response);
  CHECK(rangeup::parse_http_date("120").error() == errc::malformed_response);
  CHECK(rangeup::parse_http_date("").error() == errc::malformed_response);
}

TEST_CASE("attachment_id_from_location: Outlook and To Do forms, strict otherwise") {
  CHECK(location_id("https://outlook.office.com/api/v2.0/Users('a8e8e219@72aa88bf')/Messages('AAMkADI5MAAIT3drCAAA=')/"
                    "Attachments('AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=')") ==
        "AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=");
  CHECK(location_id("https://graph.microsoft.com/beta/users/6f9a/todo/lists/AAMDiFkfh=/tasks/AAMkADliMm=/Attachments/"
                    "AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=") ==
        "AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=");
  CHECK(location_id("https://x/attachments('a''b%2Fc')") == "a'b/c");            // OData quote, percent escape
  CHECK(location_id("https://x/Messages('m')/ATTACHMENTS('id1')/$value") == "id1");
  CHECK(location_id("https://x/Attachments/abc?x=1") == "abc");
  std::error_code ec;
  for (const char* bad : {"", "https://x/Messages('m')", "https://x/Attachments('')", "https://x/Attachments()",
                          "https://x/Attachments('abc", "https://x/Attachments('abc'", "https://x/Attachments('a')junk",
                          "https://x/Attachments/", "https://x/Attachments('%zz')", "https://x/Attachments('a%0Ab')",
                          "https://x/MyAttachments('x')"}) {
    CAPTURE(bad);
    CHECK(location_id(bad, &ec) == "<error>");
    CHECK(ec == errc::malformed_response);
  }
  rangeup::fixed_string<4> small;
  CHECK(rangeup::attachment_id_from_location("https://x/Attachments('12345')", small) == errc::capacity_exceeded);
}

TEST_CASE("exponential_backoff: full jitter, caps, budgets, deterministic per seed") {
  rangeup::backoff_settings s;
  s.max_attempts = 5;
  s.initial_delay_ms = 100;
  s.max_delay_ms = 1000;
  s.max_retry_after_ms = 5000;
  s.budget_ms = 10000;
  rangeup::exponential_backoff a(s, 42), b(s, 42), c(s, 43);
  bool differs = false;
  for (std::uint32_t attempt = 1; attempt <= 5; ++attempt) {
    const auto da = a.next_delay(attempt, 0, -1);
    CHECK(da == b.next_delay(attempt, 0, -1));
    differs = differs || da != c.next_delay(attempt, 0, -1);
    const std::int64_t ceiling = attempt >= 5 ? 1000 : 100 << (attempt - 1);
    CHECK(da >= 0);
    CHECK(da <= (ceiling > 1000 ? 1000 : ceiling));
  }
  CHECK(differs);
  CHECK(a.next_delay(6, 0, -1) == -1);       // attempt budget
  CHECK(a.next_delay(1, 9950, 100) == -1);   // time budget
  CHECK(a.next_delay(1, 0, 3000) == 3000);   // Retry-After honoured
  CHECK(a.next_delay(1, 0, 60000) == 5000);  // ... and capped
  // Jitter spreads: many draws for attempt 3 cover the range.
  std::int64_t lo = 1 << 30, hi = -1;
  for (int i = 0; i < 2000; ++i) {
    const auto d = a.next_delay(3, 0, -1);
    lo = d < lo ? d : lo;
    hi = d > hi ? d : hi;
  }
  CHECK(lo < 40);
  CHECK(hi > 360);
}

TEST_CASE("retry_after_delay_ms: delta-seconds and HTTP-date") {
  CHECK(rangeup::retry_after_delay_ms("120", false, 0) == 120000);
  CHECK(rangeup::retry_after_delay_ms(" 0 ", false, 0) == 0);
  CHECK(rangeup::retry_after_delay_ms("", true, 0) == -1);
  CHECK(rangeup::retry_after_delay_ms("12a", true, 0) == -1);
  CHECK(rangeup::retry_after_delay_ms("99999999999999999999999", true, 0) == -1);
  const std::int64_t now = 784111777000 - 30000;
  CHECK(rangeup::retry_after_delay_ms("Sun, 06 Nov 1994 08:49:37 GMT", true, now) == 30000);
  CHECK(rangeup::retry_after_delay_ms("Sun, 06 Nov 1994 08:49:37 GMT", false, now) == -1);  // no wall clock
  CHECK(rangeup::retry_after_delay_ms("Sun, 06 Nov 1994 08:49:37 GMT", true, now + 60000) == 0);  // past
}

TEST_CASE("resume token: round trip, checksum, strict parsing") {
  rangeup::resume_state st;
  (void)st.flavor.assign("drive");
  st.target = 0x0123456789abcdefULL;
  st.size = 5368709121ULL;
  st.next_offset = 4294967296ULL;
  st.has_expiry = true;
  st.expires_unix = 1700003600;
  st.mtime_ns = -5;
  (void)st.hash_prefix.assign("ab+/=");
  (void)st.upload_url.assign("https://up.example/s/1?tempauthtoken=x%2By");
  char buf[1024];
  auto n = rangeup::write_resume_token(st, buf, sizeof buf);
  REQUIRE(n);
  CHECK(std::strlen(buf) == *n);
  const std::string token(buf, *n);
  CHECK(token.rfind("rangeup-resume-v1\n", 0) == 0);
  rangeup::resume_state back;
  REQUIRE_FALSE(rangeup::parse_resume_token(token, back));
  CHECK(back.flavor == "drive");
  CHECK(back.target == st.target);
  CHECK(back.size == st.size);
  CHECK(back.next_offset == st.next_offset);
  CHECK(back.has_expiry);
  CHECK(back.expires_unix == st.expires_unix);
  CHECK(back.mtime_ns == -5);
  CHECK(back.hash_prefix == "ab+/=");
  CHECK(back.upload_url == st.upload_url.view());
  CHECK_FALSE(rangeup::parse_resume_token(token + "\r\n", back));  // trailing whitespace tolerated

  // Every single-byte corruption is caught.
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string bad = token;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    CAPTURE(i);
    CHECK(rangeup::parse_resume_token(bad, back) == errc::invalid_resume_token);
  }
  // Every truncation too.
  for (std::size_t len = 0; len + 1 < token.size(); ++len)
    CHECK(rangeup::parse_resume_token(token.substr(0, len), back) == errc::invalid_resume_token);
  // Too small a buffer is an error, never a truncated token.
  for (std::size_t cap = 0; cap <= *n; ++cap) CHECK(rangeup::write_resume_token(st, buf, cap).error() == errc::buffer_too_small);
  // Values that would break the line format are refused.
  rangeup::resume_state evil = st;
  (void)evil.upload_url.assign("https://up.example/s\nnext=0");
  CHECK(rangeup::write_resume_token(evil, buf, sizeof buf).error() == errc::invalid_argument);
  CHECK(rangeup::parse_resume_token("", back) == errc::invalid_resume_token);
  CHECK(rangeup::parse_resume_token("garbage\ncheck=0000000000000000", back) == errc::invalid_resume_token);
}

namespace {

// A Source whose reads fail past a point, to see errors pass through source_ref.
struct failing_after {
  std::uint64_t size() const noexcept { return 100; }
  rangeup::result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
    if (offset >= 50) return make_error_code(errc::source_read_failed);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>('a' + (offset + i) % 26);
    return n;
  }
};

}  // namespace

TEST_CASE("source_ref: one type for any Source, reads and errors pass through, no allocation") {
  static_assert(rangeup::is_source_v<rangeup::source_ref>);
  static_assert(std::is_trivially_copyable_v<rangeup::source_ref>);
  const std::string bytes = "0123456789abcdef";
  const rangeup::memory_source memory(bytes.data(), bytes.size());  // its read_at is const
  failing_after failing;
  char out[8] = {};
  rangeup_test::allocation_scope scope;
  const rangeup::source_ref a(memory);
  rangeup::source_ref b(failing);
  const rangeup::source_ref copy = a;
  CHECK(copy.size() == bytes.size());
  const auto got = copy.read_at(10, out, sizeof out);
  REQUIRE(got);
  CHECK(*got == 6);  // fewer than asked only at the end
  CHECK(std::string(out, *got) == "abcdef");
  CHECK(b.size() == 100);
  CHECK(b.read_at(0, out, 2));
  CHECK(std::string(out, 2) == "ab");
  CHECK(b.read_at(50, out, 2).error() == errc::source_read_failed);
  // read_request_body takes it like any Source.
  rangeup::request_view put;
  put.method = rangeup::http_method::put;
  put.body = rangeup::body_kind::source_range;
  put.range = rangeup::content_range{4, 7, bytes.size()};
  const auto body = rangeup::read_request_body(put, a, 0, out, sizeof out);
  REQUIRE(body);
  CHECK(std::string(out, *body) == "4567");
  if (rangeup_test::allocation_counting_enabled()) CHECK(scope.count() == 0);
}

}  // namespace helpers_test_cases
