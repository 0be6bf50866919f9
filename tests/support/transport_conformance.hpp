#pragma once
// The transport conformance suite: what every rangeup transport does on the
// wire, whoever wrote it — checked against loopback_server, the same cases for
// each transport, so transports cannot drift apart.
//
// Adding a transport is a traits struct and one line at global scope in its
// test file, which joins the one transport program (transport_test) with
// `rangeup_add_transport_test(SOURCES my_test.cpp LIBS my::transport)`:
//
//   struct my_conformance {
//     static constexpr const char* name = "mine";  // in test names: "...<mine>"
//     using transport = my::transport;
//     static transport make(const rangeup_test::conformance_options& o);
//   };
//   RANGEUP_TRANSPORT_CONFORMANCE(my_conformance);
//
// The transport needs what the core needs (rangeup/http.hpp):
//   result<response_view> perform(const request_view&);
//   template <class Source> result<response_view> perform(const request_view&, Source&);
// Checked when present: connections_opened() (new connections so far) and
// set_send_progress(fn, context) (its case is skipped without it). The https
// case runs for traits that say `static constexpr bool https = true;` (make()
// then honours conformance_options::ca_file).
//
// Every server here listens on 127.0.0.1 and stops when its case ends; every
// request is bounded by conformance_options::timeout.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <ostream>  // doctest prints std::error_code through it
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "rangeup/base64.hpp"
#include "rangeup/error.hpp"
#include "rangeup/http.hpp"
#include "support/certificates.hpp"
#include "support/loopback_server.hpp"
#include "support/test_sources.hpp"

namespace rangeup_test {

// What a traits struct's make() is asked for.
struct conformance_options {
  bool allow_http = true;                     // http:// to loopback hosts (only these servers)
  std::size_t max_response_body = 64 * 1024;  // response body bytes kept
  std::chrono::milliseconds timeout{10000};   // no progress for this long: errc::timeout
  std::string ca_file;                        // PEM trust anchor for https (beside or instead of the system's)
};

namespace conformance {

template <class T, class = void>
struct counts_connections : std::false_type {};
template <class T>
struct counts_connections<T, std::void_t<decltype(std::declval<const T&>().connections_opened())>> : std::true_type {};

using progress_fn = bool (*)(void*, std::uint64_t, std::uint64_t) noexcept;
template <class T, class = void>
struct has_send_progress : std::false_type {};
template <class T>
struct has_send_progress<
    T, std::void_t<decltype(std::declval<T&>().set_send_progress(progress_fn{}, static_cast<void*>(nullptr)))>>
    : std::true_type {};

template <class T, class = void>
struct speaks_https : std::false_type {};
template <class T>
struct speaks_https<T, std::void_t<decltype(T::https)>> : std::bool_constant<T::https> {};

// The requests whose whole body arrived. A cut-off request is logged when the
// server notices, which may be after the client's next request: order by
// completion, not by the log, where requests are abandoned.
inline std::vector<request> completed(const loopback_server& server) {
  std::vector<request> out;
  for (auto& r : server.requests())
    if (r.complete) out.push_back(std::move(r));
  return out;
}

// The transport's own count agrees with the server's, where it keeps one.
template <class Transport>
void check_connections(const Transport& t, int expected) {
  if constexpr (counts_connections<Transport>::value) CHECK(static_cast<long>(t.connections_opened()) == expected);
}

inline rangeup::request_view get(std::string_view url) {
  rangeup::request_view r;
  r.url = url;
  return r;
}

inline rangeup::request_view put_range(std::string_view url, std::uint64_t first, std::uint64_t last,
                                       std::uint64_t total) {
  rangeup::request_view r;
  r.method = rangeup::http_method::put;
  r.url = url;
  r.body = rangeup::body_kind::source_range;
  r.range = {first, last, total};
  return r;
}

// A /proc/self/status field in KiB ("VmRSS", "VmHWM": the peak since
// reset_peak_rss()); -1 where there is none.
inline long read_status_kib(const char* field) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  long kib = -1;
  const std::size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f) != nullptr)
    if (std::strncmp(line, field, n) == 0 && std::sscanf(line + n, ": %ld kB", &kib) == 1) break;
  std::fclose(f);
  return kib;
}
// Resets VmHWM (Linux: /proc/self/clear_refs), so that earlier cases' peaks
// do not hide this one's; false where that is not possible.
inline bool reset_peak_rss() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (f == nullptr) return false;
  const bool ok = std::fputs("5", f) >= 0;
  return std::fclose(f) == 0 && ok;
}

}  // namespace conformance
}  // namespace rangeup_test

// The cases. T is a traits struct; each case makes its own transport and servers.

TEST_CASE_TEMPLATE_DEFINE("conformance: a source range goes out as exactly its bytes, with the caller's headers",
                          T, rangeup_conformance_source_range) {
  using namespace rangeup_test;
  loopback_server server([](const request&) {
    return respond(202, R"({"nextExpectedRanges":["301000-"]})", {{"Content-Type", "application/json"}});
  });
  REQUIRE(server.started());
  const std::string data = test_bytes(1000000, 3);
  recording_source source(data);
  auto t = T::make(conformance_options{});
  const std::string url = server.url("/up/session?authtoken=abc%2Fdef");
  rangeup::request_view r = conformance::put_range(url, 1000, 300999, data.size());
  r.headers[0] = {"Content-Type", "application/octet-stream"};
  r.headers[1] = {"Content-Range", "bytes 1000-300999/1000000"};
  r.header_count = 2;
  auto res = t.perform(r, source);
  REQUIRE(res);
  CHECK(res->status == 202);
  CHECK(res->content_type == "application/json");
  CHECK(res->body == R"({"nextExpectedRanges":["301000-"]})");
  CHECK_FALSE(res->body_truncated);

  const auto log = server.requests();
  REQUIRE(log.size() == 1);
  CHECK(log[0].method == "PUT");
  CHECK(log[0].target == "/up/session?authtoken=abc%2Fdef");  // never rewritten
  CHECK(log[0].get("host") == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(log[0].get("content-length") == "300000");
  CHECK(log[0].get("content-range") == "bytes 1000-300999/1000000");
  CHECK(log[0].get("content-type") == "application/octet-stream");
  CHECK_FALSE(log[0].has("authorization"));
  CHECK_FALSE(log[0].has("expect"));
  CHECK_FALSE(log[0].has("transfer-encoding"));
  CHECK(log[0].body == data.substr(1000, 300000));
}

TEST_CASE_TEMPLATE_DEFINE("conformance: Authorization goes exactly with bearer_token, on any method", T,
                          rangeup_conformance_bearer) {
  using namespace rangeup_test;
  using rangeup::http_method;
  loopback_server server([](const request& r) { return respond(r.method == "POST" ? 201 : 200, "{}"); });
  REQUIRE(server.started());
  auto t = T::make(conformance_options{});
  const std::string graph = server.url("/v1.0/me/messages/m/attachments/createUploadSession");
  const std::string upload = server.url("/upload/s?tempauthtoken=t");
  const std::string json = R"({"AttachmentItem":{"attachmentType":"file","name":"a","size":5}})";
  const std::string data = test_bytes(100);
  recording_source source(data);

  rangeup::request_view create;
  create.method = http_method::post;
  create.url = graph;
  create.headers[0] = {"Content-Type", "application/json"};
  create.header_count = 1;
  create.bearer_token = "secret-token";
  create.body = rangeup::body_kind::text;
  create.text = json;
  REQUIRE(t.perform(create));

  rangeup::request_view commit;  // deferCommit: POST uploadUrl, no body
  commit.method = http_method::post;
  commit.url = upload;
  REQUIRE(t.perform(commit));
  REQUIRE(t.perform(conformance::get(upload)));
  REQUIRE(t.perform(conformance::put_range(upload, 0, 99, 100), source));
  rangeup::request_view del = conformance::get(upload);
  del.method = http_method::delete_;
  REQUIRE(t.perform(del));
  rangeup::request_view todo = conformance::put_range(graph, 0, 99, 100);  // To Do: the uploadUrl wants the token
  todo.bearer_token = "other.token";
  REQUIRE(t.perform(todo, source));

  const auto log = server.requests();
  REQUIRE(log.size() == 6);
  CHECK(log[0].method == "POST");
  CHECK(log[0].get("authorization") == "Bearer secret-token");
  CHECK(log[0].get("content-type") == "application/json");
  CHECK(log[0].get("content-length") == std::to_string(json.size()));
  CHECK(log[0].body == json);
  CHECK(log[1].method == "POST");
  CHECK(log[1].get("content-length") == "0");  // a POST without body still says so
  CHECK(log[1].get("content-type").empty());
  CHECK(log[2].method == "GET");
  CHECK(log[3].method == "PUT");
  CHECK(log[4].method == "DELETE");
  for (std::size_t i = 1; i < 5; ++i) {
    INFO(log[i].method);
    CHECK_FALSE(log[i].has("authorization"));
  }
  CHECK(log[5].get("authorization") == "Bearer other.token");
  CHECK(log[5].body == data);
  for (const auto& r : log) CHECK_FALSE(r.has("expect"));
}

TEST_CASE_TEMPLATE_DEFINE("conformance: Location, Retry-After and Content-Type come back, and only for their response",
                          T, rangeup_conformance_response_headers) {
  using namespace rangeup_test;
  static const char* const location =
      "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('AAMk=')";
  loopback_server server([](const request& r) {
    if (r.target == "/final") return respond(201, "", {{"Location", location}});
    if (r.target == "/throttled")
      return respond(429, "{}", {{"retry-after", "7"}, {"CONTENT-TYPE", "application/json; charset=utf-8"}});
    return respond(204);
  });
  REQUIRE(server.started());
  auto t = T::make(conformance_options{});
  const std::string final_url = server.url("/final"), throttled_url = server.url("/throttled");
  const std::string plain = server.url("/x");

  auto final = t.perform(conformance::get(final_url));
  REQUIRE(final);
  CHECK(final->status == 201);
  CHECK(final->location == location);
  CHECK(final->retry_after.empty());
  auto throttled = t.perform(conformance::get(throttled_url));
  REQUIRE(throttled);
  CHECK(throttled->status == 429);
  CHECK(throttled->retry_after == "7");
  CHECK(throttled->content_type == "application/json; charset=utf-8");
  CHECK(throttled->location.empty());
  auto after = t.perform(conformance::get(plain));
  REQUIRE(after);
  CHECK(after->status == 204);
  CHECK(after->location.empty());
  CHECK(after->retry_after.empty());
  CHECK(after->content_type.empty());
  CHECK(after->body.empty());
}

TEST_CASE_TEMPLATE_DEFINE("conformance: response bodies are capped and drained; oversized responses are refused", T,
                          rangeup_conformance_body_cap) {
  using namespace rangeup_test;
  const std::string big(200000, 'b');
  loopback_server server([&big](const request& r) {
    if (r.target == "/big") return respond(200, big);
    if (r.target == "/chunked") {
      reply c;
      c.raw = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
      return c;
    }
    if (r.target == "/huge-body") return respond(200, std::string(3u << 20, 'h'));
    if (r.target == "/huge-header") return respond(200, "", {{"X-Pad", std::string(1u << 20, 'p')}});
    return respond(204);
  });
  REQUIRE(server.started());
  conformance_options o;
  o.max_response_body = 1000;
  auto t = T::make(o);
  const std::string big_url = server.url("/big"), chunked_url = server.url("/chunked");
  const std::string huge_body = server.url("/huge-body"), huge_header = server.url("/huge-header");
  const std::string ok_url = server.url("/ok");

  auto capped = t.perform(conformance::get(big_url));
  REQUIRE(capped);
  CHECK(capped->status == 200);
  CHECK(capped->body.size() == 1000);
  CHECK(capped->body_truncated);
  CHECK(capped->body == std::string_view(big).substr(0, 1000));
  auto chunked = t.perform(conformance::get(chunked_url));
  REQUIRE(chunked);
  CHECK(chunked->body == "hello world");
  CHECK_FALSE(chunked->body_truncated);
  CHECK(server.connections() == 1);  // a drained body keeps the connection usable
  conformance::check_connections(t, 1);

  CHECK(t.perform(conformance::get(huge_body)).error() == rangeup::errc::response_too_large);
  CHECK(t.perform(conformance::get(huge_header)).error() == rangeup::errc::response_too_large);
  auto after = t.perform(conformance::get(ok_url));
  REQUIRE(after);
  CHECK(after->status == 204);
}

TEST_CASE_TEMPLATE_DEFINE("conformance: redirects are refused, never followed", T, rangeup_conformance_redirects) {
  using namespace rangeup_test;
  loopback_server elsewhere;
  REQUIRE(elsewhere.started());
  const std::string target = elsewhere.url("/steal?authtoken=x");
  loopback_server server([&target](const request& r) {
    return respond(std::stoi(r.target.substr(1, 3)), "", {{"Location", target}});
  });
  REQUIRE(server.started());
  auto t = T::make(conformance_options{});
  const std::string data = test_bytes(1000);
  recording_source source(data);
  int sent = 0;
  for (const char* status : {"301", "302", "303", "307", "308"}) {
    INFO(status);
    const std::string url = server.url("/" + std::string(status));
    CHECK(t.perform(conformance::get(url)).error() == rangeup::errc::redirect_refused);
    rangeup::request_view put = conformance::put_range(url, 0, 999, 1000);
    put.bearer_token = "secret";
    CHECK(t.perform(put, source).error() == rangeup::errc::redirect_refused);
    sent += 2;
  }
  CHECK(server.requests().size() == static_cast<std::size_t>(sent));
  CHECK(elsewhere.connections() == 0);
}

TEST_CASE_TEMPLATE_DEFINE("conformance: URL policy — https, or http to a loopback host when allowed; checked first",
                          T, rangeup_conformance_url_policy) {
  using namespace rangeup_test;
  using rangeup::errc;
  loopback_server server;
  REQUIRE(server.started());
  conformance_options strict_options;
  strict_options.allow_http = false;
  auto strict = T::make(strict_options);
  const std::string local = server.url("/s");
  CHECK(strict.perform(conformance::get(local)).error() == errc::insecure_url);

  auto t = T::make(conformance_options{});
  for (const char* url : {"http://example.com/x", "http://10.0.0.1/x", "http://127.0.0.1.example.com/x",
                          "http://192.168.1.1:8080/up?x=1"}) {
    INFO(url);
    CHECK(t.perform(conformance::get(url)).error() == errc::insecure_url);
  }
  for (const char* url : {"ftp://127.0.0.1/x", "file:///etc/passwd", "not a url", "", "http://user@127.0.0.1/x",
                          "https://user:pw@example.com/x", "https://example.com:99999/x"}) {
    INFO(url);
    CHECK(t.perform(conformance::get(url)).error() == errc::invalid_url);
  }
  CHECK(server.connections() == 0);
  conformance::check_connections(t, 0);
}

TEST_CASE_TEMPLATE_DEFINE("conformance: CR/LF, transport-owned headers and a GET with a body are refused unsent", T,
                          rangeup_conformance_header_injection) {
  using namespace rangeup_test;
  loopback_server server;
  REQUIRE(server.started());
  auto t = T::make(conformance_options{});
  const std::string url = server.url("/s");
  const auto refused = [&](const rangeup::request_view& r) {
    CHECK(t.perform(r).error() == rangeup::errc::invalid_argument);
  };
  for (const char* name : {"Authorization", "authorization", "Content-Length", "Host", "Transfer-Encoding"}) {
    INFO(name);
    rangeup::request_view r = conformance::get(url);
    r.headers[0] = {name, "x"};
    r.header_count = 1;
    refused(r);
  }
  const std::pair<const char*, const char*> broken[] = {
      {"X-A", "b\r\nAuthorization: Bearer x"}, {"X-A", "b\nX-B: c"}, {"X-A", "b\rc"}, {"X-A\r\nX-B", "c"}};
  for (const auto& h : broken) {
    INFO(h.first << ": " << h.second);
    rangeup::request_view r = conformance::get(url);
    r.headers[0] = {h.first, h.second};
    r.header_count = 1;
    refused(r);
  }
  rangeup::request_view token = conformance::get(url);
  token.bearer_token = "tok\r\nX-Evil: 1";
  refused(token);
  rangeup::request_view body_get = conformance::get(url);
  body_get.body = rangeup::body_kind::text;
  body_get.text = "x";
  refused(body_get);
  CHECK(server.requests().empty());  // none of them reached the wire
}

TEST_CASE_TEMPLATE_DEFINE("conformance: keep-alive — one connection for many requests, a new one only when needed", T,
                          rangeup_conformance_keep_alive) {
  using namespace rangeup_test;
  loopback_server server([](const request& r) {
    reply out = respond(200);
    if (r.target == "/close") {
      out.headers = {{"Connection", "close"}};
      out.close = true;
    }
    if (r.target == "/silent-close") out.close = true;  // keep-alive promised, then closed while idle
    return out;
  });
  REQUIRE(server.started());
  auto t = T::make(conformance_options{});
  const std::string data = test_bytes(327680 * 3 + 1, 9);
  recording_source source(data);
  const std::string upload = server.url("/upload/s");
  for (std::uint64_t first = 0; first < data.size(); first += 327680) {
    const std::uint64_t last = std::min<std::uint64_t>(first + 327680, data.size()) - 1;
    REQUIRE(t.perform(conformance::put_range(upload, first, last, data.size()), source));
  }
  auto log = server.requests();
  REQUIRE(log.size() == 4);
  CHECK(log[3].body == data.substr(983040));  // the 1-byte tail
  CHECK(server.connections() == 1);
  conformance::check_connections(t, 1);

  const std::string close = server.url("/close"), silent = server.url("/silent-close"), a = server.url("/a");
  REQUIRE(t.perform(conformance::get(close)));
  REQUIRE(t.perform(conformance::get(a)));
  CHECK(server.connections() == 2);
  REQUIRE(t.perform(conformance::get(silent)));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the FIN arrive
  REQUIRE(t.perform(conformance::get(a)));  // the stale connection was noticed before sending
  CHECK(server.connections() == 3);
  const std::string other_host = server.url("/a", "localhost");
  REQUIRE(t.perform(conformance::get(other_host)));
  CHECK(server.connections() == 4);  // another host: another connection
  CHECK(server.requests().back().get("host") == "localhost:" + std::to_string(server.port()));
  conformance::check_connections(t, 4);
  CHECK(server.requests().size() == 9);
}

TEST_CASE_TEMPLATE_DEFINE("conformance: refused, dropped, cut-off and silent servers give typed errors in time", T,
                          rangeup_conformance_network_errors) {
  using namespace rangeup_test;
  using rangeup::errc;
  int closed_port = 0;
  {
    loopback_server gone;
    REQUIRE(gone.started());
    closed_port = gone.port();
  }
  auto t = T::make(conformance_options{});
  const std::string refused = "http://127.0.0.1:" + std::to_string(closed_port) + "/";
  CHECK(t.perform(conformance::get(refused)).error() == errc::connection_failed);

  loopback_server server([](const request& q) {
    reply out = respond(200);
    if (q.target == "/drop") out.drop = true;
    if (q.target == "/slow") out.delay = std::chrono::milliseconds(1500);
    if (q.target == "/half") {
      out.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part";
      out.close = true;
    }
    return out;
  });
  REQUIRE(server.started());
  const std::string drop = server.url("/drop"), half = server.url("/half"), slow = server.url("/slow");
  const std::string ok = server.url("/ok");
  CHECK(t.perform(conformance::get(drop)).error() == errc::connection_dropped);
  CHECK(t.perform(conformance::get(half)).error() == errc::connection_dropped);

  conformance_options quick;
  quick.timeout = std::chrono::milliseconds(300);
  auto impatient = T::make(quick);
  const auto start = std::chrono::steady_clock::now();
  CHECK(impatient.perform(conformance::get(slow)).error() == errc::timeout);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1400));
  CHECK(t.perform(conformance::get(ok)));  // the transports stay usable
  CHECK(impatient.perform(conformance::get(ok)));
}

TEST_CASE_TEMPLATE_DEFINE("conformance: a server that stops reading the body: errc::timeout in time, http and https",
                          T, rangeup_conformance_stalled_body) {
  using namespace rangeup_test;
  // 32 MiB: far more than the socket buffers hold, so the write itself stalls.
  const std::string data = test_bytes(32u << 20);
  const auto stalled_upload = [&](const server_options& so, const conformance_options& co) {
    server_options stalling = so;
    stalling.stall_before_body = [](const request& r) { return r.method == "PUT"; };
    stalling.hold_limit = std::chrono::milliseconds(5000);
    loopback_server server({}, stalling);
    REQUIRE(server.started());
    auto t = T::make(co);
    recording_source source(data);
    const std::string url = server.url("/u", so.tls_cert.empty() ? "" : "localhost");
    const auto start = std::chrono::steady_clock::now();
    CHECK(t.perform(conformance::put_range(url, 0, data.size() - 1, data.size()), source).error() ==
          rangeup::errc::timeout);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took >= std::chrono::milliseconds(300));  // no progress for the timeout, not before
    CHECK(took < std::chrono::milliseconds(3000));
  };
  conformance_options quick;
  quick.timeout = std::chrono::milliseconds(400);
  stalled_upload(server_options{}, quick);
  if constexpr (conformance::speaks_https<T>::value) {
    if (loopback_server::https_supported()) {
      const std::string cert = make_certificate("localhost", "IP:127.0.0.1,DNS:localhost");
      REQUIRE_FALSE(cert.empty());
      server_options so;
      so.tls_cert = cert + "/cert.pem";
      so.tls_key = cert + "/key.pem";
      quick.ca_file = cert + "/cert.pem";
      stalled_upload(so, quick);
      remove_directory(cert);
    }
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: an answer lost on a reused connection is reported, never resent", T,
                          rangeup_conformance_lost_answer) {
  using namespace rangeup_test;
  int n = 0;
  loopback_server server([&n](const request&) {
    reply out = respond(200);
    out.drop = ++n == 2;  // the 2nd request lands, its answer is lost
    return out;
  });
  REQUIRE(server.started());
  const std::string data = test_bytes(300000);
  recording_source source(data);
  auto t = T::make(conformance_options{});
  const std::string url = server.url("/upload/s");
  REQUIRE(t.perform(conformance::put_range(url, 0, 99999, 300000), source));
  const auto second = conformance::put_range(url, 100000, 199999, 300000);
  CHECK(t.perform(second, source).error() == rangeup::errc::connection_dropped);
  // Not resent: no second head arrived, on this connection or another (a
  // client may open one to retry, but must not send the range again).
  CHECK(server.requests().size() == 2);
}

TEST_CASE_TEMPLATE_DEFINE("conformance: a failing source aborts the request with the source's error", T,
                          rangeup_conformance_source_failure) {
  using namespace rangeup_test;
  using rangeup::errc;
  loopback_server server;
  REQUIRE(server.started());
  const std::string data = test_bytes(500000);
  recording_source source(data);
  auto t = T::make(conformance_options{});
  const std::string url = server.url("/u");
  const auto whole = conformance::put_range(url, 0, 499999, data.size());

  source.fail = true;  // at once
  CHECK(t.perform(whole, source).error() == errc::source_read_failed);
  source.fail = false;
  source.fail_from = 200000;  // mid-body
  CHECK(t.perform(whole, source).error() == errc::source_read_failed);
  source.fail_from = UINT64_MAX;
  source.shrink_to = 300000;  // the file shrank under us
  CHECK(t.perform(whole, source).error() == errc::source_changed);
  source.shrink_to = UINT64_MAX;
  const auto beyond = conformance::put_range(url, 0, 500000, data.size() + 1);  // past the source's end
  CHECK(t.perform(beyond, source).error() == errc::invalid_argument);
  // The half-sent requests were abandoned, never completed: the next one works.
  REQUIRE(t.perform(conformance::put_range(url, 0, 99, data.size()), source));
  // Only that one arrived whole: the abandoned bodies were cut off, never
  // padded out to their Content-Length.
  const auto done = conformance::completed(server);
  REQUIRE(done.size() == 1);
  CHECK(done[0].body == data.substr(0, 100));
}

TEST_CASE_TEMPLATE_DEFINE("conformance: a small file's JSON attachment — text, base64 streamed from the source, text",
                          T, rangeup_conformance_base64_json) {
  using namespace rangeup_test;
  loopback_server server([](const request&) {
    return respond(201, R"({"id":"A1"})", {{"Content-Type", "application/json"}});
  });
  REQUIRE(server.started());
  // Not a multiple of 3, and larger than any send buffer: the encoding is cut at piece edges.
  const std::string data = test_bytes(700001, 5);
  recording_source source(data);
  auto t = T::make(conformance_options{});
  rangeup::request_view r;
  r.method = rangeup::http_method::post;
  const std::string url = server.url("/v1.0/me/messages/M/attachments");
  r.url = url;
  r.headers[0] = {"Content-Type", "application/json"};
  r.header_count = 1;
  r.bearer_token = "tok";
  r.body = rangeup::body_kind::base64_json;
  r.text = R"({"name":"a.bin","contentBytes":")";
  r.suffix = R"("})";
  r.range = {0, data.size() - 1, data.size()};
  auto res = t.perform(r, source);
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(res->body == R"({"id":"A1"})");
  std::string encoded(rangeup::base64_length(data.size()), '\0');
  encoded.resize(rangeup::encode_base64(reinterpret_cast<const unsigned char*>(data.data()), data.size(), &encoded[0]));
  const auto log = server.requests();
  REQUIRE(log.size() == 1);
  CHECK(log[0].get("authorization") == "Bearer tok");
  CHECK(log[0].get("content-length") == std::to_string(r.content_length()));
  CHECK(log[0].body == std::string(r.text) + encoded + std::string(r.suffix));
}

TEST_CASE_TEMPLATE_DEFINE("conformance: a 128 MiB range streams through without being held in memory", T,
                          rangeup_conformance_streaming) {
  using namespace rangeup_test;
  server_options so;
  so.keep_body = 4096;
  loopback_server server({}, so);
  REQUIRE(server.started());
  constexpr std::uint64_t size = 128ull << 20;
  recording_source source(size);
  auto t = T::make(conformance_options{});
  const std::string url = server.url("/upload/big");
  const bool peak_reset = conformance::reset_peak_rss();
  const long before = conformance::read_status_kib("VmRSS");
  REQUIRE(t.perform(conformance::put_range(url, 0, size - 1, size), source));
  const long peak = conformance::read_status_kib("VmHWM");
  const auto log = server.requests();
  REQUIRE(log.size() == 1);
  CHECK(log[0].body_size == size);
  CHECK(log[0].body_sum == generated_sum(size));
  CHECK_FALSE(log[0].has("expect"));  // large bodies are where a client would wait for 100-continue
  if (peak_reset && before > 0 && peak > 0) {
    INFO("RSS before " << before << " KiB, peak " << peak << " KiB");
    CHECK(peak - before < 16 * 1024);
  } else {
    MESSAGE("peak RSS not measurable here; memory bound not checked");
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: the send-progress hook sees the bytes go and can abort the request", T,
                          rangeup_conformance_send_progress) {
  using namespace rangeup_test;
  using transport = decltype(T::make(conformance_options{}));
  if constexpr (!conformance::has_send_progress<transport>::value) {
    MESSAGE("this transport has no set_send_progress");
  } else {
    loopback_server server;
    REQUIRE(server.started());
    constexpr std::uint64_t size = 8u << 20;
    recording_source source(size);
    auto t = T::make(conformance_options{});
    struct state {
      std::uint64_t last = 0;
      int calls = 0;
      bool abort = false;
    } st;
    t.set_send_progress(
        [](void* ctx, std::uint64_t sent, std::uint64_t) noexcept {
          auto& s = *static_cast<state*>(ctx);
          ++s.calls;
          s.last = sent;
          return !(s.abort && sent > 0);
        },
        &st);
    const std::string url = server.url("/upload/s");
    REQUIRE(t.perform(conformance::put_range(url, 0, size - 1, size), source));
    CHECK(st.last == size);
    CHECK(st.calls > 1);
    st.abort = true;
    const auto again = conformance::put_range(url, 0, size - 1, size);
    CHECK(t.perform(again, source).error() == rangeup::errc::cancelled);
    t.set_send_progress(nullptr, nullptr);
    REQUIRE(t.perform(conformance::put_range(url, 0, 99, size), source));  // still usable
    const auto done = conformance::completed(server);
    REQUIRE(done.size() == 2);  // the aborted one never arrived whole
    CHECK(done[1].body_size == 100);
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: https — the name and chain are verified, SNI sent for names only", T,
                          rangeup_conformance_https) {
  using namespace rangeup_test;
  using rangeup::errc;
  if constexpr (!conformance::speaks_https<T>::value) {
    MESSAGE("this transport does not speak https");
  } else if (!loopback_server::https_supported()) {
    MESSAGE("the test server was built without OpenSSL");
  } else {
    const std::string good = make_certificate("localhost", "IP:127.0.0.1,DNS:localhost");
    const std::string wrong = make_certificate("wrong.example", "DNS:wrong.example");
    REQUIRE_FALSE(good.empty());
    REQUIRE_FALSE(wrong.empty());
    {
      server_options so;
      so.tls_cert = good + "/cert.pem";
      so.tls_key = good + "/key.pem";
      loopback_server server([](const request&) { return respond(200, "{}"); }, so);
      REQUIRE(server.started());
      conformance_options trusting;
      trusting.ca_file = good + "/cert.pem";
      auto t = T::make(trusting);
      const std::string data = test_bytes(300000);
      recording_source source(data);
      const std::string by_name = server.url("/tls", "localhost"), by_ip = server.url("/ip");
      REQUIRE(t.perform(conformance::put_range(by_name, 0, 299999, data.size()), source));
      CHECK(server.requests().back().body == data);
      CHECK(server.requests().back().sni == "localhost");
      REQUIRE(t.perform(conformance::get(by_ip)));  // the IP is in the certificate too
      CHECK(server.requests().back().sni.empty());  // no SNI for an address

      auto untrusting = T::make(conformance_options{});  // the system's trust store only
      CHECK(untrusting.perform(conformance::get(by_name)).error() == errc::tls_error);
      conformance_options missing = trusting;
      missing.ca_file = good + "/missing.pem";
      auto broken = T::make(missing);
      CHECK(broken.perform(conformance::get(by_name)).error() == errc::tls_error);
      CHECK(server.requests().size() == 2);
    }
    {
      server_options so;
      so.tls_cert = wrong + "/cert.pem";
      so.tls_key = wrong + "/key.pem";
      loopback_server server({}, so);
      REQUIRE(server.started());
      conformance_options trusting;
      trusting.ca_file = wrong + "/cert.pem";  // the chain is trusted, the name is not ours
      auto t = T::make(trusting);
      const std::string by_name = server.url("/x", "localhost"), by_ip = server.url("/x");
      for (const std::string& url : {by_name, by_ip}) {
        INFO(url);
        CHECK(t.perform(conformance::get(url)).error() == errc::tls_error);
      }
      CHECK(server.requests().empty());
    }
    remove_directory(good);
    remove_directory(wrong);
  }
}

// Runs every case above for the traits struct `Traits` (at global scope).
#define RANGEUP_TRANSPORT_CONFORMANCE(Traits)                                 \
  TYPE_TO_STRING_AS(Traits::name, Traits);                                    \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_source_range, Traits);        \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_bearer, Traits);              \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_response_headers, Traits);    \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_body_cap, Traits);            \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_redirects, Traits);           \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_url_policy, Traits);          \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_header_injection, Traits);    \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_keep_alive, Traits);          \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_network_errors, Traits);      \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_lost_answer, Traits);         \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_stalled_body, Traits);        \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_source_failure, Traits);      \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_base64_json, Traits);         \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_streaming, Traits);           \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_send_progress, Traits);       \
  TEST_CASE_TEMPLATE_INVOKE(rangeup_conformance_https, Traits)
