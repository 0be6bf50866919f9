// rangeup::curl::transport against a scripted local server: what goes on the
// wire (methods, headers, exact bodies), keep-alive, header capture, body cap,
// URL policy, redirects, error mapping, streaming without buffering, redaction.

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through it
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "curl/mini_server.hpp"
#include "rangeup/curl/transport.hpp"
#include "rangeup/io/file_source.hpp"

using rangeup::body_kind;
using rangeup::errc;
using rangeup::http_method;
using rangeup::request_view;
using rangeup_test::mini_server;
using rangeup_test::scripted_reply;
using rangeup_test::seen_request;

namespace {

rangeup::curl::transport_options loopback_options() {
  rangeup::curl::transport_options o;
  o.allow_http = true;
  o.connect_timeout_ms = 2000;
  o.request_timeout_ms = 10000;
  return o;
}

request_view put_range(const std::string& url, std::uint64_t first, std::uint64_t last, std::uint64_t total,
                       const char* content_range) {
  request_view r;
  r.method = http_method::put;
  r.url = url;
  r.headers[0] = {"Content-Type", "application/octet-stream"};
  r.headers[1] = {"Content-Range", content_range};
  r.header_count = 2;
  r.body = body_kind::source_range;
  r.range = {first, last, total};
  return r;
}

std::uint64_t byte_sum(const std::vector<unsigned char>& data, std::size_t first, std::size_t last) {
  std::uint64_t s = 0;
  for (std::size_t i = first; i <= last; ++i) s += data[i];
  return s;
}

std::vector<unsigned char> pattern(std::size_t n) {
  std::vector<unsigned char> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<unsigned char>((i * 31 + i / 251) & 0xff);
  return v;
}

// Produces bytes on demand: a large upload that never exists in memory.
struct generated_source {
  std::uint64_t n;
  std::uint64_t size() const { return n; }
  rangeup::result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t k) {
    if (offset + k > n) k = static_cast<std::size_t>(n - offset);
    for (std::size_t i = 0; i < k; ++i) out[i] = static_cast<char>((offset + i) & 0x7f);
    return k;
  }
};

struct failing_source {
  std::uint64_t size() const { return 1000; }
  rangeup::result<std::size_t> read_at(std::uint64_t, char*, std::size_t) { return errc::source_read_failed; }
};

long max_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

}  // namespace

TEST_CASE("PUT streams the exact range with the exact headers and no Expect/Authorization") {
  mini_server server([](const seen_request&) {
    scripted_reply r;
    r.status = 202;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = R"({"nextExpectedRanges":["100-"]})";
    return r;
  });
  const auto data = pattern(1000);
  rangeup::memory_source source(data.data(), data.size());
  rangeup::curl::transport t(loopback_options());
  REQUIRE(t.valid());
  const std::string url = server.base() + "/upload/s1?authtoken=abc";
  auto res = t.perform(put_range(url, 0, 99, 1000, "bytes 0-99/1000"), source);
  REQUIRE(res);
  CHECK(res->status == 202);
  CHECK(res->content_type == "application/json");
  CHECK(res->body == R"({"nextExpectedRanges":["100-"]})");
  CHECK_FALSE(res->body_truncated);
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "PUT");
  CHECK(seen[0].target == "/upload/s1?authtoken=abc");
  CHECK(seen[0].get("content-length") == "100");
  CHECK(seen[0].get("content-range") == "bytes 0-99/1000");
  CHECK(seen[0].get("content-type") == "application/octet-stream");
  CHECK_FALSE(seen[0].has("expect"));
  CHECK_FALSE(seen[0].has("authorization"));
  CHECK_FALSE(seen[0].has("transfer-encoding"));
  CHECK(seen[0].body_size == 100);
  CHECK(seen[0].body_sum == byte_sum(data, 0, 99));
}

TEST_CASE("consecutive ranges reuse one keep-alive connection, including the 1-byte tail") {
  mini_server server([](const seen_request&) { return scripted_reply{}; });
  const auto data = pattern(327680 * 3 + 1);
  rangeup::memory_source source(data.data(), data.size());
  rangeup::curl::transport t(loopback_options());
  const std::string url = server.base() + "/upload/s";
  const std::uint64_t total = data.size();
  for (std::uint64_t first = 0; first < total; first += 327680) {
    const std::uint64_t last = std::min<std::uint64_t>(first + 327680, total) - 1;
    char cr[rangeup::content_range_capacity];
    const auto n = rangeup::format_content_range({first, last, total}, cr, sizeof cr);
    REQUIRE(n);
    cr[*n] = '\0';
    auto res = t.perform(put_range(url, first, last, total, cr), source);
    REQUIRE(res);
  }
  auto seen = server.requests();
  REQUIRE(seen.size() == 4);
  CHECK(seen[3].body_size == 1);
  CHECK(seen[3].body_sum == data.back());
  CHECK(seen[3].get("content-range") == "bytes 983040-983040/983041");
  CHECK(server.connections() == 1);
  CHECK(t.connections_opened() == 1);
}

TEST_CASE("POST create sends the bearer token and the JSON body; other requests never carry Authorization") {
  mini_server server([](const seen_request& r) {
    scripted_reply rep;
    rep.status = r.method == "POST" ? 201 : 204;
    if (r.method == "POST") rep.headers = {{"Location", "https://x/Attachments('AAA=')"}, {"Retry-After", "7"}};
    return rep;
  });
  rangeup::curl::transport t(loopback_options());
  const std::string base = server.base();
  const std::string json = R"({"AttachmentItem":{"attachmentType":"file","name":"a","size":5}})";
  request_view create;
  create.method = http_method::post;
  const std::string create_url = base + "/v1.0/me/messages/m/attachments/createUploadSession";
  create.url = create_url;
  create.headers[0] = {"Content-Type", "application/json"};
  create.header_count = 1;
  create.bearer_token = "secret-token";
  create.body = body_kind::text;
  create.text = json;
  auto r1 = t.perform(create);
  REQUIRE(r1);
  CHECK(r1->status == 201);
  CHECK(r1->location == "https://x/Attachments('AAA=')");
  CHECK(r1->retry_after == "7");

  request_view commit;  // deferCommit: POST uploadUrl with Content-Length: 0
  commit.method = http_method::post;
  const std::string upload_url = base + "/upload/s?tempauthtoken=t";
  commit.url = upload_url;
  REQUIRE(t.perform(commit));
  request_view get;
  get.url = upload_url;
  auto r3 = t.perform(get);
  REQUIRE(r3);
  CHECK(r3->location.empty());  // headers of the previous response do not leak into this one
  request_view del;
  del.method = http_method::delete_;
  del.url = upload_url;
  REQUIRE(t.perform(del));

  auto seen = server.requests();
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].get("authorization") == "Bearer secret-token");
  CHECK(seen[0].get("content-type") == "application/json");
  CHECK(seen[0].body_size == json.size());
  CHECK(seen[0].body_head == json);
  CHECK(seen[1].method == "POST");
  CHECK(seen[1].get("content-length") == "0");
  CHECK_FALSE(seen[1].has("content-type"));
  CHECK(seen[2].method == "GET");
  CHECK(seen[3].method == "DELETE");
  for (std::size_t i = 1; i < seen.size(); ++i) {
    CHECK_FALSE(seen[i].has("authorization"));
    CHECK_FALSE(seen[i].has("expect"));
  }
}

TEST_CASE("response bodies are capped and flagged; the connection stays usable") {
  mini_server server([](const seen_request&) {
    scripted_reply r;
    r.body = std::string(5000, 'x');
    return r;
  });
  auto o = loopback_options();
  o.max_response_body = 100;
  rangeup::curl::transport t(o);
  request_view get;
  const std::string url = server.base() + "/s";
  get.url = url;
  auto r = t.perform(get);
  REQUIRE(r);
  CHECK(r->body.size() == 100);
  CHECK(r->body_truncated);
  REQUIRE(t.perform(get));
  CHECK(server.connections() == 1);
}

TEST_CASE("redirects are refused, not followed") {
  mini_server server([](const seen_request&) {
    scripted_reply r;
    r.status = 307;
    r.headers = {{"Location", "http://127.0.0.1:1/elsewhere"}};
    return r;
  });
  rangeup::curl::transport t(loopback_options());
  request_view get;
  const std::string url = server.base() + "/s";
  get.url = url;
  auto r = t.perform(get);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::redirect_refused);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("URL policy: https required; http only to loopback when allowed; checked before connecting") {
  mini_server server([](const seen_request&) { return scripted_reply{}; });
  rangeup::curl::transport strict;  // allow_http = false
  request_view get;
  const std::string local = server.base() + "/s";
  get.url = local;
  auto r = strict.perform(get);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::insecure_url);
  CHECK(server.connections() == 0);

  rangeup::curl::transport lax(loopback_options());
  for (const char* url : {"http://example.com/x", "http://10.0.0.1/x", "http://127.0.0.1.example.com/x"}) {
    get.url = url;
    auto e = lax.perform(get);
    REQUIRE_FALSE(e);
    CHECK(e.error() == errc::insecure_url);
  }
  for (const char* url : {"ftp://127.0.0.1/x", "file:///etc/passwd", "not a url", "http://user@127.0.0.1/x"}) {
    get.url = url;
    auto e = lax.perform(get);
    REQUIRE_FALSE(e);
    CHECK(e.error() == errc::invalid_url);
  }
  CHECK(rangeup::curl::is_loopback_host("127.0.0.1"));
  CHECK(rangeup::curl::is_loopback_host("127.255.0.9"));
  CHECK(rangeup::curl::is_loopback_host("[::1]"));
  CHECK(rangeup::curl::is_loopback_host("LOCALHOST"));
  CHECK_FALSE(rangeup::curl::is_loopback_host("128.0.0.1"));
  CHECK_FALSE(rangeup::curl::is_loopback_host("[::2]"));
  CHECK_FALSE(rangeup::curl::is_loopback_host("localhost.evil"));
}

TEST_CASE("header injection and transport-owned headers are refused") {
  rangeup::curl::transport t(loopback_options());
  request_view get;
  get.url = "http://127.0.0.1:1/s";
  get.headers[0] = {"X-A", "b\r\nAuthorization: Bearer x"};
  get.header_count = 1;
  auto r = t.perform(get);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
  get.headers[0] = {"Authorization", "Bearer x"};
  r = t.perform(get);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::invalid_argument);
}

TEST_CASE("network failures map to rangeup errors") {
  rangeup::curl::transport t(loopback_options());
  request_view get;
  SUBCASE("refused connection") {
    int port;
    {
      mini_server gone([](const seen_request&) { return scripted_reply{}; });
      port = gone.port();
    }
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/s";
    get.url = url;
    auto r = t.perform(get);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::connection_failed);
  }
  SUBCASE("server closes without answering") {
    mini_server server([](const seen_request&) {
      scripted_reply r;
      r.no_response = true;
      return r;
    });
    const std::string url = server.base() + "/s";
    get.url = url;
    auto r = t.perform(get);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::connection_dropped);
  }
  SUBCASE("request timeout") {
    mini_server server([](const seen_request&) {
      scripted_reply r;
      r.delay_ms = 1500;
      return r;
    });
    auto o = loopback_options();
    o.request_timeout_ms = 300;
    rangeup::curl::transport quick(o);
    const std::string url = server.base() + "/s";
    get.url = url;
    auto r = quick.perform(get);
    REQUIRE_FALSE(r);
    CHECK(r.error() == errc::timeout);
  }
}

TEST_CASE("source failures abort the request with the source's error") {
  mini_server server([](const seen_request&) { return scripted_reply{}; });
  rangeup::curl::transport t(loopback_options());
  const std::string url = server.base() + "/upload/s";
  failing_source bad;
  auto r = t.perform(put_range(url, 0, 999, 1000, "bytes 0-999/1000"), bad);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::source_read_failed);

  // A file truncated after opening: the upload must stop with source_changed.
  char path[] = "/tmp/rangeup-transport-XXXXXX";
  const int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  const std::vector<unsigned char> data = pattern(200000);
  REQUIRE(write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()));
  rangeup::io::file_source file;
  REQUIRE_FALSE(file.open(path));
  REQUIRE(ftruncate(fd, 1000) == 0);
  close(fd);
  auto changed = t.perform(put_range(url, 0, 199999, 200000, "bytes 0-199999/200000"), file);
  unlink(path);
  REQUIRE_FALSE(changed);
  CHECK(changed.error() == errc::source_changed);
}

TEST_CASE("the send-progress hook reports bytes and can abort") {
  mini_server server([](const seen_request&) { return scripted_reply{}; });
  rangeup::curl::transport t(loopback_options());
  generated_source source{8 << 20};
  struct state {
    std::uint64_t last = 0;
    bool abort = false;
  } st;
  t.set_send_progress(
      [](void* ctx, std::uint64_t sent, std::uint64_t) noexcept {
        auto& s = *static_cast<state*>(ctx);
        s.last = sent;
        return !(s.abort && sent > 0);
      },
      &st);
  const std::string url = server.base() + "/upload/s";
  REQUIRE(t.perform(put_range(url, 0, (8 << 20) - 1, 8 << 20, "bytes 0-8388607/8388608"), source));
  CHECK(st.last == (8u << 20));
  st.abort = true;
  auto r = t.perform(put_range(url, 0, (8 << 20) - 1, 8 << 20, "bytes 0-8388607/8388608"), source);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::cancelled);
}

TEST_CASE("a 256 MiB range streams through without being held in memory") {
  mini_server server([](const seen_request&) { return scripted_reply{}; });
  rangeup::curl::transport t(loopback_options());
  constexpr std::uint64_t size = 256ull << 20;
  generated_source source{size};
  const long before = max_rss_kib();
  auto r = t.perform(put_range(server.base() + "/upload/big", 0, size - 1, size, "bytes 0-268435455/268435456"),
                     source);
  REQUIRE(r);
  const auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].body_size == size);
  CHECK_FALSE(seen[0].has("expect"));  // large bodies are where libcurl would add Expect: 100-continue
  std::uint64_t expect = 0;
  for (std::uint64_t i = 0; i < size; ++i) expect += (i & 0x7f);
  CHECK(seen[0].body_sum == expect);
  CHECK(max_rss_kib() - before < 16 * 1024);
}

TEST_CASE("error details never contain a URL query or token") {
  rangeup::curl::transport t(loopback_options());
  request_view get;
  get.url = "http://127.0.0.1:1/upload/s?authtoken=SECRET123&x=1";
  auto r = t.perform(get);
  REQUIRE_FALSE(r);
  const std::string detail(t.last_error_detail());
  CHECK_FALSE(detail.empty());
  CHECK(detail.find("SECRET123") == std::string::npos);

  char out[256];
  rangeup::curl::redact("PUT https://h/u?tempauthtoken=abc.def failed; Bearer eyJ0eXAiOiJKV1Qi x authtoken=zz&y", out, sizeof out);
  const std::string s(out);
  CHECK(s.find("abc.def") == std::string::npos);
  CHECK(s.find("eyJ0eXAiOiJKV1Qi") == std::string::npos);
  CHECK(s.find("zz") == std::string::npos);
  CHECK(s.find("https://h/u?<redacted>") != std::string::npos);
  CHECK(s.find("failed;") != std::string::npos);
  rangeup::curl::redact("set the bearer token", out, sizeof out);
  CHECK(std::string(out) == "set the bearer token");
}

TEST_CASE("a reused connection that closes without an answer is reported, never silently resent") {
  int n = 0;
  mini_server server([&n](const seen_request&) {
    scripted_reply r;
    r.no_response = ++n == 2;  // the 2nd request lands, its answer is lost
    return r;
  });
  const auto data = pattern(300000);
  rangeup::memory_source source(data.data(), data.size());
  rangeup::curl::transport t(loopback_options());
  const std::string url = server.base() + "/upload/s";
  REQUIRE(t.perform(put_range(url, 0, 99999, 300000, "bytes 0-99999/300000"), source));
  auto lost = t.perform(put_range(url, 100000, 199999, 300000, "bytes 100000-199999/300000"), source);
  REQUIRE_FALSE(lost);
  CHECK(lost.error() == errc::connection_dropped);
  CHECK(server.requests().size() == 2);  // libcurl did not resend the range on a new connection
}

TEST_CASE("a small file's JSON attachment: text, base64 streamed from the source, text; the bearer goes with it") {
  mini_server server([](const seen_request&) {
    scripted_reply r;
    r.status = 201;
    r.body = R"({"id":"A1"})";
    return r;
  });
  const auto data = pattern(2999);  // not a multiple of 3: the last group is padded
  rangeup::memory_source source(data.data(), data.size());
  rangeup::curl::transport t(loopback_options());
  request_view r;
  r.method = http_method::post;
  const std::string url = server.base() + "/v1.0/me/messages/M/attachments";
  r.url = url;
  r.headers[0] = {"Content-Type", "application/json"};
  r.header_count = 1;
  r.bearer_token = "tok";
  r.body = body_kind::base64_json;
  r.text = R"({"name":"a.bin","contentBytes":")";
  r.suffix = R"("})";
  r.range = {0, data.size() - 1, data.size()};
  auto res = t.perform(r, source);
  REQUIRE(res);
  CHECK(res->status == 201);
  std::string encoded(rangeup::base64_length(data.size()), '\0');
  encoded.resize(rangeup::encode_base64(data.data(), data.size(), &encoded[0]));
  const std::string expected = std::string(r.text) + encoded + std::string(r.suffix);
  REQUIRE(expected.size() < 4096);  // body_head keeps the first 4 KiB
  auto seen = server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].get("authorization") == "Bearer tok");
  CHECK(seen[0].get("content-length") == std::to_string(expected.size()));
  CHECK(seen[0].body_head == expected);
}
