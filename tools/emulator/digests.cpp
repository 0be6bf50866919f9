#include "digests.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "rangeup/quick_xor_hash.hpp"

namespace emu {

bool digest_file(const std::string& path, file_digests& out) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> sha(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!f || !sha || EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1) return false;
  rangeup::quick_xor_hash qx;
  std::vector<unsigned char> buf(1 << 20);
  std::uint64_t size = 0;
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), f.get())) != 0;) {
    EVP_DigestUpdate(sha.get(), buf.data(), n);
    qx.update(buf.data(), n);
    size += n;
  }
  if (std::ferror(f.get())) return false;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  EVP_DigestFinal_ex(sha.get(), md, &md_len);
  static constexpr char hex[] = "0123456789abcdef";
  out.sha256.clear();
  for (unsigned i = 0; i < md_len; ++i) {
    out.sha256 += hex[md[i] >> 4];
    out.sha256 += hex[md[i] & 15];
  }
  char b64[rangeup::quick_xor_hash::base64_length + 1];
  if (!qx.finalize_base64(b64, sizeof b64)) return false;
  out.quick_xor = b64;
  out.size = size;
  return true;
}

}  // namespace emu
