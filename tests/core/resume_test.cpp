// Resume tokens through the session: save, restore, status query first,
// mismatches and corruption rejected, expired sessions recreated.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "core/support/scripted.hpp"
#include "support/sim_server.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace resume_test_cases {

using namespace rangeup_test;
using rangeup::errc;

namespace {

constexpr std::uint64_t Q = 327680;

const rangeup::outlook_attachment outlook_target{"https://graph.microsoft.com/v1.0", "",
                                                 rangeup::outlook_attachment::parent_kind::message, "AAMk="};

using outlook_session = rangeup::upload_session<rangeup::outlook_attachment>;

// Sessions on small files, forced: they would go as one request, which has
// nothing to resume (PROTOCOL.md O2).
rangeup::session_options chunks(std::uint64_t c) {
  rangeup::session_options o;
  o.chunk_size = c;
  o.force_session = true;
  return o;
}

constexpr std::string_view created =
    R"({"uploadUrl":"https://up.example/s/1?authtoken=x","expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["0-"]})";

// A session 200 bytes into a 1000-byte upload; returns its token.
std::string token_at_200(const rangeup::file_fingerprint& fp, std::string_view name = "a.bin") {
  outlook_session s(outlook_target, {name, 1000}, chunks(100));
  REQUIRE_FALSE(s.set_fingerprint(fp));
  char buf[4096];
  CHECK(s.save_resume_token(buf, sizeof buf).error() == errc::invalid_argument);  // no session yet
  expect_create(s, created);
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["200"]})"), rangeup::instant{0});
  auto n = s.save_resume_token(buf, sizeof buf);
  REQUIRE(n);
  return std::string(buf, *n);
}

}  // namespace

TEST_CASE("resume: the token holds flavor, target, size, offset, expiry, fingerprint and uploadUrl") {
  const rangeup::file_fingerprint fp{1000, 1700000000123456789, "deadbeef"};
  const std::string token = token_at_200(fp);
  CHECK(token.find("flavor=outlook\n") != std::string::npos);
  CHECK(token.find("size=1000\n") != std::string::npos);
  CHECK(token.find("next=200\n") != std::string::npos);
  CHECK(token.find("expires=1893456000\n") != std::string::npos);
  CHECK(token.find("mtime=1700000000123456789\n") != std::string::npos);
  CHECK(token.find("hash=deadbeef\n") != std::string::npos);
  CHECK(token.find("url=https://up.example/s/1?authtoken=x\n") != std::string::npos);
  CHECK(token.find("test-token") == std::string::npos);  // never the bearer token
}

TEST_CASE("resume: restored sessions ask for the status first, then continue from the server's offset") {
  const rangeup::file_fingerprint fp{1000, 42, {}};
  const std::string token = token_at_200(fp);
  outlook_session s(outlook_target, {"a.bin", 1000}, chunks(100));
  REQUIRE_FALSE(s.restore(token, fp));
  CHECK(s.progress_info().confirmed_bytes == 200);
  auto get = expect_request(s);
  CHECK(get.method == rangeup::http_method::get);
  CHECK(get.url == "https://up.example/s/1?authtoken=x");
  CHECK(get.bearer.empty());
  s.on_response(reply(200, R"({"NextExpectedRanges":["300"]})"), rangeup::instant{0});
  auto put = expect_request(s);
  CHECK(put.content_range == "bytes 300-399/1000");
}

TEST_CASE("resume: where GET is not supported the saved offset is used") {
  const rangeup::file_fingerprint fp{1000, 42, {}};
  const std::string token = token_at_200(fp);
  outlook_session s(outlook_target, {"a.bin", 1000}, chunks(100));
  REQUIRE_FALSE(s.restore(token, fp));
  expect_request(s);
  s.on_response(reply(405), rangeup::instant{0});
  auto put = expect_request(s);
  CHECK(put.content_range == "bytes 200-299/1000");
}

TEST_CASE("resume: a token for another file or target is refused; a corrupted one is invalid") {
  const rangeup::file_fingerprint fp{1000, 42, "abc"};
  const std::string token = token_at_200(fp);
  {
    outlook_session s(outlook_target, {"a.bin", 1000}, chunks(100));
    CHECK(s.restore(token, {1000, 43, "abc"}) == errc::resume_mismatch);      // mtime
    CHECK(s.restore(token, {1000, 42, "abd"}) == errc::resume_mismatch);      // hash prefix
    CHECK(s.restore(token, {1001, 42, "abc"}) == errc::resume_mismatch);      // size
    CHECK(s.restore(token, {1000, 42, "a c"}) == errc::invalid_argument);     // not a hash prefix
    CHECK_FALSE(s.restore(token, {1000, 42, {}}));                          // no hash given: size + mtime suffice
  }
  {
    outlook_session s(outlook_target, {"a.bin", 1001}, chunks(100));  // another size
    CHECK(s.restore(token, {1001, 42, "abc"}) == errc::resume_mismatch);
  }
  {
    outlook_session s(outlook_target, {"b.bin", 1000}, chunks(100));  // another name
    CHECK(s.restore(token, fp) == errc::resume_mismatch);
  }
  {
    rangeup::outlook_attachment other = outlook_target;
    other.parent_id = "OTHER=";
    outlook_session s(other, {"a.bin", 1000}, chunks(100));  // another message
    CHECK(s.restore(token, fp) == errc::resume_mismatch);
  }
  {
    rangeup::upload_session<rangeup::todo_attachment> s(rangeup::todo_attachment{"https://graph.microsoft.com/v1.0", "",
                                                                                 "l", "t"},
                                                        {"a.bin", 1000}, chunks(100));
    CHECK(s.restore(token, fp) == errc::resume_mismatch);  // another flavor
  }
  {
    outlook_session s(outlook_target, {"a.bin", 1000}, chunks(100));
    std::string bad = token;
    bad[bad.find("next=200") + 5] = '9';  // next=900: checksum no longer matches
    CHECK(s.restore(bad, fp) == errc::invalid_resume_token);
    CHECK(s.restore("", fp) == errc::invalid_resume_token);
    CHECK(s.restore(token.substr(0, token.size() / 2), fp) == errc::invalid_resume_token);
    // A refused restore leaves the session able to start afresh.
    auto create = expect_request(s);
    CHECK(create.method == rangeup::http_method::post);
    // ... and restore is only for a session that has not started.
    CHECK(s.restore(token, fp) == errc::invalid_argument);
  }
}

TEST_CASE("resume: a token whose session has expired (wall clock known) creates a new session") {
  const rangeup::file_fingerprint fp{1000, 42, {}};
  const std::string token = token_at_200(fp);
  outlook_session s(outlook_target, {"a.bin", 1000}, chunks(100));
  s.set_bearer_token("tok");
  REQUIRE_FALSE(s.restore(token, fp));
  s.set_wall_clock(rangeup::instant{0}, 1893456000000 + 1);  // just after 2030-01-01
  auto req = expect_request(s);
  CHECK(req.method == rangeup::http_method::post);
  CHECK(req.bearer == "tok");
  CHECK(s.progress_info().restarts == 1);
}

TEST_CASE("resume: a token with an http uploadUrl is refused without the loopback allowance") {
  rangeup::resume_state st;
  (void)st.flavor.assign("outlook");
  st.size = 1000;
  st.next_offset = 10;
  (void)st.upload_url.assign("http://evil.example/s");
  // The target hash is the session's own: take it from a real token.
  const rangeup::file_fingerprint fp{1000, 0, {}};
  const std::string good = token_at_200(fp);
  rangeup::resume_state parsed;
  REQUIRE_FALSE(rangeup::parse_resume_token(good, parsed));
  st.target = parsed.target;
  char buf[4096];
  auto n = rangeup::write_resume_token(st, buf, sizeof buf);
  REQUIRE(n);
  outlook_session s(outlook_target, {"a.bin", 1000}, chunks(100));
  CHECK(s.restore(std::string_view(buf, *n), fp) == errc::insecure_url);
}

TEST_CASE("resume: driveItem with deferCommit resumes into the commit when every byte is there") {
  const std::uint64_t size = 2 * Q;
  std::vector<unsigned char> bytes(size, 0x5a);
  sim_config cfg = sim_defaults(sim_kind::drive, size);
  cfg.defer_commit = true;
  sim_server server(cfg, bytes.data());
  rangeup::drive_item d;
  d.parent_id = "p";
  d.defer_commit = true;
  const rangeup::file_fingerprint fp{size, 7, {}};
  char token[4096];
  std::size_t token_size = 0;
  {
    rangeup::upload_session<rangeup::drive_item> s(d, {"f", size}, chunks(Q));
    s.set_bearer_token("test-token");
    REQUIRE_FALSE(s.set_fingerprint(fp));
    // create, PUT, PUT: then stop before the commit.
    for (int i = 0; i < 3; ++i) {
      const rangeup::step st = s.next_step(rangeup::instant{0});
      REQUIRE(st.request());
      s.on_response(server.handle(*st.request(), 0, fault::none).response, rangeup::instant{0});
    }
    auto n = s.save_resume_token(token, sizeof token);
    REQUIRE(n);
    token_size = *n;
    CHECK(std::string_view(token, token_size).find("next=655360\n") != std::string_view::npos);
  }
  rangeup::upload_session<rangeup::drive_item> s(d, {"f", size}, chunks(Q));
  REQUIRE_FALSE(s.restore(std::string_view(token, token_size), fp));
  no_faults none;
  const run_outcome out = run_upload(s, server, none);
  REQUIRE(out.done);
  CHECK(server.commits == 1);
  CHECK(server.puts == 2);
  CHECK(server.items_completed == 1);
}

TEST_CASE("resume: a token can be saved after a failure, not after completion or cancel") {
  outlook_session s(outlook_target, {"a.bin", 1000}, chunks(100));
  s.retry().settings().max_attempts = 1;
  expect_create(s, created);
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
  expect_request(s);
  s.on_transport_error(errc::timeout, rangeup::instant{0});
  const rangeup::step w = s.next_step(rangeup::instant{0});
  REQUIRE(w.wait_until());
  expect_request(s, w.wait_until()->ms);
  s.on_transport_error(errc::timeout, rangeup::instant{w.wait_until()->ms});
  CHECK(expect_failed(s, w.wait_until()->ms)->code == errc::retries_exhausted);
  char buf[4096];
  auto n = s.save_resume_token(buf, sizeof buf);
  REQUIRE(n);
  CHECK(std::string_view(buf, *n).find("next=100\n") != std::string_view::npos);

  s.cancel();  // no effect once failed
  CHECK(s.save_resume_token(buf, sizeof buf));

  outlook_session c(outlook_target, {"a.bin", 1000}, chunks(100));
  expect_create(c, created);
  c.cancel();
  expect_request(c);  // DELETE
  c.on_response(reply(204), rangeup::instant{0});
  CHECK(c.save_resume_token(buf, sizeof buf).error() == errc::invalid_argument);

  outlook_session d(outlook_target, {"a.bin", 100}, chunks(0));
  expect_create(d, created);
  expect_request(d);
  d.on_response(reply(201, "", "https://x/Attachments('id')"), rangeup::instant{0});
  REQUIRE(d.next_step(rangeup::instant{0}).done());
  CHECK(d.save_resume_token(buf, sizeof buf).error() == errc::invalid_argument);
}

// ---- a crash while the completing request is out -----------------------------------
// The process dies after sending the last fragment (or the commit) and before
// the answer: the session may have completed and gone. The token saved just
// before says so (final=1), and a 404 after the restore is then "maybe done",
// never a blind second upload.

namespace {

// A 200-byte Outlook upload in 100-byte fragments, one fragment confirmed:
// the next request is the final one.
std::string token_before_final(const rangeup::file_fingerprint& fp) {
  outlook_session s(outlook_target, {"a.bin", 200}, chunks(100));
  REQUIRE_FALSE(s.set_fingerprint(fp));
  expect_create(s, created);
  CHECK_FALSE(s.final_request_next());  // the first of two fragments is next
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
  CHECK(s.final_request_next());
  char buf[4096];
  auto n = s.save_resume_token(buf, sizeof buf);
  REQUIRE(n);
  return std::string(buf, *n);
}

}  // namespace

TEST_CASE("resume: a token saved when the completing request is next says final=1; others do not") {
  const rangeup::file_fingerprint fp{200, 42, {}};
  const std::string before_final = token_before_final(fp);
  CHECK(before_final.find("next=100\nexpires=") != std::string::npos);
  CHECK(before_final.find("\nfinal=1\ncheck=") != std::string::npos);
  const std::string mid = token_at_200({1000, 42, {}});
  CHECK(mid.find("final=") == std::string::npos);

  rangeup::resume_state st;
  REQUIRE_FALSE(rangeup::parse_resume_token(before_final, st));
  CHECK(st.final_pending);
  // final= takes only 1 (the checksum is recomputed so only the value is wrong).
  for (const std::string_view value : {"0", "yes", ""}) {
    std::string body = before_final.substr(0, before_final.find("final=1\n"));
    body += "final=" + std::string(value) + "\n";
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(rangeup::fnv1a64(body)));
    CHECK(rangeup::parse_resume_token(body + "check=" + hex + "\n", st) == errc::invalid_resume_token);
  }
}

TEST_CASE("resume: final=1 and the session gone (404): Outlook reports completion_unknown, no second attachment") {
  const rangeup::file_fingerprint fp{200, 42, {}};
  const std::string token = token_before_final(fp);
  outlook_session s(outlook_target, {"a.bin", 200}, chunks(100));
  REQUIRE_FALSE(s.restore(token, fp));
  CHECK(expect_request(s).method == rangeup::http_method::get);
  // Outlook may not answer GET on an uploadUrl (404 = unsupported, tried once):
  // the saved offset is used, and the final PUT meets the 404 instead.
  s.on_response(reply(404), rangeup::instant{0});
  auto put = expect_request(s);
  CHECK(put.content_range == "bytes 100-199/200");
  s.on_response(reply(404), rangeup::instant{0});
  const auto* f = expect_failed(s);
  CHECK(f->code == errc::completion_unknown);
  CHECK(s.progress_info().restarts == 0);
}

TEST_CASE("resume: final=1 and the session alive: continue, but a later 404 is still 'maybe done', never a restart") {
  // PROTOCOL.md E8 (issue 16 item 4): the dead process's final request may still be on its
  // way; the status GET finds the session open, then that request completes
  // it and our own PUT meets 404. Restarting would attach the file twice.
  const rangeup::file_fingerprint fp{200, 42, {}};
  const std::string token = token_before_final(fp);
  outlook_session s(outlook_target, {"a.bin", 200}, chunks(100));
  REQUIRE_FALSE(s.restore(token, fp));
  expect_request(s);
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});  // alive: not landed yet
  auto put = expect_request(s);
  CHECK(put.content_range == "bytes 100-199/200");
  s.on_response(reply(404), rangeup::instant{0});
  const auto* f = expect_failed(s);
  CHECK(f->code == errc::completion_unknown);
  CHECK(f->http_status == 404);
  CHECK(s.progress_info().restarts == 0);
  // ... and while it is still unknown, a token saved now still says final=1.
  char buf[4096];
  auto n = s.save_resume_token(buf, sizeof buf);
  REQUIRE(n);
  CHECK(std::string_view(buf, *n).find("\nfinal=1\n") != std::string_view::npos);
}

TEST_CASE("resume: final=1 and the session alive on a driveItem: a later 404 or 409 looks the item up") {
  const std::uint64_t size = 2 * Q;
  rangeup::drive_item d;
  d.parent_id = "p";
  const rangeup::file_fingerprint fp{size, 7, {}};
  std::string token;
  {
    rangeup::upload_session<rangeup::drive_item> s(d, {"f.bin", size}, chunks(Q));
    REQUIRE_FALSE(s.set_fingerprint(fp));
    expect_create(s, R"({"uploadUrl":"https://up.example/d/1","expirationDateTime":"2030-01-01T00:00:00Z"})", 200);
    expect_request(s);
    s.on_response(reply(202, R"({"nextExpectedRanges":["327680-"]})"), rangeup::instant{0});
    REQUIRE(s.final_request_next());
    char buf[4096];
    auto n = s.save_resume_token(buf, sizeof buf);
    REQUIRE(n);
    token.assign(buf, *n);
  }
  for (int answer : {404, 409}) {
    CAPTURE(answer);
    rangeup::upload_session<rangeup::drive_item> s(d, {"f.bin", size}, chunks(Q));
    s.set_bearer_token("tok");
    REQUIRE_FALSE(s.restore(token, fp));
    CHECK(expect_request(s).method == rangeup::http_method::get);
    s.on_response(reply(200, R"({"nextExpectedRanges":["327680-"]})"), rangeup::instant{0});  // alive
    CHECK(expect_request(s).content_range == "bytes 327680-655359/655360");
    s.on_response(reply(answer, R"({"error":{"code":"nameAlreadyExists"}})"), rangeup::instant{0});
    auto look = expect_request(s);
    CHECK(look.method == rangeup::http_method::get);
    CHECK(look.url == "https://graph.microsoft.com/v1.0/me/drive/items/p:/f.bin");
    CHECK(look.bearer == "tok");
    s.on_response(reply(200, R"({"id":"01ITEM","name":"f.bin","size":655360})"), rangeup::instant{0});
    const rangeup::step done = s.next_step(rangeup::instant{0});
    REQUIRE(done.done());
    CHECK(done.done()->id == "01ITEM");
    CHECK(s.progress_info().restarts == 0);
  }
}

TEST_CASE("resume: a file that goes as one request has no session to resume") {
  const rangeup::file_fingerprint fp{200, 42, {}};
  const std::string token = token_before_final(fp);  // a (forced) session's token for this file
  outlook_session s(outlook_target, {"a.bin", 200});  // now by POST
  CHECK(s.restore(token, fp) == errc::resume_mismatch);
  auto post = expect_request(s);  // still able to upload
  CHECK(post.method == rangeup::http_method::post);
  CHECK(post.url == "https://graph.microsoft.com/v1.0/me/messages/AAMk%3D/attachments");
  char buf[4096];
  CHECK(s.save_resume_token(buf, sizeof buf).error() == errc::invalid_argument);
}

TEST_CASE("resume: a token without final=1 and the session gone: a new session, as before") {
  const rangeup::file_fingerprint fp{1000, 42, {}};
  const std::string token = token_at_200(fp);
  outlook_session s(outlook_target, {"a.bin", 1000}, chunks(100));
  REQUIRE_FALSE(s.restore(token, fp));
  expect_request(s);
  s.on_response(reply(404), rangeup::instant{0});  // GET unsupported (Outlook)
  CHECK(expect_request(s).content_range == "bytes 200-299/1000");
  s.on_response(reply(404), rangeup::instant{0});
  CHECK(expect_request(s).method == rangeup::http_method::post);
  CHECK(s.progress_info().restarts == 1);
}

TEST_CASE("resume: final=1 on a driveItem: the 404 leads to the item look-up, which finds the upload done") {
  const std::uint64_t size = 2 * Q;
  std::vector<unsigned char> bytes(size, 0x3c);
  sim_server server(sim_defaults(sim_kind::drive, size), bytes.data());
  rangeup::drive_item d;
  d.parent_id = "p";
  const rangeup::file_fingerprint fp{size, 7, {}};
  std::string token;
  {
    rangeup::upload_session<rangeup::drive_item> s(d, {"f.bin", size}, chunks(Q));
    s.set_bearer_token("test-token");
    REQUIRE_FALSE(s.set_fingerprint(fp));
    for (int i = 0; i < 2; ++i) {  // create, first PUT (a session forced on a file under 4 MiB)
      const rangeup::step st = s.next_step(rangeup::instant{0});
      REQUIRE(st.request());
      s.on_response(server.handle(*st.request(), 0, fault::none).response, rangeup::instant{0});
    }
    REQUIRE(s.final_request_next());
    char buf[4096];
    auto n = s.save_resume_token(buf, sizeof buf);
    REQUIRE(n);
    token.assign(buf, *n);
    // The final PUT reaches the server; its answer never reaches us (the process dies).
    const rangeup::step st = s.next_step(rangeup::instant{0});
    REQUIRE(st.request());
    (void)server.handle(*st.request(), 0, fault::none);
  }
  rangeup::upload_session<rangeup::drive_item> s(d, {"f.bin", size}, chunks(Q));
  s.set_bearer_token("test-token");
  REQUIRE_FALSE(s.restore(token, fp));
  no_faults none;
  const run_outcome out = run_upload(s, server, none);
  REQUIRE(out.done);
  CHECK(server.look_ups == 1);
  CHECK(s.progress_info().restarts == 0);
}

}  // namespace resume_test_cases
