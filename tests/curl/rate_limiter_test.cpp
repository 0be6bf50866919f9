// io::rate_limiter under a fake clock: the long-run rate is exact, the first
// bytes wait (the bucket starts empty), idle time buys at most one burst,
// late wake-ups are made up for, and one bucket shared by several senders
// (and threads) limits their sum.

#include <doctest/doctest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "rangeup/io/rate_limiter.hpp"

using rangeup::io::rate_limiter;

namespace {

// Sends `total` bytes in pieces, sleeping (on the fake clock) as told, waking
// `late_ms` after the time it was given. Returns the clock at the end.
std::int64_t simulate(rate_limiter& b, std::uint64_t total, std::int64_t start, std::int64_t late_ms = 0) {
  std::int64_t now = start;
  for (std::uint64_t sent = 0; sent < total;) {
    const std::uint64_t left = total - sent;
    const std::uint64_t n = left < b.piece_size() ? left : b.piece_size();
    const std::int64_t until = b.reserve(n, now);
    if (until > now) now = until + late_ms;
    sent += n;
  }
  return now;
}

}  // namespace

TEST_CASE("rate_limiter: pieces are ~50 ms of bytes") {
  CHECK(rate_limiter(1048576).piece_size() == 52428);
  CHECK(rate_limiter(10).piece_size() == 1);
  CHECK(rate_limiter(1000000000).piece_size() == 262144);
}

TEST_CASE("rate_limiter: the bucket starts empty and the long-run rate is exact") {
  rate_limiter b(1000);
  CHECK(b.reserve(50, 0) == 50);  // nothing banked at the start
  rate_limiter c(1048576);
  const std::int64_t end = simulate(c, 3 * 1048576, 1000);
  CHECK(end - 1000 == 3000);  // 3 MiB at 1 MiB/s
}

TEST_CASE("rate_limiter: idle time buys at most one burst (0.1 s by default)") {
  rate_limiter b(100000);
  CHECK(b.reserve(0, 0) == 0);
  CHECK(b.reserve(10000, 60000) == 60000);  // one minute idle: 10000 bytes (0.1 s) at once...
  CHECK(b.reserve(1000, 60000) == 60010);   // ...and no more
  rate_limiter big(100000, 50000);          // an explicit burst
  CHECK(big.reserve(0, 0) == 0);
  CHECK(big.reserve(50000, 10000) == 10000);
  CHECK(big.reserve(1, 10000) == 10001);
}

TEST_CASE("rate_limiter: late wake-ups are made up for") {
  rate_limiter b(1048576);
  const std::int64_t end = simulate(b, 10 * 1048576, 0, 7);  // every sleep 7 ms too long
  // 10 s of bytes; the lateness is won back from the bucket except the last wake-up.
  CHECK(end >= 10000);
  CHECK(end <= 10000 + 7 + 1);
}

TEST_CASE("rate_limiter: one bucket shared by several senders limits their sum") {
  rate_limiter b(1000000);
  std::int64_t now[3] = {0, 0, 0};
  std::uint64_t sent = 0;
  // Round-robin: each sender takes a piece whenever its clock allows.
  while (sent < 6000000) {
    int k = 0;
    for (int i = 1; i < 3; ++i)
      if (now[i] < now[k]) k = i;
    const std::int64_t until = b.reserve(b.piece_size(), now[k]);
    now[k] = until > now[k] ? until : now[k];
    sent += b.piece_size();
  }
  std::int64_t last = 0;
  for (auto t : now) last = t > last ? t : last;
  CHECK(last >= 5950);  // 6 MB at 1 MB/s whatever the number of senders
  CHECK(last <= 6050);
}

TEST_CASE("rate_limiter: concurrent reservations are all counted") {
  rate_limiter b(1000);
  CHECK(b.reserve(0, 0) == 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&b] {
      for (int i = 0; i < 1000; ++i) (void)b.reserve(1, 0);
    });
  for (auto& t : threads) t.join();
  CHECK(b.reserve(0, 0) == 4000);  // 4000 bytes owed at 1000 B/s
}
