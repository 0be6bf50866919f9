// rangeup::curl::transport: the transport conformance suite, then what only
// the libcurl transport has — its loopback-host test and its error details
// (redacted by the core redactor, which tests/core/redact_test.cpp checks).

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through it
#include <string>

#include "rangeup/curl/transport.hpp"
#include "support/loopback_server.hpp"
#include "support/transport_conformance.hpp"

namespace rangeup_test {

struct curl_conformance {
  static constexpr const char* name = "curl";
  static constexpr bool https = true;
  using transport = rangeup::curl::transport;
  static transport make(const conformance_options& o) {
    rangeup::curl::transport_options t;
    t.allow_http = o.allow_http;
    t.ca_file = o.ca_file;
    t.max_response_body = o.max_response_body;
    t.connect_timeout_ms = static_cast<long>(o.timeout.count());
    t.request_timeout_ms = static_cast<long>(o.timeout.count());
    return transport(t);
  }
};

}  // namespace rangeup_test

RANGEUP_TRANSPORT_CONFORMANCE(rangeup_test::curl_conformance);

TEST_CASE("curl: loopback hosts as the URL policy sees them") {
  CHECK(rangeup::curl::is_loopback_host("127.0.0.1"));
  CHECK(rangeup::curl::is_loopback_host("127.255.0.9"));
  CHECK(rangeup::curl::is_loopback_host("[::1]"));
  CHECK(rangeup::curl::is_loopback_host("LOCALHOST"));
  CHECK_FALSE(rangeup::curl::is_loopback_host("128.0.0.1"));
  CHECK_FALSE(rangeup::curl::is_loopback_host("[::2]"));
  CHECK_FALSE(rangeup::curl::is_loopback_host("localhost.evil"));
}

TEST_CASE("curl: a failure leaves an error detail without URL query or token; a success clears it") {
  rangeup_test::loopback_server server;
  REQUIRE(server.started());
  auto t = rangeup_test::curl_conformance::make({});
  REQUIRE(t.valid());
  rangeup::request_view get;
  get.url = "http://127.0.0.1:1/upload/s?authtoken=SECRET123&x=1";  // nobody listens on port 1
  REQUIRE_FALSE(t.perform(get));
  const std::string detail(t.last_error_detail());
  CHECK_FALSE(detail.empty());
  CHECK(detail.find("SECRET123") == std::string::npos);
  const std::string url = server.url("/ok?authtoken=SECRET123");
  get.url = url;
  REQUIRE(t.perform(get));
  CHECK(t.last_error_detail().empty());
}
