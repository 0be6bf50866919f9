#include "base64.hpp"

#include <cstdint>

namespace emu {
namespace {

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> decode_base64_strict(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  std::string out(text.size() / 4 * 3, '\0');  // written in place: no per-byte append
  std::size_t o = 0;
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    const int v = sextet(text[i]);
    if (v < 0) return std::nullopt;  // also a third '=' or one inside the text
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if (i % 4 == 3) {
      out[o++] = static_cast<char>(bits >> 16);
      out[o++] = static_cast<char>(bits >> 8);
      out[o++] = static_cast<char>(bits);
      bits = 0;
    }
  }
  if (padding == 2) out[o++] = static_cast<char>(bits >> 4);
  if (padding == 1) {
    out[o++] = static_cast<char>(bits >> 10);
    out[o++] = static_cast<char>(bits >> 2);
  }
  out.resize(o);
  return out;
}

}  // namespace emu
