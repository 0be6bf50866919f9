#pragma once
// Strict base64 for attachment POST bodies (docs/PROTOCOL.md O3, T4).

#include <optional>
#include <string>

namespace emu {

// Decodes the standard alphabet only (A-Z a-z 0-9 + /), length a multiple of
// 4, '=' only as the final one or two characters. Anything else (whitespace,
// the URL-safe alphabet, missing padding) is nullopt.
std::optional<std::string> decode_base64_strict(const std::string& text);

}  // namespace emu
