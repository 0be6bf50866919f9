// Hostile and broken servers against the real libcurl transport + upload_session
// under rangeup::upload: each misbehaviour must end in a typed error, within the
// configured timeouts, with bounded memory, never a success — and the bearer
// token / uploadUrl authtoken must never reach an uploadUrl, a redirect target
// or an error string. The server (the shared loopback_server on 127.0.0.1, or
// 127.0.0.2 for a redirect target) answers createUploadSession honestly, then
// misbehaves on the uploadUrl according to its mode.

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <ostream>  // doctest prints std::error_code through it
#include <cinttypes>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "rangeup/curl/transport.hpp"
#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/io/blocking_upload.hpp"
#include "rangeup/upload_session.hpp"
#include "support/loopback_server.hpp"

using rangeup::errc;

namespace {

constexpr const char* bearer = "hostile-BEARER-s3cr3t";
constexpr const char* authtoken = "AUTHTOKEN-s3cr3t";

enum class mode {
  honest,            // a correct Outlook server (control case)
  oversized_header,  // a 1 MiB header line
  endless_body,      // a body that never ends
  beyond_size,       // nextExpectedRanges past the file size
  backwards,         // the 2nd answer moves the offset back to 100
  never_advance,     // always ["0-"]
  garbage_200,       // 200 with an HTML body
  location_no_id,    // final 201 whose Location has no id
  redirect,          // 307 to 127.0.0.2 with a credential-looking query
  redirect_create,   // 307 on createUploadSession itself
  stall_answer,      // reads the request, never answers
  stall_body,        // reads the head, then stops reading the body
  echo_token,        // create: 400 whose error.message echoes the bearer token and uploadUrl
  echo_upload_url,   // upload PUT: 400 whose error.message echoes the uploadUrl
  record_only,       // the redirect target: answers 500 to anything
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

using rangeup_test::header_list;
using rangeup_test::loopback_server;
using rangeup_test::reply;
using rangeup_test::request;

reply json(int status, std::string body, header_list headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return rangeup_test::respond(status, std::move(body), std::move(headers));
}

reply closing(reply r) {
  r.close = true;
  return r;
}

// A Graph server on the shared loopback server (one per test, on `host`):
// answers createUploadSession honestly, then misbehaves on the uploadUrl as
// its mode says.
class hostile_server {
 public:
  explicit hostile_server(mode m, const char* host = "127.0.0.1")
      : mode_(m), server_([this](const request& r) { return answer(r); }, options(m, host)) {
    REQUIRE(server_.started());
  }

  std::string base() const { return server_.base(); }
  std::string redirect_to;  // for mode::redirect / redirect_create
  std::vector<request> requests() const { return server_.requests(); }
  int connections() const { return server_.connections(); }

 private:
  static rangeup_test::server_options options(mode m, const char* host) {
    rangeup_test::server_options o;
    o.host = host;
    o.keep_body = 0;  // 6 MiB uploads: only sizes and sums are needed
    if (m == mode::stall_body) o.stall_before_body = [](const request& r) { return r.method == "PUT"; };
    return o;
  }

  reply answer(const request& r) {
    if (mode_ == mode::record_only) return closing(json(500, "{}"));
    if (r.method == "POST") {
      if (mode_ == mode::redirect_create) return closing(json(307, "", {{"Location", redirect_to}}));
      if (mode_ == mode::echo_token)
        return json(400, R"({"error":{"code":"invalidRequest","message":"rejected )" + r.get("authorization") +
                             " for " + base() + "/up?authtoken=" + authtoken + R"("}})");
      return json(201, R"({"uploadUrl":")" + base() + "/up/s1?authtoken=" + authtoken +
                           R"(","expirationDateTime":"2099-01-01T00:00:00Z","nextExpectedRanges":["0-"]})");
    }
    if (r.method == "DELETE") return json(204, "");
    if (r.method != "PUT") return json(405, "{}");
    ++puts_;
    // Content-Range: bytes a-b/total
    std::uint64_t first = 0, last = 0, total = 0;
    std::sscanf(r.get("content-range").c_str(), "bytes %" SCNu64 "-%" SCNu64 "/%" SCNu64, &first, &last, &total);
    const auto ranges = [](std::uint64_t next) {
      return R"({"expirationDateTime":"2099-01-01T00:00:00Z","nextExpectedRanges":[")" + std::to_string(next) +
             R"(-"]})";
    };
    const bool final_range = last + 1 == total;
    reply out;
    switch (mode_) {
      case mode::oversized_header:
        out.raw = "HTTP/1.1 200 OK\r\nX-Big: " + std::string(1 << 20, 'a') + "\r\nContent-Length: 2\r\n\r\n{}";
        return closing(out);
      case mode::endless_body:
        out.raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"nextExpectedRanges\":[";
        out.stream_for = std::chrono::seconds(30);  // until the client hangs up
        return out;
      case mode::beyond_size: return json(200, ranges(total + 4096));
      case mode::backwards: return json(200, ranges(puts_ == 1 ? last + 1 : 100));
      case mode::never_advance: return json(200, ranges(0));
      case mode::garbage_200:
        out.raw = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 27\r\n\r\n<html>garbage</html>\x01\x02\x03\x04\x05\x06\x07";
        return out;
      case mode::redirect: return closing(json(307, "", {{"Location", redirect_to}}));
      case mode::stall_answer: out.hold = true; return out;  // reads on, never answers
      case mode::echo_upload_url:
        return json(400, R"({"error":{"code":"invalidRequest","message":"bad )" + r.target + R"("}})");
      case mode::stall_body:  // stalled before the body: never asked
      case mode::location_no_id:
      case mode::honest:
      default:
        break;
    }
    if (!final_range) return json(200, ranges(last + 1));
    const std::string location = mode_ == mode::location_no_id
                                     ? "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')"
                                     : "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('ATT-9')";
    return json(201, "", {{"Location", location}});
  }

  mode mode_;
  int puts_ = 0;             // the handler's state: handlers run one at a time
  loopback_server server_;  // last: stopped before the members its handler uses go
};

long rss_kib() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  long kib = 0;
  while (std::fgets(line, sizeof line, f) != nullptr)
    if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1) break;
  std::fclose(f);
  return kib;
}

struct run_result {
  rangeup::upload_outcome outcome;
  double seconds = 0;
  long rss_growth_kib = 0;
};

// 6 MiB + 1 through an Outlook session (two PUTs: 4 000 000 bytes and the rest) with short
// timeouts and a small retry budget.
run_result run_upload(hostile_server& server, std::int64_t timeout_ms = 10000) {
  static std::vector<char> data(6 * 1024 * 1024 + 1, 'd');
  rangeup::memory_source source{data.data(), data.size()};
  const std::string graph = server.base() + "/v1.0";
  rangeup::outlook_attachment flavor;
  flavor.graph_base = graph;
  flavor.parent_id = "MSG";
  rangeup::file_info info;
  info.name = "a.bin";
  info.size = data.size();
  rangeup::session_options so;
  so.allow_http_loopback = true;
  rangeup::upload_session<rangeup::outlook_attachment> session(flavor, info, so);
  session.set_bearer_token(bearer);
  rangeup::backoff_settings bs;
  bs.max_attempts = 2;
  bs.initial_delay_ms = 50;
  bs.max_delay_ms = 100;
  session.set_retry(rangeup::exponential_backoff(bs));

  rangeup::curl::transport_options to;
  to.allow_http = true;
  to.connect_timeout_ms = 1000;
  to.low_speed_limit = 1;
  to.low_speed_time_s = 2;
  rangeup::curl::transport transport(to);
  rangeup::upload_options uo;
  uo.timeout_ms = timeout_ms;
  uo.delete_timeout_ms = 1000;

  run_result r;
  const long rss0 = rss_kib();
  const std::int64_t start = now_ms();
  r.outcome = rangeup::upload(session, transport, source, uo);
  r.seconds = static_cast<double>(now_ms() - start) / 1000.0;
  r.rss_growth_kib = rss_kib() - rss0;
  return r;
}

// Whatever happened, no credential leaked: no Authorization on the uploadUrl,
// neither secret in the error strings.
void check_no_leak(hostile_server& server, const run_result& r) {
  for (const auto& q : server.requests()) {
    INFO(q.method << " " << q.target);
    if (q.method == "POST")
      CHECK(q.get("authorization") == std::string("Bearer ") + bearer);
    else
      CHECK_FALSE(q.has("authorization"));
  }
  const std::string message = r.outcome.code.message();
  const std::string server_message(r.outcome.error.server_message.view());
  for (const std::string& text : {message, server_message}) {
    INFO(text);
    CHECK(text.find(bearer) == std::string::npos);
    CHECK(text.find(authtoken) == std::string::npos);
  }
}

// The common verdict: a typed failure, in time, with bounded memory.
void check_failed(hostile_server& server, const run_result& r, errc expected, double max_seconds) {
  INFO("code " << r.outcome.code << " (" << r.outcome.code.message() << ") after " << r.seconds
               << " s, RSS +" << r.rss_growth_kib << " KiB");
  CHECK_FALSE(r.outcome);
  CHECK(r.outcome.code == expected);
  CHECK(r.seconds < max_seconds);
  CHECK(r.rss_growth_kib < 24 * 1024);
  check_no_leak(server, r);
}

}  // namespace

TEST_CASE("control: the honest server gives a success, so the hostile verdicts are meaningful") {
  hostile_server s(mode::honest);
  auto r = run_upload(s);
  REQUIRE(r.outcome);
  CHECK(r.outcome.result.id == "ATT-9");
  check_no_leak(s, r);
}

TEST_CASE("a 1 MiB response header is refused, not buffered, and not retried") {
  // The server's fault (libcurl words it "Out of memory"): response_too_large at once.
  hostile_server s(mode::oversized_header);
  check_failed(s, run_upload(s), errc::response_too_large, 8);
}

TEST_CASE("an endless response body is cut off") {
  hostile_server s(mode::endless_body);
  check_failed(s, run_upload(s), errc::response_too_large, 8);
}

TEST_CASE("nextExpectedRanges beyond the file size is a protocol violation") {
  hostile_server s(mode::beyond_size);
  check_failed(s, run_upload(s), errc::protocol_violation, 8);
}

TEST_CASE("nextExpectedRanges going backwards is a protocol violation") {
  hostile_server s(mode::backwards);
  check_failed(s, run_upload(s), errc::protocol_violation, 8);
}

TEST_CASE("a server that always answers 0- is detected as a loop, not uploaded forever") {
  hostile_server s(mode::never_advance);
  auto r = run_upload(s);
  check_failed(s, r, errc::protocol_violation, 8);
  int puts = 0;
  for (const auto& q : s.requests()) puts += q.method == "PUT";
  CHECK(puts <= 8);
}

TEST_CASE("200 with a garbage body is a typed error") {
  hostile_server s(mode::garbage_200);
  check_failed(s, run_upload(s), errc::protocol_violation, 8);
}

TEST_CASE("a final 201 whose Location has no id: done with the id unknown, never a failure inviting a second upload") {
  // The attachment exists (docs/PROTOCOL.md E6); reporting a failure would make
  // the user upload it again.
  hostile_server s(mode::location_no_id);
  const run_result r = run_upload(s);
  REQUIRE(r.outcome);
  CHECK(r.outcome.result.id_unknown);
  CHECK(r.outcome.result.id.empty());
  CHECK(r.seconds < 8);
  check_no_leak(s, r);
}

TEST_CASE("a 307 from the uploadUrl to another host is refused and never followed") {
  hostile_server other(mode::record_only, "127.0.0.2");
  hostile_server s(mode::redirect);
  s.redirect_to = other.base() + "/steal?authtoken=STOLEN&access_token=x";
  check_failed(s, run_upload(s), errc::redirect_refused, 8);
  CHECK(other.connections() == 0);
}

TEST_CASE("a 307 on createUploadSession is refused: the bearer token is not forwarded") {
  hostile_server other(mode::record_only, "127.0.0.2");
  hostile_server s(mode::redirect_create);
  s.redirect_to = other.base() + "/v1.0/me/messages/MSG/attachments/createUploadSession";
  check_failed(s, run_upload(s), errc::redirect_refused, 8);
  CHECK(other.connections() == 0);
}

TEST_CASE("a server that accepts the request and never answers times out") {
  hostile_server s(mode::stall_answer);
  check_failed(s, run_upload(s, 5000), errc::timeout, 8);
}

TEST_CASE("a server that stops reading the body times out") {
  hostile_server s(mode::stall_body);
  check_failed(s, run_upload(s, 5000), errc::timeout, 8);
}

TEST_CASE("a server echoing the bearer token in error.message: the failure does not carry it") {
  hostile_server s(mode::echo_token);
  auto r = run_upload(s);
  check_failed(s, r, errc::bad_request, 8);
  CHECK(r.outcome.error.server_code.view() == "invalidRequest");
  CHECK(r.outcome.error.server_message.view().find("redacted") != std::string_view::npos);
}

TEST_CASE("a server echoing the uploadUrl (with its authtoken) in error.message: the failure does not carry it") {
  hostile_server s(mode::echo_upload_url);
  auto r = run_upload(s);
  check_failed(s, r, errc::bad_request, 8);
  CHECK(r.outcome.error.server_message.view().find("redacted") != std::string_view::npos);
}

#ifdef RANGEUP_UPLOAD_PATH
// The CLI in front of the same servers: a nonzero exit, an "error" member in
// --json, and none of its output (stdout, stderr, progress lines) holding the
// bearer token or the uploadUrl's authtoken — even when the server echoes them.
TEST_CASE("rangeup-upload against hostile servers: typed exit, no credential in any output") {
  char path[] = "/tmp/rangeup-hostile-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  const std::string block(1 << 20, 'c');
  for (int i = 0; i < 5; ++i) REQUIRE(::write(fd, block.data(), block.size()) == static_cast<ssize_t>(block.size()));
  ::close(fd);
  ::setenv("GRAPH_TOKEN", bearer, 1);
  struct expectation {
    mode m;
    int exit_code;
  };
  for (const expectation& e : {expectation{mode::echo_token, 3}, expectation{mode::echo_upload_url, 3},
                               expectation{mode::redirect, 3}, expectation{mode::never_advance, 4},
                               expectation{mode::garbage_200, 4}, expectation{mode::location_no_id, 0}}) {
    hostile_server other(mode::record_only, "127.0.0.2");
    hostile_server s(e.m);
    s.redirect_to = other.base() + "/steal?authtoken=STOLEN";
    for (const char* extra : {"--json", ""}) {
      const std::string cmd = std::string(RANGEUP_UPLOAD_PATH) + " " + extra +
                              " --allow-http --max-retries 1 --timeout 10 --graph-base " + s.base() + "/v1.0 " + path +
                              " message:MSG 2>&1";
      std::FILE* p = ::popen(cmd.c_str(), "r");
      REQUIRE(p != nullptr);
      std::string out;
      char buf[4096];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
      const int status = ::pclose(p);
      INFO("mode " << static_cast<int>(e.m) << " " << std::string(extra) << ": " << out);
      CHECK(WIFEXITED(status));
      CHECK(WEXITSTATUS(status) == e.exit_code);
      CHECK(out.find(bearer) == std::string::npos);
      CHECK(out.find(authtoken) == std::string::npos);
      CHECK(out.find("STOLEN") == std::string::npos);
      if (*extra != '\0' && e.exit_code != 0) CHECK(out.find("\"error\"") != std::string::npos);
      if (*extra != '\0' && e.exit_code == 0) CHECK(out.find("\"id\":null") != std::string::npos);
    }
    for (const auto& q : s.requests())
      if (q.method != "POST") CHECK_FALSE(q.has("authorization"));
    CHECK(other.connections() == 0);
  }
  ::unlink(path);
}
#endif
