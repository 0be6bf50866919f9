// Range planners: chunk validation per flavor and the plan for awkward sizes,
// always following the server's nextExpectedRanges.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <ostream>  // doctest prints std::error_code values

#include <vector>

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace planner_test_cases {

using rangeup::byte_range;
using rangeup::errc;

namespace {

constexpr std::uint64_t MiB = 1024 * 1024;
constexpr std::uint64_t Q = 327680;

// Plans a whole upload as a cooperative server would answer: "next-".
template <class Planner>
std::vector<rangeup::content_range> plan(const Planner& p, std::uint64_t total) {
  std::vector<rangeup::content_range> out;
  byte_range r{0, 0, true};
  while (r.first < total) {
    auto next = p.next(&r, 1, total);
    REQUIRE(next);
    out.push_back(*next);
    r.first = next->last + 1;
  }
  return out;
}

// The plan covers [0, total) exactly once, in order, within cap and quantum.
template <class Planner>
void check_plan(const Planner& p, std::uint64_t total) {
  CAPTURE(total);
  const auto fragments = plan(p, total);
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    const auto& f = fragments[i];
    CHECK(f.first == at);
    CHECK(f.total == total);
    CHECK(f.length() <= p.chunk_size());
    if (i + 1 < fragments.size()) {
      CHECK(f.length() == p.chunk_size());
      CHECK(f.length() % Planner::quantum == 0);
    }
    at = f.last + 1;
  }
  CHECK(at == total);
  CHECK(fragments.size() == (total + p.chunk_size() - 1) / p.chunk_size());
}

}  // namespace

TEST_CASE("attachment planner: chunk sizes up to 4 000 000 bytes, 0 = default") {
  // "Less than 4 MB" in both readings of MB (PROTOCOL.md O5, T2).
  CHECK(*rangeup::attachment_planner::resolve_chunk(0) == 4000000);
  CHECK(*rangeup::attachment_planner::resolve_chunk(1) == 1);
  CHECK(*rangeup::attachment_planner::resolve_chunk(4000000) == 4000000);
  CHECK(rangeup::attachment_planner::resolve_chunk(4000001).error() == errc::invalid_chunk_size);
  CHECK(rangeup::attachment_planner::resolve_chunk(4 * MiB).error() == errc::invalid_chunk_size);
}

TEST_CASE("drive planner: multiples of 320 KiB rounded down, below 60 MiB") {
  CHECK(*rangeup::drive_planner::resolve_chunk(0) == 10 * MiB);
  CHECK(*rangeup::drive_planner::resolve_chunk(Q) == Q);
  CHECK(*rangeup::drive_planner::resolve_chunk(Q + 1) == Q);
  CHECK(*rangeup::drive_planner::resolve_chunk(2 * Q - 1) == Q);
  CHECK(rangeup::drive_planner::resolve_chunk(Q - 1).error() == errc::invalid_chunk_size);
  CHECK(rangeup::drive_planner::resolve_chunk(1).error() == errc::invalid_chunk_size);
  CHECK(*rangeup::drive_planner::resolve_chunk(60 * MiB - 1) == 60 * MiB - Q);
  CHECK(rangeup::drive_planner::resolve_chunk(60 * MiB).error() == errc::invalid_chunk_size);
  CHECK(rangeup::drive_planner::resolve_chunk(100 * MiB).error() == errc::invalid_chunk_size);
}

TEST_CASE("print planner: below 10 000 000 bytes") {
  // "Less than 10 MB" in both readings of MB (PROTOCOL.md P2).
  CHECK(*rangeup::print_planner::resolve_chunk(0) == 3276800);
  CHECK(*rangeup::print_planner::resolve_chunk(9999999) == 9999999);
  CHECK(rangeup::print_planner::resolve_chunk(10000000).error() == errc::invalid_chunk_size);
  CHECK(rangeup::print_planner::resolve_chunk(10 * MiB - 1).error() == errc::invalid_chunk_size);
}

TEST_CASE("plans for awkward sizes: 1, quantum +-1, exact multiples, 1-byte remainder, > 4 GiB") {
  rangeup::attachment_planner a;
  REQUIRE_FALSE(a.configure(0, 0));
  for (std::uint64_t total : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3999999}, std::uint64_t{4000000},
                              std::uint64_t{4000001}, 4 * MiB, 8 * MiB, 8 * MiB + 1, 150 * MiB})
    check_plan(a, total);

  rangeup::drive_planner d;
  REQUIRE_FALSE(d.configure(0, Q));
  for (std::uint64_t total : {std::uint64_t{1}, Q - 1, Q, Q + 1, 2 * Q, 7 * Q + 1, 10 * Q - 1}) check_plan(d, total);

  rangeup::drive_planner big;
  REQUIRE_FALSE(big.configure(0, 0));
  const std::uint64_t five_gib_plus_one = 5 * 1024 * MiB + 1;
  const auto fragments = plan(big, five_gib_plus_one);
  REQUIRE(fragments.size() == 513);
  CHECK(fragments.back().first == 5 * 1024 * MiB);
  CHECK(fragments.back().last == 5 * 1024 * MiB);  // the 1-byte remainder is not dropped
  char text[rangeup::content_range_capacity];
  auto n = rangeup::format_content_range(fragments.back(), text, sizeof text);
  REQUIRE(n);
  CHECK(std::string_view(text, *n) == "bytes 5368709120-5368709120/5368709121");
  check_plan(big, five_gib_plus_one);
}

TEST_CASE("the planner follows the server, not its own counter") {
  rangeup::attachment_planner p;
  REQUIRE_FALSE(p.configure(0, 100));
  const std::uint64_t total = 1000;
  // The server asks for a range in the middle: start there.
  byte_range r{350, 0, true};
  auto f = p.next(&r, 1, total);
  REQUIRE(f);
  CHECK(f->first == 350);
  CHECK(f->last == 449);
  // A closed range limits the fragment.
  r = byte_range{350, 379, false};
  f = p.next(&r, 1, total);
  REQUIRE(f);
  CHECK(f->last == 379);
  // Several ranges: the first one is planned; later ones wait.
  byte_range several[] = {{10, 19, false}, {500, 0, true}};
  f = p.next(several, 2, total);
  REQUIRE(f);
  CHECK(f->first == 10);
  CHECK(f->last == 19);
  // A closed end at the size (the docs' own "78929-4533322") is clamped.
  r = byte_range{950, 1000, false};
  f = p.next(&r, 1, total);
  REQUIRE(f);
  CHECK(f->last == 999);
}

TEST_CASE("impossible server ranges are protocol violations") {
  rangeup::attachment_planner p;
  REQUIRE_FALSE(p.configure(0, 100));
  byte_range beyond{1000, 0, true};
  CHECK(p.next(&beyond, 1, 1000).error() == errc::protocol_violation);
  CHECK(p.next(nullptr, 0, 1000).error() == errc::protocol_violation);
  byte_range unordered[] = {{500, 599, false}, {100, 199, false}};
  CHECK(p.next(unordered, 2, 1000).error() == errc::protocol_violation);
  byte_range overlapping[] = {{100, 199, false}, {150, 0, true}};
  CHECK(p.next(overlapping, 2, 1000).error() == errc::protocol_violation);
  byte_range open_not_last[] = {{100, 0, true}, {500, 599, false}};
  CHECK(p.next(open_not_last, 2, 1000).error() == errc::protocol_violation);
  CHECK(rangeup::missing_bytes(unordered, 1, 1000) == 100);
}

}  // namespace planner_test_cases
