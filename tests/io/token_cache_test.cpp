// io::token_cache: one fetch per expiry however many uploads report it, and
// errors passed through.

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through it
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "rangeup/io/token_cache.hpp"

using rangeup::errc;

TEST_CASE("token_cache: fetches once for the first ask and once per rejected token") {
  int n = 0;
  rangeup::io::token_cache cache([&](std::string& out) {
    out = "t" + std::to_string(++n);
    return std::error_code{};
  });
  std::string got;
  REQUIRE_FALSE(cache.get("", got));
  CHECK(got == "t1");
  REQUIRE_FALSE(cache.get("", got));  // another upload's first ask: the cached one
  CHECK(got == "t1");
  REQUIRE_FALSE(cache.get("t1", got));  // t1 rejected: fetch
  CHECK(got == "t2");
  REQUIRE_FALSE(cache.get("t1", got));  // a late report of t1: already replaced
  CHECK(got == "t2");
  CHECK(cache.fetches() == 2);
}

TEST_CASE("token_cache: uploads on many threads that hit one expiry cause one fetch") {
  std::atomic<int> fetches{0};
  rangeup::io::token_cache cache([&](std::string& out) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a slow command
    out = "t" + std::to_string(++fetches);
    return std::error_code{};
  });
  std::string first;
  REQUIRE_FALSE(cache.get("", first));
  std::vector<std::thread> uploads;
  std::vector<std::string> got(8);
  for (std::size_t i = 0; i < got.size(); ++i)
    uploads.emplace_back([&, i] { (void)cache.get(first, got[i]); });
  for (auto& t : uploads) t.join();
  CHECK(fetches == 2);
  for (const auto& g : got) CHECK(g == "t2");
}

TEST_CASE("token_cache: a failed or empty fetch is an error, and the next ask tries again") {
  int calls = 0;
  rangeup::io::token_cache cache([&](std::string& out) {
    ++calls;
    if (calls == 1) return make_error_code(errc::timeout);
    if (calls == 3) out = "ok";
    return std::error_code{};
  });
  std::string got;
  CHECK(cache.get("", got) == errc::timeout);
  CHECK(cache.get("", got) == errc::token_unavailable);  // nothing written
  CHECK_FALSE(cache.get("", got));
  CHECK(got == "ok");
}

TEST_CASE("token_cache: provider() plugs into upload_options") {
  rangeup::io::token_cache cache([](std::string& out) {
    out = "abc";
    return std::error_code{};
  });
  rangeup::upload_options o;
  o.tokens = cache.provider();
  std::string got;
  REQUIRE_FALSE(o.tokens("", got));
  CHECK(got == "abc");
}
