#pragma once
// A strict standard base64 decoder (RFC 4648 §4, padded) for the simulated
// server: a small file's contentBytes must decode exactly, so anything a
// careless encoder produces (no padding, line breaks, the URL alphabet,
// padding in the middle, non-zero pad bits) is refused rather than guessed.
// No allocation: it writes into the caller's buffer.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rangeup_test {

// The 6-bit value of c, or -1 when c is not in the standard alphabet.
inline int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes `in` into out[0..capacity). False on any deviation from the
// canonical encoding or when out is too small; `written` then holds nothing
// useful. A long text may be decoded in pieces of whole 4-character groups:
// final = false says more follows, so no padding is allowed in this piece.
inline bool decode_base64_strict(std::string_view in, unsigned char* out, std::size_t capacity, std::size_t& written,
                                 bool final = true) {
  written = 0;
  if (in.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < in.size(); i += 4) {
    const bool last_group = final && i + 4 == in.size();
    int v[4];
    std::size_t pads = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = in[i + k];
      if (c == '=') {
        // Padding only at the end of the last group, and only in positions 2-3.
        if (!last_group || k < 2) return false;
        ++pads;
        v[k] = 0;
        continue;
      }
      if (pads != 0) return false;  // "a=b=": data after padding
      v[k] = base64_value(c);
      if (v[k] < 0) return false;
    }
    // Non-zero bits under the padding: a second encoding of the same bytes.
    if (pads == 2 && (v[1] & 0x0f) != 0) return false;
    if (pads == 1 && (v[2] & 0x03) != 0) return false;
    const std::uint32_t group = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                                (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    const std::size_t bytes = 3 - pads;
    if (capacity - written < bytes) return false;
    out[written++] = static_cast<unsigned char>(group >> 16);
    if (bytes > 1) out[written++] = static_cast<unsigned char>(group >> 8);
    if (bytes > 2) out[written++] = static_cast<unsigned char>(group);
  }
  return true;
}

}  // namespace rangeup_test
