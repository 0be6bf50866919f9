// upload_session: full uploads for every flavor against the simulated strict
// server, and one test per status rule of docs/PROTOCOL.md (E1-E10; the IDs lead the test names).
#include <doctest/doctest.h>

#include <rangeup/quick_xor_hash.hpp>
#include <rangeup/rangeup.hpp>

#include <string>
#include <vector>

#include "core/support/scripted.hpp"
#include "support/sim_server.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace session_test_cases {

using namespace rangeup_test;
using rangeup::errc;

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;
constexpr std::uint64_t Q = 327680;

std::vector<unsigned char> make_bytes(std::uint64_t n, std::uint32_t seed = 7) {
  std::vector<unsigned char> v(static_cast<std::size_t>(n));
  rangeup::splitmix64 rng(seed);
  for (auto& b : v) b = static_cast<unsigned char>(rng.next());
  return v;
}

const rangeup::outlook_attachment outlook_target{"https://graph.microsoft.com/v1.0", "",
                                                 rangeup::outlook_attachment::parent_kind::message,
                                                 "AAMkADI5MAAIT3drCAAA="};
const rangeup::todo_attachment todo_target{"https://graph.microsoft.com/beta", "6f9a2a92", "AAMDiFkfh=", "AAMkADliMm="};
const rangeup::print_document print_target{"https://graph.microsoft.com/v1.0", "p/1", "j+2", "d=3"};

rangeup::drive_item drive_target() {
  rangeup::drive_item d;
  d.parent_id = "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K";
  d.name = "report 2024.bin";
  return d;
}

// Checks that nothing a strict server would reject was sent, and the bearer
// token went where the flavor's rule wants it: every Graph request, To Do's
// uploadUrl requests, never another flavor's uploadUrl (PROTOCOL.md T2, O4).
void check_clean(const sim_server& server) {
  CHECK_MESSAGE(server.violations == 0, server.last_violation);
  CHECK(server.items_corrupt == 0);
  for (std::size_t i = 0; i < server.log_size(); ++i) CHECK(bearer_as_required(server.log(i), server.config().kind));
}

// Session machinery shown on small files: forced into a session, or they
// would go as one request (PROTOCOL.md O2, D7).
rangeup::session_options small_chunks(std::uint64_t chunk) {
  rangeup::session_options o;
  o.chunk_size = chunk;
  o.force_session = true;
  return o;
}
rangeup::session_options forced() { return small_chunks(0); }

struct progress_recorder final : rangeup::progress_observer {
  std::vector<rangeup::progress> seen;
  void on_progress(const rangeup::progress& p) noexcept override { seen.push_back(p); }
};

}  // namespace

// ---- full uploads, one per flavor ---------------------------------------------------

TEST_CASE("outlook message attachment: create 201, PUTs answered 200 with bare PascalCase ranges, 201 + Location") {
  const std::uint64_t size = 10 * MiB + 1;
  auto bytes = make_bytes(size);
  sim_config cfg = sim_defaults(sim_kind::outlook, size);
  cfg.expect_create_url = "https://graph.microsoft.com/v1.0/me/messages/AAMkADI5MAAIT3drCAAA%3D/attachments/createUploadSession";
  sim_server server(cfg, bytes.data());
  rangeup::upload_session<rangeup::outlook_attachment> s(outlook_target, {"flower.jpg", size, "image/jpeg"});
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token("test-token");
  progress_recorder obs;
  s.set_observer(&obs);
  no_faults none;
  const run_outcome out = run_upload(s, server, none);
  REQUIRE(out.done);
  CHECK(out.result.http_status == 201);
  CHECK(out.result.id == std::string_view(server.last_item_id));
  CHECK(out.result.size == size);
  CHECK(server.items_completed == 1);
  CHECK(server.puts == 3);
  CHECK(server.creates == 1);
  check_clean(server);
  CHECK(s.progress_info().confirmed_bytes == size);
  CHECK(s.progress_info().bytes_sent == size);
  REQUIRE(!obs.seen.empty());
  for (std::size_t i = 1; i < obs.seen.size(); ++i) CHECK(obs.seen[i].confirmed_bytes >= obs.seen[i - 1].confirmed_bytes);
  CHECK(obs.seen.back().confirmed_bytes == size);
}

TEST_CASE("outlook event attachment and /users/{id}: URL built with encoded segments") {
  rangeup::outlook_attachment ev{"https://graph.microsoft.com/v1.0/", "adele@contoso.com",
                                 rangeup::outlook_attachment::parent_kind::event, "AAMk/ev+1="};
  rangeup::upload_session<rangeup::outlook_attachment> s(ev, {"a \"quoted\" name.txt", 5}, forced());
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token("tok");
  auto req = expect_request(s);
  CHECK(req.url ==
        "https://graph.microsoft.com/v1.0/users/adele%40contoso.com/events/AAMk%2Fev%2B1%3D/attachments/createUploadSession");
  CHECK(req.bearer == "tok");
  CHECK(req.content_type == "application/json");
  CHECK(req.text == R"({"AttachmentItem":{"attachmentType":"file","name":"a \"quoted\" name.txt","size":5}})");
}

TEST_CASE("outlook create body carries the optional members") {
  rangeup::file_info f{"logo.png", 3, "image/png", true, "logo@1"};
  rangeup::upload_session<rangeup::outlook_attachment> s(outlook_target, f, forced());
  auto req = expect_request(s);
  CHECK(req.text ==
        R"({"AttachmentItem":{"attachmentType":"file","name":"logo.png","size":3,"contentType":"image/png","isInline":true,"contentId":"logo@1"}})");
}

TEST_CASE("to do attachment: full upload, Location .../Attachments/ID") {
  const std::uint64_t size = 5 * MiB + 3;
  auto bytes = make_bytes(size);
  sim_config cfg = sim_defaults(sim_kind::todo, size);
  cfg.expect_create_url =
      "https://graph.microsoft.com/beta/users/6f9a2a92/todo/lists/AAMDiFkfh%3D/tasks/AAMkADliMm%3D/attachments/"
      "createUploadSession";
  sim_server server(cfg, bytes.data());
  rangeup::upload_session<rangeup::todo_attachment> s(todo_target, {"notes.txt", size});
  s.set_bearer_token("test-token");
  auto req = expect_request(s);
  CHECK(req.text == R"({"attachmentInfo":{"attachmentType":"file","name":"notes.txt","size":5242883}})");
  rangeup::upload_session<rangeup::todo_attachment> s2(todo_target, {"notes.txt", size});
  s2.set_bearer_token("test-token");
  no_faults none;
  const run_outcome out = run_upload(s2, server, none);
  REQUIRE(out.done);
  CHECK(out.result.id == std::string_view(server.last_item_id));
  CHECK(server.puts == 2);
  check_clean(server);
}

TEST_CASE("driveItem: create 200 without nextExpectedRanges, 202 fragments, final driveItem JSON") {
  const std::uint64_t size = 3 * Q + 17;
  auto bytes = make_bytes(size);
  sim_config cfg = sim_defaults(sim_kind::drive, size);
  cfg.omit_create_ranges = true;
  cfg.expect_create_url =
      "https://graph.microsoft.com/v1.0/me/drive/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K:/report%202024.bin:/"
      "createUploadSession";
  sim_server server(cfg, bytes.data());
  rangeup::session_options opt;
  opt.chunk_size = Q + 5;  // rounded down to one quantum
  opt.force_session = true;  // 3 fragments of one quantum: a session although it is small
  rangeup::upload_session<rangeup::drive_item> s(drive_target(), {"ignored.bin", size}, opt);
  REQUIRE_FALSE(s.init_error());
  CHECK(s.planner().chunk_size() == Q);
  s.set_bearer_token("test-token");
  no_faults none;
  const run_outcome out = run_upload(s, server, none);
  REQUIRE(out.done);
  CHECK(out.result.id == std::string_view(server.last_item_id));
  CHECK(out.result.name == "file.bin");
  CHECK(out.result.size == size);
  rangeup::quick_xor_hash h;
  h.update(bytes.data(), bytes.size());
  char expect[32];
  REQUIRE(h.finalize_base64(expect, sizeof expect));
  CHECK(out.result.quick_xor_hash == std::string_view(expect));
  CHECK(server.puts == 4);
  check_clean(server);
}

TEST_CASE("driveItem create requests: root path, drive id, conflict behaviour, If-Match, deferCommit body") {
  rangeup::drive_item d;
  d.root_path = "/Docs/Q1 2024/r+d.pdf";
  d.conflict_behavior = rangeup::drive_item::conflict::rename;
  d.if_match = "\"etag-1\"";
  d.defer_commit = true;
  rangeup::upload_session<rangeup::drive_item> s(d, {"r+d.pdf", 10});  // deferCommit: always a session
  s.set_bearer_token("tok");
  const rangeup::step st = s.next_step(rangeup::instant{0});
  REQUIRE(st.request());
  const auto& r = *st.request();
  CHECK(r.url == "https://graph.microsoft.com/v1.0/me/drive/root:/Docs/Q1%202024/r%2Bd.pdf:/createUploadSession");
  CHECK(header_of(r, "If-Match") == "\"etag-1\"");
  CHECK(header_of(r, "If-None-Match").empty());
  CHECK(r.text == R"({"item":{"@microsoft.graph.conflictBehavior":"rename"},"deferCommit":true})");

  rangeup::drive_item d2;
  d2.drive_id = "b!abc/def";
  d2.parent_id = "PARENT";
  d2.if_none_match = "*";
  rangeup::upload_session<rangeup::drive_item> s2(d2, {"x.bin", 10}, forced());
  auto req = expect_request(s2);
  CHECK(req.url == "https://graph.microsoft.com/v1.0/drives/b%21abc%2Fdef/items/PARENT:/x.bin:/createUploadSession");
  CHECK(req.text == "{}");

  rangeup::drive_item none;  // neither a parent nor a path
  rangeup::upload_session<rangeup::drive_item> s3(none, {"x.bin", 10});
  CHECK(s3.init_error() == errc::invalid_argument);
  rangeup::upload_session<rangeup::drive_item> s4(none, {"x.bin", 10}, forced());
  CHECK(s4.init_error() == errc::invalid_argument);
}

TEST_CASE("driveItem deferCommit: after the last byte, POST uploadUrl with no body commits") {
  const std::uint64_t size = 2 * Q + 1;
  auto bytes = make_bytes(size);
  sim_config cfg = sim_defaults(sim_kind::drive, size);
  cfg.defer_commit = true;
  sim_server server(cfg, bytes.data());
  rangeup::drive_item d = drive_target();
  d.defer_commit = true;
  rangeup::session_options opt;
  opt.chunk_size = Q;
  rangeup::upload_session<rangeup::drive_item> s(d, {"f.bin", size}, opt);
  s.set_bearer_token("test-token");
  no_faults none;
  const run_outcome out = run_upload(s, server, none);
  REQUIRE(out.done);
  CHECK(server.commits == 1);
  CHECK(server.items_completed == 1);
  const logged_request& last = server.log(server.log_size() - 1);
  CHECK(last.method == rangeup::http_method::post);
  CHECK(last.to_upload_url);
  CHECK_FALSE(last.had_bearer);
  check_clean(server);
}

TEST_CASE("printDocument: closed ranges, 202, final 201 with the document") {
  const std::uint64_t size = 7 * MiB + 5;
  auto bytes = make_bytes(size);
  sim_config cfg = sim_defaults(sim_kind::print, size);
  cfg.expect_create_url =
      "https://graph.microsoft.com/v1.0/print/printers/p%2F1/jobs/j%2B2/documents/d%3D3/createUploadSession";
  sim_server server(cfg, bytes.data());
  rangeup::upload_session<rangeup::print_document> s(print_target, {"doc.pdf", size, "application/pdf"});
  s.set_bearer_token("test-token");
  auto req = expect_request(s);
  CHECK(req.text == R"({"properties":{"documentName":"doc.pdf","contentType":"application/pdf","size":7340037}})");
  rangeup::upload_session<rangeup::print_document> s2(print_target, {"doc.pdf", size, "application/pdf"});
  s2.set_bearer_token("test-token");
  no_faults none;
  const run_outcome out = run_upload(s2, server, none);
  REQUIRE(out.done);
  CHECK(out.result.id == std::string_view(server.last_item_id));
  CHECK(server.puts == 3);
  check_clean(server);
}

TEST_CASE("driveItem > 4 GiB: 5 GiB + 1 byte planned and sent with 64-bit ranges (no bytes stored)") {
  const std::uint64_t size = 5 * 1024 * MiB + 1;
  sim_config cfg = sim_defaults(sim_kind::drive, size);
  cfg.store_bytes = false;
  sim_server server(cfg, nullptr);
  rangeup::upload_session<rangeup::drive_item> s(drive_target(), {"big.iso", size});
  s.set_bearer_token("test-token");
  no_faults none;
  const run_outcome out = run_upload(s, server, none);
  REQUIRE(out.done);
  CHECK(server.puts == 513);
  CHECK(server.bytes_received == size);
  const logged_request& last = server.log(server.log_size() - 1);
  CHECK(last.first == 5 * 1024 * MiB);
  CHECK(last.last == 5 * 1024 * MiB);
  check_clean(server);
}

// ---- construction errors, before any request ----------------------------------------

TEST_CASE("sizes and chunk sizes are validated before any request") {
  using outlook = rangeup::upload_session<rangeup::outlook_attachment>;
  using todo = rangeup::upload_session<rangeup::todo_attachment>;
  using drive = rangeup::upload_session<rangeup::drive_item>;
  using print = rangeup::upload_session<rangeup::print_document>;
  CHECK(outlook(outlook_target, {"a", 157286400}).init_error() == std::error_code{});
  CHECK(outlook(outlook_target, {"a", 157286401}).init_error() == errc::size_out_of_range);
  CHECK(todo(todo_target, {"a", 26214400}).init_error() == std::error_code{});
  CHECK(todo(todo_target, {"a", 26214401}).init_error() == errc::size_out_of_range);
  // 0 bytes: one request where the flavor has one (PROTOCOL.md O3, T4, D7); a
  // session cannot carry them (no Content-Range), so print and forced sessions refuse.
  CHECK(outlook(outlook_target, {"a", 0}).init_error() == std::error_code{});
  CHECK(todo(todo_target, {"a", 0}).init_error() == std::error_code{});
  CHECK(drive(drive_target(), {"a", 0}).init_error() == std::error_code{});
  CHECK(print(print_target, {"a", 0, "application/pdf"}).init_error() == errc::empty_source);
  CHECK(outlook(outlook_target, {"a", 0}, forced()).init_error() == errc::empty_source);
  CHECK(todo(todo_target, {"a", 0}, forced()).init_error() == errc::empty_source);
  CHECK(drive(drive_target(), {"a", 0}, forced()).init_error() == errc::empty_source);
  // Print names a content type the printer supports (PROTOCOL.md P1).
  CHECK(print(print_target, {"a", 10}).init_error() == errc::invalid_argument);
  CHECK(print(print_target, {"a", 10, "application/pdf"}).init_error() == std::error_code{});
  // Attachment fragments of at most 4 000 000 bytes (PROTOCOL.md O5, T2), also for files sent by POST.
  rangeup::session_options big;
  big.chunk_size = 4000001;
  CHECK(outlook(outlook_target, {"a", 10}, big).init_error() == errc::invalid_chunk_size);
  CHECK(todo(todo_target, {"a", 5000000}, big).init_error() == errc::invalid_chunk_size);
  big.chunk_size = 4000000;
  CHECK(todo(todo_target, {"a", 5000000}, big).init_error() == std::error_code{});
  big.chunk_size = 4 * MiB;
  CHECK(outlook(outlook_target, {"a", 5000000}, big).init_error() == errc::invalid_chunk_size);
  big.chunk_size = 60 * MiB;
  CHECK(drive(drive_target(), {"a", 10}, big).init_error() == errc::invalid_chunk_size);
  big.chunk_size = Q - 1;
  CHECK(drive(drive_target(), {"a", 10}, big).init_error() == errc::invalid_chunk_size);
  CHECK(outlook(outlook_target, {"", 10}).init_error() == errc::invalid_argument);
  rangeup::outlook_attachment no_id = outlook_target;
  no_id.parent_id = "";
  CHECK(outlook(no_id, {"a", 10}).init_error() == errc::invalid_argument);
  rangeup::outlook_attachment insecure = outlook_target;
  insecure.graph_base = "http://graph.microsoft.com/v1.0";
  CHECK(outlook(insecure, {"a", 10}).init_error() == errc::insecure_url);
  rangeup::session_options loop;
  loop.allow_http_loopback = true;
  CHECK(outlook(insecure, {"a", 10}, loop).init_error() == errc::insecure_url);
  insecure.graph_base = "http://127.0.0.1:8080/v1.0";
  CHECK(outlook(insecure, {"a", 10}, loop).init_error() == std::error_code{});
  insecure.graph_base = "graph.microsoft.com";
  CHECK(outlook(insecure, {"a", 10}).init_error() == errc::invalid_url);
  // The failure is reported by next_step too: no request, no hang.
  outlook s(outlook_target, {"a", 157286401});
  const auto* f = expect_failed(s);
  CHECK(f->code == errc::size_out_of_range);
  CHECK(f->http_status == 0);
}

// ---- docs/PROTOCOL.md E1-E10, rule by rule ------------------------------------------

namespace {
constexpr std::string_view create_body =
    R"({"uploadUrl":"https://up.example/s/1?authtoken=a%2Bb","expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["0-"]})";
using outlook_session = rangeup::upload_session<rangeup::outlook_attachment>;
using drive_session = rangeup::upload_session<rangeup::drive_item>;

}  // namespace

TEST_CASE("E1 5xx: the same range again after a jittered backoff") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.set_bearer_token("tok");
  s.retry().seed(1);
  expect_create(s, create_body);
  auto put1 = expect_request(s, 10);
  CHECK(put1.content_range == "bytes 0-99/300");
  s.on_response(reply(503, R"({"error":{"code":"serviceNotAvailable","message":"busy"}})"), rangeup::instant{20});
  const rangeup::step w = s.next_step(rangeup::instant{20});
  REQUIRE(w.wait_until());
  CHECK(w.wait_until()->ms >= 20);
  CHECK(w.wait_until()->ms <= 20 + 500);
  if (w.wait_until()->ms > 20) CHECK(s.next_step(rangeup::instant{20}).wait_until() != nullptr);  // early: still wait
  auto put2 = expect_request(s, w.wait_until()->ms);
  CHECK(put2.content_range == "bytes 0-99/300");
  CHECK(put2.url == put1.url);
  CHECK(s.progress_info().retries == 1);
}

TEST_CASE("E1 429 with Retry-After seconds: waits at least that long") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  expect_create(s, create_body);
  expect_request(s, 0);
  s.on_response(reply(429, "", "", "7"), rangeup::instant{100});
  const rangeup::step w = s.next_step(rangeup::instant{100});
  REQUIRE(w.wait_until());
  CHECK(w.wait_until()->ms == 100 + 7000);
}

TEST_CASE("E1 429 with Retry-After HTTP-date: needs the wall clock, else falls back to backoff") {
  // 1994-11-06 08:49:37 GMT = 784111777 s; our instant 1000 is 30 s before.
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.set_wall_clock(rangeup::instant{1000}, 784111777000 - 30000);
  expect_create(s, create_body);
  expect_request(s, 1000);
  s.on_response(reply(429, "", "", "Sun, 06 Nov 1994 08:49:37 GMT"), rangeup::instant{1000});
  const rangeup::step w = s.next_step(rangeup::instant{1000});
  REQUIRE(w.wait_until());
  CHECK(w.wait_until()->ms == 1000 + 30000);

  outlook_session s2(outlook_target, {"a", 300}, small_chunks(100));  // no wall clock
  expect_create(s2, create_body);
  expect_request(s2, 1000);
  s2.on_response(reply(429, "", "", "Sun, 06 Nov 1994 08:49:37 GMT"), rangeup::instant{1000});
  const rangeup::step w2 = s2.next_step(rangeup::instant{1000});
  REQUIRE(w2.wait_until());
  CHECK(w2.wait_until()->ms <= 1000 + 500);  // the first backoff ceiling
}

TEST_CASE("E1 Retry-After longer than the cap is clamped") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.retry().settings().max_retry_after_ms = 2000;
  expect_create(s, create_body);
  expect_request(s, 0);
  s.on_response(reply(503, "", "", "86400"), rangeup::instant{0});
  const rangeup::step w = s.next_step(rangeup::instant{0});
  REQUIRE(w.wait_until());
  CHECK(w.wait_until()->ms == 2000);
}

TEST_CASE("E1 dropped connection and timeout: the same request again") {
  for (errc e : {errc::connection_dropped, errc::timeout, errc::connection_failed}) {
    CAPTURE(static_cast<int>(e));
    outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
    expect_create(s, create_body);
    auto put1 = expect_request(s, 0);
    s.on_transport_error(e, rangeup::instant{5});
    const rangeup::step w = s.next_step(rangeup::instant{5});
    REQUIRE(w.wait_until());
    auto put2 = expect_request(s, w.wait_until()->ms);
    CHECK(put2.content_range == put1.content_range);
  }
  // A dropped create is retried too (with the token).
  outlook_session s(outlook_target, {"a", 300}, forced());
  s.set_bearer_token("tok");
  expect_request(s, 0);
  s.on_transport_error(errc::connection_dropped, rangeup::instant{5});
  const rangeup::step w = s.next_step(rangeup::instant{5});
  REQUIRE(w.wait_until());
  auto again = expect_request(s, w.wait_until()->ms);
  CHECK(again.method == rangeup::http_method::post);
  CHECK(again.bearer == "tok");
}

TEST_CASE("E1 non-transient transport errors fail at once") {
  for (errc e : {errc::tls_error, errc::response_too_large, errc::redirect_refused, errc::source_read_failed}) {
    outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
    expect_create(s, create_body);
    expect_request(s, 0);
    s.on_transport_error(e, rangeup::instant{5});
    CHECK(expect_failed(s)->code == e);
  }
}

TEST_CASE("E1 attempt budget: retries_exhausted carrying the last status and server code") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.retry().settings().max_attempts = 3;
  expect_create(s, create_body);
  std::int64_t now = 0;
  for (int i = 0; i < 4; ++i) {
    auto put = expect_request(s, now);
    CHECK(put.content_range == "bytes 0-99/300");
    s.on_response(reply(502, R"({"error":{"code":"badGateway","message":"upstream"}})"), rangeup::instant{now});
    const rangeup::step st = s.next_step(rangeup::instant{now});
    if (i < 3) {
      REQUIRE(st.wait_until());
      now = st.wait_until()->ms;
    }
  }
  const auto* f = expect_failed(s, now);
  CHECK(f->code == errc::retries_exhausted);
  CHECK(f->http_status == 502);
  CHECK(f->server_code == "badGateway");
  CHECK(f->server_message == "upstream");
  CHECK(s.progress_info().retries == 3);
}

TEST_CASE("E1 time budget: retries_exhausted when waiting would pass it") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.retry().settings().budget_ms = 10000;
  s.retry().settings().max_attempts = 100;
  expect_create(s, create_body);
  std::int64_t now = 0;
  int requests = 0;
  for (;;) {
    const rangeup::step st = s.next_step(rangeup::instant{now});
    if (st.request()) {
      ++requests;
      s.on_response(reply(429, "", "", "4"), rangeup::instant{now});
    } else if (st.wait_until()) {
      now = st.wait_until()->ms;
    } else {
      break;
    }
  }
  CHECK(requests == 3);  // waits of 4 s at 0, 4, 8: the third would end past 10 s
  REQUIRE(s.next_step(rangeup::instant{now}).failed());
  CHECK(s.next_step(rangeup::instant{now}).failed()->code == errc::retries_exhausted);
  CHECK(s.next_step(rangeup::instant{now}).failed()->http_status == 429);
}

TEST_CASE("E3 416 on driveItem: GET the status, resync, continue") {
  drive_session s(drive_target(), {"a", 3 * Q}, small_chunks(Q));
  expect_create(s, R"({"uploadUrl":"https://up.example/d/1","expirationDateTime":"2030-01-01T00:00:00Z"})", 200);
  auto put = expect_request(s);
  CHECK(put.content_range == "bytes 0-327679/983040");
  s.on_response(reply(416, R"({"error":{"code":"invalidRange","message":"already received"}})"), rangeup::instant{1});
  auto get = expect_request(s, 1);
  CHECK(get.method == rangeup::http_method::get);
  CHECK(get.url == "https://up.example/d/1");
  CHECK(get.bearer.empty());
  CHECK(get.body == rangeup::body_kind::none);
  s.on_response(reply(200, R"({"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["655360-"]})"),
                rangeup::instant{2});
  auto next = expect_request(s, 2);
  CHECK(next.content_range == "bytes 655360-983039/983040");
  CHECK(s.progress_info().confirmed_bytes == 655360);
}

TEST_CASE("E3 O9 416 on Outlook: GET tried once; after a 405 the 416 body's ranges, else 'it arrived'") {
  outlook_session s(outlook_target, {"a", 400}, small_chunks(100));
  expect_create(s, create_body);
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{1});
  expect_request(s, 1);  // 100-199
  s.on_response(reply(416, R"({"error":{"code":"invalidRange"},"nextExpectedRanges":["200"]})"), rangeup::instant{2});
  auto get = expect_request(s, 2);
  CHECK(get.method == rangeup::http_method::get);
  s.on_response(reply(405, R"({"error":{"code":"methodNotAllowed"}})"), rangeup::instant{3});
  auto put = expect_request(s, 3);
  CHECK(put.content_range == "bytes 200-299/400");  // from the 416 body
  s.on_response(reply(416, R"({"error":{"code":"invalidRange"}})"), rangeup::instant{4});
  auto again = expect_request(s, 4);  // no second GET: status is known to be unsupported
  CHECK(again.method == rangeup::http_method::put);
  CHECK(again.content_range == "bytes 300-399/400");  // a 416 means "already arrived": continue after it
  s.on_response(reply(416), rangeup::instant{5});
  auto back = expect_request(s, 5);  // refused too: the guess was wrong, back to the last known position
  CHECK(back.content_range == "bytes 200-299/400");
}

TEST_CASE("E3 the lost PUT: dropped after the server stored it, 416 on the retry, resync works") {
  for (bool status_get : {true, false}) {
    CAPTURE(status_get);
    const std::uint64_t size = 3001000;  // a session: 3 000 000 bytes or more (PROTOCOL.md O2)
    auto bytes = make_bytes(size);
    sim_config cfg = sim_defaults(sim_kind::outlook, size);
    cfg.status_get = status_get;
    sim_server server(cfg, bytes.data());
    rangeup::session_options o;
    o.chunk_size = 1000000;
    outlook_session s(outlook_target, {"a", size}, o);
    s.set_bearer_token("test-token");
    scripted_faults faults{{2, fault::drop_after}};  // create, PUT 0-999999, PUT 1000000-1999999 (lost)
    const run_outcome out = run_upload(s, server, faults);
    REQUIRE(out.done);
    CHECK(server.items_completed == 1);
    check_clean(server);
    CHECK(s.progress_info().confirmed_bytes == size);
    CHECK(server.bytes_received == size);  // the landed range was not stored twice
  }
}

TEST_CASE("E2 404 on uploadUrl: recreate the session and restart from byte 0, bounded") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.set_bearer_token("tok");
  progress_recorder obs;
  s.set_observer(&obs);
  expect_create(s, create_body);
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{1});
  expect_request(s, 1);
  s.on_response(reply(404, R"({"error":{"code":"itemNotFound"}})"), rangeup::instant{2});
  auto create = expect_request(s, 2);
  CHECK(create.method == rangeup::http_method::post);
  CHECK(create.bearer == "tok");
  CHECK(s.progress_info().restarts == 1);
  CHECK(s.progress_info().confirmed_bytes == 100);  // high-water mark: not reset by the restart
  s.on_response(reply(201, create_body), rangeup::instant{3});
  auto put = expect_request(s, 3);
  CHECK(put.content_range == "bytes 0-99/300");
  CHECK(obs.seen.back().restarts == 1);

  rangeup::session_options o = small_chunks(100);
  o.max_restarts = 2;
  outlook_session b(outlook_target, {"a", 300}, o);
  for (int i = 0; i < 3; ++i) {
    expect_create(b, create_body);
    expect_request(b);
    b.on_response(reply(404), rangeup::instant{0});
  }
  const auto* f = expect_failed(b);
  CHECK(f->code == errc::restarts_exhausted);
  CHECK(f->http_status == 404);
}

// ---- the answer to the request that would finish the upload is lost --------------------
// The server completed the upload and closed the session; the repeated
// request meets 404. Restarting would attach the file twice (Outlook, To Do)
// or hit 409 nameAlreadyExists (driveItem under "fail").

namespace {
constexpr std::string_view drive_create =
    R"({"uploadUrl":"https://up.example/d/1?authtoken=x","expirationDateTime":"2030-01-01T00:00:00Z"})";
constexpr std::string_view drive_item_json =
    R"({"id":"01ITEM","name":"report 2024.bin","size":983040,"file":{"hashes":{"quickXorHash":"AAAA"}}})";

// Runs a 3-fragment driveItem upload to its last PUT, drops that PUT's
// answer, and answers the repeated PUT with 404.
void lose_final_drive_answer(drive_session& s) {
  s.set_bearer_token("tok");
  expect_create(s, drive_create, 200);
  for (int i = 0; i < 2; ++i) {
    expect_request(s, i);
    const std::string next = R"({"nextExpectedRanges":[")" + std::to_string((i + 1) * Q) + R"(-"]})";
    s.on_response(reply(202, next), rangeup::instant{i});
  }
  auto last = expect_request(s, 3);
  CHECK(last.content_range == "bytes 655360-983039/983040");
  s.on_transport_error(rangeup::errc::connection_dropped, rangeup::instant{4});
  const rangeup::step w = s.next_step(rangeup::instant{4});
  REQUIRE(w.wait_until());
  auto again = expect_request(s, w.wait_until()->ms);
  CHECK(again.content_range == last.content_range);
  s.on_response(reply(404, R"({"error":{"code":"itemNotFound"}})"), rangeup::instant{w.wait_until()->ms});
}
}  // namespace

TEST_CASE("lost final answer, driveItem: GET the item by path (with the token) and adopt it") {
  drive_session s(drive_target(), {"ignored", 3 * Q}, small_chunks(Q));
  lose_final_drive_answer(s);
  auto get = expect_request(s, 10000);
  CHECK(get.method == rangeup::http_method::get);
  CHECK(get.url == "https://graph.microsoft.com/v1.0/me/drive/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K:/report%202024.bin");
  CHECK(get.bearer == "tok");  // a Graph request, not an uploadUrl one
  s.on_response(reply(200, drive_item_json), rangeup::instant{10001});
  const rangeup::step done = s.next_step(rangeup::instant{10001});
  REQUIRE(done.done());
  CHECK(done.done()->id == "01ITEM");
  CHECK(done.done()->quick_xor_hash == "AAAA");
  CHECK(done.done()->size == 3 * Q);
  CHECK(s.progress_info().restarts == 0);
  CHECK(s.progress_info().confirmed_bytes == 3 * Q);
}

TEST_CASE("lost final answer, driveItem: no item at the path (or another size) means it did not land: restart") {
  for (const std::string_view answer : {std::string_view(R"({"error":{"code":"itemNotFound"}})"),
                                        std::string_view(R"({"id":"OLD","name":"x","size":5})")}) {
    CAPTURE(answer);
    drive_session s(drive_target(), {"ignored", 3 * Q}, small_chunks(Q));
    lose_final_drive_answer(s);
    expect_request(s, 10000);  // the look-up
    s.on_response(reply(answer.find("OLD") != answer.npos ? 200 : 404, answer), rangeup::instant{10001});
    auto create = expect_request(s, 10001);
    CHECK(create.method == rangeup::http_method::post);
    CHECK(create.url.find("createUploadSession") != std::string::npos);
    CHECK(s.progress_info().restarts == 1);
  }
}

TEST_CASE("lost final answer, driveItem: a look-up that fails transiently is repeated; 401 twice is typed") {
  drive_session s(drive_target(), {"ignored", 3 * Q}, small_chunks(Q));
  s.retry().seed(3);
  lose_final_drive_answer(s);
  auto get = expect_request(s, 10000);
  s.on_response(reply(503, {}, {}, "1"), rangeup::instant{10000});
  const rangeup::step w = s.next_step(rangeup::instant{10000});
  REQUIRE(w.wait_until());
  auto get2 = expect_request(s, w.wait_until()->ms);
  CHECK(get2.url == get.url);
  s.on_response(reply(200, R"({"id":"01ITEM","name":"r)"), rangeup::instant{w.wait_until()->ms});  // cut short
  const rangeup::step w2 = s.next_step(rangeup::instant{w.wait_until()->ms});
  REQUIRE(w2.wait_until());
  expect_request(s, w2.wait_until()->ms);
  s.on_response(reply(401, R"({"error":{"code":"InvalidAuthenticationToken"}})"), rangeup::instant{w2.wait_until()->ms});
  // A fresh token, the same look-up again (E7); refused again: typed.
  REQUIRE(s.next_step(rangeup::instant{w2.wait_until()->ms}).what() == rangeup::step::kind::need_token);
  s.set_bearer_token("tok2");
  auto get3 = expect_request(s, w2.wait_until()->ms);
  CHECK(get3.url == get.url);
  CHECK(get3.bearer == "tok2");
  s.on_response(reply(401, R"({"error":{"code":"InvalidAuthenticationToken"}})"), rangeup::instant{w2.wait_until()->ms});
  const auto* f = expect_failed(s, w2.wait_until()->ms);
  CHECK(f->code == errc::unauthorized);
  CHECK(f->server_code == "InvalidAuthenticationToken");
}

TEST_CASE("lost final answer, driveItem: 'replace' uploads again, 'rename' reports completion_unknown") {
  rangeup::drive_item replace = drive_target();
  replace.conflict_behavior = rangeup::drive_item::conflict::replace;
  drive_session a(replace, {"ignored", 3 * Q}, small_chunks(Q));
  lose_final_drive_answer(a);
  CHECK(expect_request(a, 10000).method == rangeup::http_method::post);  // a harmless second upload
  CHECK(a.progress_info().restarts == 1);

  rangeup::drive_item rename = drive_target();
  rename.conflict_behavior = rangeup::drive_item::conflict::rename;
  drive_session b(rename, {"ignored", 3 * Q}, small_chunks(Q));
  lose_final_drive_answer(b);
  const auto* f = expect_failed(b, 10000);
  CHECK(f->code == errc::completion_unknown);
  CHECK(f->http_status == 404);
}

TEST_CASE("lost final answer, Outlook: completion_unknown, never a second attachment") {
  outlook_session s(outlook_target, {"a", 200}, small_chunks(100));
  s.set_bearer_token("tok");
  expect_create(s, create_body);
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{1});
  expect_request(s, 1);  // 100-199: the final range
  s.on_transport_error(rangeup::errc::timeout, rangeup::instant{2});
  const rangeup::step w = s.next_step(rangeup::instant{2});
  REQUIRE(w.wait_until());
  expect_request(s, w.wait_until()->ms);
  s.on_response(reply(404), rangeup::instant{w.wait_until()->ms});
  const auto* f = expect_failed(s, w.wait_until()->ms);
  CHECK(f->code == errc::completion_unknown);
  CHECK(s.progress_info().restarts == 0);

  // A lost answer to a range that is NOT the last one: 404 is a plain expiry.
  outlook_session m(outlook_target, {"a", 300}, small_chunks(100));
  expect_create(m, create_body);
  expect_request(m);
  m.on_transport_error(rangeup::errc::connection_dropped, rangeup::instant{1});
  const rangeup::step w2 = m.next_step(rangeup::instant{1});
  REQUIRE(w2.wait_until());
  expect_request(m, w2.wait_until()->ms);
  m.on_response(reply(404), rangeup::instant{w2.wait_until()->ms});
  CHECK(expect_request(m, w2.wait_until()->ms).method == rangeup::http_method::post);
  CHECK(m.progress_info().restarts == 1);
}

TEST_CASE("lost final answer: a live status answer does not clear the suspicion; a later 404 is 'maybe done'") {
  // PROTOCOL.md E8 (issue 16 item 4): the lost request may still be on its way and complete
  // the session after the status GET saw it alive. A 404 after that is the
  // after-lost-final policy's case, never a restart (a second attachment).
  outlook_session s(outlook_target, {"a", 200}, small_chunks(100));
  expect_create(s, create_body);
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{1});
  expect_request(s, 1);
  s.on_transport_error(rangeup::errc::connection_dropped, rangeup::instant{2});
  const rangeup::step w = s.next_step(rangeup::instant{2});
  REQUIRE(w.wait_until());
  const std::int64_t t = w.wait_until()->ms;
  expect_request(s, t);
  // The server still misses bytes from 150 on: alive, not finished (yet).
  s.on_response(reply(416, R"({"error":{"code":"invalidRange"}})"), rangeup::instant{t});
  auto get = expect_request(s, t);
  CHECK(get.method == rangeup::http_method::get);
  s.on_response(reply(200, R"({"NextExpectedRanges":["150"]})"), rangeup::instant{t});
  CHECK(expect_request(s, t).content_range == "bytes 150-199/200");
  s.on_response(reply(404), rangeup::instant{t});
  const auto* f = expect_failed(s, t);
  CHECK(f->code == errc::completion_unknown);
  CHECK(f->http_status == 404);
  CHECK(s.progress_info().restarts == 0);
}

TEST_CASE("lost final answer, driveItem: after a live status answer, a 404 or a 409 looks the item up") {
  for (int answer : {404, 409}) {
    CAPTURE(answer);
    drive_session s(drive_target(), {"ignored", 2 * Q}, small_chunks(Q));
    s.set_bearer_token("tok");
    expect_create(s, drive_create, 200);
    expect_request(s);
    s.on_response(reply(202, R"({"nextExpectedRanges":["327680-"]})"), rangeup::instant{1});
    expect_request(s, 1);  // the final fragment: its answer is lost
    s.on_transport_error(rangeup::errc::timeout, rangeup::instant{2});
    const rangeup::step w = s.next_step(rangeup::instant{2});
    REQUIRE(w.wait_until());
    const std::int64_t t = w.wait_until()->ms;
    expect_request(s, t);
    s.on_response(reply(416), rangeup::instant{t});
    CHECK(expect_request(s, t).method == rangeup::http_method::get);
    s.on_response(reply(200, R"({"nextExpectedRanges":["327680-"]})"), rangeup::instant{t});  // alive
    CHECK(expect_request(s, t).content_range == "bytes 327680-655359/655360");
    // Meanwhile the lost PUT completed the upload: the session is gone (404),
    // or the name is taken by our own item (409 under conflictBehavior fail).
    s.on_response(reply(answer, R"({"error":{"code":"nameAlreadyExists"}})"), rangeup::instant{t});
    auto look = expect_request(s, t);
    CHECK(look.method == rangeup::http_method::get);
    CHECK(look.url == "https://graph.microsoft.com/v1.0/me/drive/items/01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K:/report%202024.bin");
    CHECK(look.bearer == "tok");
    s.on_response(reply(200, R"({"id":"01ITEM","name":"report 2024.bin","size":655360})"), rangeup::instant{t});
    const rangeup::step done = s.next_step(rangeup::instant{t});
    REQUIRE(done.done());
    CHECK(done.done()->id == "01ITEM");
    CHECK(s.progress_info().restarts == 0);
  }
  // Without a lost request, 409 is a plain conflict (no look-up).
  drive_session c(drive_target(), {"ignored", 2 * Q}, small_chunks(Q));
  expect_create(c, drive_create, 200);
  expect_request(c);
  c.on_response(reply(409, R"({"error":{"code":"nameAlreadyExists"}})"), rangeup::instant{0});
  CHECK(expect_failed(c)->code == errc::conflict);
}

TEST_CASE("driveItem: an unreadable final driveItem is looked up instead of failing") {
  drive_session s(drive_target(), {"ignored", Q}, small_chunks(Q));
  s.set_bearer_token("tok");
  expect_create(s, drive_create, 200);
  expect_request(s);
  s.on_response(reply(201, R"({"id":"01IT)"), rangeup::instant{1});
  auto get = expect_request(s, 1);
  CHECK(get.method == rangeup::http_method::get);
  CHECK(get.bearer == "tok");
  s.on_response(reply(200, R"({"id":"01ITEM","name":"report 2024.bin","size":327680})"), rangeup::instant{2});
  const rangeup::step done = s.next_step(rangeup::instant{2});
  REQUIRE(done.done());
  CHECK(done.done()->id == "01ITEM");
  CHECK(done.done()->http_status == 200);
}

TEST_CASE("driveItem deferCommit: a lost commit answer is looked up") {
  rangeup::drive_item d = drive_target();
  d.defer_commit = true;
  drive_session s(d, {"ignored", Q}, small_chunks(Q));
  s.set_bearer_token("tok");
  expect_create(s, drive_create, 200);
  expect_request(s);
  s.on_response(reply(202, R"({"nextExpectedRanges":[]})"), rangeup::instant{1});
  auto commit = expect_request(s, 1);
  CHECK(commit.method == rangeup::http_method::post);
  s.on_transport_error(rangeup::errc::connection_dropped, rangeup::instant{2});
  const rangeup::step w = s.next_step(rangeup::instant{2});
  REQUIRE(w.wait_until());
  CHECK(expect_request(s, w.wait_until()->ms).method == rangeup::http_method::post);  // the commit again
  s.on_response(reply(404), rangeup::instant{w.wait_until()->ms});
  auto get = expect_request(s, w.wait_until()->ms);
  CHECK(get.method == rangeup::http_method::get);
  CHECK(get.bearer == "tok");
}

TEST_CASE("E7 E10 401/403/409/412/400/413 on uploadUrl: typed errors with the server's error.code") {
  struct row {
    int status;
    errc code;
    const char* server_code;
  } rows[] = {{401, errc::unauthorized, "InvalidAuthenticationToken"},
              {403, errc::forbidden, "accessDenied"},
              {409, errc::conflict, "nameAlreadyExists"},
              {412, errc::precondition_failed, "resourceModified"},
              {400, errc::bad_request, "invalidRequest"},
              {413, errc::payload_too_large, "requestTooLarge"},
              {418, errc::unexpected_status, "teapot"}};
  for (const row& r : rows) {
    CAPTURE(r.status);
    drive_session s(drive_target(), {"a", 2 * Q}, small_chunks(Q));
    s.set_bearer_token("secret-token");
    expect_create(s, R"({"uploadUrl":"https://up.example/d/1"})", 200);
    expect_request(s);
    const std::string body = std::string(R"({"error":{"code":")") + r.server_code + R"(","message":"m"}})";
    s.on_response(reply(r.status, body), rangeup::instant{1});
    const auto* f = expect_failed(s, 1);
    CHECK(f->code == r.code);
    CHECK(f->http_status == r.status);
    CHECK(f->server_code == r.server_code);
    CHECK(f->server_message == "m");
    // Never a credential in a failure.
    CHECK(std::string_view(f->server_message).find("secret") == std::string_view::npos);
  }
}

TEST_CASE("D6 409 nameAlreadyExists on the last fragment (conflictBehavior=fail)") {
  const std::uint64_t size = Q + 1;
  drive_session s(drive_target(), {"a", size}, small_chunks(Q));
  expect_create(s, R"({"uploadUrl":"https://up.example/d/1","nextExpectedRanges":["0-"]})", 200);
  expect_request(s);
  s.on_response(reply(202, R"({"nextExpectedRanges":["327680-"]})"), rangeup::instant{1});
  auto last = expect_request(s, 1);
  CHECK(last.content_range == "bytes 327680-327680/327681");
  s.on_response(reply(409, R"({"error":{"code":"nameAlreadyExists","message":"exists"}})"), rangeup::instant{2});
  const auto* f = expect_failed(s, 2);
  CHECK(f->code == errc::conflict);
  CHECK(f->server_code == "nameAlreadyExists");
}

TEST_CASE("E10 errors on the create request") {
  struct row {
    int status;
    errc code;
  } rows[] = {{401, errc::unauthorized}, {403, errc::forbidden}, {404, errc::target_not_found},
              {400, errc::bad_request},  {412, errc::precondition_failed}, {409, errc::conflict}};
  for (const row& r : rows) {
    outlook_session s(outlook_target, {"a", 10}, forced());
    expect_request(s);
    s.on_response(reply(r.status, R"({"error":{"code":"X","message":"Y"}})"), rangeup::instant{0});
    if (r.status == 401) {  // a fresh token and the same create once more first (E7)
      REQUIRE(s.next_step(rangeup::instant{0}).what() == rangeup::step::kind::need_token);
      s.set_bearer_token("tok2");
      CHECK(expect_request(s).method == rangeup::http_method::post);
      s.on_response(reply(r.status, R"({"error":{"code":"X","message":"Y"}})"), rangeup::instant{0});
    }
    const auto* f = expect_failed(s);
    CHECK(f->code == r.code);
    CHECK(f->server_code == "X");
  }
}

// ---- responses the protocol does not allow -------------------------------------------

TEST_CASE("the server's uploadUrl is checked: https only (loopback http when allowed), never garbage") {
  struct row {
    const char* url;
    bool loopback;
    std::error_code expect;
  } rows[] = {{"http://up.example/s/1", false, errc::malformed_response},
              {"http://up.example/s/1", true, errc::malformed_response},
              {"http://127.0.0.1:9/s/1", true, {}},
              {"up.example/s/1", false, errc::malformed_response},
              {"not a url", false, errc::malformed_response},
              {"", false, errc::malformed_response},
              {R"(https://up.example/s/1\r\nX-Injected: 1)", false, errc::malformed_response},
              {R"(https://up.example/s/1\nx)", false, errc::malformed_response},
              {R"(https://up.example/s/1\r)", false, errc::malformed_response}};
  // The server's fault, not the caller's: malformed_response, never a usage
  // error such as invalid_url / insecure_url (issue 16 item 7).
  for (const row& r : rows) {
    CAPTURE(r.url);
    rangeup::session_options o = forced();
    o.allow_http_loopback = r.loopback;
    rangeup::outlook_attachment t = outlook_target;
    if (r.loopback) t.graph_base = "http://127.0.0.1:9/v1.0";
    outlook_session s(t, {"a", 10}, o);
    expect_request(s);
    const std::string body = std::string(R"({"uploadUrl":")") + r.url + R"("})";
    s.on_response(reply(201, body), rangeup::instant{0});
    const rangeup::step st = s.next_step(rangeup::instant{0});
    if (r.expect) {
      REQUIRE(st.failed());
      CHECK(st.failed()->code == r.expect);
    } else {
      REQUIRE(st.request());
      CHECK(st.request()->url == r.url);  // verbatim
    }
  }
}

TEST_CASE("a final 201 without a readable Location: done, the id unknown, never sent again (PROTOCOL.md E6)") {
  for (const char* loc : {"", "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')",
                          "https://x/Attachments('')"}) {
    CAPTURE(loc);
    outlook_session s(outlook_target, {"a", 10}, forced());
    expect_create(s, create_body);
    expect_request(s);
    s.on_response(reply(201, "", loc), rangeup::instant{0});
    const rangeup::step st = s.next_step(rangeup::instant{0});
    REQUIRE(st.done());
    CHECK(st.done()->id_unknown);
    CHECK(st.done()->id.empty());
    CHECK(st.done()->http_status == 201);
    CHECK(st.done()->size == 10);
    CHECK_FALSE(st.done()->simple_request);
  }
  // The same on To Do, and a readable Location still names the attachment.
  rangeup::upload_session<rangeup::todo_attachment> t(todo_target, {"a", 10}, forced());
  expect_create(t, R"({"uploadUrl":"https://graph.microsoft.com/beta/me/todo/lists/L/tasks/T/attachmentSessions/S"})");
  expect_request(t);
  t.on_response(reply(201), rangeup::instant{0});
  REQUIRE(t.next_step(rangeup::instant{0}).done());
  CHECK(t.next_step(rangeup::instant{0}).done()->id_unknown);
  outlook_session named(outlook_target, {"a", 10}, forced());
  expect_create(named, create_body);
  expect_request(named);
  named.on_response(reply(201, "", "https://x/Attachments('AAMk=')"), rangeup::instant{0});
  REQUIRE(named.next_step(rangeup::instant{0}).done());
  CHECK_FALSE(named.next_step(rangeup::instant{0}).done()->id_unknown);
  CHECK(named.next_step(rangeup::instant{0}).done()->id == "AAMk=");
}

TEST_CASE("no-Location 201 on a simulated Outlook and To Do session: done once, id unknown, bytes exact") {
  for (sim_kind kind : {sim_kind::outlook, sim_kind::todo}) {
    CAPTURE(static_cast<int>(kind));
    const std::uint64_t size = 3000000;
    auto bytes = make_bytes(size);
    sim_server server(sim_defaults(kind, size), bytes.data());
    scripted_faults faults{{3, fault::no_location}};  // create, 2 fragments, the final one
    run_outcome out;
    rangeup::session_options o;
    o.chunk_size = 1000000;
    if (kind == sim_kind::outlook) {
      outlook_session s(outlook_target, {"a.bin", size}, o);
      s.set_bearer_token("test-token");
      out = run_upload(s, server, faults);
    } else {
      rangeup::upload_session<rangeup::todo_attachment> s(todo_target, {"a.bin", size}, o);
      s.set_bearer_token("test-token");
      out = run_upload(s, server, faults);
    }
    REQUIRE(out.done);
    CHECK(out.result.id_unknown);
    CHECK(out.result.id.empty());
    CHECK(out.requests == 4);
    CHECK(server.items_completed == 1);
    check_clean(server);
  }
}

TEST_CASE("a final driveItem of another size is an integrity error, never success") {
  drive_session s(drive_target(), {"a", 10}, forced());
  expect_create(s, R"({"uploadUrl":"https://up.example/d/1"})", 200);
  expect_request(s);
  s.on_response(reply(201, R"({"id":"X","name":"a","size":9})"), rangeup::instant{0});
  CHECK(expect_failed(s)->code == errc::integrity_mismatch);

  drive_session s2(drive_target(), {"a", 10}, forced());
  expect_create(s2, R"({"uploadUrl":"https://up.example/d/1"})", 200);
  expect_request(s2);
  s2.on_response(reply(201, R"({"name":"a","size":10})"), rangeup::instant{0});  // no id: ask for the item
  CHECK(expect_request(s2).method == rangeup::http_method::get);
  s2.on_response(reply(200, R"({"id":"X","name":"a","size":9})"), rangeup::instant{0});  // not ours: upload again
  CHECK(expect_request(s2).method == rangeup::http_method::post);

  // A printDocument cannot be looked up: no id is a typed error.
  rangeup::upload_session<rangeup::print_document> p(print_target, {"a", 10, "application/pdf"});
  expect_create(p, R"({"uploadUrl":"https://up.example/p/1"})", 200);
  expect_request(p);
  p.on_response(reply(201, R"({"documentName":"a","size":10})"), rangeup::instant{0});
  CHECK(expect_failed(p)->code == errc::malformed_response);
}

TEST_CASE("a 'complete' answer before the last bytes were sent is a protocol violation") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  expect_create(s, create_body);
  expect_request(s);
  s.on_response(reply(201, "", "https://x/Attachments('early')"), rangeup::instant{0});
  CHECK(expect_failed(s)->code == errc::protocol_violation);
}

TEST_CASE("ranges beyond the size, going backwards, or never advancing: protocol_violation") {
  {
    outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
    expect_create(s, create_body);
    expect_request(s);
    s.on_response(reply(200, R"({"NextExpectedRanges":["300"]})"), rangeup::instant{0});
    CHECK(expect_failed(s)->code == errc::protocol_violation);
  }
  {
    outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
    expect_create(s, create_body);
    expect_request(s);
    s.on_response(reply(200, R"({"NextExpectedRanges":["200"]})"), rangeup::instant{0});
    expect_request(s);
    s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
    CHECK(expect_failed(s)->code == errc::protocol_violation);
  }
  {
    // A server that takes every PUT and never moves: bounded by max_stalls.
    outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
    expect_create(s, create_body);
    int puts = 0;
    for (;;) {
      const rangeup::step st = s.next_step(rangeup::instant{0});
      if (!st.request()) break;
      ++puts;
      s.on_response(reply(200, R"({"NextExpectedRanges":["0"]})"), rangeup::instant{0});
    }
    CHECK(puts == 4);
    CHECK(expect_failed(s)->code == errc::protocol_violation);
  }
  {
    // A server that answers 416 forever.
    drive_session s(drive_target(), {"a", 2 * Q}, small_chunks(Q));
    expect_create(s, R"({"uploadUrl":"https://up.example/d/1"})", 200);
    int requests = 0;
    for (;;) {
      const rangeup::step st = s.next_step(rangeup::instant{0});
      if (!st.request()) break;
      ++requests;
      if (st.request()->method == rangeup::http_method::put)
        s.on_response(reply(416), rangeup::instant{0});
      else
        s.on_response(reply(200, R"({"nextExpectedRanges":["0-"]})"), rangeup::instant{0});
    }
    CHECK(requests <= 10);
    CHECK(expect_failed(s)->code == errc::range_not_satisfiable);
  }
}

TEST_CASE("several nextExpectedRanges: the first missing range is filled first") {
  drive_session s(drive_target(), {"a", 4 * Q}, small_chunks(2 * Q));
  expect_create(s, R"({"uploadUrl":"https://up.example/d/1","nextExpectedRanges":["0-327679","655360-"]})", 200);
  auto a = expect_request(s);
  CHECK(a.content_range == "bytes 0-327679/1310720");  // limited by the closed range
  s.on_response(reply(202, R"({"nextExpectedRanges":["655360-"]})"), rangeup::instant{0});
  auto b = expect_request(s);
  CHECK(b.content_range == "bytes 655360-1310719/1310720");
  CHECK(s.progress_info().confirmed_bytes == 655360);
}

// ---- cancel, expiry, observer -------------------------------------------------------

TEST_CASE("cancel: DELETE uploadUrl without a token, then failed{cancelled}") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.set_bearer_token("tok");
  expect_create(s, create_body);
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
  s.cancel();
  auto del = expect_request(s);
  CHECK(del.method == rangeup::http_method::delete_);
  CHECK(del.url == "https://up.example/s/1?authtoken=a%2Bb");
  CHECK(del.bearer.empty());
  s.on_response(reply(204), rangeup::instant{0});
  CHECK(expect_failed(s)->code == errc::cancelled);

  outlook_session early(outlook_target, {"a", 300}, forced());
  early.cancel();  // no session yet: nothing to delete
  CHECK(expect_failed(early)->code == errc::cancelled);

  // Cancel while the create is in flight: its URL is still cleaned up.
  outlook_session mid(outlook_target, {"a", 300}, forced());
  expect_request(mid);
  mid.cancel();
  mid.on_response(reply(201, create_body), rangeup::instant{0});
  CHECK(expect_request(mid).method == rangeup::http_method::delete_);
  mid.on_transport_error(errc::connection_dropped, rangeup::instant{0});
  CHECK(expect_failed(mid)->code == errc::cancelled);

  // Cancel during a backoff wait does not wait.
  outlook_session w(outlook_target, {"a", 300}, forced());
  expect_create(w, create_body);
  expect_request(w);
  w.on_response(reply(503), rangeup::instant{0});
  w.cancel();
  CHECK(expect_request(w, 0).method == rangeup::http_method::delete_);
}

TEST_CASE("expiry: a session past expirationDateTime is recreated before sending into it") {
  // 2030-01-01T00:00:00Z = 1893456000
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.set_bearer_token("tok");
  s.set_wall_clock(rangeup::instant{0}, 1893456000000 - 60000);  // a minute before expiry
  expect_create(s, create_body);
  expect_request(s, 0);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{1000});
  auto next = expect_request(s, 60000);  // exactly at expiry
  CHECK(next.method == rangeup::http_method::post);
  CHECK(next.bearer == "tok");
  CHECK(s.progress_info().restarts == 1);
}

TEST_CASE("next_step is pure while a request is outstanding; stray answers are ignored") {
  outlook_session s(outlook_target, {"a", 300}, small_chunks(100));
  s.set_bearer_token("tok");
  const rangeup::step a = s.next_step(rangeup::instant{0});
  const rangeup::step b = s.next_step(rangeup::instant{0});
  REQUIRE(a.request());
  CHECK(a.request() == b.request());
  s.on_response(reply(201, create_body), rangeup::instant{0});
  s.on_response(reply(500), rangeup::instant{0});  // nothing outstanding: ignored
  auto put = expect_request(s);
  CHECK(put.method == rangeup::http_method::put);
  CHECK(s.progress_info().bytes_sent == 100);  // counted once
}

}  // namespace session_test_cases
