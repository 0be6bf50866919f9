// The one credential redactor (include/rangeup/redact.hpp), used by the
// session for a server's error message, by the curl transport for libcurl's
// error text and by the CLI for every line it prints: what it removes, what it
// keeps, and that redact() and quotes_credential() agree.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <string>
#include <string_view>

#include "core/support/scripted.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace redact_test_cases {

using namespace rangeup_test;

namespace {

std::string redacted(std::string_view in, rangeup::known_secrets named = {}) {
  char out[512];
  const std::size_t n = rangeup::redact(in, out, sizeof out, named);
  CHECK(out[n] == '\0');
  return std::string(out, n);
}

}  // namespace

TEST_CASE("redact: URL queries, key=value credentials and Bearer tokens go; ordinary text stays") {
  const std::string s =
      redacted("PUT https://h/u?tempauthtoken=abc.def failed; Bearer eyJ0eXAiOiJKV1Qi x authtoken=zz&y");
  CHECK(s.find("abc.def") == std::string::npos);
  CHECK(s.find("eyJ0eXAiOiJKV1Qi") == std::string::npos);
  CHECK(s.find("zz") == std::string::npos);
  CHECK(s.find("https://h/u?<redacted>") != std::string::npos);
  CHECK(s.find("failed;") != std::string::npos);
  CHECK(s.find("&y") != std::string::npos);  // the next parameter's name stays
  CHECK(redacted("set the bearer token") == "set the bearer token");
  CHECK(redacted("what? no URL here") == "what? no URL here");
  CHECK(redacted("access_token=SECRET1 and sig=SIG2 and token=T3") ==
        "access_token=<redacted> and sig=<redacted> and token=<redacted>");
  CHECK(redacted("AUTHTOKEN=Upper") == "AUTHTOKEN=<redacted>");  // any case
  CHECK(redacted("") == "");
}

TEST_CASE("redact: named secrets wherever they appear; the output is cut, never overrun") {
  CHECK(redacted("the token abc123 was refused", {"abc123", {}}) == "the token <redacted> was refused");
  CHECK(redacted("q=x1&y=2 echoed", {"zzz", "q=x1&y=2"}) == "<redacted> echoed");
  char small[8];
  const std::size_t n = rangeup::redact("a long line with https://h/u?authtoken=x", small, sizeof small);
  CHECK(n == 7);
  CHECK(std::string(small) == "a long ");
  char none[1];
  CHECK(rangeup::redact("abc", none, 0) == 0);
}

TEST_CASE("quotes_credential agrees with redact: true exactly when redact changes the text") {
  const std::string_view samples[] = {
      "plain text",
      "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi",
      "Bearer short",
      "the bearer token expired",
      "https://up.example/s/1?authtoken=a%2Bb",
      "see https://graph.microsoft.com/v1.0/me/drive for details",
      "authtoken=",
      "token=abc",
      "Lifetime validation failed, the token is expired.",
      "tok-SECRET in a message",
  };
  for (std::string_view text : samples) {
    CAPTURE(text);
    for (const rangeup::known_secrets& named : {rangeup::known_secrets{}, rangeup::known_secrets{"SECRET", {}}}) {
      CHECK(rangeup::quotes_credential(text, named) == (redacted(text, named) != text));
    }
  }
  // The old names in the curl adapter are the same functions (adapters/curl/rangeup/curl/redact.hpp).
  CHECK_FALSE(rangeup::quotes_credential("Lifetime validation failed, the token is expired."));
}

TEST_CASE("the session drops a server's error message that quotes a credential (E9)") {
  rangeup::upload_session<rangeup::outlook_attachment> s(
      rangeup::outlook_attachment{"https://graph.microsoft.com/v1.0", "", rangeup::outlook_attachment::parent_kind::message,
                                  "AAMk="},
      {"a.bin", 300}, [] {
        rangeup::session_options o;
        o.chunk_size = 100;
        o.force_session = true;
        return o;
      }());
  s.set_bearer_token("s3cr3t-bearer");
  expect_create(s, R"({"uploadUrl":"https://up.example/s/1?authtoken=QQQ","nextExpectedRanges":["0-"]})");
  expect_request(s);
  // The uploadUrl's query quoted bare (no URL around it): a named secret.
  s.on_response(reply(400, R"({"error":{"code":"invalidRequest","message":"bad request authtoken=QQQ"}})"),
                rangeup::instant{0});
  const auto* f = expect_failed(s);
  CHECK(f->server_code == "invalidRequest");
  CHECK(std::string_view(f->server_message).find("QQQ") == std::string_view::npos);
  CHECK(std::string_view(f->server_message).find("redacted") != std::string_view::npos);

  // An ordinary message about tokens stays readable.
  rangeup::upload_session<rangeup::drive_item> d(
      [] {
        rangeup::drive_item t;
        t.parent_id = "P";
        return t;
      }(),
      {"a", 10});
  d.set_bearer_token("s3cr3t-bearer");
  expect_request(d);
  d.on_response(reply(403, R"({"error":{"code":"accessDenied","message":"The bearer token lacks a scope."}})"),
                rangeup::instant{0});
  CHECK(expect_failed(d)->server_message == "The bearer token lacks a scope.");
}

}  // namespace redact_test_cases
