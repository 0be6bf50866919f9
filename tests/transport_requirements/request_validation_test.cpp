// rangeup::check_request / validate_request (rangeup/transport.hpp): the request
// rules every transport applies before anything reaches the wire, tested once
// here without a transport. The transports' own suites check that they call it.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "rangeup/error.hpp"
#include "rangeup/http.hpp"
#include "rangeup/transport.hpp"

using rangeup::body_kind;
using rangeup::check_request;
using rangeup::errc;
using rangeup::http_method;
using rangeup::request_fault;
using rangeup::request_view;

namespace {

constexpr std::string_view upload_url = "https://graph.example/up/s1?tempauth=abc";

constexpr request_view get(std::string_view url = upload_url) {
  request_view r;
  r.method = http_method::get;
  r.url = url;
  return r;
}

constexpr request_view put_range(std::uint64_t first, std::uint64_t last, std::uint64_t total) {
  request_view r;
  r.method = http_method::put;
  r.url = upload_url;
  r.headers[0] = {"Content-Range", "bytes 0-9/10"};
  r.header_count = 1;
  r.body = body_kind::source_range;
  r.range = {first, last, total};
  return r;
}

request_view with_header(request_view r, std::string_view name, std::string_view value) {
  r.headers[r.header_count++] = {name, value};
  return r;
}

}  // namespace

// Usable at compile time: a transport may check fixed requests statically.
static_assert(check_request(get()) == request_fault::none);
static_assert(check_request(put_range(0, 9, 10), 10) == request_fault::none);
static_assert(check_request(put_range(0, 10, 11), 10) == request_fault::bad_range);

TEST_CASE("requests the session builds pass") {
  CHECK(check_request(get()) == request_fault::none);
  CHECK(check_request(put_range(0, 9, 10), 10) == request_fault::none);
  request_view create;
  create.method = http_method::post;
  create.url = "https://graph.microsoft.com/v1.0/me/messages/AAMk%3D/attachments/createUploadSession";
  create.headers[0] = {"Content-Type", "application/json"};
  create.header_count = 1;
  create.body = body_kind::text;
  create.text = R"({"AttachmentItem":{"attachmentType":"file","name":"a b.txt","size":1}})";
  create.bearer_token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  CHECK(check_request(create) == request_fault::none);
  CHECK(!rangeup::validate_request(create));
  request_view commit;  // POST without a body (deferred commit)
  commit.method = http_method::post;
  commit.url = upload_url;
  CHECK(check_request(commit) == request_fault::none);
  request_view del = get();
  del.method = http_method::delete_;
  CHECK(check_request(del) == request_fault::none);
  request_view small = put_range(0, 2, 3);  // a small file's attachment: JSON around base64
  small.method = http_method::post;
  small.body = body_kind::base64_json;
  small.text = R"({"name":"a","contentBytes":")";
  small.suffix = R"("})";
  CHECK(check_request(small, 3) == request_fault::none);
  // A header value may carry a tab and non-ASCII bytes (obs-text), and be empty.
  CHECK(check_request(with_header(get(), "If-Match", "\"{A1}\",\t\"\xC3\xA9\"")) == request_fault::none);
  CHECK(check_request(with_header(get(), "X-Empty", "")) == request_fault::none);
  // Bearer tokens: b64token, '=' padding at the end only.
  for (std::string_view token : {"abc", "A-b.c_d~e+f/g", "abc==", "tok.en"}) {
    request_view r = get();
    r.bearer_token = token;
    CHECK_MESSAGE(check_request(r) == request_fault::none, token);
  }
}

TEST_CASE("headers the transport derives or owns are refused, in any case") {
  for (std::string_view name : {"Authorization", "authorization", "AUTHORIZATION", "Content-Length", "content-length",
                                "Host", "Transfer-Encoding", "Expect", "Connection", "Keep-Alive", "Proxy-Connection",
                                "TE", "Trailer", "Upgrade", "Proxy-Authorization"}) {
    CHECK_MESSAGE(check_request(with_header(get(), name, "x")) == request_fault::reserved_header, name);
    CHECK(rangeup::is_reserved_header(name));
  }
  // Not reserved: names that merely start like one, and the ones the session sets.
  for (std::string_view name : {"Content-Type", "Content-Range", "If-Match", "If-None-Match", "Hosts", "Authorization2"}) {
    CHECK_MESSAGE(check_request(with_header(get(), name, "x")) == request_fault::none, name);
    CHECK_FALSE(rangeup::is_reserved_header(name));
  }
  // The reserved one refused wherever it stands.
  request_view r = with_header(with_header(put_range(0, 9, 10), "If-Match", "x"), "authorization", "Bearer x");
  CHECK(check_request(r, 10) == request_fault::reserved_header);
}

TEST_CASE("CR, LF, NUL and other control characters are refused in names, values and the URL") {
  const std::string nul_name("X-A\0B", 5);
  const std::string nul_value("a\0b", 3);
  for (std::string_view name : {std::string_view("X-A\r\nHost"), std::string_view("X-A\n"), std::string_view(nul_name),
                                std::string_view("X A"), std::string_view("X-A:"), std::string_view(""),
                                std::string_view("X-\xC3\xA9"), std::string_view("X-A\t")})
    CHECK(check_request(with_header(get(), name, "x")) == request_fault::bad_header_name);
  for (std::string_view value : {std::string_view("b\r\nAuthorization: Bearer x"), std::string_view("b\r"),
                                 std::string_view("b\n"), std::string_view(nul_value), std::string_view("\x01"),
                                 std::string_view("a\x7f")})
    CHECK(check_request(with_header(get(), "X-A", value)) == request_fault::bad_header_value);
  const std::string nul_url("https://h/a\0b", 13);
  for (std::string_view url : {std::string_view(""), std::string_view("https://h/a b"),
                               std::string_view("https://h/a\r\nHost: evil"), std::string_view(nul_url),
                               std::string_view("https://h/\t")}) {
    CHECK(check_request(get(url)) == request_fault::bad_url);
    CHECK(rangeup::validate_request(get(url)) == errc::invalid_url);
  }
}

TEST_CASE("a body on GET or DELETE is refused; any body on PUT and POST is not") {
  for (http_method m : {http_method::get, http_method::delete_}) {
    request_view r = get();
    r.method = m;
    r.body = body_kind::text;
    r.text = "x";
    CHECK(check_request(r) == request_fault::body_not_allowed);
    r.body = body_kind::source_range;
    r.range = {0, 0, 1};
    CHECK(check_request(r, 1) == request_fault::body_not_allowed);
    r.method = http_method::put;
    CHECK(check_request(r, 1) == request_fault::none);
  }
}

TEST_CASE("a bearer token that is not an RFC 6750 b64token is refused") {
  const std::string nul("ab\0c", 4);
  for (std::string_view token : {std::string_view("tok\r\nX-Injected: 1"), std::string_view("tok en"),
                                 std::string_view("tok\n"), std::string_view(nul), std::string_view("=abc"),
                                 std::string_view("ab=c"), std::string_view("Bearer abc"), std::string_view("t\xC3\xA9"),
                                 std::string_view("a,b"), std::string_view("a\"b")}) {
    request_view r = get();
    r.bearer_token = token;
    CHECK(check_request(r) == request_fault::bad_bearer_token);
    CHECK(rangeup::validate_request(r) == errc::invalid_argument);
  }
  request_view none = get();  // empty: no Authorization header at all, which is fine
  CHECK(check_request(none) == request_fault::none);
}

TEST_CASE("header_count must lie within the headers array") {
  request_view r = get();
  for (std::size_t i = 0; i < rangeup::max_request_headers; ++i) r.headers[i] = {"X-N", "v"};
  r.header_count = rangeup::max_request_headers;
  CHECK(check_request(r) == request_fault::none);
  r.header_count = rangeup::max_request_headers + 1;
  CHECK(check_request(r) == request_fault::too_many_headers);
}

TEST_CASE("a body read from the source must lie inside it") {
  CHECK(check_request(put_range(5, 4, 10)) == request_fault::bad_range);  // first > last, whatever the source
  CHECK(check_request(put_range(0, 9, 10), 9) == request_fault::bad_range);
  CHECK(check_request(put_range(9, 9, 10), 10) == request_fault::none);
  CHECK(check_request(put_range(0, 0, 1), 0) == request_fault::bad_range);  // an empty source holds no range
  CHECK(rangeup::validate_request(put_range(0, 9, 10), 9) == errc::invalid_argument);
  // Bodies that do not read the source ignore the range and the size.
  request_view text = put_range(5, 4, 10);
  text.body = body_kind::text;
  text.text = "{}";
  CHECK(check_request(text, 0) == request_fault::none);
}

TEST_CASE("every fault has its text and error code") {
  for (request_fault f : {request_fault::bad_url, request_fault::too_many_headers, request_fault::bad_header_name,
                          request_fault::bad_header_value, request_fault::reserved_header,
                          request_fault::body_not_allowed, request_fault::bad_bearer_token, request_fault::bad_range}) {
    CHECK(std::string_view(rangeup::describe(f)).size() > 10);
    const errc e = rangeup::request_error(f);
    CHECK((e == errc::invalid_argument || (f == request_fault::bad_url && e == errc::invalid_url)));
  }
  CHECK(!rangeup::validate_request(get()));
}
