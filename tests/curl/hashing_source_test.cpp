// io::hashing_source and quick_xor_hash::update_at: the digest of the bytes a
// transport reads equals the digest of the whole source, whatever the read
// pattern (pieces, retransmits, backward resyncs, resumed prefix, skipped
// ranges), and only bytes no read covered are read a second time.

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rangeup/http.hpp"
#include "rangeup/io/hashing_source.hpp"
#include "rangeup/quick_xor_hash.hpp"
#include "support/test_bytes.hpp"

namespace {

std::string pattern(std::size_t n) { return rangeup_test::test_bytes(n, 7); }

std::string whole(const std::string& v) {
  rangeup::quick_xor_hash h;
  h.update(v.data(), v.size());
  char b[29];
  REQUIRE(h.finalize_base64(b, sizeof b));
  return b;
}

std::string digest(const rangeup::quick_xor_hash& h) {
  char b[29];
  REQUIRE(h.finalize_base64(b, sizeof b));
  return b;
}

// Counts bytes read from the underlying source.
struct counting_source {
  rangeup::memory_source m;
  std::uint64_t bytes_read = 0;
  std::uint64_t size() const { return m.size(); }
  rangeup::result<std::size_t> read_at(std::uint64_t off, char* out, std::size_t n) {
    auto r = m.read_at(off, out, n);
    if (r) bytes_read += *r;
    return r;
  }
};

// Reads [first, last] in pieces of `piece` bytes, as a transport would.
void send(rangeup::io::hashing_source<counting_source>& s, std::uint64_t first, std::uint64_t last,
          std::size_t piece = 4096) {
  std::vector<char> buf(piece);
  for (std::uint64_t at = first; at <= last;) {
    const std::uint64_t left = last - at + 1;
    const std::size_t want = left < piece ? static_cast<std::size_t>(left) : piece;
    auto got = s.read_at(at, buf.data(), want);
    REQUIRE(got);
    REQUIRE(*got == want);
    at += *got;
  }
}

}  // namespace

TEST_CASE("quick_xor_hash::update_at: pieces in any order give the digest of the whole") {
  const auto data = pattern(1000);
  rangeup::quick_xor_hash h;
  h.update_at(700, data.data() + 700, 300);
  h.update_at(0, data.data(), 333);
  h.update_at(333, data.data() + 333, 367);
  CHECK(digest(h) == whole(data));
  rangeup::quick_xor_hash wrong;  // the same bytes at shifted offsets must differ
  wrong.update_at(1, data.data(), 999);
  wrong.update_at(0, data.data() + 999, 1);
  CHECK(digest(wrong) != whole(data));
}

TEST_CASE("hashing_source: a plain upload is hashed from the bytes sent, read once") {
  const auto data = pattern(3 * 327680 + 17);
  counting_source src{rangeup::memory_source(data.data(), data.size())};
  rangeup::io::hashing_source<counting_source> s(src);
  send(s, 0, 327679);
  send(s, 327680, data.size() - 1, 1000);
  REQUIRE(!s.finish());
  CHECK(digest(s.hash()) == whole(data));
  CHECK(s.reread_bytes() == 0);
  CHECK(src.bytes_read == data.size());
}

TEST_CASE("hashing_source: retransmits and backward resyncs do not hash bytes twice") {
  const auto data = pattern(1000000);
  counting_source src{rangeup::memory_source(data.data(), data.size())};
  rangeup::io::hashing_source<counting_source> s(src);
  send(s, 0, 299999);
  send(s, 0, 299999);        // 503: the same range again
  send(s, 300000, 450000);   // dropped halfway...
  send(s, 300000, 599999);   // ...and resent whole
  send(s, 100000, 199999);   // 416 resync that went backwards
  send(s, 600000, 999999);
  REQUIRE(!s.finish());
  CHECK(digest(s.hash()) == whole(data));
  CHECK(s.reread_bytes() == 0);
}

TEST_CASE("hashing_source: a resumed upload rereads only the prefix it did not send") {
  const auto data = pattern(700001);
  counting_source src{rangeup::memory_source(data.data(), data.size())};
  rangeup::io::hashing_source<counting_source> s(src);
  send(s, 327680, data.size() - 1);
  REQUIRE(!s.finish());
  CHECK(digest(s.hash()) == whole(data));
  CHECK(s.reread_bytes() == 327680);
}

TEST_CASE("hashing_source: a skipped range and an unsent tail are hashed from the source") {
  const auto data = pattern(50000);
  counting_source src{rangeup::memory_source(data.data(), data.size())};
  rangeup::io::hashing_source<counting_source> s(src);
  send(s, 0, 9999);
  send(s, 20000, 29999);  // the server already had 10000-19999
  REQUIRE(!s.finish());   // and 30000- (e.g. it completed without asking)
  CHECK(digest(s.hash()) == whole(data));
  CHECK(s.reread_bytes() == 10000 + 20000);
}

TEST_CASE("hashing_source: empty source and a source shorter than its size") {
  counting_source empty{rangeup::memory_source(nullptr, 0)};
  rangeup::io::hashing_source<counting_source> e(empty);
  REQUIRE(!e.finish());
  CHECK(digest(e.hash()) == "AAAAAAAAAAAAAAAAAAAAAAAAAAA=");

  struct lying_source {
    std::uint64_t size() const { return 100; }
    rangeup::result<std::size_t> read_at(std::uint64_t, char*, std::size_t) { return std::size_t{0}; }
  } lying;
  rangeup::io::hashing_source<lying_source> l(lying);
  CHECK(l.finish() == rangeup::errc::source_changed);
}
