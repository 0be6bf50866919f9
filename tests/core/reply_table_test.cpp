// The reply table (include/rangeup/reply_table.hpp): what each status means
// for each request, checked row by row against docs/PROTOCOL.md's E-rules,
// partly at compile time; and a sweep over every status for properties that
// must hold for all of them.
#include <doctest/doctest.h>

#include <rangeup/reply_table.hpp>

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace reply_table_test_cases {

using rangeup::errc;
using rangeup::reply_action;
using rangeup::request_facts;
using rangeup::request_kind;
using rangeup::status_query;

namespace {

constexpr request_facts plain{};
constexpr request_facts with_bearer{true, false, status_query::documented, false};
constexpr request_facts refreshed{true, true, status_query::documented, false};
constexpr request_facts attachment_get{false, false, status_query::try_once, false};
constexpr request_facts todo_get{true, false, status_query::try_once, false};
constexpr request_facts todo_get_refreshed{true, true, status_query::try_once, false};
constexpr request_facts lost_final{false, false, status_query::documented, true};

constexpr reply_action act(request_kind k, int status, const request_facts& f = plain) {
  return rangeup::classify_reply(k, status, f).action;
}
constexpr errc code(request_kind k, int status, const request_facts& f = plain) {
  return rangeup::classify_reply(k, status, f).code;
}

// A few rows at compile time: the table is constexpr.
static_assert(act(request_kind::fragment, 416) == reply_action::resync, "E3");
static_assert(act(request_kind::fragment, 404) == reply_action::session_gone, "E2");
static_assert(act(request_kind::create, 401, with_bearer) == reply_action::refresh_token, "E7");
static_assert(act(request_kind::create, 401, refreshed) == reply_action::fail, "E7: once");
static_assert(code(request_kind::fragment, 507) == errc::quota_exceeded, "E4");
static_assert(code(request_kind::commit, 501) == errc::not_supported, "E5");
static_assert(act(request_kind::single_request, 500) == reply_action::maybe_landed, "E8");
static_assert(act(request_kind::single_request, 503) == reply_action::retry, "E1");
static_assert(act(request_kind::status, 405, attachment_get) == reply_action::no_status, "O9");
static_assert(act(request_kind::look_up, 404) == reply_action::item_absent, "D11");

}  // namespace

TEST_CASE("reply table: successes per request") {
  CHECK(act(request_kind::create, 201) == reply_action::proceed);  // Outlook, To Do (O1, T1)
  CHECK(act(request_kind::create, 200) == reply_action::proceed);  // drive, print (D1, P1)
  CHECK(act(request_kind::create, 202) == reply_action::fail);
  CHECK(code(request_kind::create, 204) == errc::unexpected_status);
  for (int s : {200, 201, 202, 204}) {
    CHECK(act(request_kind::fragment, s) == reply_action::proceed);  // the handler tells intermediate from final
    CHECK(act(request_kind::commit, s) == reply_action::proceed);
    CHECK(act(request_kind::single_request, s) == reply_action::proceed);
  }
  CHECK(act(request_kind::status, 200) == reply_action::proceed);
  CHECK(act(request_kind::status, 204) == reply_action::fail);
  CHECK(act(request_kind::look_up, 200) == reply_action::proceed);
  CHECK(code(request_kind::look_up, 206) == errc::unexpected_status);
}

TEST_CASE("reply table: E1 transient statuses are retried; a single request only after 429/503 (E8)") {
  for (int s : {408, 429, 500, 502, 503, 504, 509, 599}) {
    CAPTURE(s);
    for (request_kind k : {request_kind::create, request_kind::fragment, request_kind::status, request_kind::commit,
                           request_kind::look_up})
      CHECK(act(k, s) == reply_action::retry);
    CHECK(act(request_kind::single_request, s) ==
          (s == 429 || s == 503 ? reply_action::retry : reply_action::maybe_landed));
  }
  CHECK(code(request_kind::fragment, 429) == errc::throttled);
  CHECK(code(request_kind::fragment, 503) == errc::server_error);
}

TEST_CASE("reply table: E4 E5 507 and 501 fatal wherever they come (501 to a status GET: no status, O9)") {
  for (request_kind k : {request_kind::create, request_kind::single_request, request_kind::fragment,
                         request_kind::commit, request_kind::look_up}) {
    CHECK(act(k, 507) == reply_action::fail);
    CHECK(code(k, 507) == errc::quota_exceeded);
    CHECK(act(k, 501) == reply_action::fail);
    CHECK(code(k, 501) == errc::not_supported);
  }
  CHECK(act(request_kind::status, 501) == reply_action::no_status);
  CHECK(code(request_kind::status, 507) == errc::quota_exceeded);
}

TEST_CASE("reply table: E7 401 — a fresh token once for a request that carried it; else typed") {
  for (request_kind k : {request_kind::create, request_kind::single_request, request_kind::fragment,
                         request_kind::status, request_kind::commit, request_kind::look_up}) {
    CAPTURE(static_cast<int>(k));
    CHECK(act(k, 401, with_bearer) == reply_action::refresh_token);
  }
  CHECK(code(request_kind::fragment, 401, refreshed) == errc::unauthorized);
  // A pre-authenticated uploadUrl: never "fixed" with a token.
  CHECK(act(request_kind::fragment, 401) == reply_action::fail);
  CHECK(code(request_kind::fragment, 401) == errc::unauthorized);
  CHECK(act(request_kind::status, 401) == reply_action::fail);  // drive, print: the GET is documented
  // The attachment status GET: Outlook's has no token (O9 at once); To Do's
  // has one (a fresh token first, then O9).
  CHECK(act(request_kind::status, 401, attachment_get) == reply_action::no_status);
  CHECK(act(request_kind::status, 401, todo_get) == reply_action::refresh_token);
  CHECK(act(request_kind::status, 401, todo_get_refreshed) == reply_action::no_status);
  CHECK(act(request_kind::status, 403, todo_get) == reply_action::no_status);
}

TEST_CASE("reply table: 404 per request (E2, D11, E10) and 416 (E3)") {
  CHECK(act(request_kind::fragment, 404) == reply_action::session_gone);
  CHECK(act(request_kind::commit, 404) == reply_action::session_gone);
  CHECK(act(request_kind::status, 404) == reply_action::session_gone);
  CHECK(act(request_kind::status, 404, attachment_get) == reply_action::no_status);  // O9
  CHECK(act(request_kind::look_up, 404) == reply_action::item_absent);
  CHECK(code(request_kind::create, 404) == errc::target_not_found);
  CHECK(code(request_kind::single_request, 404) == errc::target_not_found);
  CHECK(act(request_kind::fragment, 416) == reply_action::resync);
  CHECK(code(request_kind::commit, 416) == errc::range_not_satisfiable);
  CHECK(code(request_kind::status, 416) == errc::range_not_satisfiable);
}

TEST_CASE("reply table: E10 typed failures; 409 after a lost final answer looks first (E8)") {
  struct row {
    int status;
    errc code;
  } rows[] = {{400, errc::bad_request}, {403, errc::forbidden},           {409, errc::conflict},
              {412, errc::precondition_failed}, {413, errc::payload_too_large}, {418, errc::unexpected_status},
              {302, errc::unexpected_status}, {100, errc::unexpected_status}};
  for (const row& r : rows) {
    CAPTURE(r.status);
    CHECK(act(request_kind::fragment, r.status) == reply_action::fail);
    CHECK(code(request_kind::fragment, r.status) == r.code);
  }
  CHECK(act(request_kind::fragment, 409, lost_final) == reply_action::lost_final_conflict);
  CHECK(act(request_kind::commit, 409, lost_final) == reply_action::lost_final_conflict);
  CHECK(act(request_kind::fragment, 412, lost_final) == reply_action::fail);
}

TEST_CASE("reply table: a DELETE ends in cancelled whatever it got (O8, D4, P3)") {
  for (int s = 100; s < 600; ++s) {
    const rangeup::reply_rule r = rangeup::classify_reply(request_kind::cancel, s, with_bearer);
    REQUIRE(r.action == reply_action::fail);
    REQUIRE(r.code == errc::cancelled);
  }
}

TEST_CASE("reply table: every status, every request — properties of the whole table") {
  const request_kind kinds[] = {request_kind::create, request_kind::single_request, request_kind::fragment,
                                request_kind::status, request_kind::commit, request_kind::look_up};
  const request_facts facts[] = {plain, with_bearer, refreshed, attachment_get, todo_get, todo_get_refreshed, lost_final};
  for (request_kind k : kinds) {
    for (const request_facts& f : facts) {
      for (int s = 100; s < 600; ++s) {
        const rangeup::reply_rule r = rangeup::classify_reply(k, s, f);
        CAPTURE(static_cast<int>(k));
        CAPTURE(s);
        // Only a 401 to a request that carried the token, not yet repeated, asks for a new one.
        REQUIRE((r.action == reply_action::refresh_token) == (s == 401 && f.bearer && !f.token_refreshed));
        // A failure always names its errc; a success is never a failure.
        if (r.action == reply_action::fail) REQUIRE(r.code != errc{});
        if (r.action == reply_action::proceed) REQUIRE((s >= 200 && s <= 299));
        // 507 and 501 are never retried (E4, E5).
        if (s == 507 || s == 501) REQUIRE(r.action != reply_action::retry);
        // Only a fragment resyncs; only a single request may have landed; only the status GET may be unavailable.
        if (r.action == reply_action::resync) REQUIRE(k == request_kind::fragment);
        if (r.action == reply_action::maybe_landed) REQUIRE(k == request_kind::single_request);
        if (r.action == reply_action::no_status) REQUIRE(k == request_kind::status);
        if (r.action == reply_action::item_absent) REQUIRE(k == request_kind::look_up);
        if (r.action == reply_action::lost_final_conflict) REQUIRE((s == 409 && f.final_unanswered));
      }
    }
  }
}

}  // namespace reply_table_test_cases
