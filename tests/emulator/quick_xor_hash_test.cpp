// QuickXorHash against public test vectors (rclone's quickxorhash_test.go,
// which checks against Microsoft's reference; "hello world" from the
// quickxorhash PyPI/crates docs), streaming splits, and no allocation.

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "rangeup/quick_xor_hash.hpp"
#include "support/alloc_counter.hpp"

bool quick_xor_hash_base64_without_exceptions(const char* text, unsigned long n, char* out, unsigned long cap) noexcept;

namespace {

std::string base64_decode(const std::string& in) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0, acc = 0;
  for (char c : in) {
    const auto v = alphabet.find(c);
    if (v == std::string::npos) continue;  // '=' and line breaks
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string qxh(const std::string& data) {
  rangeup::quick_xor_hash h;
  h.update(data.data(), data.size());
  char out[29];
  REQUIRE(h.finalize_base64(out, sizeof out).value() == 28);
  return out;
}

struct vector_case {
  const char* input_base64;
  const char* digest_base64;
};

// (input, digest) pairs of sizes 0..9, 16, 20, 32, 64, 111, 128.
const vector_case vectors[] = {
    {"", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="},
    {"Sg==", "SgAAAAAAAAAAAAAAAQAAAAAAAAA="},
    {"tbQ=", "taAFAAAAAAAAAAAAAgAAAAAAAAA="},
    {"0pZP", "0rDEEwAAAAAAAAAAAwAAAAAAAAA="},
    {"jRRDVA==", "jaDAEKgAAAAAAAAABAAAAAAAAAA="},
    {"eAV52qE=", "eChAHrQRCgAAAAAABQAAAAAAAAA="},
    {"luBZlaT6", "lgBHFipBCn0AAAAABgAAAAAAAAA="},
    {"qaApEj66lw==", "qQBFCiTgA11cAgAABwAAAAAAAAA="},
    {"/aNzzCFPS/A=", "/RjFHJgRgicsAR4ACAAAAAAAAAA="},
    {"n6Neh7p6fFgm", "nxiFFw6hCz3wAQsmCQAAAAAAAAA="},
    {"2fuxhBJXtpWFe8dOfdGeHw==", "O9tHLAghgSvYohKFyMMxnNCHaHg="},
    {"T6LYJIfDh81JrAK309H2JMJTXis=", "zBTHrspn3mEcohlJdIUAbjGNaNg="},
    {"NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=", "wjuAuWDiq04qDt1R8hHWDDcwVoQ="},
    {"Mb7EGva2rEE5fENDL85P+BsapHEEjv2/siVhKjvAQe02feExVOQSkfmuYzU/kTF1MaKjPmKF/w+c"
     "bvwfdWL8aQ==",
     "n1anP5NfvD4XDYWIeRPW3ZkPv1Y="},
    {"jyibxJSzO6ZiZ0O1qe3tG/bvIAYssvukh9suIT5wEy1JBINVgPiqdsTW0cOpP0aUfP7mgqLfADkz"
     "I/m/GgCuVhr8oFLrOCoTx1/psBOWwhltCbhUx51Icm9aH8tY4Z3ccU+6BKpYQkLCy0B/A9Zc",
     "hZfLIilSITC6N3e3tQ/iSgEzkto="},
    {"ikwCorI7PKWz17EI50jZCGbV9JU2E8bXVfxNMg5zdmqSZ2NlsQPp0kqYIPjzwTg1MBtfWPg53k0h"
     "0P2naJNEVgrqpoHTfV2b3pJ4m0zYPTJmUX4Bg/lOxcnCxAYKU29Y5F0U8Quz7ZXFBEweftXxJ7RS"
     "4r6N7BzJrPsLhY7hgck=",
     "imAoFvCWlDn4yVw3/oq1PDbbm6U="},
};

}  // namespace

TEST_CASE("quick_xor_hash: empty input and small strings") {
  CHECK(qxh("") == "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  CHECK(qxh("hello world") == "aCgDG9jwBhDc4Q1yawMZAAAAAAA=");
  rangeup::quick_xor_hash h;
  unsigned char raw[20];
  h.update("hello world", 11);
  h.finalize(raw);
  const unsigned char expected[20] = {104, 40, 3, 27, 216, 240, 6, 16, 220, 225, 13, 114, 107, 3, 25, 0, 0, 0, 0, 0};
  for (int i = 0; i < 20; ++i) CHECK(raw[i] == expected[i]);
  CHECK(h.length() == 11);
}

TEST_CASE("quick_xor_hash: public test vectors, one shot and byte-wise") {
  for (const auto& v : vectors) {
    const std::string input = base64_decode(v.input_base64);
    CAPTURE(input.size());
    CHECK(qxh(input) == v.digest_base64);
    for (std::size_t block : {1u, 3u, 7u, 64u, 159u, 160u, 161u}) {
      rangeup::quick_xor_hash h;
      for (std::size_t i = 0; i < input.size(); i += block) h.update(input.data() + i, std::min(block, input.size() - i));
      char out[29];
      REQUIRE(h.finalize_base64(out, sizeof out));
      CHECK(std::string(out) == v.digest_base64);
    }
  }
}

TEST_CASE("quick_xor_hash: a large input in random splits equals one shot") {
  std::mt19937 rng(42);
  std::string data(3 * 1024 * 1024 + 77, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  const std::string whole = qxh(data);
  for (int round = 0; round < 5; ++round) {
    rangeup::quick_xor_hash h;
    std::size_t off = 0;
    while (off < data.size()) {
      const std::size_t n = std::min<std::size_t>(rng() % 400000, data.size() - off);
      h.update(data.data() + off, n);  // n may be 0: harmless
      off += n;
    }
    char out[29];
    REQUIRE(h.finalize_base64(out, sizeof out));
    CHECK(std::string(out) == whole);
  }
}

TEST_CASE("quick_xor_hash: buffer too small, no allocation, finalize keeps state, reset") {
  rangeup::quick_xor_hash h;
  char small[28];
  const auto r = h.finalize_base64(small, sizeof small);
  CHECK_FALSE(r);
  CHECK((r.error() == rangeup::errc::buffer_too_small));

  char out[29];
  {
    rangeup_test::allocation_scope scope;
    h.update("hello ", 6);
    (void)h.finalize_base64(out, sizeof out);  // mid-stream digest must not disturb the state
    h.update("world", 5);
    (void)h.finalize_base64(out, sizeof out);
    if (rangeup_test::allocation_counting_enabled()) CHECK(scope.count() == 0);
  }
  CHECK(std::string(out) == "aCgDG9jwBhDc4Q1yawMZAAAAAAA=");
  h.reset();
  REQUIRE(h.finalize_base64(out, sizeof out));
  CHECK(std::string(out) == "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  static_assert(noexcept(h.update(nullptr, 0)), "update is noexcept");
}

TEST_CASE("quick_xor_hash: builds and works under -fno-exceptions -fno-rtti") {
  char out[29];
  REQUIRE(quick_xor_hash_base64_without_exceptions("hello world", 11, out, sizeof out));
  CHECK(std::string(out) == "aCgDG9jwBhDc4Q1yawMZAAAAAAA=");
}
