#pragma once
// Shared bits of the Beast tests: throw-away TLS certificates made with the
// openssl CLI, deterministic test bytes, SHA-256 in hex, and a source that
// records how it is read.

#include <openssl/evp.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rangeup/http.hpp"
#include "rangeup/result.hpp"

namespace rangeup_test {

// A private temp directory with cert.pem/key.pem for `subject_alt_names`
// (e.g. "IP:127.0.0.1,DNS:localhost"). Returns the directory, "" on failure.
inline std::string make_certificate(const std::string& name, const std::string& subject_alt_names) {
  char pattern[] = "/tmp/rangeup-beast-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  if (dir == nullptr) return {};
  const std::string d(dir);
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout " + d + "/key.pem -out " + d +
                          "/cert.pem -subj /CN=" + name + " -addext subjectAltName=" + subject_alt_names +
                          " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return {};
  return d;
}

inline void remove_directory(const std::string& dir) {
  if (dir.empty()) return;
  const std::string cmd = "rm -rf '" + dir + "'";
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir.c_str());
}

inline std::string test_bytes(std::size_t n, std::uint32_t seed = 1) {
  std::string s(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return s;
}

inline std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

// A memory source that remembers the largest single read and can be told to
// fail or to end early.
class recording_source {
 public:
  explicit recording_source(std::string_view data) : data_(data) {}
  std::uint64_t size() const { return data_.size(); }
  rangeup::result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) {
    ++reads;
    if (n > largest_read) largest_read = n;
    if (fail) return rangeup::errc::source_read_failed;
    const std::uint64_t end = shrink_to < data_.size() ? shrink_to : data_.size();
    if (offset >= end) return std::size_t{0};
    const std::size_t take = static_cast<std::size_t>(end - offset < n ? end - offset : n);
    for (std::size_t i = 0; i < take; ++i) out[i] = data_[static_cast<std::size_t>(offset) + i];
    return take;
  }
  std::size_t largest_read = 0;
  std::size_t reads = 0;
  bool fail = false;
  std::uint64_t shrink_to = UINT64_MAX;

 private:
  std::string_view data_;
};

}  // namespace rangeup_test
