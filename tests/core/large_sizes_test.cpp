// Sizes over 4 GiB through the core with whatever size_t the target has (the
// i386 preset: 32 bits): Content-Range text, planners, nextExpectedRanges,
// resume tokens, progress and the bytes a source yields at offsets above
// 4 GiB. A 5 GiB + 1 byte drive upload runs against the simulated server with
// a source that computes its bytes (nothing is stored), is saved as a resume
// token past 4 GiB, restored into a new session and finished.

#include <doctest/doctest.h>

#include <rangeup/quick_xor_hash.hpp>
#include <rangeup/rangeup.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "support/sim_server.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace large_sizes_test_cases {

using namespace rangeup_test;

namespace {

constexpr std::uint64_t GiB = std::uint64_t{1} << 30;
constexpr std::uint64_t size_5g = 5 * GiB + 1;

// The byte at each offset, from all 64 bits of it (a 32-bit truncation of the
// offset reads other bytes).
unsigned char pattern_at(std::uint64_t o) noexcept {
  return static_cast<unsigned char>((o >> 32) * 131 + (o >> 8) * 7 + o);
}

// A source of `size` computed bytes: no memory, no file.
class pattern_source {
 public:
  explicit pattern_source(std::uint64_t size) noexcept : size_(size) {}
  std::uint64_t size() const noexcept { return size_; }
  rangeup::result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) const noexcept {
    if (offset > size_) return rangeup::errc::source_read_failed;
    const std::uint64_t left = size_ - offset;
    const std::size_t take = left < n ? static_cast<std::size_t>(left) : n;
    for (std::size_t i = 0; i < take; ++i) out[i] = static_cast<char>(pattern_at(offset + i));
    return take;
  }

 private:
  std::uint64_t size_;
};

std::string header(const rangeup::request_view& req, std::string_view name) {
  for (const rangeup::header_field* h = req.begin_headers(); h != req.end_headers(); ++h)
    if (h->name == name) return std::string(h->value);
  return {};
}

rangeup::drive_item big_target() {
  rangeup::drive_item d;
  d.parent_id = "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K";
  d.name = "big.iso";
  return d;
}

// Checks one request the way a transport would send it: the Content-Range
// header is the text of req.range, and the source yields the bytes of that
// range (the first and last 64 are compared with the pattern).
struct request_checker {
  const pattern_source& source;
  std::uint64_t puts_above_4g = 0;

  void operator()(const rangeup::request_view& req) {
    if (req.body != rangeup::body_kind::source_range) return;
    const std::string text = header(req, "Content-Range");
    char expected[rangeup::content_range_capacity];
    const auto n = rangeup::format_content_range(req.range, expected, sizeof expected);
    REQUIRE(n);
    CHECK(text == std::string(expected, *n));
    const auto parsed = rangeup::parse_content_range(text);
    REQUIRE(parsed);
    CHECK(parsed->first == req.range.first);
    CHECK(parsed->last == req.range.last);
    CHECK(parsed->total == size_5g);
    CHECK(req.content_length() == req.range.length());
    if (req.range.first >= (std::uint64_t{1} << 32)) ++puts_above_4g;
    for (const std::uint64_t at : {req.range.first, req.range.last - 63}) {
      char buf[64];
      const auto got = source.read_at(at, buf, sizeof buf);
      REQUIRE(got);
      REQUIRE(*got == sizeof buf);
      for (std::size_t i = 0; i < sizeof buf; ++i)
        if (static_cast<unsigned char>(buf[i]) != pattern_at(at + i)) FAIL("byte " << at + i);
    }
  }
};

}  // namespace

TEST_CASE("Content-Range and nextExpectedRanges text with 64-bit offsets") {
  char buf[rangeup::content_range_capacity];
  const rangeup::content_range r{4 * GiB, 4 * GiB + 10 * 1024 * 1024 - 1, size_5g};
  const auto n = rangeup::format_content_range(r, buf, sizeof buf);
  REQUIRE(n);
  CHECK(std::string(buf, *n) == "bytes 4294967296-4305453055/5368709121");
  const auto back = rangeup::parse_content_range("bytes 4294967296-4305453055/5368709121");
  REQUIRE(back);
  CHECK(back->first == r.first);
  CHECK(back->last == r.last);
  CHECK(back->total == r.total);
  CHECK(back->length() == 10 * 1024 * 1024);
  // The largest values fit the capacity.
  const rangeup::content_range max{UINT64_MAX - 2, UINT64_MAX - 1, UINT64_MAX};
  const auto m = rangeup::format_content_range(max, buf, sizeof buf);
  REQUIRE(m);
  CHECK(std::string(buf, *m) == "bytes 18446744073709551613-18446744073709551614/18446744073709551615");
  CHECK(rangeup::parse_content_range("bytes 0-18446744073709551615/18446744073709551616").error() ==
        rangeup::errc::malformed_range);

  const auto open = rangeup::parse_byte_range("5368709120-");
  REQUIRE(open);
  CHECK(open->first == 5 * GiB);
  CHECK(open->open_ended);
  CHECK(open->last_byte(size_5g) == 5 * GiB);
  const auto closed = rangeup::parse_byte_range("4294967295-4294967296");
  REQUIRE(closed);
  CHECK(closed->first == 0xffffffffu);
  CHECK(closed->last == std::uint64_t{1} << 32);
}

TEST_CASE("planners cut fragments across the 4 GiB line without truncation") {
  rangeup::drive_planner drive;
  REQUIRE_FALSE(drive.configure(size_5g, 0));
  // Two missing ranges: one straddling 4 GiB, then the tail.
  const rangeup::byte_range ranges[] = {{4 * GiB - 100, 4 * GiB + 99, false}, {5 * GiB - 5, 0, true}};
  CHECK_FALSE(rangeup::validate_ranges(ranges, 2, size_5g));
  CHECK(rangeup::missing_bytes(ranges, 2, size_5g) == 200 + 6);
  auto f = drive.next(ranges, 2, size_5g);
  REQUIRE(f);
  CHECK(f->first == 4 * GiB - 100);
  CHECK(f->last == 4 * GiB + 99);  // the server's range ends before a whole chunk
  CHECK(f->total == size_5g);
  const rangeup::byte_range tail[] = {{5 * GiB - 5, 0, true}};
  f = drive.next(tail, 1, size_5g);
  REQUIRE(f);
  CHECK(f->first == 5 * GiB - 5);
  CHECK(f->last == 5 * GiB);
  const rangeup::byte_range from_4g[] = {{4 * GiB, 0, true}};
  f = drive.next(from_4g, 1, size_5g);
  REQUIRE(f);
  CHECK(f->length() == 10 * 1024 * 1024);
  CHECK(f->first == 4 * GiB);
  // A range starting past the end is a protocol violation, not a wrap-around.
  const rangeup::byte_range past[] = {{size_5g + (std::uint64_t{1} << 32), 0, true}};
  CHECK(rangeup::validate_ranges(past, 1, size_5g) == rangeup::errc::protocol_violation);
}

TEST_CASE("QuickXorHash lanes at offsets above 4 GiB") {
  // A byte's lane is its offset mod 160; 2^32 mod 160 = 96, so a hash that
  // truncated offsets to 32 bits would put these bytes in other lanes.
  const char data[] = "abcdefghij";
  rangeup::quick_xor_hash far;
  far.update_at(4 * GiB + 3, data, 10);
  rangeup::quick_xor_hash near;
  near.update_at((4 * GiB + 3) % 160, data, 10);
  unsigned char a[20], b[20];
  far.finalize(a);
  near.finalize(b);
  CHECK(std::memcmp(a, b, 20) == 0);
  rangeup::quick_xor_hash wrong;
  wrong.update_at(3, data, 10);
  wrong.finalize(b);
  CHECK(std::memcmp(a, b, 20) != 0);
}

TEST_CASE("5 GiB + 1 byte drive upload: resume token past 4 GiB, restored, finished; progress in 64 bits") {
  const pattern_source source(size_5g);
  sim_config cfg = sim_defaults(sim_kind::drive, size_5g);
  cfg.store_bytes = false;
  sim_server server(cfg, nullptr);
  request_checker check{source};
  const rangeup::file_fingerprint fp{size_5g, 1700000000123456789, {}};

  using drive_session = rangeup::upload_session<rangeup::drive_item>;
  std::string token;
  std::int64_t now = 0;
  {
    drive_session s(big_target(), {"big.iso", size_5g});
    REQUIRE_FALSE(s.init_error());
    REQUIRE_FALSE(s.set_fingerprint(fp));
    s.set_bearer_token(server.current_token());
    s.set_wall_clock(rangeup::instant{now}, sim_unix_base_ms + now);
    // Up to 4.5 GiB confirmed, then the process "stops".
    for (int steps = 0; s.progress_info().confirmed_bytes < 4 * GiB + GiB / 2; ++steps) {
      REQUIRE(steps < 10000);
      const rangeup::step st = s.next_step(rangeup::instant{now});
      if (st.what() == rangeup::step::kind::need_token) {
        s.set_bearer_token(server.current_token());
        continue;
      }
      const rangeup::request_view* req = st.request();
      REQUIRE(req);
      check(*req);
      const sim_server::reply r = server.handle(*req, now, fault::none);
      now += 5;
      REQUIRE_FALSE(r.transport);
      s.on_response(r.response, rangeup::instant{now});
    }
    const rangeup::progress& p = s.progress_info();
    CHECK(p.total_bytes == size_5g);
    CHECK(p.confirmed_bytes > 4 * GiB);
    CHECK(p.bytes_sent == p.confirmed_bytes);
    char buf[rangeup::max_resume_token_size];
    const auto n = s.save_resume_token(buf, sizeof buf);
    REQUIRE(n);
    token.assign(buf, *n);
  }
  CHECK(check.puts_above_4g > 0);
  rangeup::resume_state st;
  REQUIRE_FALSE(rangeup::parse_resume_token(token, st));
  CHECK(st.size == size_5g);
  CHECK(st.next_offset > 4 * GiB);
  CHECK(st.next_offset % 327680 == 0);
  CHECK(token.find("size=5368709121\n") != std::string::npos);

  drive_session s(big_target(), {"big.iso", size_5g});
  REQUIRE_FALSE(s.restore(token, fp));
  CHECK(s.progress_info().confirmed_bytes == st.next_offset);
  s.set_bearer_token(server.current_token());
  const std::uint64_t puts_before = check.puts_above_4g;
  no_faults none;
  // run_upload does not show the requests; check the next one by hand first.
  const rangeup::step first = s.next_step(rangeup::instant{now});
  if (const rangeup::request_view* req = first.request()) {
    check(*req);
    const sim_server::reply r = server.handle(*req, now, fault::none);
    now += 5;
    REQUIRE_FALSE(r.transport);
    s.on_response(r.response, rangeup::instant{now});
  }
  const run_outcome out = run_upload(s, server, none, now);
  REQUIRE(out.done);
  CHECK(out.result.size == size_5g);
  CHECK(server.bytes_received == size_5g);
  CHECK(s.progress_info().confirmed_bytes == size_5g);
  CHECK(s.progress_info().total_bytes == size_5g);
  CHECK(check.puts_above_4g >= puts_before);
  const logged_request& last = server.log(server.log_size() - 1);
  CHECK(last.first == 5 * GiB);
  CHECK(last.last == 5 * GiB);
  CHECK(server.violations == 0);
}

}  // namespace large_sizes_test_cases
