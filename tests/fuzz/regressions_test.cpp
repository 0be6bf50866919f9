// Regression tests for what the fuzzers (tests/fuzz/fuzz_*.cpp) found: each
// case is the minimal reproducer of one finding, written as the behaviour we
// expect. Both findings so far were in upload_session's stall counting after
// a restore, and are fixed.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <string>
#include <string_view>

using rangeup::errc;

namespace {

rangeup::response_view reply(int status, std::string_view body = {}) {
  rangeup::response_view r;
  r.status = status;
  r.body = body;
  r.content_type = body.empty() ? "" : "application/json";
  return r;
}

// The next step must be a PUT of first-last.
template <class Session>
void expect_put(Session& s, std::uint64_t first, std::uint64_t last) {
  const rangeup::step st = s.next_step(rangeup::instant{0});
  if (const rangeup::failure* f = st.failed()) FAIL_CHECK("failed: " << f->code.message());
  const rangeup::request_view* req = st.request();
  REQUIRE(req != nullptr);
  CHECK(req->method == rangeup::http_method::put);
  CHECK(req->range.first == first);
  CHECK(req->range.last == last);
}

constexpr std::string_view upload_url = "https://upload.sim.test/sessions/1?authtoken=a%2Bb%3D1";

// Sends the create request and answers it with `status` and an uploadUrl.
template <class Session>
void create(Session& s, const rangeup::file_fingerprint& fp, int status, std::string_view ranges_member) {
  REQUIRE(!s.set_fingerprint(fp));
  s.set_bearer_token("token");
  REQUIRE(s.next_step(rangeup::instant{0}).request());
  const std::string body = "{\"uploadUrl\":\"" + std::string(upload_url) + "\"," + std::string(ranges_member) + "}";
  s.on_response(reply(status, body), rangeup::instant{0});
}

}  // namespace

// Finding 1 (rangeup_fuzz_session, upload_session.hpp): with
// session_options::max_stalls = 1, a resumed session fails with
// protocol_violation on its first status answer when the server is exactly
// where the token says: adopt(resync) counts "no movement since the restored
// offset" as a stall, although it is the first thing the server said.
TEST_CASE("finding 1: a resumed session's first status answer is not a stall") {
  const rangeup::print_document target{"https://graph.microsoft.com/v1.0", "p1", "j2", "d3"};
  const rangeup::file_info file{"data.bin", 1556, "application/pdf"};  // print names its content type
  rangeup::session_options options;
  options.chunk_size = 38;
  options.max_stalls = 1;
  const rangeup::file_fingerprint fp{1556, 42, {}};

  rangeup::upload_session<rangeup::print_document> first(target, file, options);
  create(first, fp, 200, R"("nextExpectedRanges":["0-"])");
  expect_put(first, 0, 37);
  first.on_response(reply(202, R"({"nextExpectedRanges":["38-1555"]})"), rangeup::instant{0});
  char token[4096];
  const auto n = first.save_resume_token(token, sizeof token);
  REQUIRE(n);

  // The process dies; a new one resumes and asks for the status.
  rangeup::upload_session<rangeup::print_document> resumed(target, file, options);
  REQUIRE(!resumed.restore(std::string_view(token, *n), fp));
  const rangeup::step st = resumed.next_step(rangeup::instant{0});
  REQUIRE(st.request());
  CHECK(st.request()->method == rangeup::http_method::get);
  resumed.on_response(reply(200, R"({"nextExpectedRanges":["38-1555"]})"), rangeup::instant{0});
  expect_put(resumed, 38, 75);
}

// Finding 2 (rangeup_fuzz_session, upload_session.hpp): To Do / Outlook with
// max_stalls = 2, GET uploadUrl unsupported (405). The process dies after the
// server stored a fragment but before its answer was recorded, so the token
// says 0. On resume: GET -> 405 counts as a stall (apply_fallback ->
// no_progress), the repeated PUT -> 416 makes the documented guess ("that
// range arrived"), which counts as a second one: range_not_satisfiable,
// although the server is consistent and the guess is right. Two answers to
// one disruption exhaust the budget; a capability probe should not count.
TEST_CASE("finding 2: resume without a status query survives one lost answer") {
  const rangeup::todo_attachment target{"https://graph.microsoft.com/v1.0", "", "AAMkAGI2=", "AAMkAGI3="};
  const rangeup::file_info file{"data.bin", 2986};
  rangeup::session_options options;
  options.chunk_size = 255;
  options.max_stalls = 2;
  options.force_session = true;  // a session, as when it was found (today such a small file goes by POST)
  const rangeup::file_fingerprint fp{2986, 42, {}};

  rangeup::upload_session<rangeup::todo_attachment> first(target, file, options);
  create(first, fp, 201, R"("NextExpectedRanges":["0"])");
  expect_put(first, 0, 254);  // the server stores it; the process dies before the answer
  char token[4096];
  const auto n = first.save_resume_token(token, sizeof token);
  REQUIRE(n);

  rangeup::upload_session<rangeup::todo_attachment> resumed(target, file, options);
  REQUIRE(!resumed.restore(std::string_view(token, *n), fp));
  resumed.set_bearer_token("token");  // To Do's GET carries it (without one the session would ask: need_token)
  REQUIRE(resumed.next_step(rangeup::instant{0}).request());  // GET uploadUrl
  resumed.on_response(reply(405, R"({"error":{"code":"methodNotAllowed","message":"no"}})"), rangeup::instant{0});
  expect_put(resumed, 0, 254);
  resumed.on_response(reply(416, R"({"error":{"code":"invalidRange","message":"already received"}})"),
                      rangeup::instant{0});
  expect_put(resumed, 255, 509);
}
