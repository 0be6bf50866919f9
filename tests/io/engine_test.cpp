// io::upload_engine on its own: a fake session (a tiny server-less state
// machine that uploads in fixed fragments) and a fake clock, so every rule the
// engine owns is checked with plain calls: tokens asked for and refused,
// integrity, the overall timeout and the cancel flag (with and without the
// DELETE), a second stop abandoning the DELETE, resume tokens saved at the
// right moments, the rate limit, check_by.

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through it
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "rangeup/io/engine.hpp"
#include "rangeup/quick_xor_hash.hpp"

using rangeup::errc;
using rangeup::instant;
using rangeup::io::engine_action;
using kind = rangeup::io::engine_action::kind;

namespace {

// Uploads `size` bytes in `fragment`-byte PUTs to one uploadUrl; every request
// needs the bearer when `bearer` is set (To Do style). A 401 marks the token
// stale and repeats the request once; a second 401 in a row fails.
struct fake_session {
  std::uint64_t size = 0, fragment = 4, next = 0;
  bool bearer = true;
  std::string_view token;
  bool stale = false;
  int unauthorized_in_a_row = 0;
  bool cancel_requested = false, cancel_sent = false;
  bool created = false;
  rangeup::request_view req;
  rangeup::failure fail;
  bool failed = false;
  rangeup::upload_result result;
  bool done = false;
  std::string server_hash;  // reported in the result when set
  std::string url = "https://up.example/s1?tempauth=X";

  rangeup::step next_step(instant) noexcept {
    if (failed) return rangeup::step::failed(&fail);
    if (done) return rangeup::step::done(&result);
    if (bearer && (token.empty() || stale)) {
      if (cancel_requested && token.empty()) return fail_with(errc::cancelled);
      return rangeup::step::need_token();
    }
    req = rangeup::request_view{};
    req.url = url;
    req.bearer_token = bearer ? token : std::string_view{};
    if (cancel_requested) {
      cancel_sent = true;
      req.method = rangeup::http_method::delete_;
      return rangeup::step::send(&req);
    }
    req.method = rangeup::http_method::put;
    req.body = rangeup::body_kind::source_range;
    const std::uint64_t last = next + fragment < size ? next + fragment - 1 : size - 1;
    req.range = rangeup::content_range{next, last, size};
    return rangeup::step::send(&req);
  }
  void on_response(const rangeup::response_view& r, instant) noexcept {
    created = true;
    if (cancel_sent) return (void)fail_with(errc::cancelled);
    if (r.status == 401) {
      if (++unauthorized_in_a_row > 1) return (void)fail_with(errc::unauthorized);
      stale = true;
      return;
    }
    unauthorized_in_a_row = 0;
    next = req.range.last + 1;
    if (next == size) {
      done = true;
      result.http_status = 201;
      result.size = size;
      (void)result.quick_xor_hash.assign(std::string_view(server_hash));
    }
  }
  void on_transport_error(std::error_code ec, instant) noexcept {
    if (cancel_sent) return (void)fail_with(errc::cancelled);
    (void)ec;  // retried: the same range goes again
  }
  void cancel() noexcept { cancel_requested = true; }
  bool may_have_completed() const noexcept { return false; }

  void set_bearer_token(std::string_view t) noexcept {
    token = t;
    stale = false;
  }
  std::string_view bearer_token() const noexcept { return token; }
  bool token_stale() const noexcept { return stale; }
  void token_unavailable(std::error_code ec) noexcept { fail_with(ec); }

  rangeup::result<std::size_t> save_resume_token(char* out, std::size_t cap) const noexcept {
    if (!created || done) return errc::invalid_argument;  // no live session
    const std::string t = "rangeup-resume-v1\nurl=" + url + "\nnext=" + std::to_string(next) + "\n";
    if (t.size() >= cap) return errc::buffer_too_small;
    t.copy(out, t.size());
    return t.size();
  }
  bool final_request_next() const noexcept { return !done && size - next <= fragment; }

  rangeup::step fail_with(std::error_code e) noexcept {
    failed = true;
    fail.code = e;
    return rangeup::step::failed(&fail);
  }
  rangeup::step fail_with(errc e) noexcept { return fail_with(make_error_code(e)); }
};

struct fixture {
  std::string data = "0123456789abcdefghij";  // 20 bytes: 5 fragments of 4
  rangeup::memory_source source{data.data(), data.size()};
  fake_session session;
  rangeup::upload_options options;
  std::int64_t clock = 1000;
  std::vector<std::string> saved;  // resume tokens handed out
  std::vector<std::string> asked;  // stale tokens the provider saw

  fixture() { session.size = data.size(); }

  using engine_type = rangeup::io::upload_engine<fake_session, rangeup::memory_source>;

  // Performs a send by reading its body through the engine, then answers `status`.
  static void answer(engine_type& e, const engine_action& a, int status, instant now) {
    if (a.request->reads_source()) {
      char buf[64];
      const auto n = e.body().read_at(a.request->range.first, buf, static_cast<std::size_t>(a.request->range.length()));
      REQUIRE(n);
    }
    rangeup::response_view r;
    r.status = status;
    e.on_response(r, now);
  }

  // Runs to the end, answering every send with 200 (or 401 where `unauthorized`
  // says so, by request number); the clock moves 100 ms per request.
  rangeup::upload_outcome run(engine_type& e, std::vector<int> unauthorized = {}) {
    int sent = 0;
    for (int guard = 0; guard < 200; ++guard) {
      const engine_action a = e.next(instant{clock});
      if (a.what == kind::finished) return e.outcome();
      if (a.what == kind::need_token) {
        e.fetch_token();
        continue;
      }
      REQUIRE(a.what == kind::send);
      ++sent;
      clock += 100;
      bool reject = false;
      for (int u : unauthorized) reject = reject || u == sent;
      answer(e, a, reject ? 401 : 200, instant{clock});
    }
    FAIL("the engine did not finish");
    return e.outcome();
  }

  void provide(std::vector<std::string> tokens) {
    options.tokens = [this, tokens, i = std::size_t{0}](std::string_view stale, std::string& out) mutable {
      asked.emplace_back(stale);
      if (i >= tokens.size()) return make_error_code(errc::token_unavailable);
      out = tokens[i++];
      return std::error_code{};
    };
  }

  static void record(void* self, std::string_view token) noexcept {
    static_cast<fixture*>(self)->saved.emplace_back(token);
  }
};

std::string hash_of(const std::string& data) {
  rangeup::quick_xor_hash h;
  h.update(data.data(), data.size());
  char out[rangeup::quick_xor_hash::base64_length + 1];
  (void)h.finalize_base64(out, sizeof out);
  return out;
}

}  // namespace

TEST_CASE("engine: uploads, hashing the bytes as the transport reads them") {
  fixture f;
  f.provide({"t1"});
  f.session.server_hash = hash_of(f.data);
  fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
  const rangeup::upload_outcome out = f.run(e);
  CHECK_FALSE(out.code);
  CHECK(out.integrity_checked);
  CHECK(std::string(out.quick_xor_hash.c_str()) == f.session.server_hash);
  CHECK(out.tokens_fetched == 1);
  REQUIRE(f.asked.size() == 1);
  CHECK(f.asked[0].empty());  // the first ask has no stale token
  CHECK(out.seconds == doctest::Approx(0.5));
}

TEST_CASE("engine: a different server hash is integrity_mismatch") {
  fixture f;
  f.provide({"t1"});
  f.session.server_hash = hash_of("not the same bytes at all");
  fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
  CHECK(f.run(e).code == errc::integrity_mismatch);
}

TEST_CASE("engine: a 401 asks the provider again with the rejected token, then repeats the request") {
  fixture f;
  f.provide({"t1", "t2"});
  fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
  const rangeup::upload_outcome out = f.run(e, {3});
  CHECK_FALSE(out.code);
  REQUIRE(f.asked.size() == 2);
  CHECK(f.asked[1] == "t1");
  CHECK(f.session.token == "t2");
  CHECK(out.tokens_fetched == 2);
}

TEST_CASE("engine: a provider that fails ends the upload with its error") {
  fixture f;
  f.provide({"t1"});  // the second ask finds nothing
  fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
  CHECK(f.run(e, {2}).code == errc::token_unavailable);
}

TEST_CASE("engine: without a provider, no token is token_unavailable and a rejected one unauthorized") {
  SUBCASE("never had one") {
    fixture f;
    fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
    CHECK(f.run(e).code == errc::token_unavailable);
  }
  SUBCASE("set beforehand, then rejected") {
    fixture f;
    f.session.set_bearer_token("preset");
    fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
    CHECK(f.run(e, {2}).code == errc::unauthorized);
  }
  SUBCASE("an empty token from the provider is none") {
    fixture f;
    f.provide({""});
    fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
    CHECK(f.run(e).code == errc::token_unavailable);
  }
}

TEST_CASE("engine: pre-authenticated uploadUrls never ask for a token") {
  fixture f;
  f.session.bearer = false;
  fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
  CHECK_FALSE(f.run(e).code);
  CHECK(f.asked.empty());
}

TEST_CASE("engine: the overall timeout stops the upload and DELETEs the session") {
  fixture f;
  f.session.bearer = false;
  f.options.timeout_ms = 250;
  fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
  const rangeup::upload_outcome out = f.run(e);  // 100 ms per request: the third is past the deadline
  CHECK(out.code == errc::timeout);
  CHECK(f.session.cancel_sent);
}

TEST_CASE("engine: the cancel flag aborts the request out; the DELETE follows unless delete_on_cancel is off") {
  for (bool del : {true, false}) {
    CAPTURE(del);
    fixture f;
    f.session.bearer = false;
    std::atomic<bool> flag{false};
    f.options.cancel_flag = &flag;
    f.options.delete_on_cancel = del;
    fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
    engine_action a = e.next(instant{f.clock});
    REQUIRE(a.what == kind::send);
    CHECK(e.request_may_continue(instant{f.clock}));
    flag = true;
    CHECK(e.must_stop(instant{f.clock}));
    CHECK_FALSE(e.request_may_continue(instant{f.clock}));
    e.on_transport_error(make_error_code(errc::cancelled), instant{f.clock});
    a = e.next(instant{f.clock});
    if (del) {
      REQUIRE(a.what == kind::send);
      CHECK(a.request->method == rangeup::http_method::delete_);
      rangeup::response_view r;
      r.status = 204;
      e.on_response(r, instant{f.clock});
      a = e.next(instant{f.clock});
    }
    CHECK(a.what == kind::finished);
    CHECK(e.outcome().code == errc::cancelled);
  }
}

TEST_CASE("engine: request_stop twice abandons the DELETE; the delete timeout bounds it too") {
  fixture f;
  f.session.bearer = false;
  f.options.delete_timeout_ms = 500;
  fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
  REQUIRE(e.next(instant{f.clock}).what == kind::send);
  e.request_stop();
  CHECK_FALSE(e.request_may_continue(instant{f.clock}));
  e.on_transport_error(make_error_code(errc::cancelled), instant{f.clock});
  const engine_action del = e.next(instant{f.clock});
  REQUIRE(del.what == kind::send);
  CHECK(e.request_may_continue(instant{f.clock + 499}));
  CHECK_FALSE(e.request_may_continue(instant{f.clock + 500}));  // delete_timeout_ms
  e.request_stop();                                            // a second stop: do not wait at all
  CHECK_FALSE(e.request_may_continue(instant{f.clock}));
  CHECK(e.next(instant{f.clock}).what == kind::finished);
  CHECK(e.outcome().code == errc::cancelled);
}

TEST_CASE("engine: resume tokens at once for a new session, throttled between, forced before the last request and on failure") {
  fixture f;
  f.session.bearer = false;
  f.session.size = 40;  // 10 fragments of 4 (the source is shorter: reads are not needed here)
  f.options.on_resume_token = &fixture::record;
  f.options.resume_context = &f;
  f.options.resume_interval_ms = 350;
  std::string data40(40, 'x');
  rangeup::memory_source src(data40.data(), data40.size());
  rangeup::io::upload_engine<fake_session, rangeup::memory_source> e(f.session, src, f.options, instant{f.clock}, 0);
  const rangeup::upload_outcome out = f.run(e);
  CHECK_FALSE(out.code);
  // After PUT 1 (new url, at once), then every 350 ms (PUTs at 100 ms each:
  // after 5, 9), and before the last one (after 9, already saved: "next=36").
  REQUIRE(f.saved.size() >= 3);
  CHECK(f.saved.front().find("next=4\n") != std::string::npos);
  CHECK(f.saved.back().find("next=36\n") != std::string::npos);
  CHECK(f.saved.size() <= 4);

  fixture g;
  g.session.bearer = false;
  g.options.on_resume_token = &fixture::record;
  g.options.resume_context = &g;
  g.options.resume_interval_ms = 1000000;
  g.options.timeout_ms = 250;
  fixture::engine_type t(g.session, g.source, g.options, instant{g.clock}, 0);
  g.options.delete_on_cancel = false;
  CHECK(g.run(t).code == errc::timeout);
  REQUIRE(g.saved.size() == 2);  // the first, and the one the failure forces
  CHECK(g.saved.back().find("next=12\n") != std::string::npos);  // three PUTs got in before 250 ms
}

TEST_CASE("engine: the rate limit admits pieces when the bucket allows, never while stopping") {
  fixture f;
  f.session.bearer = false;
  rangeup::io::rate_limiter limit(1000);  // 1000 B/s: 50-byte pieces
  f.options.rate_limit = &limit;
  fixture::engine_type e(f.session, f.source, f.options, instant{f.clock}, 0);
  instant until{};
  std::size_t total = 0;
  std::int64_t now = f.clock;
  for (int i = 0; i < 20 && total < 500; ++i) {
    const std::size_t n = e.admit(200, instant{now}, &until);
    if (n == 0) {
      CHECK(until.ms > now);
      now = until.ms;
      continue;
    }
    CHECK(n <= 50);
    char buf[64];
    REQUIRE(e.body().read_at(0, buf, n < 20 ? n : 20));
    total += n < 20 ? n : 20;
  }
  CHECK(total > 0);
  CHECK(now - f.clock >= 100);  // paced: not everything at once
}

TEST_CASE("engine: check_by is the poll interval, or the deadline when it comes first") {
  fixture f;
  f.options.poll_interval_ms = 100;
  f.options.timeout_ms = 1050;
  fixture::engine_type e(f.session, f.source, f.options, instant{1000}, 0);
  CHECK(e.check_by(instant{1000}).ms == 1100);
  CHECK(e.check_by(instant{2000}).ms == 2050);
  CHECK(e.check_by(instant{3000}).ms == 3000);  // overdue: look now
}
