// The one-request path for small files (docs/PROTOCOL.md O2, O3, T4, D7):
// attachments under 3 000 000 bytes go as one POST .../attachments with the
// bytes as base64 contentBytes, drive files of at most 4 MiB as one PUT
// .../content; everything larger, print documents and force_session make a
// session. A single request is also the last one: its lost answer is never
// repeated blindly.
#include <doctest/doctest.h>

#include <rangeup/quick_xor_hash.hpp>
#include <rangeup/rangeup.hpp>

#include <string>
#include <vector>

#include "core/support/scripted.hpp"
#include "support/sim_server.hpp"
#include "support/strict_base64.hpp"

#ifdef RANGEUP_TEST_NLOHMANN
#include <nlohmann/json.hpp>
#endif

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace single_request_test_cases {

using namespace rangeup_test;
using rangeup::errc;

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;

std::vector<unsigned char> make_bytes(std::uint64_t n, std::uint32_t seed = 11) {
  std::vector<unsigned char> v(static_cast<std::size_t>(n));
  rangeup::splitmix64 rng(seed);
  for (auto& b : v) b = static_cast<unsigned char>(rng.next());
  return v;
}

const rangeup::outlook_attachment outlook_target{"https://graph.microsoft.com/v1.0", "",
                                                 rangeup::outlook_attachment::parent_kind::message, "AAMkAD=="};
const rangeup::todo_attachment todo_target{"https://graph.microsoft.com/v1.0", "", "L1=", "T2="};

rangeup::drive_item drive_target() {
  rangeup::drive_item d;
  d.parent_id = "01PARENT";
  return d;
}

using outlook_session = rangeup::upload_session<rangeup::outlook_attachment>;
using todo_session = rangeup::upload_session<rangeup::todo_attachment>;
using drive_session = rangeup::upload_session<rangeup::drive_item>;

// Runs a whole upload against the strict simulated server.
template <class Flavor>
run_outcome sim_run(const Flavor& flavor, sim_server& server, const rangeup::file_info& file,
                    const rangeup::session_options& o = {}) {
  rangeup::upload_session<Flavor> s(flavor, file, o);
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token("test-token");
  no_faults none;
  return run_upload(s, server, none);
}

void check_clean(const sim_server& server) {
  CHECK_MESSAGE(server.violations == 0, server.last_violation);
  CHECK(server.items_corrupt == 0);
  CHECK(server.bearer_rule_breaks() == 0);
}

std::vector<unsigned char> decode(std::string_view base64, std::size_t capacity) {
  std::vector<unsigned char> out(capacity + 3);
  std::size_t n = 0;
  REQUIRE(decode_base64_strict(base64, out.data(), out.size(), n));
  out.resize(n);
  return out;
}

// What a small file's POST body must say.
struct expected_post {
  std::string odata_type;
  std::string name;
  std::string content_type;  // "" = absent
  bool inline_ = false;      // "isInline": true present
  std::string content_id;    // "" = absent
};

// The body parses as one JSON object with exactly the expected members, and
// contentBytes decodes (strictly) to the file.
void check_post_body(const std::string& body, const std::vector<unsigned char>& bytes, const expected_post& want) {
  CAPTURE(body.substr(0, 300));
#ifdef RANGEUP_TEST_NLOHMANN
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  REQUIRE(j.is_object());
  std::size_t members = 3;  // @odata.type, name, contentBytes
  CHECK(j.at("@odata.type") == want.odata_type);
  CHECK(j.at("name") == want.name);
  if (want.content_type.empty()) {
    CHECK_FALSE(j.contains("contentType"));
  } else {
    CHECK(j.at("contentType") == want.content_type);
    ++members;
  }
  if (want.inline_) {
    CHECK(j.at("isInline") == true);
    ++members;
  } else {
    CHECK_FALSE(j.contains("isInline"));
  }
  if (want.content_id.empty()) {
    CHECK_FALSE(j.contains("contentId"));
  } else {
    CHECK(j.at("contentId") == want.content_id);
    ++members;
  }
  CHECK(j.size() == members);
  const std::string encoded = j.at("contentBytes").get<std::string>();
#else
  // Without an independent parser: the members as the built-in codec writes them.
  CHECK(body.front() == '{');
  CHECK(body.back() == '}');
  CHECK(body.find("\"@odata.type\":\"" + want.odata_type + "\"") != std::string::npos);
  CHECK(body.find("\"name\":\"" + want.name + "\"") != std::string::npos);
  CHECK((body.find("\"contentType\":") != std::string::npos) == !want.content_type.empty());
  CHECK((body.find("\"isInline\":true") != std::string::npos) == want.inline_);
  CHECK((body.find("\"contentId\":") != std::string::npos) == !want.content_id.empty());
  const std::size_t at = body.find("\"contentBytes\":\"");
  REQUIRE(at != std::string::npos);
  const std::size_t begin = at + 16;
  const std::string encoded = body.substr(begin, body.find('"', begin) - begin);
#endif
  CHECK(encoded.size() == rangeup::base64_length(bytes.size()));
  CHECK(decode(encoded, bytes.size()) == bytes);
}

}  // namespace

// ---- which path, by size ------------------------------------------------------------

TEST_CASE("attachments under 3 000 000 bytes go as one POST, from 3 000 000 bytes by session (O2, O3, T4)") {
  for (const sim_kind kind : {sim_kind::outlook, sim_kind::todo}) {
    for (const std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2999999}, std::uint64_t{3000000}}) {
      CAPTURE(static_cast<int>(kind));
      CAPTURE(size);
      const auto bytes = make_bytes(size);
      sim_config cfg = sim_defaults(kind, size);
      cfg.expect_name = "report.pdf";
      cfg.expect_single_url = kind == sim_kind::outlook
                                  ? "https://graph.microsoft.com/v1.0/me/messages/AAMkAD%3D%3D/attachments"
                                  : "https://graph.microsoft.com/v1.0/me/todo/lists/L1%3D/tasks/T2%3D/attachments";
      sim_server server(cfg, bytes.data());
      const rangeup::file_info file{"report.pdf", size, "application/pdf"};
      const run_outcome out = kind == sim_kind::outlook ? sim_run(outlook_target, server, file)
                                                        : sim_run(todo_target, server, file);
      REQUIRE(out.done);
      check_clean(server);
      CHECK(server.items_completed == 1);
      CHECK(out.result.id == std::string_view(server.last_item_id));
      CHECK_FALSE(out.result.id_unknown);
      CHECK(out.result.size == size);
      const bool single = size < 3000000;
      CHECK(out.result.simple_request == single);
      CHECK(server.posts == (single ? 1u : 0u));
      CHECK(server.creates == (single ? 0u : 1u));
      CHECK(server.puts == (single ? 0u : 1u));
      CHECK(out.requests == (single ? 1u : 2u));
      if (single) {
        CHECK(out.result.http_status == 201);
        CHECK(out.result.name == "report.pdf");  // from the attachment JSON
      }
    }
  }
}

TEST_CASE("drive files of at most 4 MiB go as one PUT .../content, larger ones by session (D7)") {
  for (const std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, 4 * MiB, 4 * MiB + 1}) {
    CAPTURE(size);
    const auto bytes = make_bytes(size);
    sim_config cfg = sim_defaults(sim_kind::drive, size);
    cfg.expect_single_url = "https://graph.microsoft.com/v1.0/me/drive/items/01PARENT:/big.bin:/content"
                            "?@microsoft.graph.conflictBehavior=fail";
    sim_server server(cfg, bytes.data());
    const run_outcome out = sim_run(drive_target(), server, {"big.bin", size});
    REQUIRE(out.done);
    check_clean(server);
    CHECK(server.items_completed == 1);
    const bool single = size <= 4 * MiB;
    CHECK(out.result.simple_request == single);
    CHECK(server.content_puts == (single ? 1u : 0u));
    CHECK(server.creates == (single ? 0u : 1u));
    CHECK(out.result.id == std::string_view(server.last_item_id));
    CHECK(out.result.size == size);
    // The same driveItem result and QuickXorHash as after a session.
    rangeup::quick_xor_hash h;
    if (size != 0) h.update(bytes.data(), bytes.size());
    char expect[32];
    REQUIRE(h.finalize_base64(expect, sizeof expect));
    CHECK(out.result.quick_xor_hash == std::string_view(expect));
  }
}

TEST_CASE("deferCommit, print and force_session always make a session") {
  {
    const auto bytes = make_bytes(1000);
    sim_config cfg = sim_defaults(sim_kind::outlook, 1000);
    cfg.small_attachment_sessions = true;  // the service would refuse it: the caller asked for it
    sim_server server(cfg, bytes.data());
    rangeup::session_options o;
    o.force_session = true;
    const run_outcome out = sim_run(outlook_target, server, {"a.txt", 1000}, o);
    REQUIRE(out.done);
    CHECK_FALSE(out.result.simple_request);
    CHECK(server.creates == 1);
    CHECK(server.posts == 0);
    check_clean(server);
  }
  {
    const auto bytes = make_bytes(1000);
    sim_server server(sim_defaults(sim_kind::drive, 1000), bytes.data());
    rangeup::session_options o;
    o.force_session = true;
    const run_outcome out = sim_run(drive_target(), server, {"a.bin", 1000}, o);
    REQUIRE(out.done);
    CHECK_FALSE(out.result.simple_request);
    CHECK(server.creates == 1);
    CHECK(server.content_puts == 0);
    check_clean(server);
  }
  {
    const auto bytes = make_bytes(1000);
    sim_config cfg = sim_defaults(sim_kind::drive, 1000);
    cfg.defer_commit = true;
    sim_server server(cfg, bytes.data());
    rangeup::drive_item d = drive_target();
    d.defer_commit = true;  // a commit needs a session
    const run_outcome out = sim_run(d, server, {"a.bin", 1000});
    REQUIRE(out.done);
    CHECK(server.creates == 1);
    CHECK(server.commits == 1);
    check_clean(server);
  }
  {
    const auto bytes = make_bytes(1);
    sim_server server(sim_defaults(sim_kind::print, 1), bytes.data());
    const run_outcome out =
        sim_run(rangeup::print_document{"https://graph.microsoft.com/v1.0", "p", "j", "d"}, server, {"a.pdf", 1, "application/pdf"});
    REQUIRE(out.done);
    CHECK_FALSE(out.result.simple_request);
    CHECK(server.creates == 1);
    check_clean(server);
  }
}

// ---- the POST ---------------------------------------------------------------------

TEST_CASE("the attachment POST: URL, bearer, JSON Content-Type, and a body whose contentBytes decode to the file") {
  const auto bytes = make_bytes(2999999, 5);
  struct row {
    const char* label;
    rangeup::outlook_attachment target;
    const char* url;
  } rows[] = {
      {"message", outlook_target, "https://graph.microsoft.com/v1.0/me/messages/AAMkAD%3D%3D/attachments"},
      {"event of a user",
       {"https://graph.microsoft.com/beta/", "adele@contoso.com", rangeup::outlook_attachment::parent_kind::event, "E/1"},
       "https://graph.microsoft.com/beta/users/adele%40contoso.com/events/E%2F1/attachments"},
  };
  for (const row& r : rows) {
    for (const std::uint64_t size : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}, std::uint64_t{1000},
                                     std::uint64_t{2999999}}) {
      CAPTURE(r.label);
      CAPTURE(size);
      const std::vector<unsigned char> file(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(size));
      outlook_session s(r.target, {"a \"b\".png", size, "image/png", true, "logo@1"});
      REQUIRE_FALSE(s.init_error());
      s.set_bearer_token("tok");
      const rangeup::step st = s.next_step(rangeup::instant{0});
      REQUIRE(st.request());
      const rangeup::request_view& req = *st.request();
      CHECK(req.method == rangeup::http_method::post);
      CHECK(req.url == r.url);
      CHECK(req.bearer_token == "tok");
      CHECK(header_of(req, "Content-Type") == "application/json");
      CHECK(header_of(req, "Content-Range").empty());
      CHECK(req.body == rangeup::body_kind::base64_json);
      CHECK(req.range.first == 0);
      CHECK(req.range.last == size - 1);
      CHECK(req.range.total == size);
      const std::string body = body_of(req, file.data(), size);
      CHECK(body.size() == req.content_length());
      check_post_body(body, file, {"#microsoft.graph.fileAttachment", "a \"b\".png", "image/png", true, "logo@1"});
      // Any piece size gives the same bytes (transports read as their buffers allow).
      for (const std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{65537}})
        if (piece > 7 || size <= 1000) CHECK(body_of(req, file.data(), size, piece) == body);
    }
  }
}

TEST_CASE("the To Do POST: a taskFileAttachment, without Outlook's inline members") {
  const auto bytes = make_bytes(4097);
  todo_session s(rangeup::todo_attachment{"https://graph.microsoft.com/v1.0", "u1", "L1=", "T2="},
                 {"notes.txt", bytes.size(), "text/plain", true, "cid"});
  s.set_bearer_token("tok");
  const rangeup::step st = s.next_step(rangeup::instant{0});
  REQUIRE(st.request());
  CHECK(st.request()->url == "https://graph.microsoft.com/v1.0/users/u1/todo/lists/L1%3D/tasks/T2%3D/attachments");
  CHECK(st.request()->bearer_token == "tok");
  check_post_body(body_of(*st.request(), bytes.data(), bytes.size()), bytes,
                  {"#microsoft.graph.taskFileAttachment", "notes.txt", "text/plain", false, ""});
}

TEST_CASE("a 0-byte attachment: one POST whose JSON holds an empty contentBytes") {
  outlook_session s(outlook_target, {"empty.txt", 0});
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token("tok");
  auto post = expect_request(s);
  CHECK(post.method == rangeup::http_method::post);
  CHECK(post.body == rangeup::body_kind::text);
  CHECK(post.content_length == post.text.size());
  check_post_body(post.text, {}, {"#microsoft.graph.fileAttachment", "empty.txt", "", false, ""});
  s.on_response(reply(201, R"({"id":"AAMkEMPTY=","name":"empty.txt","size":0})"), rangeup::instant{0});
  const rangeup::step done = s.next_step(rangeup::instant{0});
  REQUIRE(done.done());
  CHECK(done.done()->id == "AAMkEMPTY=");
  CHECK(done.done()->size == 0);
  CHECK(done.done()->simple_request);
}

TEST_CASE("the POST's answer: the 201 JSON names the attachment; unreadable, the id is unknown, never a second POST") {
  struct row {
    const char* body;
    bool truncated;
    const char* id;  // nullptr: id unknown
  } rows[] = {{R"({"@odata.type":"#microsoft.graph.fileAttachment","id":"AAMkATT=","name":"a.txt","size":5,"isInline":false})",
               false, "AAMkATT="},
              {R"({"id":"AAMkATT=","na)", false, nullptr},
              {R"({"id":"AAMkATT=","name":"a.txt"})", true, nullptr},
              {"", false, nullptr},
              {R"({"id":""})", false, nullptr}};
  for (const row& r : rows) {
    CAPTURE(r.body);
    outlook_session s(outlook_target, {"a.txt", 5});
    expect_request(s);
    rangeup::response_view answer = reply(201, r.body);
    answer.body_truncated = r.truncated;
    s.on_response(answer, rangeup::instant{0});
    const rangeup::step st = s.next_step(rangeup::instant{0});
    REQUIRE(st.done());
    CHECK(st.done()->simple_request);
    if (r.id) {
      CHECK(st.done()->id == r.id);
      CHECK(st.done()->name == "a.txt");
      CHECK_FALSE(st.done()->id_unknown);
    } else {
      CHECK(st.done()->id_unknown);
      CHECK(st.done()->id.empty());
    }
  }
}

TEST_CASE("lost answer to the POST: completion_unknown, never a second attachment") {
  // A dropped connection or a timeout after the request left, or a 5xx that
  // may come after the service attached the file (PROTOCOL.md E1).
  for (const std::error_code ec :
       {make_error_code(errc::connection_dropped), make_error_code(errc::timeout),
        std::make_error_code(std::errc::connection_reset), std::make_error_code(std::errc::timed_out)}) {
    CAPTURE(ec.message());
    outlook_session s(outlook_target, {"a.txt", 5});
    CHECK(expect_request(s).method == rangeup::http_method::post);
    s.on_transport_error(ec, rangeup::instant{0});
    const auto* f = expect_failed(s);
    CHECK(f->code == errc::completion_unknown);
    CHECK(f->http_status == 0);
  }
  for (const int status : {500, 502, 504}) {
    CAPTURE(status);
    todo_session s(todo_target, {"a.txt", 5});
    expect_request(s);
    s.on_response(reply(status, R"({"error":{"code":"generalException","message":"m"}})"), rangeup::instant{0});
    const auto* f = expect_failed(s);
    CHECK(f->code == errc::completion_unknown);
    CHECK(f->http_status == status);
    CHECK(f->server_code == "generalException");
  }
}

TEST_CASE("the POST is repeated when it provably did nothing: refused connection, 429, 503") {
  for (const std::error_code ec : {make_error_code(errc::connection_failed), std::make_error_code(std::errc::connection_refused)}) {
    CAPTURE(ec.message());
    outlook_session s(outlook_target, {"a.txt", 5});
    auto first = expect_request(s);
    s.on_transport_error(ec, rangeup::instant{0});
    const rangeup::step w = s.next_step(rangeup::instant{0});
    REQUIRE(w.wait_until());
    auto again = expect_request(s, w.wait_until()->ms);
    CHECK(again.method == rangeup::http_method::post);
    CHECK(again.url == first.url);
    CHECK(s.progress_info().retries == 1);
  }
  for (const int status : {429, 503}) {
    CAPTURE(status);
    outlook_session s(outlook_target, {"a.txt", 5});
    expect_request(s);
    s.on_response(reply(status, R"({"error":{"code":"activityLimitReached"}})", {}, "3"), rangeup::instant{100});
    const rangeup::step w = s.next_step(rangeup::instant{100});
    REQUIRE(w.wait_until());
    CHECK(w.wait_until()->ms == 100 + 3000);  // Retry-After honoured
    CHECK(expect_request(s, w.wait_until()->ms).method == rangeup::http_method::post);
    s.on_response(reply(201, R"({"id":"AAMkATT="})"), rangeup::instant{w.wait_until()->ms});
    REQUIRE(s.next_step(rangeup::instant{w.wait_until()->ms}).done());
  }
}

TEST_CASE("the POST under faults on the simulated server: done once, or completion_unknown; never two attachments") {
  const std::uint64_t size = 1000;
  const auto bytes = make_bytes(size);
  for (const fault f : {fault::drop_before, fault::drop_after, fault::timeout_after, fault::status_500,
                        fault::status_503, fault::status_429, fault::refused, fault::truncate_body}) {
    for (const sim_kind kind : {sim_kind::outlook, sim_kind::todo}) {
      CAPTURE(fault_name(f));
      CAPTURE(static_cast<int>(kind));
      sim_server server(sim_defaults(kind, size), bytes.data());
      scripted_faults faults{{0, f}};
      run_outcome out;
      if (kind == sim_kind::outlook) {
        outlook_session s(outlook_target, {"a.bin", size});
        s.set_bearer_token("test-token");
        out = run_upload(s, server, faults);
      } else {
        todo_session s(todo_target, {"a.bin", size});
        s.set_bearer_token("test-token");
        out = run_upload(s, server, faults);
      }
      check_clean(server);
      CHECK(server.items_completed <= 1);
      if (out.done) {
        CHECK(server.items_completed == 1);
      } else {
        CHECK(out.failure.code == errc::completion_unknown);
      }
      const bool did_nothing = f == fault::status_503 || f == fault::status_429 || f == fault::refused;
      if (did_nothing) CHECK(out.done);
      if (f == fault::drop_after || f == fault::timeout_after) CHECK(server.items_completed == 1);
    }
  }
}

// ---- the drive PUT .../content ----------------------------------------------------------

TEST_CASE("the drive PUT .../content: conflictBehavior in the query (fail when unspecified), If-Match as a header") {
  using conflict = rangeup::drive_item::conflict;
  struct row {
    const char* label;
    rangeup::drive_item target;
    const char* url;
  };
  rangeup::drive_item plain = drive_target();
  rangeup::drive_item fail = drive_target();
  fail.conflict_behavior = conflict::fail;
  rangeup::drive_item replace = drive_target();
  replace.conflict_behavior = conflict::replace;
  rangeup::drive_item rename = drive_target();
  rename.conflict_behavior = conflict::rename;
  rangeup::drive_item by_path;
  by_path.root_path = "/Docs/Q1 2024/r+d.pdf";
  by_path.user = "u@x";
  rangeup::drive_item library;
  library.drive_id = "b!abc/def";
  library.parent_id = "P";
  library.conflict_behavior = conflict::replace;
  rangeup::drive_item by_id = drive_target();
  by_id.item_id = "01ITEM=";
  by_id.conflict_behavior = conflict::fail;  // replacing one item's content: no conflictBehavior
  rangeup::drive_item library_item;
  library_item.drive_id = "D1";
  library_item.item_id = "I1";
  const row rows[] = {
      {"unspecified", plain,
       "https://graph.microsoft.com/v1.0/me/drive/items/01PARENT:/a%20b.bin:/content?@microsoft.graph.conflictBehavior=fail"},
      {"fail", fail,
       "https://graph.microsoft.com/v1.0/me/drive/items/01PARENT:/a%20b.bin:/content?@microsoft.graph.conflictBehavior=fail"},
      {"replace", replace,
       "https://graph.microsoft.com/v1.0/me/drive/items/01PARENT:/a%20b.bin:/content"
       "?@microsoft.graph.conflictBehavior=replace"},
      {"rename", rename,
       "https://graph.microsoft.com/v1.0/me/drive/items/01PARENT:/a%20b.bin:/content?@microsoft.graph.conflictBehavior=rename"},
      {"root path of a user", by_path,
       "https://graph.microsoft.com/v1.0/users/u%40x/drive/root:/Docs/Q1%202024/r%2Bd.pdf:/content"
       "?@microsoft.graph.conflictBehavior=fail"},
      {"document library", library,
       "https://graph.microsoft.com/v1.0/drives/b%21abc%2Fdef/items/P:/a%20b.bin:/content"
       "?@microsoft.graph.conflictBehavior=replace"},
      {"item id", by_id, "https://graph.microsoft.com/v1.0/me/drive/items/01ITEM%3D/content"},
      {"item id in a library", library_item, "https://graph.microsoft.com/v1.0/drives/D1/items/I1/content"},
  };
  for (const row& r : rows) {
    CAPTURE(r.label);
    rangeup::drive_item t = r.target;
    t.if_match = "\"etag-1\"";
    drive_session s(t, {"a b.bin", 100});
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token("tok");
    auto put = expect_request(s);
    CHECK(put.method == rangeup::http_method::put);
    CHECK(put.url == r.url);
    CHECK(put.bearer == "tok");
    CHECK(put.header("Content-Type") == "application/octet-stream");
    CHECK(put.header("If-Match") == "\"etag-1\"");
    CHECK_FALSE(put.has_header("If-None-Match"));
    CHECK_FALSE(put.has_header("Content-Range"));
    CHECK(put.body == rangeup::body_kind::source_range);
    CHECK(put.range.first == 0);
    CHECK(put.range.last == 99);
    CHECK(put.content_length == 100);
  }
  rangeup::drive_item none_match = drive_target();
  none_match.if_none_match = "*";
  drive_session s(none_match, {"a.bin", 0});
  auto empty = expect_request(s);
  CHECK(empty.header("If-None-Match") == "*");
  CHECK_FALSE(empty.has_header("If-Match"));
  CHECK(empty.body == rangeup::body_kind::none);  // 0 bytes: Content-Length: 0
  CHECK(empty.content_length == 0);
}

TEST_CASE("the drive PUT's answer: the driveItem as after a session") {
  drive_session s(drive_target(), {"a.bin", 5});
  expect_request(s);
  s.on_response(reply(201, R"({"id":"01NEW","name":"a.bin","size":5,"file":{"hashes":{"quickXorHash":"HASH"}}})"),
                rangeup::instant{0});
  const rangeup::step st = s.next_step(rangeup::instant{0});
  REQUIRE(st.done());
  CHECK(st.done()->id == "01NEW");
  CHECK(st.done()->quick_xor_hash == "HASH");
  CHECK(st.done()->http_status == 201);
  CHECK(st.done()->simple_request);

  drive_session replaced(drive_target(), {"a.bin", 5});
  expect_request(replaced);
  replaced.on_response(reply(200, R"({"id":"01OLD","name":"a.bin","size":5})"), rangeup::instant{0});
  REQUIRE(replaced.next_step(rangeup::instant{0}).done());
  CHECK(replaced.next_step(rangeup::instant{0}).done()->http_status == 200);

  drive_session other(drive_target(), {"a.bin", 5});
  expect_request(other);
  other.on_response(reply(201, R"({"id":"01NEW","name":"a.bin","size":4})"), rangeup::instant{0});
  CHECK(expect_failed(other)->code == errc::integrity_mismatch);

  drive_session taken(drive_target(), {"a.bin", 5});
  expect_request(taken);
  taken.on_response(reply(409, R"({"error":{"code":"nameAlreadyExists","message":"exists"}})"), rangeup::instant{0});
  const auto* f = expect_failed(taken);
  CHECK(f->code == errc::conflict);
  CHECK(f->server_code == "nameAlreadyExists");
}

TEST_CASE("lost answer to the drive PUT: under fail the item is looked up and adopted, or sent again if absent") {
  {
    drive_session s(drive_target(), {"a.bin", 5});
    s.set_bearer_token("tok");
    expect_request(s);
    s.on_transport_error(errc::connection_dropped, rangeup::instant{0});
    auto look = expect_request(s);
    CHECK(look.method == rangeup::http_method::get);
    CHECK(look.url == "https://graph.microsoft.com/v1.0/me/drive/items/01PARENT:/a.bin");
    CHECK(look.bearer == "tok");
    s.on_response(reply(200, R"({"id":"01NEW","name":"a.bin","size":5})"), rangeup::instant{0});
    const rangeup::step st = s.next_step(rangeup::instant{0});
    REQUIRE(st.done());
    CHECK(st.done()->id == "01NEW");
    CHECK(st.done()->simple_request);
    CHECK(s.progress_info().restarts == 0);
  }
  {
    drive_session s(drive_target(), {"a.bin", 5});
    expect_request(s);
    s.on_response(reply(502), rangeup::instant{0});  // may come after the service stored it
    CHECK(expect_request(s).method == rangeup::http_method::get);
    s.on_response(reply(404, R"({"error":{"code":"itemNotFound"}})"), rangeup::instant{0});
    auto again = expect_request(s);  // it did not land: the PUT again
    CHECK(again.method == rangeup::http_method::put);
    CHECK(again.url.find(":/content?@microsoft.graph.conflictBehavior=fail") != std::string::npos);
  }
  {
    using conflict = rangeup::drive_item::conflict;
    rangeup::drive_item replace = drive_target();
    replace.conflict_behavior = conflict::replace;
    drive_session s(replace, {"a.bin", 5});
    expect_request(s);
    s.on_transport_error(errc::timeout, rangeup::instant{0});
    const rangeup::step w = s.next_step(rangeup::instant{0});
    REQUIRE(w.wait_until());  // repeating it is harmless
    CHECK(expect_request(s, w.wait_until()->ms).method == rangeup::http_method::put);

    rangeup::drive_item by_id = drive_target();
    by_id.item_id = "01ITEM";
    drive_session i(by_id, {"a.bin", 5});
    expect_request(i);
    i.on_transport_error(errc::timeout, rangeup::instant{0});
    const rangeup::step wi = i.next_step(rangeup::instant{0});
    REQUIRE(wi.wait_until());
    CHECK(expect_request(i, wi.wait_until()->ms).url == "https://graph.microsoft.com/v1.0/me/drive/items/01ITEM/content");

    rangeup::drive_item rename = drive_target();
    rename.conflict_behavior = conflict::rename;
    drive_session r(rename, {"a.bin", 5});
    expect_request(r);
    r.on_transport_error(errc::timeout, rangeup::instant{0});
    CHECK(expect_failed(r)->code == errc::completion_unknown);
  }
}

TEST_CASE("the drive PUT under faults on the simulated server: a lost answer is looked up and adopted") {
  const std::uint64_t size = 4 * MiB;
  const auto bytes = make_bytes(size);
  for (const fault f : {fault::drop_after, fault::timeout_after, fault::truncate_body, fault::drop_before,
                        fault::status_500, fault::status_503}) {
    CAPTURE(fault_name(f));
    sim_server server(sim_defaults(sim_kind::drive, size), bytes.data());
    drive_session s(drive_target(), {"a.bin", size});
    s.set_bearer_token("test-token");
    scripted_faults faults{{0, f}};
    const run_outcome out = run_upload(s, server, faults);
    REQUIRE(out.done);
    check_clean(server);
    CHECK(server.items_completed == 1);
    CHECK(out.result.id == std::string_view(server.last_item_id));
    const bool landed = f == fault::drop_after || f == fault::timeout_after || f == fault::truncate_body;
    const bool maybe = landed || f == fault::drop_before || f == fault::status_500;
    CHECK(server.look_ups == (maybe ? 1u : 0u));
    CHECK(server.content_puts == 1);  // processed once: never stored twice
  }
}

// ---- drive targets by item id ------------------------------------------------------------

TEST_CASE("drive item_id above 4 MiB: a session on .../items/{id}/createUploadSession; a lost final answer sends it again") {
  const std::uint64_t size = 4 * MiB + 1;
  rangeup::drive_item d;
  d.item_id = "01ITEM=";
  d.parent_id = "ignored";
  d.root_path = "ignored too";
  drive_session s(d, {"a.bin", size});
  s.set_bearer_token("tok");
  auto create = expect_request(s);
  CHECK(create.method == rangeup::http_method::post);
  CHECK(create.url == "https://graph.microsoft.com/v1.0/me/drive/items/01ITEM%3D/createUploadSession");
  CHECK(create.bearer == "tok");
  s.on_response(reply(200, R"({"uploadUrl":"https://up.example/d/1?tempauth=x"})"), rangeup::instant{0});
  auto put = expect_request(s);
  CHECK(put.bearer.empty());
  CHECK(put.url == "https://up.example/d/1?tempauth=x");
  s.on_response(reply(202, R"({"nextExpectedRanges":["4194304-"]})"), rangeup::instant{0});
  CHECK(expect_request(s).content_range == "bytes 4194304-4194304/4194305");
  s.on_transport_error(errc::timeout, rangeup::instant{0});
  const rangeup::step w = s.next_step(rangeup::instant{0});
  REQUIRE(w.wait_until());
  expect_request(s, w.wait_until()->ms);
  s.on_response(reply(404), rangeup::instant{w.wait_until()->ms});
  // Replacing one item's content again is harmless: a new session, no look-up.
  auto again = expect_request(s, w.wait_until()->ms);
  CHECK(again.method == rangeup::http_method::post);
  CHECK(again.url == create.url);
  CHECK(s.progress_info().restarts == 1);
}

// ---- stopping it ----------------------------------------------------------------------------

TEST_CASE("cancel while the one request is out: completion_unknown; before it left or after a 503: cancelled") {
  {
    outlook_session s(outlook_target, {"a.txt", 5});
    CHECK_FALSE(s.may_have_completed());
    expect_request(s);
    CHECK(s.may_have_completed());  // out now: it may attach the file
    s.cancel();
    s.on_response(reply(201, R"({"id":"AAMkATT="})"), rangeup::instant{0});  // abandoned
    const auto* f = expect_failed(s);
    CHECK(f->code == errc::completion_unknown);
    CHECK(s.may_have_completed());
  }
  {
    outlook_session s(outlook_target, {"a.txt", 5});
    s.cancel();  // nothing sent
    CHECK(expect_failed(s)->code == errc::cancelled);
    CHECK_FALSE(s.may_have_completed());
  }
  {
    outlook_session s(outlook_target, {"a.txt", 5});
    expect_request(s);
    s.on_response(reply(503, {}, {}, "1"), rangeup::instant{0});  // the service did nothing
    CHECK_FALSE(s.may_have_completed());
    s.cancel();
    CHECK(expect_failed(s)->code == errc::cancelled);
  }
  {
    drive_session s(drive_target(), {"a.bin", 5});
    expect_request(s);
    s.on_transport_error(errc::connection_dropped, rangeup::instant{0});  // answer lost: look-up next
    CHECK(s.may_have_completed());
    s.cancel();
    CHECK(expect_failed(s)->code == errc::completion_unknown);
  }
  {
    drive_session s(drive_target(), {"a.bin", 5});
    expect_request(s);
    s.on_response(reply(201, R"({"id":"01NEW","name":"a.bin","size":5})"), rangeup::instant{0});
    REQUIRE(s.next_step(rangeup::instant{0}).done());
    CHECK_FALSE(s.may_have_completed());  // it did complete, and says so
  }
  {  // a session never reports this: its DELETE settles it
    rangeup::session_options o;
    o.force_session = true;
    drive_session s(drive_target(), {"a.bin", 5}, o);
    expect_request(s);
    CHECK_FALSE(s.may_have_completed());
  }
}

}  // namespace single_request_test_cases
