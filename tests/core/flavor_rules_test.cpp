// Per-flavor rules of issue 16 (docs/PROTOCOL.md): who gets the bearer on
// uploadUrl requests and where To Do's fragments go (T2, O4, D3, P2), the
// fatal statuses 507 and 501 (E4, E5), the attachment status GET refused with
// 401/403 (O9), and print's share path and required content type (P1).
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <string>
#include <type_traits>
#include <vector>

#include "core/support/scripted.hpp"
#include "core/support/targets.hpp"
#include "support/sim_server.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace flavor_rules_test_cases {

using namespace rangeup_test;
using rangeup::errc;

namespace {


std::vector<unsigned char> make_bytes(std::uint64_t n) {
  std::vector<unsigned char> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<unsigned char>(i * 31 + (i >> 11));
  return v;
}

}  // namespace

// ---- To Do: the bearer on every uploadUrl request, fragments at /content (T2) ----------

TEST_CASE("To Do: fragments are PUT to {uploadUrl}/content with the bearer; GET and DELETE go to the uploadUrl with it") {
  todo_session s(todo_target, {"a.txt", 300}, chunks(100));
  s.set_bearer_token("tok");
  auto create = expect_create(s, todo_created);
  CHECK(create.url == "https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachments/createUploadSession");
  CHECK(create.bearer == "tok");
  auto put = expect_request(s);
  CHECK(put.method == rangeup::http_method::put);
  CHECK(put.url == std::string(todo_upload) + "/content");
  CHECK(put.bearer == "tok");
  CHECK(put.content_range == "bytes 0-99/300");
  s.on_response(reply(416), rangeup::instant{0});  // the status is asked for
  auto get = expect_request(s);
  CHECK(get.method == rangeup::http_method::get);
  CHECK(get.url == todo_upload);
  CHECK(get.bearer == "tok");
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
  auto put2 = expect_request(s);
  CHECK(put2.url == std::string(todo_upload) + "/content");
  CHECK(put2.bearer == "tok");
  CHECK(put2.content_range == "bytes 100-199/300");
  s.cancel();
  s.on_response(reply(200, R"({"NextExpectedRanges":["200"]})"), rangeup::instant{0});  // abandoned
  auto del = expect_request(s);
  CHECK(del.method == rangeup::http_method::delete_);
  CHECK(del.url == todo_upload);
  CHECK(del.bearer == "tok");
  s.on_response(reply(204), rangeup::instant{0});
  CHECK(expect_failed(s)->code == errc::cancelled);
}

TEST_CASE("To Do: /content goes into the uploadUrl's path, before any query") {
  todo_session s(todo_target, {"a.txt", 300}, chunks(100));
  s.set_bearer_token("tok");
  expect_create(s, R"({"uploadUrl":"https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/S?x=1"})");
  CHECK(expect_request(s).url == "https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/S/content?x=1");
}

TEST_CASE("To Do: a new session after a 404 sends its fragments to the new {uploadUrl}/content") {
  todo_session s(todo_target, {"a.txt", 300}, chunks(100));
  s.set_bearer_token("tok");
  expect_create(s, R"({"uploadUrl":"https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/ONE"})");
  CHECK(expect_request(s).url == "https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/ONE/content");
  s.on_response(reply(404), rangeup::instant{0});  // the session expired: a new one
  auto create = expect_request(s);
  CHECK(create.method == rangeup::http_method::post);
  s.on_response(reply(201, R"({"uploadUrl":"https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/TWO"})"),
                rangeup::instant{0});
  auto put = expect_request(s);
  CHECK(put.url == "https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/TWO/content");
  CHECK(put.bearer == "tok");
  CHECK(put.content_range == "bytes 0-99/300");
}

TEST_CASE("To Do: a resumed session's fragments go to {uploadUrl}/content with the bearer") {
  const rangeup::file_fingerprint fp{300, 1, {}};
  std::string token;
  {
    todo_session s(todo_target, {"a.txt", 300}, chunks(100));
    REQUIRE_FALSE(s.set_fingerprint(fp));
    expect_create(s, todo_created);
    expect_request(s);
    s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
    char buf[4096];
    auto n = s.save_resume_token(buf, sizeof buf);
    REQUIRE(n);
    token.assign(buf, *n);
  }
  todo_session s(todo_target, {"a.txt", 300}, chunks(100));
  s.set_bearer_token("tok");
  REQUIRE_FALSE(s.restore(token, fp));
  auto get = expect_request(s);
  CHECK(get.url == todo_upload);
  CHECK(get.bearer == "tok");
  s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
  auto put = expect_request(s);
  CHECK(put.url == std::string(todo_upload) + "/content");
  CHECK(put.bearer == "tok");
}

TEST_CASE("To Do on the simulated server: a 9 MB attachment, the bearer on every PUT .../content, no violation") {
  const std::uint64_t size = 9000000;
  const auto bytes = make_bytes(size);
  sim_server server(sim_defaults(sim_kind::todo, size), bytes.data());
  todo_session s(todo_target, {"big.bin", size});
  s.set_bearer_token("test-token");
  scripted_faults faults{{2, fault::drop_after}, {5, fault::session_gone}};  // a lost PUT, then a restart
  const run_outcome out = run_upload(s, server, faults);
  REQUIRE(out.done);
  CHECK_MESSAGE(server.violations == 0, server.last_violation);
  CHECK(server.items_completed == 1);
  CHECK(server.items_corrupt == 0);
  CHECK(server.bearer_rule_breaks() == 0);
  std::size_t content_puts = 0;
  for (std::size_t i = 0; i < server.log_size(); ++i) {
    const logged_request& l = server.log(i);
    if (l.method == rangeup::http_method::put) {
      CHECK(l.to_content);
      CHECK(l.had_bearer);
      ++content_puts;
    }
  }
  CHECK(content_puts >= 3);  // 9 000 000 bytes in fragments of at most 4 000 000
}

TEST_CASE("Outlook, drive and print uploadUrls never get the bearer: PUT, GET, commit, DELETE (O4, D3, P2)") {
  {
    outlook_session s(outlook_target, {"a", 300}, chunks(100));
    s.set_bearer_token("tok");
    expect_create(s, R"({"uploadUrl":"https://outlook.office.com/api/gv1.0/users('u')/messages('m')/AttachmentSessions('s')?authtoken=x"})");
    auto put = expect_request(s);
    CHECK(put.bearer.empty());
    CHECK(put.url == "https://outlook.office.com/api/gv1.0/users('u')/messages('m')/AttachmentSessions('s')?authtoken=x");
    s.on_response(reply(416), rangeup::instant{0});
    auto get = expect_request(s);
    CHECK(get.method == rangeup::http_method::get);
    CHECK(get.bearer.empty());
    s.cancel();
    s.on_response(reply(405), rangeup::instant{0});
    auto del = expect_request(s);
    CHECK(del.method == rangeup::http_method::delete_);
    CHECK(del.bearer.empty());
  }
  {
    rangeup::drive_item d = drive_target();
    d.defer_commit = true;
    drive_session s(d, {"a", 10});
    s.set_bearer_token("tok");
    expect_create(s, R"({"uploadUrl":"https://contoso.sharepoint.com/up?tempauth=x"})", 200);
    auto put = expect_request(s);
    CHECK(put.bearer.empty());
    CHECK(put.url == "https://contoso.sharepoint.com/up?tempauth=x");  // no /content
    s.on_response(reply(202, R"({"nextExpectedRanges":[]})"), rangeup::instant{0});
    auto commit = expect_request(s);
    CHECK(commit.method == rangeup::http_method::post);
    CHECK(commit.bearer.empty());
  }
  {
    print_session s(print_target, {"a.pdf", 300, "application/pdf"}, chunks(100));
    s.set_bearer_token("tok");
    expect_create(s, R"({"uploadUrl":"https://print.print.microsoft.com/uploadSessions/s?tempauthtoken=x"})", 200);
    auto put = expect_request(s);
    CHECK(put.bearer.empty());
    CHECK(put.url == "https://print.print.microsoft.com/uploadSessions/s?tempauthtoken=x");
  }
}

// ---- fatal statuses (E4, E5) --------------------------------------------------------------

TEST_CASE("507 is quota_exceeded at once, 501 not_supported at once: never retried, wherever they come") {
  struct row {
    int status;
    errc code;
    const char* server_code;
  } rows[] = {{507, errc::quota_exceeded, "quotaLimitReached"}, {501, errc::not_supported, "notSupported"}};
  for (const row& r : rows) {
    CAPTURE(r.status);
    const std::string body = std::string(R"({"error":{"code":")") + r.server_code + R"(","message":"m"}})";
    auto check = [&](auto& s) {
      s.on_response(reply(r.status, body, {}, "1"), rangeup::instant{0});
      const auto* f = expect_failed(s);
      CHECK(f->code == r.code);
      CHECK(f->http_status == r.status);
      CHECK(f->server_code == r.server_code);
      CHECK(s.progress_info().retries == 0);
    };
    {  // the create request
      drive_session s(drive_target(), {"a", 10}, chunks(0));
      expect_request(s);
      check(s);
    }
    {  // a fragment
      drive_session s(drive_target(), {"a", 10}, chunks(0));
      expect_create(s, R"({"uploadUrl":"https://up.example/d/1"})", 200);
      expect_request(s);
      check(s);
    }
    {  // an attachment fragment
      outlook_session s(outlook_target, {"a", 10}, chunks(0));
      expect_create(s, R"({"uploadUrl":"https://up.example/s/1"})");
      expect_request(s);
      check(s);
    }
    {  // the small-file POST: the service refused it, nothing was attached
      outlook_session s(outlook_target, {"a", 10});
      CHECK(expect_request(s).method == rangeup::http_method::post);
      check(s);
    }
    {  // the small-file PUT .../content: no look-up either
      drive_session s(drive_target(), {"a", 10});
      CHECK(expect_request(s).method == rangeup::http_method::put);
      check(s);
    }
    {  // the deferred commit
      rangeup::drive_item d = drive_target();
      d.defer_commit = true;
      drive_session s(d, {"a", 10});
      expect_create(s, R"({"uploadUrl":"https://up.example/d/1"})", 200);
      expect_request(s);
      s.on_response(reply(202, R"({"nextExpectedRanges":[]})"), rangeup::instant{0});
      CHECK(expect_request(s).method == rangeup::http_method::post);
      check(s);
    }
  }
}

TEST_CASE("507 on the simulated server: quota_exceeded after exactly one request, nothing stored twice") {
  for (const sim_kind kind : {sim_kind::outlook, sim_kind::todo, sim_kind::drive, sim_kind::print}) {
    for (std::uint32_t at = 0; at < 3; ++at) {
      CAPTURE(static_cast<int>(kind));
      CAPTURE(at);
      const std::uint64_t size = kind == sim_kind::drive ? 5 * 1024 * 1024 : kind == sim_kind::print ? 300 : 3000000;
      const auto bytes = make_bytes(size);
      sim_server server(sim_defaults(kind, size), bytes.data());
      scripted_faults faults{{at, fault::status_507}};
      run_outcome out;
      rangeup::session_options o;
      o.chunk_size = kind == sim_kind::drive ? 2 * 1024 * 1024 : kind == sim_kind::print ? 100 : 1000000;
      auto run = [&](const auto& flavor) {
        rangeup::upload_session<std::decay_t<decltype(flavor)>> s(flavor, {"f.pdf", size, "application/pdf"}, o);
        s.set_bearer_token("test-token");
        out = run_upload(s, server, faults);
      };
      switch (kind) {
        case sim_kind::outlook: run(outlook_target); break;
        case sim_kind::todo: run(todo_target); break;
        case sim_kind::drive: run(drive_target()); break;
        case sim_kind::print: run(print_target); break;
      }
      REQUIRE(out.failed);
      CHECK(out.failure.code == errc::quota_exceeded);
      CHECK(out.requests == at + 1);
      CHECK(server.items_completed == 0);
      CHECK_MESSAGE(server.violations == 0, server.last_violation);
    }
  }
}

// ---- the attachment status GET (O9) -----------------------------------------------------

TEST_CASE("401/403 to an attachment status GET: no status here, fall back (never a failure)") {
  for (const int status : {401, 403}) {
    CAPTURE(status);
    // As the 405 case: the 416 body's ranges, and no second GET.
    outlook_session s(outlook_target, {"a", 400}, chunks(100));
    s.set_bearer_token("tok");
    expect_create(s, R"({"uploadUrl":"https://up.example/s/1?authtoken=x"})");
    expect_request(s);
    s.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{1});
    expect_request(s, 1);
    s.on_response(reply(416, R"({"error":{"code":"invalidRange"},"nextExpectedRanges":["200"]})"), rangeup::instant{2});
    auto get = expect_request(s, 2);
    CHECK(get.method == rangeup::http_method::get);
    s.on_response(reply(status, R"({"error":{"code":"AccessDenied"}})"), rangeup::instant{3});
    auto put = expect_request(s, 3);
    CHECK(put.method == rangeup::http_method::put);
    CHECK(put.content_range == "bytes 200-299/400");
    s.on_response(reply(416), rangeup::instant{4});
    auto again = expect_request(s, 4);
    CHECK(again.method == rangeup::http_method::put);  // status known to be unavailable: not asked again

    // To Do, after a restore: the saved offset is used.
    const rangeup::file_fingerprint fp{300, 1, {}};
    std::string token;
    {
      todo_session t(todo_target, {"a.txt", 300}, chunks(100));
      REQUIRE_FALSE(t.set_fingerprint(fp));
      expect_create(t, todo_created);
      expect_request(t);
      t.on_response(reply(200, R"({"NextExpectedRanges":["100"]})"), rangeup::instant{0});
      char buf[4096];
      auto n = t.save_resume_token(buf, sizeof buf);
      REQUIRE(n);
      token.assign(buf, *n);
    }
    todo_session t(todo_target, {"a.txt", 300}, chunks(100));
    t.set_bearer_token("tok");
    REQUIRE_FALSE(t.restore(token, fp));
    CHECK(expect_request(t).method == rangeup::http_method::get);
    t.on_response(reply(status), rangeup::instant{0});
    if (status == 401) {
      // To Do's GET carries the bearer: a 401 first means "a fresh token,
      // the same GET again" (E7); refused again, it is O9's "no status here",
      // and that token is not sent again either.
      REQUIRE(t.next_step(rangeup::instant{0}).what() == rangeup::step::kind::need_token);
      t.set_bearer_token("tok2");
      auto again = expect_request(t);
      CHECK(again.method == rangeup::http_method::get);
      CHECK(again.bearer == "tok2");
      t.on_response(reply(status), rangeup::instant{0});
      REQUIRE(t.next_step(rangeup::instant{0}).what() == rangeup::step::kind::need_token);
      CHECK(t.bearer_token() == "tok2");
      t.set_bearer_token("tok3");
    }
    CHECK(expect_request(t).content_range == "bytes 100-199/300");
  }
  // A drive status GET is documented: 401 there is a typed failure.
  drive_session d(drive_target(), {"a", 2 * 327680}, chunks(327680));
  expect_create(d, R"({"uploadUrl":"https://up.example/d/1"})", 200);
  expect_request(d);
  d.on_response(reply(416), rangeup::instant{0});
  CHECK(expect_request(d).method == rangeup::http_method::get);
  d.on_response(reply(401, R"({"error":{"code":"unauthenticated"}})"), rangeup::instant{0});
  CHECK(expect_failed(d)->code == errc::unauthorized);
}

// ---- print (P1) ---------------------------------------------------------------------------

TEST_CASE("print: a printer share's path; a content type is required and always sent") {
  rangeup::print_document share = print_target;
  share.via_share = true;
  share.printer_id = "S/1";
  print_session s(share, {"doc.pdf", 10, "application/pdf"});
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token("tok");
  auto create = expect_request(s);
  CHECK(create.url == "https://graph.microsoft.com/v1.0/print/shares/S%2F1/jobs/J1/documents/D1/createUploadSession");
  CHECK(create.bearer == "tok");
  CHECK(create.text == R"({"properties":{"documentName":"doc.pdf","contentType":"application/pdf","size":10}})");

  print_session printer(print_target, {"doc.pdf", 10, "application/pdf"});
  CHECK(expect_request(printer).url ==
        "https://graph.microsoft.com/v1.0/print/printers/P1/jobs/J1/documents/D1/createUploadSession");

  print_session untyped(print_target, {"doc.pdf", 10});
  CHECK(untyped.init_error() == errc::invalid_argument);
  const auto* f = expect_failed(untyped);
  CHECK(f->code == errc::invalid_argument);
  CHECK(f->http_status == 0);
  print_session shared_untyped(share, {"doc.pdf", 10});
  CHECK(shared_untyped.init_error() == errc::invalid_argument);
}

}  // namespace flavor_rules_test_cases
