#pragma once
// What the server has, as far as the client can tell: the ranges it said it
// still misses (nextExpectedRanges), the fragment last sent, and what to
// believe when the server does not say (a 416 without a status answer, a 2xx
// whose body was unreadable). It checks each new statement against the last
// one — progress, a stall, or going backwards — and gives up after
// max_stalls answers in a row that teach nothing. Plain state, no I/O, no
// allocation; upload_session owns one per upload and starts it over
// (reset()) with every new server-side session.
//
// Rule IDs are docs/PROTOCOL.md's: C2-C4 (the range forms), E3 (416).

#include <cstddef>
#include <cstdint>
#include <system_error>

#include "rangeup/byte_range.hpp"
#include "rangeup/codec.hpp"
#include "rangeup/error.hpp"
#include "rangeup/planner.hpp"

namespace rangeup {

// Where a statement about the missing ranges comes from, which decides what
// it may say:
enum class adopt_mode : unsigned char {
  fresh,      // a new session's (or, after a restore, the first status answer's) ranges: news, never a stall
  after_put,  // a fragment's answer: may not go backwards
  resync,     // a status answer or a 416 body: may go backwards (the server forgot bytes), bounded
  guess,      // our own inference ("the unanswered range arrived"): never counted as progress
};

class range_tracker {
 public:
  // What to do after a fallback (below).
  enum class move : unsigned char {
    put,           // send the fragment the ranges now plan
    all_received,  // the server has every byte (commit if deferred, else the server broke the protocol)
    fail,          // the server contradicts itself: `error`
  };
  struct outcome {
    move next = move::put;
    std::error_code error{};
  };

  constexpr range_tracker(std::uint64_t total, std::uint32_t max_stalls, bool deferred_commit) noexcept
      : total_(total), max_stalls_(max_stalls), deferred_commit_(deferred_commit) {}

  // Forgets everything about the server's session (a new one starts from nothing).
  constexpr void reset() noexcept { s_ = {}; }

  // ---- what the server misses ------------------------------------------------------
  const byte_range* ranges() const noexcept { return s_.ranges; }
  std::size_t range_count() const noexcept { return s_.count; }
  std::uint64_t total() const noexcept { return total_; }
  // Bytes still missing; 0 once the server has them all.
  std::uint64_t missing() const noexcept { return missing_bytes(s_.ranges, s_.count, total_); }
  // Bytes the server holds according to its last word (not a high-water mark:
  // it drops when the server forgets bytes or a new session starts).
  std::uint64_t confirmed() const noexcept { return total_ - missing(); }
  // Where the first missing range starts (total once nothing is missing).
  std::uint64_t next_offset() const noexcept { return s_.count == 0 ? total_ : s_.ranges[0].first; }

  // Starts from "first-" with nothing else known (a restored session's saved offset).
  void start_at(std::uint64_t first) noexcept {
    s_.count = 0;
    if (first < total_) s_.ranges[s_.count++] = byte_range{first, 0, true};
  }

  // The server has every byte (an empty nextExpectedRanges, a completed upload).
  void all_received() noexcept { s_.count = 0; }

  // Takes the server's ranges as the plan, after checking them against what
  // it said before (C2, C4: validate_ranges clamps and checks the forms).
  std::error_code adopt(const byte_range* ranges, std::size_t count, adopt_mode mode) noexcept {
    s_.assumed = false;
    if (auto ec = validate_ranges(ranges, count, total_)) return ec;
    const std::uint64_t first = ranges[0].first;
    const std::uint64_t previous = next_offset();
    if (mode == adopt_mode::after_put && first < previous) return errc::protocol_violation;
    if (mode == adopt_mode::guess) {
      if (++s_.stalls >= max_stalls_) return errc::range_not_satisfiable;
    } else if (mode != adopt_mode::fresh) {
      if (first > previous) {
        s_.stalls = 0;
        s_.last_was_416 = false;
      } else {
        if (first < previous && ++s_.regressions >= max_stalls_) return errc::protocol_violation;
        if (++s_.stalls >= max_stalls_) return stall_error();
      }
    }
    for (std::size_t i = 0; i < count; ++i) s_.ranges[i] = ranges[i];
    s_.count = count;
    return {};
  }
  // The server misses everything from `first` on.
  std::error_code adopt_from(std::uint64_t first, adopt_mode mode) noexcept {
    const byte_range r{first, 0, true};
    return adopt(&r, 1, mode);
  }

  // Nothing learnt: counts towards the stall limit; the error once it is reached.
  std::error_code no_progress() noexcept {
    if (++s_.stalls < max_stalls_) return {};
    return stall_error();
  }

  // ---- the fragment in flight -----------------------------------------------------------
  // A PUT of range r goes out. Another range than last time: whatever became
  // of the last one, this one has not been sent before.
  void sending(const content_range& r) noexcept {
    if (r.first != s_.sent.first || r.last != s_.sent.last) s_.put_unanswered = false;
    s_.sent = r;
  }
  const content_range& sent() const noexcept { return s_.sent; }
  // The last PUT got no answer: it may have landed (a repeat is answered 416).
  void sent_unanswered() noexcept { s_.put_unanswered = true; }
  // The last PUT filled exactly the last missing bytes: its success completes the upload.
  bool sent_completes() const noexcept { return missing() == s_.sent.length(); }
  // A new session: no PUT of it was sent yet.
  void forget_sent() noexcept {
    s_.sent = {};
    s_.put_unanswered = false;
  }

  // ---- when the server does not say where it is -----------------------------------------
  // A 416 to the last PUT ("that range already arrived", E3), with the
  // ranges its body named when it named usable ones (count 0 otherwise).
  void refused(const byte_range* body_ranges, std::size_t count) noexcept {
    s_.fallback_count = 0;
    if (count > 0 && count <= max_expected_ranges && !validate_ranges(body_ranges, count, total_)) {
      for (std::size_t i = 0; i < count; ++i) s_.fallback_ranges[i] = body_ranges[i];
      s_.fallback_count = count;
    }
    s_.fallback_landed = true;
    s_.last_was_416 = true;
  }
  // A 2xx to the last PUT whose body could not be read: the bytes landed,
  // where the server is now is unknown.
  void unreadable_answer() noexcept {
    s_.last_was_416 = false;
    s_.fallback_count = 0;
    s_.fallback_landed = true;
  }

  // Without a status answer: the 416 body's ranges; else, since a 416 (or a
  // 2xx we could not read) means the range arrived, the guess that it did —
  // undone if the range after it is refused too; else the last confirmed
  // position again (a stall, when count_stall). Guesses and stalls are
  // bounded by max_stalls.
  outcome apply_fallback(bool count_stall) noexcept {
    const bool planned_from_current = s_.count > 0 && s_.sent.first == s_.ranges[0].first;
    if (s_.fallback_count > 0) {
      if (auto bad = adopt(s_.fallback_ranges, s_.fallback_count, adopt_mode::resync)) return {move::fail, bad};
    } else if (s_.count == 0) {
      return {move::all_received, {}};
    } else if (s_.assumed && s_.last_was_416 && !s_.put_unanswered && planned_from_current) {
      // The range after a guessed landing, never sent before, was refused:
      // the server cannot hold it, so the guess was wrong.
      if (auto bad = adopt_from(s_.assumed_from, adopt_mode::resync)) return {move::fail, bad};
    } else if (s_.fallback_landed && planned_from_current && s_.sent.last + 1 < total_) {
      const std::uint64_t before = s_.ranges[0].first;
      // After a 2xx the landing is certain (progress); after a 416 it is a guess.
      const adopt_mode mode = s_.last_was_416 ? adopt_mode::guess : adopt_mode::after_put;
      if (auto bad = adopt_from(s_.sent.last + 1, mode)) return {move::fail, bad};
      s_.assumed_from = before;
      s_.assumed = true;
    } else if (s_.fallback_landed && planned_from_current && deferred_commit_) {
      return {move::all_received, {}};  // the last range arrived: commit
    } else if (count_stall) {
      // Nothing to go on but the last position (an attachment's final range ends here too).
      if (auto bad = no_progress()) return {move::fail, bad};
    }
    s_.fallback_landed = false;
    return {move::put, {}};
  }

  // Diagnostics for tests and observers.
  std::uint32_t stalls() const noexcept { return s_.stalls; }
  bool assumed() const noexcept { return s_.assumed; }

 private:
  std::error_code stall_error() const noexcept {
    return s_.last_was_416 ? errc::range_not_satisfiable : errc::protocol_violation;
  }

  // Everything known about one server-side session: reset() is `= {}`.
  struct state {
    byte_range ranges[max_expected_ranges] = {};  // what the server misses (none = all received)
    std::size_t count = 0;
    content_range sent{};                          // the last PUT's range
    bool put_unanswered = false;                   // ... was sent before and got no answer (it may have landed)
    byte_range fallback_ranges[max_expected_ranges] = {};  // a 416 body's ranges
    std::size_t fallback_count = 0;
    bool fallback_landed = false;                  // the last PUT's bytes arrived (416, or an unreadable 2xx)
    bool last_was_416 = false;
    bool assumed = false;                          // ranges rest on "the unanswered range landed"
    std::uint64_t assumed_from = 0;                // where they were before that assumption
    std::uint32_t stalls = 0;                      // answers in a row without progress
    std::uint32_t regressions = 0;                 // answers that went backwards
  };

  std::uint64_t total_;
  std::uint32_t max_stalls_;
  bool deferred_commit_;
  state s_{};
};

}  // namespace rangeup
