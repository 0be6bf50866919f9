// The session asks for its bearer token (issue 17, docs/PROTOCOL.md E7):
// need_token before the first request that carries it when none was set;
// after a 401 to a request that carried it, a fresh one and the same request
// once more (same range, not a retry, not a restart); a second 401 in a row
// is errc::unauthorized; pre-authenticated uploadUrls (Outlook, drive, print)
// never ask; a restored session asks before its first bearer request;
// token_unavailable() ends the upload; cancel works while a token is asked for.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <string>
#include <vector>

#include "core/support/scripted.hpp"
#include "core/support/targets.hpp"
#include "support/sim_server.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace token_test_cases {

using namespace rangeup_test;
using rangeup::errc;
using kind = rangeup::step::kind;

namespace {

constexpr std::uint64_t Q = 327680;

constexpr std::string_view outlook_created =
    R"({"uploadUrl":"https://up.example/s/1?authtoken=x","expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["0-"]})";
constexpr std::string_view expired =
    R"({"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}})";

template <class Session>
kind step_kind(Session& s, std::int64_t now = 0) {
  return s.next_step(rangeup::instant{now}).what();
}

}  // namespace

TEST_CASE("no token: the session asks before its first request; a token set before is used without asking") {
  outlook_session asks(outlook_target, {"a.bin", 300}, chunks(100));
  CHECK(step_kind(asks) == kind::need_token);
  CHECK(step_kind(asks) == kind::need_token);  // pure: asking again asks again
  CHECK(asks.bearer_token().empty());
  CHECK_FALSE(asks.token_stale());
  CHECK(asks.progress_info().bytes_sent == 0);
  const std::string token = "fresh";
  asks.set_bearer_token(token);
  const rangeup::step st = asks.next_step(rangeup::instant{0});
  REQUIRE(st.request());
  CHECK(st.request()->bearer_token == "fresh");
  CHECK(st.request()->bearer_token.data() == token.data());  // a view, not a copy

  outlook_session given(outlook_target, {"a.bin", 300}, chunks(100));
  given.set_bearer_token("tok");
  REQUIRE(given.next_step(rangeup::instant{0}).request());
  CHECK(given.progress_info().token_refreshes == 0);
}

TEST_CASE("401 to a To Do fragment: need_token, then the same PUT (same range) once more with the fresh token") {
  todo_session s(todo_target, {"a.txt", 300}, chunks(100));
  s.set_bearer_token("old");
  expect_create(s, todo_created);
  auto put = expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{1});
  put = expect_request(s, 1);
  CHECK(put.content_range == "bytes 100-199/300");
  const std::uint64_t sent_before = s.progress_info().bytes_sent;
  s.on_response(reply(401, expired), rangeup::instant{2});

  // Asked for a fresh one: the rejected token is still readable (for a shared provider).
  REQUIRE(step_kind(s, 2) == kind::need_token);
  CHECK(step_kind(s, 2) == kind::need_token);
  CHECK(s.token_stale());
  CHECK(s.bearer_token() == "old");
  CHECK(s.progress_info().token_refreshes == 1);
  CHECK(s.progress_info().retries == 0);   // not a retry
  CHECK(s.progress_info().restarts == 0);  // not a restart
  CHECK(s.progress_info().confirmed_bytes == 100);
  s.set_bearer_token("new");
  CHECK_FALSE(s.token_stale());

  auto again = expect_request(s, 2);
  CHECK(again.method == rangeup::http_method::put);
  CHECK(again.url == put.url);
  CHECK(again.content_range == "bytes 100-199/300");  // the same range: nothing confirmed is sent again
  CHECK(again.bearer == "new");
  CHECK(s.progress_info().bytes_sent == sent_before + 100);
  s.on_response(reply(200, R"({"NextExpectedRanges":["200"]})"), rangeup::instant{3});
  auto last = expect_request(s, 3);
  CHECK(last.content_range == "bytes 200-299/300");
  CHECK(last.bearer == "new");
  s.on_response(reply(201, {}, "https://graph.microsoft.com/beta/users/u/todo/lists/L1/tasks/T1/Attachments/ATT1"),
                rangeup::instant{4});
  const rangeup::step done = s.next_step(rangeup::instant{4});
  REQUIRE(done.done());
  CHECK(done.done()->id == "ATT1");
  CHECK(s.progress_info().token_refreshes == 1);
}

TEST_CASE("a second 401 in a row to the same request is unauthorized, with the server's error.code") {
  drive_session s(drive_target(), {"a", 2 * Q}, chunks(Q));
  s.set_bearer_token("old");
  expect_request(s);  // the create
  s.on_response(reply(401, expired), rangeup::instant{0});
  REQUIRE(step_kind(s) == kind::need_token);
  s.set_bearer_token("also-refused");
  auto create = expect_request(s);
  CHECK(create.method == rangeup::http_method::post);
  CHECK(create.bearer == "also-refused");
  s.on_response(reply(401, expired), rangeup::instant{0});
  const auto* f = expect_failed(s);
  CHECK(f->code == errc::unauthorized);
  CHECK(f->http_status == 401);
  CHECK(f->server_code == "InvalidAuthenticationToken");
  CHECK(s.token_stale());
  CHECK(s.bearer_token() == "also-refused");
  CHECK(s.progress_info().token_refreshes == 1);
}

TEST_CASE("401s that are not in a row: each one refreshes once") {
  todo_session s(todo_target, {"a.txt", 300}, chunks(100));
  s.set_bearer_token("t1");
  expect_create(s, todo_created);
  expect_request(s);
  s.on_response(reply(401, expired), rangeup::instant{0});
  REQUIRE(step_kind(s) == kind::need_token);
  s.set_bearer_token("t2");
  CHECK(expect_request(s).content_range == "bytes 0-99/300");
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
  CHECK(expect_request(s).content_range == "bytes 100-199/300");
  s.on_response(reply(401, expired), rangeup::instant{0});  // expired again, later
  REQUIRE(step_kind(s) == kind::need_token);
  s.set_bearer_token("t3");
  CHECK(expect_request(s).content_range == "bytes 100-199/300");
  // A transient failure between two 401s: still "once per request", the budget unchanged.
  s.on_response(reply(503, {}, {}, "0"), rangeup::instant{0});
  const rangeup::step w = s.next_step(rangeup::instant{0});
  REQUIRE(w.wait_until());
  CHECK(expect_request(s, w.wait_until()->ms).bearer == "t3");
  s.on_response(reply(401, expired), rangeup::instant{w.wait_until()->ms});
  REQUIRE(step_kind(s, w.wait_until()->ms) == kind::need_token);
  CHECK(s.progress_info().token_refreshes == 3);
  CHECK(s.progress_info().retries == 1);
}

TEST_CASE("the single request and the look-up: 401 -> a fresh token -> the same request") {
  // The small-file POST (nothing was attached: 401 means not processed).
  outlook_session post(outlook_target, {"small.txt", 10});
  post.set_bearer_token("old");
  auto p1 = expect_request(post);
  CHECK(p1.method == rangeup::http_method::post);
  post.on_response(reply(401, expired), rangeup::instant{0});
  CHECK_FALSE(post.may_have_completed());
  REQUIRE(step_kind(post) == kind::need_token);
  post.set_bearer_token("new");
  auto p2 = expect_request(post);
  CHECK(p2.url == p1.url);
  CHECK(p2.bearer == "new");
  post.on_response(reply(201, R"({"id":"ATT","name":"small.txt"})"), rangeup::instant{0});
  REQUIRE(post.next_step(rangeup::instant{0}).done());

  // The drive look-up after a lost final answer.
  drive_session d(drive_target(), {"f.bin", Q + 1}, chunks(Q));
  d.set_bearer_token("old");
  expect_create(d, R"({"uploadUrl":"https://up.example/d/1","nextExpectedRanges":["0-"]})", 200);
  expect_request(d);
  d.on_response(reply(202, R"({"nextExpectedRanges":["327680-"]})"), rangeup::instant{0});
  expect_request(d);  // the last fragment: its answer is lost
  d.on_transport_error(errc::connection_dropped, rangeup::instant{0});
  const rangeup::step w = d.next_step(rangeup::instant{0});
  REQUIRE(w.wait_until());
  expect_request(d, w.wait_until()->ms);
  d.on_response(reply(404), rangeup::instant{w.wait_until()->ms});
  auto look = expect_request(d, w.wait_until()->ms);
  CHECK(look.method == rangeup::http_method::get);
  CHECK(look.bearer == "old");
  d.on_response(reply(401, expired), rangeup::instant{w.wait_until()->ms});
  REQUIRE(step_kind(d, w.wait_until()->ms) == kind::need_token);
  d.set_bearer_token("new");
  auto look2 = expect_request(d, w.wait_until()->ms);
  CHECK(look2.url == look.url);
  CHECK(look2.bearer == "new");
  d.on_response(reply(200, R"({"id":"ITEM","name":"f.bin","size":327681})"), rangeup::instant{w.wait_until()->ms});
  const rangeup::step done = d.next_step(rangeup::instant{w.wait_until()->ms});
  REQUIRE(done.done());
  CHECK(done.done()->id == "ITEM");
}

TEST_CASE("pre-authenticated uploadUrls never ask for a token, even when none was ever set (O4, D3, D4, P2)") {
  // Restored sessions have no token unless one is given: Outlook, drive and
  // print upload to the end without asking.
  const rangeup::file_fingerprint fp{1000, 7, {}};
  auto run = [&](auto& first, auto& restored, std::string_view created_body, int created_status, int mid_status,
                 std::string_view mid_body) {
    first.set_bearer_token("tok");
    REQUIRE_FALSE(first.set_fingerprint(fp));
    expect_create(first, created_body, created_status);
    expect_request(first);
    first.on_response(reply(mid_status, mid_body), rangeup::instant{0});
    char buf[4096];
    auto n = first.save_resume_token(buf, sizeof buf);
    REQUIRE(n);
    REQUIRE_FALSE(restored.restore(std::string_view(buf, *n), fp));
    int requests = 0;
    for (int i = 0; i < 50; ++i) {
      const rangeup::step st = restored.next_step(rangeup::instant{0});
      REQUIRE(st.what() != kind::need_token);
      if (st.done() || st.failed()) break;
      REQUIRE(st.request());
      ++requests;
      CHECK(st.request()->bearer_token.empty());
      const auto& req = *st.request();
      if (req.method == rangeup::http_method::get) {
        restored.on_response(reply(200, mid_body), rangeup::instant{0});
      } else {
        const bool last = req.range.last + 1 == req.range.total;
        if (!last) {
          const std::string next = "[\"" + std::to_string(req.range.last + 1) + "-\"]";
          restored.on_response(reply(mid_status, "{\"nextExpectedRanges\":" + next + "}"), rangeup::instant{0});
        } else if (created_status == 201) {
          restored.on_response(reply(201, {}, "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('A')"),
                               rangeup::instant{0});
        } else {
          restored.on_response(reply(201, R"({"id":"I","name":"f","size":1000})"), rangeup::instant{0});
        }
      }
    }
    CHECK(restored.next_step(rangeup::instant{0}).done());
    CHECK(restored.bearer_token().empty());
    CHECK(requests >= 2);
  };
  {
    outlook_session a(outlook_target, {"f", 1000}, chunks(300)), b(outlook_target, {"f", 1000}, chunks(300));
    run(a, b, outlook_created, 201, 200, R"({"NextExpectedRanges":["300"]})");
  }
  {
    drive_session a(drive_target(), {"f", 1000}, chunks(Q)), b(drive_target(), {"f", 1000}, chunks(Q));
    // 1000 bytes in one fragment: make the first answer a partial one so a token is saved mid-way.
    a.set_bearer_token("tok");
    REQUIRE_FALSE(a.set_fingerprint(fp));
    expect_create(a, R"({"uploadUrl":"https://up.example/d/1?tempauth=x","nextExpectedRanges":["0-"]})", 200);
    char buf[4096];
    auto n = a.save_resume_token(buf, sizeof buf);
    REQUIRE(n);
    REQUIRE_FALSE(b.restore(std::string_view(buf, *n), fp));
    auto get = expect_request(b);
    CHECK(get.method == rangeup::http_method::get);
    CHECK(get.bearer.empty());
    b.on_response(reply(200, R"({"nextExpectedRanges":["0-"]})"), rangeup::instant{0});
    auto put = expect_request(b);
    CHECK(put.bearer.empty());
    b.on_response(reply(201, R"({"id":"I","name":"f","size":1000})"), rangeup::instant{0});
    CHECK(b.next_step(rangeup::instant{0}).done());
    CHECK(b.bearer_token().empty());
  }
  {
    rangeup::print_document p = print_target;
    print_session a(p, {"f.pdf", 1000, "application/pdf"}, chunks(300)),
        b(p, {"f.pdf", 1000, "application/pdf"}, chunks(300));
    run(a, b, R"({"uploadUrl":"https://up.example/p/1?tempauthtoken=x","nextExpectedRanges":["0-999"]})", 200, 202,
        R"({"nextExpectedRanges":["300-999"]})");
  }
  // A 401 to a pre-authenticated uploadUrl is a typed failure at once: never
  // "fixed" with a token (E7).
  outlook_session o(outlook_target, {"f", 1000}, chunks(300));
  o.set_bearer_token("tok");
  expect_create(o, outlook_created);
  expect_request(o);
  o.on_response(reply(401, R"({"error":{"code":"InvalidAuthenticationToken"}})"), rangeup::instant{0});
  const auto* f = expect_failed(o);
  CHECK(f->code == errc::unauthorized);
  CHECK_FALSE(o.token_stale());  // the Graph token was not the one refused
  CHECK(o.progress_info().token_refreshes == 0);
}

TEST_CASE("restore: a restored To Do session asks before its first request, the status GET with the bearer") {
  const rangeup::file_fingerprint fp{300, 1, {}};
  std::string token;
  {
    todo_session t(todo_target, {"a.txt", 300}, chunks(100));
    REQUIRE_FALSE(t.set_fingerprint(fp));
    t.set_bearer_token("tok");
    expect_create(t, todo_created);
    expect_request(t);
    t.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
    char buf[4096];
    auto n = t.save_resume_token(buf, sizeof buf);
    REQUIRE(n);
    token.assign(buf, *n);
    CHECK(token.find("tok") == std::string::npos);  // the token never goes into a resume token
  }
  todo_session r(todo_target, {"a.txt", 300}, chunks(100));
  REQUIRE_FALSE(r.restore(token, fp));
  REQUIRE(step_kind(r) == kind::need_token);
  CHECK_FALSE(r.token_stale());  // never had one
  r.set_bearer_token("later");
  auto get = expect_request(r);
  CHECK(get.method == rangeup::http_method::get);
  CHECK(get.bearer == "later");
  r.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
  auto put = expect_request(r);
  CHECK(put.content_range == "bytes 100-199/300");
  CHECK(put.url.find("/content") != std::string::npos);
  CHECK(put.bearer == "later");

  // A token given before restore() is used without asking.
  todo_session pre(todo_target, {"a.txt", 300}, chunks(100));
  pre.set_bearer_token("before");
  REQUIRE_FALSE(pre.restore(token, fp));
  const rangeup::step st = pre.next_step(rangeup::instant{0});
  REQUIRE(st.request());
  CHECK(st.request()->bearer_token == "before");

  // A restored drive session needs no token to upload, but asks before its
  // look-up (a Graph request) after a lost final answer.
  rangeup::drive_item d = drive_target();
  std::string dtoken;
  {
    drive_session a(d, {"f.bin", Q + 1}, chunks(Q));
    a.set_bearer_token("tok");
    REQUIRE_FALSE(a.set_fingerprint({Q + 1, 1, {}}));
    expect_create(a, R"({"uploadUrl":"https://up.example/d/1","nextExpectedRanges":["0-"]})", 200);
    expect_request(a);
    a.on_response(reply(202, R"({"nextExpectedRanges":["327680-"]})"), rangeup::instant{0});
    char buf[4096];
    auto n = a.save_resume_token(buf, sizeof buf);  // the completing PUT is next: final=1
    REQUIRE(n);
    dtoken.assign(buf, *n);
  }
  drive_session b(d, {"f.bin", Q + 1}, chunks(Q));
  REQUIRE_FALSE(b.restore(dtoken, {Q + 1, 1, {}}));
  auto status = expect_request(b);  // no token needed for the uploadUrl
  CHECK(status.bearer.empty());
  b.on_response(reply(404, R"({"error":{"code":"itemNotFound"}})"), rangeup::instant{0});
  REQUIRE(step_kind(b) == kind::need_token);  // the look-up goes to Graph (D11)
  b.set_bearer_token("now");
  auto look = expect_request(b);
  CHECK(look.method == rangeup::http_method::get);
  CHECK(look.bearer == "now");
}

TEST_CASE("token_unavailable: the upload fails with the driver's code; after a 401 the failure keeps it") {
  // Before any token: status 0, the driver's own code.
  outlook_session a(outlook_target, {"a", 300}, chunks(100));
  REQUIRE(step_kind(a) == kind::need_token);
  a.token_unavailable(std::make_error_code(std::errc::permission_denied));
  const auto* fa = expect_failed(a);
  CHECK(fa->code == std::errc::permission_denied);
  CHECK(fa->http_status == 0);
  CHECK(fa->server_code.empty());
  a.set_bearer_token("late");  // too late: failed is final
  CHECK(a.next_step(rangeup::instant{0}).failed());

  // An empty code means token_unavailable.
  outlook_session b(outlook_target, {"a", 300}, chunks(100));
  REQUIRE(step_kind(b) == kind::need_token);
  b.token_unavailable({});
  CHECK(expect_failed(b)->code == errc::token_unavailable);

  // After a 401: the code is the driver's, the status and error.code the 401's.
  todo_session c(todo_target, {"a.txt", 300}, chunks(100));
  c.set_bearer_token("old");
  expect_create(c, todo_created);
  expect_request(c);
  c.on_response(reply(401, expired), rangeup::instant{0});
  REQUIRE(step_kind(c) == kind::need_token);
  c.token_unavailable(make_error_code(errc::token_unavailable));
  const auto* fc = expect_failed(c);
  CHECK(fc->code == errc::token_unavailable);
  CHECK(fc->http_status == 401);
  CHECK(fc->server_code == "InvalidAuthenticationToken");
  CHECK(c.bearer_token() == "old");

  // Ignored while a request is out.
  outlook_session d(outlook_target, {"a", 300}, chunks(100));
  d.set_bearer_token("tok");
  REQUIRE(d.next_step(rangeup::instant{0}).request());
  d.token_unavailable({});
  CHECK(d.next_step(rangeup::instant{0}).request());
}

TEST_CASE("cancel while a token is asked for") {
  // To Do's DELETE needs the bearer: with none usable, nothing is sent.
  todo_session t(todo_target, {"a.txt", 300}, chunks(100));
  t.set_bearer_token("old");
  expect_create(t, todo_created);
  expect_request(t);
  t.on_response(reply(401, expired), rangeup::instant{0});
  REQUIRE(step_kind(t) == kind::need_token);
  t.cancel();
  const rangeup::step st = t.next_step(rangeup::instant{0});
  REQUIRE(st.failed());
  CHECK(st.failed()->code == errc::cancelled);
  char buf[4096];
  CHECK_FALSE(t.save_resume_token(buf, sizeof buf).has_value());  // abandoned: nothing to resume

  // With a usable token the DELETE goes, with it.
  todo_session u(todo_target, {"a.txt", 300}, chunks(100));
  u.set_bearer_token("tok");
  expect_create(u, todo_created);
  u.cancel();
  auto del = expect_request(u);
  CHECK(del.method == rangeup::http_method::delete_);
  CHECK(del.bearer == "tok");
  u.on_response(reply(204), rangeup::instant{0});
  CHECK(expect_failed(u)->code == errc::cancelled);

  // The create not sent yet (asking for the first token): cancelled, nothing sent.
  outlook_session o(outlook_target, {"a", 300}, chunks(100));
  REQUIRE(step_kind(o) == kind::need_token);
  o.cancel();
  CHECK(expect_failed(o)->code == errc::cancelled);

  // A small file's POST refused with 401 was not processed: cancelled, not completion_unknown.
  outlook_session p(outlook_target, {"small", 10});
  p.set_bearer_token("old");
  expect_request(p);
  p.on_response(reply(401, expired), rangeup::instant{0});
  REQUIRE(step_kind(p) == kind::need_token);
  p.cancel();
  CHECK(expect_failed(p)->code == errc::cancelled);
}

TEST_CASE("To Do on the simulated server: the token expires after 3 bearer requests, is refreshed, the upload completes") {
  // 12 MB To Do attachment in 4 000 000-byte fragments; the token expires
  // before the 4th request (a PUT): 401, need_token, the same PUT.
  constexpr std::uint64_t size = 12000000;
  std::vector<unsigned char> bytes(size);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 7 + (i >> 13));
  sim_server server(sim_defaults(sim_kind::todo, size), bytes.data());
  scripted_faults faults{{3, fault::token_expired}};
  rangeup::session_options o;
  o.chunk_size = 4000000;
  todo_session s(todo_target, {"big.bin", size}, o);  // no token yet: asked for
  const run_outcome out = run_upload(s, server, faults);
  REQUIRE_MESSAGE(out.done, out.failure.code.message());
  CHECK(out.token_requests == 2);  // the first, and the fresh one after the 401
  CHECK(out.token_refreshes == 1);
  CHECK(out.need_token_breaks == 0);
  CHECK(server.token_rejections == 1);
  CHECK(server.rejected_token_reuses == 0);
  CHECK(server.confirmed_resends == 0);
  CHECK_MESSAGE(server.violations == 0, server.last_violation);
  CHECK(server.items_completed == 1);
  CHECK(server.bytes_received == size);  // every byte once
  CHECK(s.progress_info().retries == 0);
  CHECK(s.progress_info().bytes_sent == size + 4000000);  // the refused PUT's body went out once more
  CHECK(out.requests == 5);  // create, PUT, PUT, PUT (401), the same PUT again
  CHECK(s.bearer_token() == server.current_token());
}

TEST_CASE("the drive on the simulated server: a session that 404s after the token rotated is re-created with the new token") {
  constexpr std::uint64_t size = 3 * Q + 5;
  std::vector<unsigned char> bytes(size, 0x5a);
  sim_server server(sim_defaults(sim_kind::drive, size), bytes.data());
  // The token expires on the 2nd request (a PUT, pre-authenticated: no 401
  // there); the 4th finds the session gone: the re-create carries the old
  // token, is refused, and goes again with the fresh one.
  scripted_faults faults{{1, fault::token_expired}, {3, fault::session_gone}};
  drive_session s(drive_target(), {"f.bin", size}, chunks(Q));  // a session (forced: it would go as one PUT)
  s.set_bearer_token("test-token");
  const run_outcome out = run_upload(s, server, faults);
  REQUIRE_MESSAGE(out.done, out.failure.code.message());
  CHECK(out.token_requests == 1);
  CHECK(out.token_refreshes == 1);
  CHECK(server.creates == 3);  // the first, the refused re-create, the re-create with the new token
  CHECK(s.progress_info().restarts == 1);
  CHECK(server.token_rejections == 1);
  CHECK(server.confirmed_resends == 0);
  CHECK_MESSAGE(server.violations == 0, server.last_violation);
  CHECK(server.items_completed == 1);
}

}  // namespace token_test_cases
