// rangeup::beast::transport (blocking): the transport conformance suite, then
// what only the Beast transport has — its bounded send buffer, its header
// cap, the progress hook asked while a response is awaited, verify_peer.

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <string>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>

#include "rangeup/beast/transport.hpp"
#include "support/alloc_counter.hpp"
#include "support/loopback_server.hpp"
#include "support/test_data.hpp"
#include "support/transport_conformance.hpp"

namespace rangeup_test {

struct beast_conformance {
  static constexpr const char* name = "beast";
  static constexpr bool https = true;
  using transport = rangeup::beast::transport;
  static rangeup::beast::transport_options options(const conformance_options& o) {
    rangeup::beast::transport_options t;
    t.allow_http = o.allow_http;
    t.ca_file = o.ca_file;
    t.max_response_body = o.max_response_body;
    t.connect_timeout = o.timeout;
    t.io_timeout = o.timeout;
    return t;
  }
  static transport make(const conformance_options& o) { return transport(options(o)); }
};

}  // namespace rangeup_test

RANGEUP_TRANSPORT_CONFORMANCE(rangeup_test::beast_conformance);

using rangeup::errc;
using rangeup_test::beast_conformance;
using rangeup_test::conformance::get;
using rangeup_test::conformance::put_range;
using rangeup_test::loopback_server;
using rangeup_test::reply;
using rangeup_test::request;
using rangeup_test::respond;

TEST_CASE("beast: request bodies stream through the bounded send buffer") {
  rangeup_test::server_options so;
  so.keep_body = 32u << 20;
  loopback_server server([](const request& r) { return respond(200, rangeup_test::sha256_hex(r.body)); }, so);
  REQUIRE(server.started());
  const std::string data = rangeup_test::test_bytes(24u << 20, 5);
  rangeup_test::recording_source source(data);
  auto options = beast_conformance::options({});
  options.send_buffer_size = 64 * 1024;
  rangeup::beast::transport t(options);
  const std::string url = server.url("/u");

  REQUIRE(t.perform(put_range(url, 0, 1023, data.size()), source));  // warm: connect, buffers

  std::uint64_t small_allocs = 0, big_allocs = 0;
  {
    rangeup_test::allocation_scope scope;
    auto res = t.perform(put_range(url, 0, (1u << 20) - 1, data.size()), source);
    small_allocs = scope.count();
    REQUIRE(res);
    CHECK(res->body == rangeup_test::sha256_hex(std::string_view(data).substr(0, 1u << 20)));
  }
  {
    rangeup_test::allocation_scope scope;
    auto res = t.perform(put_range(url, 1u << 20, data.size() - 1, data.size()), source);
    big_allocs = scope.count();
    REQUIRE(res);
    CHECK(res->body == rangeup_test::sha256_hex(std::string_view(data).substr(1u << 20)));
  }
  CHECK(source.largest_read <= 64 * 1024);
  CHECK(source.reads >= (data.size() >> 16));
  CHECK(t.connections_opened() == 1);
  if (rangeup_test::allocation_counting_enabled()) {
    // A 23 MiB body costs no more allocations than a 1 MiB one: nothing scales
    // with the range (the count includes the test server's, which are per request).
    MESSAGE("allocations: 1 MiB range " << small_allocs << ", 23 MiB range " << big_allocs);
    CHECK(big_allocs <= small_allocs + 2);
    CHECK(big_allocs < 64);
  }
}

// async_perform with the caller's completion token goes through the same one
// instantiation as rangeup's drivers (async_perform_erased): the handler still
// runs on its associated executor, and a use_future token still works.
TEST_CASE("beast: basic_connection::async_perform with a caller's strand and with use_future") {
  rangeup_test::server_options so;
  so.keep_body = 4u << 20;
  loopback_server server([](const request& r) { return respond(200, rangeup_test::sha256_hex(r.body)); }, so);
  REQUIRE(server.started());
  const std::string data = rangeup_test::test_bytes(3u << 20, 9);
  rangeup_test::recording_source source(data);
  const std::string url = server.url("/u");
  boost::asio::io_context io;
  auto strand = boost::asio::make_strand(io);
  rangeup::beast::basic_connection<> connection(io.get_executor(), beast_conformance::options({}));

  const auto first = put_range(url, 0, (1u << 20) - 1, data.size());
  bool called = false, on_strand = false;
  std::string body;
  connection.async_perform(first, source,
                           boost::asio::bind_executor(strand, [&](std::error_code ec, rangeup::response_view r) {
                             called = true;
                             on_strand = strand.running_in_this_thread();
                             CHECK_FALSE(ec);
                             body.assign(r.body);
                           }));
  io.run();
  CHECK(called);
  CHECK(on_strand);
  CHECK(body == rangeup_test::sha256_hex(std::string_view(data).substr(0, 1u << 20)));

  const auto second = put_range(url, 1u << 20, data.size() - 1, data.size());
  auto future = connection.async_perform(second, source, boost::asio::use_future);
  io.restart();
  io.run();
  const auto [ec, r] = future.get();
  CHECK_FALSE(ec);
  CHECK(r.status == 200);
  CHECK(std::string(r.body) == rangeup_test::sha256_hex(std::string_view(data).substr(1u << 20)));
  CHECK(connection.connections_opened() == 1);
}

TEST_CASE("beast: max_response_header caps the head; a non-HTTP answer is malformed") {
  loopback_server server([](const request& r) {
    if (r.target == "/header") return respond(200, "", {{"X-Pad", std::string(40000, 'p')}});
    if (r.target == "/garbage") {
      reply g;
      g.raw = "NOT HTTP AT ALL\r\n\r\n";
      return g;
    }
    return respond(204);
  });
  REQUIRE(server.started());
  rangeup::beast::transport t(beast_conformance::options({}));  // 16 KiB of head by default
  const std::string header = server.url("/header"), garbage = server.url("/garbage"), ok = server.url("/ok");
  CHECK(t.perform(get(header)).error() == errc::response_too_large);
  CHECK(t.perform(get(garbage)).error() == errc::malformed_response);
  auto after = t.perform(get(ok));
  REQUIRE(after);
  CHECK(after->status == 204);
}

TEST_CASE("beast: the send-progress hook is asked while the response is awaited") {
  loopback_server server([](const request& r) {
    reply out = respond(200);
    if (r.target == "/slow") out.delay = std::chrono::milliseconds(1500);
    return out;
  });
  REQUIRE(server.started());
  rangeup::beast::transport t(beast_conformance::options({}));
  const std::string slow = server.url("/slow"), ok = server.url("/ok");
  // false abandons a stalled request at once, not at io_timeout.
  int asked = 0;
  t.set_send_progress(
      [](void* c, std::uint64_t, std::uint64_t) noexcept { return ++*static_cast<int*>(c) < 3; }, &asked);
  const auto stalled = std::chrono::steady_clock::now();
  CHECK(t.perform(get(slow)).error() == errc::cancelled);
  CHECK(asked == 3);
  CHECK(std::chrono::steady_clock::now() - stalled < std::chrono::milliseconds(1200));  // not the 1.5 s delay
  t.set_send_progress(nullptr, nullptr);
  CHECK(t.perform(get(ok)));  // the transport stays usable
}

TEST_CASE("beast: a certificate for another name opens no connection; verify_peer = false lets it through") {
  if (!loopback_server::https_supported()) {
    MESSAGE("the test server was built without OpenSSL");
    return;
  }
  const std::string wrong = rangeup_test::make_certificate("wrong.example", "DNS:wrong.example");
  REQUIRE_FALSE(wrong.empty());
  {
    rangeup_test::server_options so;
    so.tls_cert = wrong + "/cert.pem";
    so.tls_key = wrong + "/key.pem";
    loopback_server server({}, so);
    REQUIRE(server.started());
    rangeup::beast::transport_options trusting;
    trusting.ca_file = wrong + "/cert.pem";  // chain trusted, but the name is not ours
    rangeup::beast::transport t(trusting);
    const std::string by_ip = server.url("/x");
    CHECK(t.perform(get(by_ip)).error() == errc::tls_error);
    CHECK(t.connections_opened() == 0);  // a failed handshake is no connection to reuse
    auto lax = trusting;
    lax.verify_peer = false;
    rangeup::beast::transport insecure(lax);
    CHECK(insecure.perform(get(by_ip)));
    CHECK(server.requests().size() == 1);  // only the unverified one got through
  }
  rangeup_test::remove_directory(wrong);
}
