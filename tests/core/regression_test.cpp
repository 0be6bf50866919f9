// The SDK bug list of DESIGN.md §1.4, each as a named regression test: what
// other Graph SDKs got wrong must never happen here.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/support/scripted.hpp"
#include "core/support/sim_server.hpp"

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

template <class Flavor>
finished_upload upload(const Flavor& flavor, sim_kind kind, std::uint64_t size, std::uint64_t chunk) {
  finished_upload u;
  u.bytes = pattern(size);
  u.server = std::make_unique<sim_server>(sim_defaults(kind, size), u.bytes.data());
  rangeup::session_options o;
  o.chunk_size = chunk;
  rangeup::upload_session<Flavor> s(flavor, {"f.bin", size}, o);
  s.set_bearer_token("test-token");
  no_faults none;
  u.out = run_upload(s, *u.server, none);
  CHECK_MESSAGE(u.server->violations == 0, u.server->last_violation);
  return u;
}

}  // namespace

TEST_CASE("regression: the last 1-byte remainder is sent, not dropped") {
  for (std::uint64_t size : {4 * MiB + 1, 8 * MiB + 1}) {
    const finished_upload u = upload(outlook_target, sim_kind::outlook, size, 0);
    REQUIRE(u.out.done);
    CHECK(u.server->items_completed == 1);
    const logged_request& last = u.server->log(u.server->log_size() - 1);
    CHECK(last.first == size - 1);
    CHECK(last.last == size - 1);
  }
  const finished_upload u = upload(drive_target(), sim_kind::drive, 3 * Q + 1, Q);
  REQUIRE(u.out.done);
  CHECK(u.server->items_completed == 1);
  CHECK(u.server->puts == 4);
}

TEST_CASE("regression: zero-length and exactly-chunk-sized files") {
  // 0 bytes: a typed error at construction and from next_step, no request.
  rangeup::upload_session<rangeup::outlook_attachment> zero(outlook_target, {"empty.txt", 0});
  CHECK(zero.init_error() == errc::empty_source);
  const rangeup::step st = zero.next_step(rangeup::instant{0});
  REQUIRE(st.failed());
  CHECK(st.failed()->code == errc::empty_source);
  // 1 byte, exactly one chunk, chunk +- 1.
  struct row {
    sim_kind kind;
    std::uint64_t size, chunk, puts;
  } rows[] = {{sim_kind::outlook, 1, 0, 1},         {sim_kind::outlook, 4 * MiB, 0, 1},
              {sim_kind::outlook, 4 * MiB - 1, 0, 1}, {sim_kind::outlook, 4 * MiB + 1, 0, 2},
              {sim_kind::outlook, 200, 100, 2},     {sim_kind::drive, Q, Q, 1},
              {sim_kind::drive, Q - 1, Q, 1},       {sim_kind::drive, Q + 1, Q, 2},
              {sim_kind::drive, 10 * MiB, 0, 1},    {sim_kind::drive, 1, 0, 1}};
  for (const row& r : rows) {
    CAPTURE(r.size);
    CAPTURE(r.chunk);
    const finished_upload u = r.kind == sim_kind::drive ? upload(drive_target(), r.kind, r.size, r.chunk)
                                                        : upload(outlook_target, r.kind, r.size, r.chunk);
    REQUIRE(u.out.done);
    CHECK(u.server->items_completed == 1);
    CHECK(u.server->puts == r.puts);
  }
}

TEST_CASE("regression: a bare \"N\" range does not crash and means N-") {
  rangeup::upload_session<rangeup::outlook_attachment> s(outlook_target, {"a", 4096}, [] {
    rangeup::session_options o;
    o.chunk_size = 1000;
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
  const std::uint64_t size = 1000;
  std::vector<unsigned char> bytes = pattern(size);
  sim_server server(sim_defaults(sim_kind::outlook, size), bytes.data());
  rangeup::session_options o;
  o.chunk_size = 400;
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
      rangeup::upload_session<rangeup::drive_item> s(drive_target(), {"a", 5});
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
