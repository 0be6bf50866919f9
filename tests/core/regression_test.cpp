// Bugs other Graph SDKs had, each as a named regression test: none of them
// may ever happen here.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/support/scripted.hpp"
#include "support/sim_server.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace regression_test_cases {

using namespace rangeup_test;
using rangeup::errc;

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;
constexpr std::uint64_t Q = 327680;

std::vector<unsigned char> pattern(std::uint64_t n) {
  std::vector<unsigned char> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<unsigned char>(i * 131 + (i >> 8));
  return v;
}

const rangeup::outlook_attachment outlook_target{"https://graph.microsoft.com/v1.0", "",
                                                 rangeup::outlook_attachment::parent_kind::message, "AAMk="};

rangeup::drive_item drive_target() {
  rangeup::drive_item d;
  d.parent_id = "root-id";
  return d;
}

// Uploads `size` bytes with the given flavor and chunk against a fresh
// server and checks the server saw nothing wrong.
struct finished_upload {
  std::vector<unsigned char> bytes;
  std::unique_ptr<sim_server> server;
  run_outcome out;
};

// force_session: a session although the file would go as one request (the
// server then accepts small attachment sessions, which the service would not).
template <class Flavor>
finished_upload upload(const Flavor& flavor, sim_kind kind, std::uint64_t size, std::uint64_t chunk,
                       bool force_session = false) {
  finished_upload u;
  u.bytes = pattern(size);
  sim_config cfg = sim_defaults(kind, size);
  cfg.small_attachment_sessions = force_session;
  u.server = std::make_unique<sim_server>(cfg, u.bytes.data());
  rangeup::session_options o;
  o.chunk_size = chunk;
  o.force_session = force_session;
  rangeup::upload_session<Flavor> s(flavor, {"f.bin", size}, o);
  s.set_bearer_token("test-token");
  no_faults none;
  u.out = run_upload(s, *u.server, none);
  CHECK_MESSAGE(u.server->violations == 0, u.server->last_violation);
  return u;
}

}  // namespace

TEST_CASE("regression: the last 1-byte remainder is sent, not dropped") {
  for (std::uint64_t size : {std::uint64_t{4000001}, std::uint64_t{8000001}}) {
    const finished_upload u = upload(outlook_target, sim_kind::outlook, size, 0);
    REQUIRE(u.out.done);
    CHECK(u.server->items_completed == 1);
    const logged_request& last = u.server->log(u.server->log_size() - 1);
    CHECK(last.first == size - 1);
    CHECK(last.last == size - 1);
  }
  const finished_upload u = upload(drive_target(), sim_kind::drive, 3 * Q + 1, Q, true);
  REQUIRE(u.out.done);
  CHECK(u.server->items_completed == 1);
  CHECK(u.server->puts == 4);
  const finished_upload big = upload(drive_target(), sim_kind::drive, 13 * Q + 1, Q);  // over 4 MiB: a session
  REQUIRE(big.out.done);
  CHECK(big.server->puts == 14);
}

TEST_CASE("regression: zero-length and exactly-chunk-sized files") {
  // 0 bytes: one request where the flavor has one (PROTOCOL.md O3, D7); a
  // session cannot carry them: a typed error at construction and from
  // next_step, no request.
  rangeup::session_options forced;
  forced.force_session = true;
  rangeup::upload_session<rangeup::outlook_attachment> zero(outlook_target, {"empty.txt", 0}, forced);
  CHECK(zero.init_error() == errc::empty_source);
  const rangeup::step st = zero.next_step(rangeup::instant{0});
  REQUIRE(st.failed());
  CHECK(st.failed()->code == errc::empty_source);
  // 0 and 1 byte, the thresholds, exactly one chunk, chunk +- 1.
  struct row {
    sim_kind kind;
    std::uint64_t size, chunk;
    bool force_session;
    std::uint32_t puts, singles;  // fragment PUTs; POST / PUT .../content
  } rows[] = {{sim_kind::outlook, 0, 0, false, 0, 1},
              {sim_kind::outlook, 1, 0, false, 0, 1},
              {sim_kind::outlook, 2999999, 0, false, 0, 1},
              {sim_kind::outlook, 3000000, 0, false, 1, 0},
              {sim_kind::outlook, 3999999, 0, false, 1, 0},
              {sim_kind::outlook, 4000000, 0, false, 1, 0},
              {sim_kind::outlook, 4000001, 0, false, 2, 0},
              {sim_kind::outlook, 200, 100, true, 2, 0},
              {sim_kind::drive, 0, 0, false, 0, 1},
              {sim_kind::drive, 1, 0, false, 0, 1},
              {sim_kind::drive, 4 * MiB, 0, false, 0, 1},
              {sim_kind::drive, 4 * MiB + 1, 0, false, 1, 0},
              {sim_kind::drive, Q, Q, true, 1, 0},
              {sim_kind::drive, Q - 1, Q, true, 1, 0},
              {sim_kind::drive, Q + 1, Q, true, 2, 0},
              {sim_kind::drive, 10 * MiB, 0, false, 1, 0}};
  for (const row& r : rows) {
    CAPTURE(r.size);
    CAPTURE(r.chunk);
    const finished_upload u = r.kind == sim_kind::drive ? upload(drive_target(), r.kind, r.size, r.chunk, r.force_session)
                                                        : upload(outlook_target, r.kind, r.size, r.chunk, r.force_session);
    REQUIRE(u.out.done);
    CHECK(u.server->items_completed == 1);
    CHECK(u.server->puts == r.puts);
    CHECK(u.server->posts + u.server->content_puts == r.singles);
    CHECK(u.server->creates == (r.singles ? 0u : 1u));
    CHECK(u.out.result.simple_request == (r.singles != 0));
    CHECK(u.out.result.size == r.size);
  }
}

TEST_CASE("regression: a bare \"N\" range does not crash and means N-") {
  rangeup::upload_session<rangeup::outlook_attachment> s(outlook_target, {"a", 4096}, [] {
    rangeup::session_options o;
    o.chunk_size = 1000;
    o.force_session = true;  // a session's ranges, on a small file
    return o;
  }());
  expect_create(s, R"({"uploadUrl":"https://up.example/s/1","nextExpectedRanges":["0"]})");
  auto a = expect_request(s);
  CHECK(a.content_range == "bytes 0-999/4096");
  s.on_response(reply(200, R"({"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["1000"]})"),
                rangeup::instant{0});
  auto b = expect_request(s);
  CHECK(b.content_range == "bytes 1000-1999/4096");
}

TEST_CASE("regression: PascalCase keys are read (NextExpectedRanges, ExpirationDateTime, UploadUrl)") {
  rangeup::upload_session<rangeup::outlook_attachment> s(outlook_target, {"a", 4096}, [] {
    rangeup::session_options o;
    o.chunk_size = 1000;
    o.force_session = true;  // a session's ranges, on a small file
    return o;
  }());
  s.set_wall_clock(rangeup::instant{0}, 1893456000000 - 10000);  // 10 s before 2030-01-01
  expect_create(s, R"({"UploadUrl":"https://up.example/s/1","ExpirationDateTime":"2031-01-01T00:00:00Z","NextExpectedRanges":["0-"]})");
  expect_request(s);
  s.on_response(reply(200, R"({"ExpirationDateTime":"2030-01-01T00:00:00Z","NextExpectedRanges":["2000"]})"),
                rangeup::instant{0});
  auto b = expect_request(s);
  CHECK(b.content_range == "bytes 2000-2999/4096");  // the server's range, not our counter (1000)
  s.on_response(reply(200, R"({"NextExpectedRanges":["3000"]})"), rangeup::instant{0});
  // The PascalCase expiry (2030) was taken: past it, the session is recreated.
  auto c = expect_request(s, 10000);
  CHECK(c.method == rangeup::http_method::post);
}

TEST_CASE("regression: Content-Length equals the Content-Range span on every PUT") {
  for (std::uint64_t size : {1ull, 2ull, 99ull, 100ull, 101ull, 1000ull}) {
    rangeup::session_options o;
    o.chunk_size = 100;
    o.force_session = true;
    rangeup::upload_session<rangeup::outlook_attachment> s(outlook_target, {"a", size}, o);
    expect_create(s, R"({"uploadUrl":"https://up.example/s/1","nextExpectedRanges":["0-"]})");
    std::uint64_t at = 0;
    while (at < size) {
      auto put = expect_request(s);
      REQUIRE(put.method == rangeup::http_method::put);
      CHECK(put.content_length == put.range.last - put.range.first + 1);
      const std::string expected = "bytes " + std::to_string(at) + "-" + std::to_string(put.range.last) + "/" +
                                   std::to_string(size);
      CHECK(put.content_range == expected);
      CHECK(put.content_type == "application/octet-stream");
      CHECK(put.header_count == 2);
      CHECK(put.bearer.empty());
      at = put.range.last + 1;
      if (at < size)
        s.on_response(reply(200, "{\"nextExpectedRanges\":[\"" + std::to_string(at) + "\"]}"), rangeup::instant{0});
      else
        s.on_response(reply(201, "", "https://x/Attachments('id')"), rangeup::instant{0});
    }
    REQUIRE(s.next_step(rangeup::instant{0}).done());
  }
}

TEST_CASE("regression: a failed PUT is retried, not abandoned") {
  const std::uint64_t size = 3000000;  // a session: 3 fragments
  std::vector<unsigned char> bytes = pattern(size);
  sim_server server(sim_defaults(sim_kind::outlook, size), bytes.data());
  rangeup::session_options o;
  o.chunk_size = 1000000;
  rangeup::upload_session<rangeup::outlook_attachment> s(outlook_target, {"a", size}, o);
  s.set_bearer_token("test-token");
  scripted_faults faults{{1, fault::status_500}, {2, fault::drop_before}, {3, fault::status_503}, {5, fault::timeout_after}};
  const run_outcome out = run_upload(s, server, faults);
  REQUIRE(out.done);
  CHECK(server.items_completed == 1);
  CHECK(s.progress_info().retries == 4);
  CHECK(server.log(1).first == server.log(4).first);  // the same PUT, four times
}

TEST_CASE("regression: resume repositions the source to the server's offset") {
  const std::uint64_t size = 10 * Q + 7;
  std::vector<unsigned char> bytes = pattern(size);
  sim_server server(sim_defaults(sim_kind::drive, size), bytes.data());
  rangeup::session_options o;
  o.chunk_size = Q;
  o.force_session = true;  // under 4 MiB: a session only when asked for
  const rangeup::file_fingerprint fp{size, 1234, {}};
  char token[8192];
  {
    rangeup::upload_session<rangeup::drive_item> first(drive_target(), {"f.bin", size}, o);
    first.set_bearer_token("test-token");
    REQUIRE_FALSE(first.set_fingerprint(fp));
    // Run the create and three fragments, then "crash" after a fourth is sent and lost.
    scripted_faults faults{{4, fault::drop_after}};
    std::int64_t now = 0;
    for (std::uint32_t i = 0; i < 5; ++i) {
      const rangeup::step st = first.next_step(rangeup::instant{now});
      REQUIRE(st.request());
      const auto r = server.handle(*st.request(), now, faults.next(*st.request(), i));
      if (r.transport)
        first.on_transport_error(r.transport, rangeup::instant{now});
      else
        first.on_response(r.response, rangeup::instant{now});
    }
    REQUIRE(first.save_resume_token(token, sizeof token));
    CHECK(first.progress_info().confirmed_bytes == 3 * Q);
  }
  rangeup::upload_session<rangeup::drive_item> second(drive_target(), {"f.bin", size}, o);
  REQUIRE_FALSE(second.restore(token, fp));
  auto get = expect_request(second);
  CHECK(get.method == rangeup::http_method::get);  // first ask where the server is
  no_faults none;
  // Feed that GET to the server and continue normally.
  const auto r = server.handle(*second.next_step(rangeup::instant{0}).request(), 0, fault::none);
  second.on_response(r.response, rangeup::instant{0});
  auto put = expect_request(second);
  CHECK(put.range.first == 4 * Q);  // the lost fragment had landed: not 0, not 3 * Q
  const run_outcome out = run_upload(second, server, none);
  REQUIRE(out.done);
  CHECK(server.items_completed == 1);
  CHECK(server.creates == 1);
  CHECK(server.violations == 0);
}

TEST_CASE("regression: no silent hang, no success without a result") {
  // Whatever a broken server answers, every run ends done or failed within a
  // bounded number of steps, and done always carries an id.
  const int statuses[] = {200, 201, 202, 204, 206, 301, 302, 400, 404, 405, 416, 500, 503};
  const char* bodies[] = {"", "{}", "null", "[]", "{\"nextExpectedRanges\":[]}", "{\"nextExpectedRanges\":[\"0-\"]}",
                          "{\"nextExpectedRanges\":[\"x\"]}", "{\"id\":\"\"}", "{\"id\":\"i\",\"size\":5}", "{"};
  for (int status : statuses) {
    for (const char* body : bodies) {
      CAPTURE(status);
      CAPTURE(body);
      rangeup::session_options forced;
      forced.force_session = true;
      rangeup::upload_session<rangeup::drive_item> s(drive_target(), {"a", 5}, forced);
      s.retry().settings().max_attempts = 3;
      expect_create(s, R"({"uploadUrl":"https://up.example/d/1"})", 200);
      std::int64_t now = 0;
      int steps = 0;
      for (; steps < 200; ++steps) {
        const rangeup::step st = s.next_step(rangeup::instant{now});
        if (st.request()) {
          s.on_response(reply(status, body), rangeup::instant{now});
        } else if (st.wait_until()) {
          REQUIRE(st.wait_until()->ms > now);
          now = st.wait_until()->ms;
        } else if (st.done()) {
          CHECK_FALSE(st.done()->id.empty());
          CHECK(st.done()->size == 5);
          break;
        } else {
          REQUIRE(st.failed());
          CHECK(st.failed()->code.category() == rangeup::category());
          break;
        }
      }
      CHECK(steps < 200);
    }
  }
}

TEST_CASE("regression: no silent hang on the one-request path; done always names the item or says it cannot") {
  // Whatever a broken server answers a POST .../attachments or a PUT
  // .../content, every run ends done or failed within bounded steps; done
  // carries an id, or (attachments only) says the id is unknown; and a POST
  // is never sent twice unless the answer said the service did nothing.
  const int statuses[] = {200, 201, 202, 204, 400, 404, 409, 413, 429, 500, 501, 503, 507};
  const char* bodies[] = {"", "{}", "null", "{\"id\":\"\"}", "{\"id\":\"i\",\"size\":5}", "{\"id\":\"i\",\"size\":4}", "{"};
  for (int status : statuses) {
    for (const char* body : bodies) {
      for (bool drive : {false, true}) {
        CAPTURE(status);
        CAPTURE(body);
        CAPTURE(drive);
        rangeup::upload_session<rangeup::drive_item> d(drive_target(), {"a", 5});
        rangeup::upload_session<rangeup::outlook_attachment> o(outlook_target, {"a", 5});
        d.set_bearer_token("tok");
        o.set_bearer_token("tok");
        int requests = 0, posts = 0;
        int steps = 0;
        std::int64_t now = 0;
        auto run = [&](auto& s) {
          s.retry().settings().max_attempts = 3;
          for (; steps < 200; ++steps) {
            const rangeup::step st = s.next_step(rangeup::instant{now});
            if (st.request()) {
              ++requests;
              posts += st.request()->method == rangeup::http_method::post ? 1 : 0;
              s.on_response(reply(status, body), rangeup::instant{now});
            } else if (st.wait_until()) {
              REQUIRE(st.wait_until()->ms > now);
              now = st.wait_until()->ms;
            } else if (st.done()) {
              CHECK(st.done()->simple_request);
              CHECK(st.done()->size == 5);
              if (st.done()->id_unknown) {
                CHECK_FALSE(drive);
                CHECK(st.done()->id.empty());
              } else {
                CHECK_FALSE(st.done()->id.empty());
              }
              break;
            } else {
              REQUIRE(st.failed());
              CHECK(st.failed()->code.category() == rangeup::category());
              break;
            }
          }
        };
        if (drive) run(d); else run(o);
        CHECK(steps < 200);
        if (!drive && status != 429 && status != 503) CHECK(posts <= 1);
      }
    }
  }
}

}  // namespace regression_test_cases
