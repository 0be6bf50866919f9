// rangeup::beast::transport (blocking) against a scripted local server: what
// goes on the wire, what comes back, caps, reuse, timeouts, TLS.

#include <doctest/doctest.h>

#include <string>

#include "local_server.hpp"
#include "rangeup/beast/transport.hpp"
#include "support/alloc_counter.hpp"
#include "test_support.hpp"

using rangeup::body_kind;
using rangeup::errc;
using rangeup::http_method;
using rangeup::request_view;
using rangeup_test::local_server;
using rangeup_test::received;
using rangeup_test::reply;
using rangeup_test::respond;

namespace {

rangeup::beast::transport_options loopback_options() {
  rangeup::beast::transport_options o;
  o.allow_http = true;
  o.connect_timeout = std::chrono::milliseconds(5000);
  o.io_timeout = std::chrono::milliseconds(5000);
  return o;
}

request_view put_range(const std::string& url, std::uint64_t first, std::uint64_t last, std::uint64_t total) {
  request_view r;
  r.method = http_method::put;
  r.url = url;
  r.body = body_kind::source_range;
  r.range = {first, last, total};
  return r;
}

request_view get(const std::string& url) {
  request_view r;
  r.url = url;
  return r;
}

reply ok_json(const received&) { return respond(200, "{\"nextExpectedRanges\":[\"0-\"]}", "Content-Type: application/json\r\n"); }

}  // namespace

TEST_CASE("PUT of a source range: exact Content-Length, headers passed, no Authorization") {
  local_server server(ok_json);
  const std::string data = rangeup_test::test_bytes(1000000, 3);
  rangeup_test::recording_source source(data);
  rangeup::beast::transport t(loopback_options());

  const std::string url = server.url("/up/session?authtoken=abc%2Fdef");
  request_view r = put_range(url, 1000, 300999, data.size());
  r.headers[0] = {"Content-Type", "application/octet-stream"};
  r.headers[1] = {"Content-Range", "bytes 1000-300999/1000000"};
  r.header_count = 2;
  auto res = t.perform(r, source);
  REQUIRE(res.has_value());
  CHECK(res->status == 200);
  CHECK(res->content_type == "application/json");
  CHECK(res->body == "{\"nextExpectedRanges\":[\"0-\"]}");
  CHECK_FALSE(res->body_truncated);

  auto log = server.requests();
  REQUIRE(log.size() == 1);
  CHECK(log[0].method == "PUT");
  CHECK(log[0].target == "/up/session?authtoken=abc%2Fdef");  // never rewritten
  CHECK(log[0].get("content-length") == "300000");
  CHECK(log[0].get("content-range") == "bytes 1000-300999/1000000");
  CHECK(log[0].get("content-type") == "application/octet-stream");
  CHECK(log[0].get("host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK_FALSE(log[0].has("authorization"));
  CHECK_FALSE(log[0].has("transfer-encoding"));
  CHECK(log[0].body == data.substr(1000, 300000));
}

TEST_CASE("bearer token becomes Authorization; reserved or broken headers are refused") {
  local_server server([](const received&) { return respond(201, "{}"); });
  rangeup::beast::transport t(loopback_options());
  const std::string url = server.url("/v1.0/me/messages/m/attachments/createUploadSession");
  request_view r;
  r.method = http_method::post;
  r.url = url;
  r.bearer_token = "tok.en";
  r.body = body_kind::text;
  r.text = "{\"AttachmentItem\":{}}";
  r.headers[0] = {"Content-Type", "application/json"};
  r.header_count = 1;
  auto res = t.perform(r);
  REQUIRE(res.has_value());
  CHECK(res->status == 201);
  auto log = server.requests();
  REQUIRE(log.size() == 1);
  CHECK(log[0].get("authorization") == "Bearer tok.en");
  CHECK(log[0].get("content-length") == std::to_string(r.text.size()));
  CHECK(log[0].body == r.text);

  SUBCASE("a POST without body still says Content-Length: 0") {
    request_view commit;
    commit.method = http_method::post;
    commit.url = url;
    REQUIRE(t.perform(commit).has_value());
    CHECK(server.requests().back().get("content-length") == "0");
    CHECK_FALSE(server.requests().back().has("authorization"));
  }
  SUBCASE("Authorization / Content-Length / Host in the view, CR LF, GET with body") {
    for (const char* name : {"Authorization", "content-length", "Host", "Transfer-Encoding"}) {
      request_view bad = get(url);
      bad.headers[0] = {name, "x"};
      bad.header_count = 1;
      auto e = t.perform(bad);
      REQUIRE_FALSE(e.has_value());
      CHECK(e.error() == errc::invalid_argument);
    }
    request_view crlf = get(url);
    crlf.headers[0] = {"X-A", "b\r\nAuthorization: Bearer x"};
    crlf.header_count = 1;
    CHECK(t.perform(crlf).error() == errc::invalid_argument);
    request_view body_get = get(url);
    body_get.body = body_kind::text;
    body_get.text = "x";
    CHECK(t.perform(body_get).error() == errc::invalid_argument);
    CHECK(server.requests().size() == 1);  // none of them reached the wire
  }
}

TEST_CASE("request bodies stream through a bounded buffer") {
  local_server server([](const received& r) { return respond(200, rangeup_test::sha256_hex(r.body)); });
  const std::string data = rangeup_test::test_bytes(24u << 20, 5);
  rangeup_test::recording_source source(data);
  auto options = loopback_options();
  options.send_buffer_size = 64 * 1024;
  rangeup::beast::transport t(options);
  const std::string url = server.url("/u");

  REQUIRE(t.perform(put_range(url, 0, 1023, data.size()), source).has_value());  // warm: connect, buffers

  std::uint64_t small_allocs = 0, big_allocs = 0;
  {
    rangeup_test::allocation_scope scope;
    auto res = t.perform(put_range(url, 0, (1u << 20) - 1, data.size()), source);
    small_allocs = scope.count();
    REQUIRE(res.has_value());
    CHECK(res->body == rangeup_test::sha256_hex(std::string_view(data).substr(0, 1u << 20)));
  }
  {
    rangeup_test::allocation_scope scope;
    auto res = t.perform(put_range(url, 1u << 20, data.size() - 1, data.size()), source);
    big_allocs = scope.count();
    REQUIRE(res.has_value());
    CHECK(res->body == rangeup_test::sha256_hex(std::string_view(data).substr(1u << 20)));
  }
  CHECK(source.largest_read <= 64 * 1024);
  CHECK(source.reads >= (data.size() >> 16));
  CHECK(t.connections_opened() == 1);
  if (rangeup_test::allocation_counting_enabled()) {
    // A 23 MiB body costs no more allocations than a 1 MiB one: nothing scales with the range.
    MESSAGE("allocations: 1 MiB range " << small_allocs << ", 23 MiB range " << big_allocs);
    CHECK(big_allocs <= small_allocs + 2);
    CHECK(big_allocs < 64);
  }
}

TEST_CASE("source failures: read error, source that ends early, range outside the source") {
  local_server server(ok_json);
  const std::string data = rangeup_test::test_bytes(500000);
  rangeup_test::recording_source source(data);
  rangeup::beast::transport t(loopback_options());
  const std::string url = server.url("/u");

  source.fail = true;
  CHECK(t.perform(put_range(url, 0, 499999, data.size()), source).error() == errc::source_read_failed);
  source.fail = false;
  source.shrink_to = 300000;
  CHECK(t.perform(put_range(url, 0, 499999, data.size()), source).error() == errc::source_changed);
  source.shrink_to = UINT64_MAX;
  CHECK(t.perform(put_range(url, 0, 500000, data.size() + 1), source).error() == errc::invalid_argument);
  // The half-sent request was abandoned; the next one works on a new connection.
  auto res = t.perform(put_range(url, 0, 99, data.size()), source);
  REQUIRE(res.has_value());
  CHECK(server.requests().back().body == data.substr(0, 100));
}

TEST_CASE("response headers captured, body capped, oversized responses refused") {
  const std::string big(200000, 'b');
  local_server server([&](const received& r) {
    if (r.target == "/final")
      return respond(201, "", "Location: https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('AAMk=')\r\n");
    if (r.target == "/throttled") return respond(429, "{}", "Retry-After: 7\r\nContent-Type: application/json; charset=utf-8\r\n");
    if (r.target == "/big") return respond(200, big);
    if (r.target == "/chunked") {
      reply c;
      c.raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
      return c;
    }
    if (r.target == "/huge-body") return respond(200, std::string(3u << 20, 'h'));
    if (r.target == "/huge-header") return respond(200, "", "X-Pad: " + std::string(40000, 'p') + "\r\n");
    if (r.target == "/garbage") {
      reply g;
      g.raw = "NOT HTTP AT ALL\r\n\r\n";
      return g;
    }
    return respond(204);
  });
  rangeup::beast::transport t(loopback_options());

  auto final = t.perform(get(server.url("/final")));
  REQUIRE(final.has_value());
  CHECK(final->status == 201);
  CHECK(final->location == "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('AAMk=')");
  CHECK(final->retry_after.empty());

  auto throttled = t.perform(get(server.url("/throttled")));
  REQUIRE(throttled.has_value());
  CHECK(throttled->status == 429);
  CHECK(throttled->retry_after == "7");
  CHECK(throttled->content_type == "application/json; charset=utf-8");
  CHECK(throttled->location.empty());

  auto capped = t.perform(get(server.url("/big")));
  REQUIRE(capped.has_value());
  CHECK(capped->body.size() == 64 * 1024);
  CHECK(capped->body_truncated);
  CHECK(capped->body == std::string_view(big).substr(0, 64 * 1024));

  auto chunked = t.perform(get(server.url("/chunked")));
  REQUIRE(chunked.has_value());
  CHECK(chunked->body == "hello world");
  CHECK_FALSE(chunked->body_truncated);
  CHECK(t.connections_opened() == 1);  // drained bodies keep the connection usable

  CHECK(t.perform(get(server.url("/huge-body"))).error() == errc::response_too_large);
  CHECK(t.perform(get(server.url("/huge-header"))).error() == errc::response_too_large);
  CHECK(t.perform(get(server.url("/garbage"))).error() == errc::malformed_response);
  auto after = t.perform(get(server.url("/ok")));
  REQUIRE(after.has_value());
  CHECK(after->status == 204);
}

TEST_CASE("redirects are refused, never followed") {
  local_server server([](const received& r) {
    if (r.target == "/moved") return respond(307, "", "Location: http://127.0.0.1:1/elsewhere\r\n");
    return respond(200);
  });
  rangeup::beast::transport t(loopback_options());
  auto res = t.perform(get(server.url("/moved")));
  REQUIRE_FALSE(res.has_value());
  CHECK(res.error() == errc::redirect_refused);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("keep-alive: reuse, Connection: close, idle close by the server, host change") {
  int n = 0;
  local_server server([&](const received& r) {
    ++n;
    if (r.target == "/close") {
      auto c = respond(200, "", "Connection: close\r\n");
      c.close_after = true;
      return c;
    }
    if (r.target == "/silent-close") {  // keep-alive promised, then closed while idle
      auto c = respond(200);
      c.close_after = true;
      return c;
    }
    return respond(200);
  });
  rangeup::beast::transport t(loopback_options());
  for (int i = 0; i < 3; ++i) REQUIRE(t.perform(get(server.url("/a"))).has_value());
  CHECK(t.connections_opened() == 1);
  CHECK(server.connections() == 1);
  REQUIRE(t.perform(get(server.url("/close"))).has_value());
  REQUIRE(t.perform(get(server.url("/a"))).has_value());
  CHECK(t.connections_opened() == 2);
  REQUIRE(t.perform(get(server.url("/silent-close"))).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the FIN arrive
  auto res = t.perform(get(server.url("/a")));
  REQUIRE(res.has_value());  // the stale connection was noticed before sending
  CHECK(t.connections_opened() == 3);
  REQUIRE(t.perform(get(server.url("/a", "localhost"))).has_value());
  CHECK(t.connections_opened() == 4);  // another host: another connection
  CHECK(server.requests().back().get("host") == "localhost:" + std::to_string(server.port()));
  CHECK(n == 8);
}

TEST_CASE("URL policy: https required unless http is allowed for a loopback host") {
  rangeup::beast::transport strict;  // defaults: https only
  CHECK(strict.perform(get("http://127.0.0.1:9/x")).error() == errc::insecure_url);
  rangeup::beast::transport t(loopback_options());
  CHECK(t.perform(get("http://example.com/x")).error() == errc::insecure_url);
  CHECK(t.perform(get("ftp://127.0.0.1/x")).error() == errc::invalid_url);
  CHECK(t.perform(get("https://user@host/x")).error() == errc::invalid_url);
  CHECK(t.perform(get("https://host:99999/x")).error() == errc::invalid_url);
  CHECK(t.perform(get("no url")).error() == errc::invalid_url);
  CHECK(t.connections_opened() == 0);
}

TEST_CASE("transport errors: refused connection, dropped connection, timeout") {
  unsigned short closed_port = 0;
  {
    local_server gone([](const received&) { return respond(200); });
    closed_port = gone.port();
  }
  rangeup::beast::transport t(loopback_options());
  CHECK(t.perform(get("http://127.0.0.1:" + std::to_string(closed_port) + "/")).error() == errc::connection_failed);

  local_server server([](const received& r) {
    reply out = respond(200);
    if (r.target == "/drop") out.drop = true;
    if (r.target == "/slow") out.delay = std::chrono::milliseconds(1500);
    if (r.target == "/half") {
      out.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part";
      out.close_after = true;
    }
    return out;
  });
  CHECK(t.perform(get(server.url("/drop"))).error() == errc::connection_dropped);
  CHECK(t.perform(get(server.url("/half"))).error() == errc::connection_dropped);
  auto quick = loopback_options();
  quick.io_timeout = std::chrono::milliseconds(300);
  rangeup::beast::transport impatient(quick);
  const auto start = std::chrono::steady_clock::now();
  CHECK(impatient.perform(get(server.url("/slow"))).error() == errc::timeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1400));
  CHECK(t.perform(get(server.url("/ok"))).has_value());

  // The send-progress hook is also asked while the response is awaited (as
  // libcurl's is): false abandons a stalled request at once, not at io_timeout.
  int asked = 0;
  t.set_send_progress(
      [](void* c, std::uint64_t, std::uint64_t) noexcept { return ++*static_cast<int*>(c) < 3; }, &asked);
  const auto stalled = std::chrono::steady_clock::now();
  CHECK(t.perform(get(server.url("/slow"))).error() == errc::cancelled);
  CHECK(asked == 3);
  CHECK(std::chrono::steady_clock::now() - stalled < std::chrono::milliseconds(1200));  // not the 1.5 s delay
  t.set_send_progress(nullptr, nullptr);
  CHECK(t.perform(get(server.url("/ok"))).has_value());  // the transport stays usable
}

TEST_CASE("https: trusted self-signed certificate, SNI, untrusted and wrong-name certificates refused") {
  const std::string good = rangeup_test::make_certificate("localhost", "IP:127.0.0.1,DNS:localhost");
  const std::string wrong = rangeup_test::make_certificate("wrong.example", "DNS:wrong.example");
  REQUIRE_FALSE(good.empty());
  REQUIRE_FALSE(wrong.empty());
  {
    local_server server(ok_json, good + "/cert.pem", good + "/key.pem");
    auto trusting = rangeup::beast::transport_options{};
    trusting.ca_file = good + "/cert.pem";
    rangeup::beast::transport t(trusting);
    const std::string data = rangeup_test::test_bytes(300000);
    rangeup_test::recording_source source(data);
    auto res = t.perform(put_range(server.url("/tls", "localhost"), 0, 299999, data.size()), source);
    REQUIRE(res.has_value());
    CHECK(res->status == 200);
    CHECK(server.requests().back().body == data);
    CHECK(server.requests().back().sni == "localhost");
    auto by_ip = t.perform(get(server.url("/ip")));  // IP SAN; no SNI for addresses
    REQUIRE(by_ip.has_value());
    CHECK(server.requests().back().sni.empty());
    t.close();  // the test server serves one connection at a time

    rangeup::beast::transport untrusting;  // system store only
    CHECK(untrusting.perform(get(server.url("/x", "localhost"))).error() == errc::tls_error);

    auto bad_ca = trusting;
    bad_ca.ca_file = good + "/missing.pem";
    rangeup::beast::transport broken(bad_ca);
    CHECK(broken.perform(get(server.url("/x", "localhost"))).error() == errc::tls_error);
  }
  {
    local_server server(ok_json, wrong + "/cert.pem", wrong + "/key.pem");
    auto trusting = rangeup::beast::transport_options{};
    trusting.ca_file = wrong + "/cert.pem";  // chain trusted, but the name is not ours
    rangeup::beast::transport t(trusting);
    CHECK(t.perform(get(server.url("/x", "localhost"))).error() == errc::tls_error);
    CHECK(t.perform(get(server.url("/x"))).error() == errc::tls_error);
    CHECK(t.connections_opened() == 0);
    auto lax = trusting;
    lax.verify_peer = false;
    rangeup::beast::transport insecure(lax);
    CHECK(insecure.perform(get(server.url("/x"))).has_value());
    CHECK(server.requests().size() == 1);  // only the unverified one got through
  }
  rangeup_test::remove_directory(good);
  rangeup_test::remove_directory(wrong);
}

TEST_CASE("a small file's JSON attachment: text, base64 streamed from the source, text; the bearer goes with it") {
  local_server server([](const received&) { return respond(201, "{\"id\":\"A1\"}", "Content-Type: application/json\r\n"); });
  // Not a multiple of 3 and larger than one send piece: the encoding is cut at piece edges.
  const std::string data = rangeup_test::test_bytes(700001, 5);
  rangeup_test::recording_source source(data);
  rangeup::beast::transport t(loopback_options());
  request_view r;
  r.method = http_method::post;
  const std::string url = server.url("/v1.0/me/messages/M/attachments");
  r.url = url;
  r.headers[0] = {"Content-Type", "application/json"};
  r.header_count = 1;
  r.bearer_token = "tok";
  r.body = body_kind::base64_json;
  r.text = R"({"name":"a.bin","contentBytes":")";
  r.suffix = R"("})";
  r.range = {0, data.size() - 1, data.size()};
  auto res = t.perform(r, source);
  REQUIRE(res.has_value());
  CHECK(res->status == 201);
  std::string encoded(rangeup::base64_length(data.size()), '\0');
  encoded.resize(rangeup::encode_base64(reinterpret_cast<const unsigned char*>(data.data()), data.size(), &encoded[0]));
  auto log = server.requests();
  REQUIRE(log.size() == 1);
  CHECK(log[0].get("authorization") == "Bearer tok");
  CHECK(log[0].get("content-length") == std::to_string(r.content_length()));
  CHECK(log[0].body == std::string(r.text) + encoded + std::string(r.suffix));
}
