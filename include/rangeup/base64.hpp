#pragma once
// Standard base64 (RFC 4648 §4, padded), encoding only: the QuickXorHash
// digest and a small file's contentBytes are sent this way.

#include <cstddef>
#include <cstdint>

namespace rangeup {

// Writes the encoding of in[0..n) to out (which must hold (n + 2) / 3 * 4
// characters) and returns how many were written. Encoding whole 3-byte groups
// separately gives the same text as encoding all at once, so a stream can be
// encoded piece by piece at group boundaries.
inline std::size_t encode_base64(const unsigned char* in, std::size_t n, char* out) noexcept {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::size_t o = 0;
  for (std::size_t i = 0; i < n; i += 3) {
    const std::size_t left = n - i;
    const std::uint32_t group = (std::uint32_t{in[i]} << 16) | (left > 1 ? std::uint32_t{in[i + 1]} << 8 : 0u) |
                                (left > 2 ? std::uint32_t{in[i + 2]} : 0u);
    out[o++] = alphabet[(group >> 18) & 63];
    out[o++] = alphabet[(group >> 12) & 63];
    out[o++] = left > 1 ? alphabet[(group >> 6) & 63] : '=';
    out[o++] = left > 2 ? alphabet[group & 63] : '=';
  }
  return o;
}

}  // namespace rangeup
