// The range tracker on its own (include/rangeup/range_tracker.hpp): what the
// server misses, how each kind of statement may move it (fresh, after_put,
// resync, guess), stall and regression counting, and the fallbacks after a
// 416 or an unreadable 2xx (docs/PROTOCOL.md C2-C4, E3) — no session needed.
#include <doctest/doctest.h>

#include <rangeup/range_tracker.hpp>

#include <ostream>  // doctest prints std::error_code values

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace range_tracker_test_cases {

using rangeup::adopt_mode;
using rangeup::byte_range;
using rangeup::errc;
using rangeup::range_tracker;
using move = rangeup::range_tracker::move;

namespace {

byte_range open(std::uint64_t first) { return byte_range{first, 0, true}; }
byte_range closed(std::uint64_t first, std::uint64_t last) { return byte_range{first, last, false}; }
rangeup::content_range sent(std::uint64_t first, std::uint64_t last, std::uint64_t total) { return {first, last, total}; }

}  // namespace

TEST_CASE("range tracker: a new tracker knows nothing; start_at and adopt set what the server misses") {
  range_tracker t(1000, 4, false);
  CHECK(t.range_count() == 0);
  t.start_at(200);
  CHECK(t.range_count() == 1);
  CHECK(t.next_offset() == 200);
  CHECK(t.missing() == 800);
  CHECK(t.confirmed() == 200);
  t.start_at(1000);  // nothing from the end on
  CHECK(t.range_count() == 0);
  CHECK(t.next_offset() == 1000);

  const byte_range two[] = {closed(100, 199), open(500)};
  REQUIRE_FALSE(t.adopt(two, 2, adopt_mode::fresh));
  CHECK(t.range_count() == 2);
  CHECK(t.missing() == 100 + 500);
  CHECK(t.confirmed() == 400);
  CHECK(t.next_offset() == 100);

  t.reset();
  CHECK(t.range_count() == 0);
  CHECK(t.stalls() == 0);
  CHECK(t.sent().total == 0);  // nothing sent
}

TEST_CASE("range tracker: ranges past the end or overlapping are a protocol violation; a closed range past the end is clamped (C4)") {
  range_tracker t(1000, 4, false);
  const byte_range past[] = {open(1000)};
  CHECK(t.adopt(past, 1, adopt_mode::fresh) == errc::protocol_violation);
  const byte_range overlap[] = {closed(0, 500), closed(400, 600)};
  CHECK(t.adopt(overlap, 2, adopt_mode::fresh) == errc::protocol_violation);
  const byte_range open_first[] = {open(0), closed(600, 700)};
  CHECK(t.adopt(open_first, 2, adopt_mode::fresh) == errc::protocol_violation);
  CHECK(t.adopt(past, 0, adopt_mode::fresh) == errc::protocol_violation);  // none at all
  const byte_range print_style[] = {closed(78929, 4533322)};  // the print page's own example
  range_tracker p(4533322, 4, false);
  REQUIRE_FALSE(p.adopt(print_style, 1, adopt_mode::fresh));
  CHECK(p.missing() == 4533322 - 78929);
}

TEST_CASE("range tracker: after a PUT the server may not go backwards; progress resets the stall count") {
  range_tracker t(1000, 3, false);
  t.start_at(0);
  REQUIRE_FALSE(t.adopt_from(100, adopt_mode::after_put));
  CHECK(t.next_offset() == 100);
  CHECK(t.adopt_from(50, adopt_mode::after_put) == errc::protocol_violation);
  CHECK(t.next_offset() == 100);  // a refused statement changes nothing
  // The same offset again: stalls, up to the limit.
  REQUIRE_FALSE(t.adopt_from(100, adopt_mode::after_put));
  CHECK(t.stalls() == 1);
  REQUIRE_FALSE(t.adopt_from(100, adopt_mode::after_put));
  CHECK(t.stalls() == 2);
  REQUIRE_FALSE(t.adopt_from(200, adopt_mode::after_put));  // progress
  CHECK(t.stalls() == 0);
  REQUIRE_FALSE(t.adopt_from(200, adopt_mode::after_put));
  REQUIRE_FALSE(t.adopt_from(200, adopt_mode::after_put));
  CHECK(t.adopt_from(200, adopt_mode::after_put) == errc::protocol_violation);  // 3rd stall in a row
}

TEST_CASE("range tracker: a status answer may go backwards (the server forgot bytes), a bounded number of times") {
  range_tracker t(1000, 3, false);
  t.start_at(500);
  REQUIRE_FALSE(t.adopt_from(300, adopt_mode::resync));
  CHECK(t.next_offset() == 300);
  CHECK(t.confirmed() == 300);  // not a high-water mark: the session keeps that
  REQUIRE_FALSE(t.adopt_from(600, adopt_mode::resync));
  REQUIRE_FALSE(t.adopt_from(400, adopt_mode::resync));
  CHECK(t.adopt_from(200, adopt_mode::resync) == errc::protocol_violation);  // the 3rd regression
}

TEST_CASE("range tracker: a fresh statement is news, never a stall; a guess always counts as one") {
  range_tracker t(1000, 2, false);
  t.start_at(500);
  for (int i = 0; i < 5; ++i) REQUIRE_FALSE(t.adopt_from(500, adopt_mode::fresh));
  CHECK(t.stalls() == 0);
  REQUIRE_FALSE(t.adopt_from(600, adopt_mode::guess));
  CHECK(t.stalls() == 1);
  CHECK(t.adopt_from(700, adopt_mode::guess) == errc::range_not_satisfiable);
}

TEST_CASE("range tracker: the fragment in flight, and whether it completes the upload") {
  range_tracker t(1000, 4, false);
  t.start_at(600);
  t.sending(sent(600, 899, 1000));
  CHECK_FALSE(t.sent_completes());
  t.sending(sent(600, 999, 1000));
  CHECK(t.sent_completes());
  CHECK(t.sent().first == 600);
  t.forget_sent();
  CHECK(t.sent().last == 0);
}

TEST_CASE("range tracker: 416 with the server's ranges in its body: those, as a resync") {
  range_tracker t(1000, 4, false);
  t.start_at(100);
  t.sending(sent(100, 199, 1000));
  const byte_range body[] = {open(300)};
  t.refused(body, 1);
  const range_tracker::outcome o = t.apply_fallback(true);
  CHECK(o.next == move::put);
  CHECK(t.next_offset() == 300);
  // Unusable body ranges are ignored (past the end).
  const byte_range bad[] = {open(2000)};
  t.sending(sent(300, 399, 1000));
  t.refused(bad, 1);
  CHECK(t.apply_fallback(true).next == move::put);
  CHECK(t.next_offset() == 400);  // the guess instead (below)
}

TEST_CASE("range tracker: 416 without ranges: the guess that the range arrived, undone when the next is refused too") {
  range_tracker t(1000, 4, false);
  t.start_at(100);
  t.sending(sent(100, 199, 1000));
  t.refused(nullptr, 0);
  CHECK(t.apply_fallback(true).next == move::put);
  CHECK(t.next_offset() == 200);
  CHECK(t.assumed());
  CHECK(t.stalls() == 1);  // a guess is never progress
  // The range after the guess, never sent before, refused as well: the guess was wrong.
  t.sending(sent(200, 299, 1000));
  t.refused(nullptr, 0);
  CHECK(t.apply_fallback(true).next == move::put);
  CHECK(t.next_offset() == 100);
  CHECK_FALSE(t.assumed());
}

TEST_CASE("range tracker: a 2xx whose body was unreadable: the bytes landed, for certain") {
  range_tracker t(1000, 4, false);
  t.start_at(0);
  t.sending(sent(0, 99, 1000));
  t.unreadable_answer();
  CHECK(t.apply_fallback(true).next == move::put);
  CHECK(t.next_offset() == 100);
  CHECK(t.stalls() == 0);  // progress, not a guess
}

TEST_CASE("range tracker: fallbacks on the last range: a deferred commit follows; else a stall") {
  range_tracker deferred(1000, 4, true);
  deferred.start_at(900);
  deferred.sending(sent(900, 999, 1000));
  deferred.refused(nullptr, 0);
  CHECK(deferred.apply_fallback(true).next == move::all_received);

  range_tracker plain(1000, 2, false);
  plain.start_at(900);
  plain.sending(sent(900, 999, 1000));
  plain.refused(nullptr, 0);
  CHECK(plain.apply_fallback(true).next == move::put);  // nothing to go on: the same range again
  CHECK(plain.next_offset() == 900);
  plain.refused(nullptr, 0);
  const range_tracker::outcome o = plain.apply_fallback(true);
  CHECK(o.next == move::fail);
  CHECK(o.error == errc::range_not_satisfiable);  // they were 416s

  range_tracker none(1000, 4, false);
  none.all_received();
  CHECK(none.apply_fallback(true).next == move::all_received);
}

TEST_CASE("range tracker: a fallback without counting a stall (the status GET turned out to be unsupported)") {
  range_tracker t(1000, 1, false);
  t.start_at(500);
  t.sending(sent(0, 99, 1000));  // not planned from the current position: nothing to infer
  for (int i = 0; i < 3; ++i) CHECK(t.apply_fallback(false).next == move::put);
  CHECK(t.stalls() == 0);
  const range_tracker::outcome o = t.apply_fallback(true);
  CHECK(o.next == move::fail);
  CHECK(o.error == errc::protocol_violation);
}

TEST_CASE("range tracker: an unanswered PUT may have landed, so a 416 to it is no proof the guess was wrong") {
  range_tracker t(1000, 4, false);
  t.start_at(100);
  t.sending(sent(100, 199, 1000));
  t.refused(nullptr, 0);
  REQUIRE(t.apply_fallback(true).next == move::put);  // guess: 200
  t.sending(sent(200, 299, 1000));
  t.sent_unanswered();  // its answer was lost; repeated:
  t.sending(sent(200, 299, 1000));
  t.refused(nullptr, 0);
  REQUIRE(t.apply_fallback(true).next == move::put);
  CHECK(t.next_offset() == 300);  // it arrived: another guess forward, not back to 100
}

}  // namespace range_tracker_test_cases
