#pragma once
// Test data: SHA-256 in hex (link OpenSSL::Crypto), with the deterministic
// bytes of test_bytes.hpp and the certificates of certificates.hpp.

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "support/certificates.hpp"
#include "support/test_bytes.hpp"

namespace rangeup_test {

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

}  // namespace rangeup_test
