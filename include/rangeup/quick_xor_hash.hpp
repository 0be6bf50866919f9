#pragma once
// QuickXorHash: OneDrive's 160-bit non-cryptographic content hash, reported as
// driveItem file.hashes.quickXorHash (base64). Byte i of the input is XORed
// into a 160-bit little-endian register at bit (11 * i) mod 160, rotating
// around the end; the input length (64-bit little-endian) is finally XORed
// into the last 8 bytes of the register.
//
// Since 11 and 160 are coprime and 160 * 11 is a multiple of 160, byte i and
// byte i + 160 land on the same bit position. update() therefore only XORs
// the input into 160 byte lanes (a loop compilers vectorise) and finalize()
// folds the lanes into the register once. Streaming: any split of the input
// gives the same digest.

#include <cstddef>
#include <cstdint>

#include "rangeup/base64.hpp"
#include "rangeup/result.hpp"

namespace rangeup {

class quick_xor_hash {
 public:
  static constexpr std::size_t digest_size = 20;
  static constexpr std::size_t base64_length = 28;  // without the terminating NUL

  constexpr quick_xor_hash() noexcept = default;

  void reset() noexcept { *this = quick_xor_hash{}; }

  void update(const void* data, std::size_t n) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    length_ += n;
    // Finish the partial lane round first, then whole rounds, then the tail.
    while (n != 0 && lane_ != 0) {
      lanes_[lane_] ^= *p++;
      --n;
      lane_ = lane_ + 1 == lane_count ? 0 : lane_ + 1;
    }
    while (n >= lane_count) {
      for (std::size_t k = 0; k < lane_count; ++k) lanes_[k] ^= p[k];
      p += lane_count;
      n -= lane_count;
    }
    for (std::size_t k = 0; k < n; ++k) lanes_[k] ^= p[k];
    lane_ = n == 0 ? lane_ : n;
  }

  // Order-free form: XORs data in as input bytes [offset, offset + n). Pieces
  // that cover the input exactly once give the digest of the whole in any
  // order (XOR commutes; a byte's lane depends only on its offset). A later
  // update() continues at offset + n.
  void update_at(std::uint64_t offset, const void* data, std::size_t n) noexcept {
    lane_ = static_cast<std::size_t>(offset % lane_count);
    update(data, n);
  }

  // Writes the 20-byte digest. Does not change the state: more input may follow.
  void finalize(unsigned char (&out)[digest_size]) const noexcept {
    for (auto& b : out) b = 0;
    for (std::size_t k = 0; k < lane_count; ++k) {
      const std::size_t bit = (k * shift) % width_bits;
      const std::size_t byte = bit / 8;
      const unsigned offset = static_cast<unsigned>(bit % 8);
      const unsigned v = lanes_[k];
      out[byte] ^= static_cast<unsigned char>(v << offset);
      if (offset != 0) out[(byte + 1) % digest_size] ^= static_cast<unsigned char>(v >> (8 - offset));
    }
    for (std::size_t i = 0; i < 8; ++i)
      out[digest_size - 8 + i] ^= static_cast<unsigned char>(length_ >> (8 * i));
  }

  // Writes the base64 digest (28 characters) and a terminating NUL into out;
  // returns 28, or buffer_too_small if capacity < 29.
  result<std::size_t> finalize_base64(char* out, std::size_t capacity) const noexcept {
    if (capacity < base64_length + 1) return errc::buffer_too_small;
    unsigned char d[digest_size];
    finalize(d);
    const std::size_t o = encode_base64(d, digest_size, out);
    out[o] = '\0';
    return o;
  }

  std::uint64_t length() const noexcept { return length_; }

 private:
  static constexpr std::size_t width_bits = 160;
  static constexpr std::size_t shift = 11;
  static constexpr std::size_t lane_count = width_bits;  // positions repeat every 160 bytes

  unsigned char lanes_[lane_count] = {};
  std::size_t lane_ = 0;  // lane of the next input byte (length_ mod 160)
  std::uint64_t length_ = 0;
};

}  // namespace rangeup
