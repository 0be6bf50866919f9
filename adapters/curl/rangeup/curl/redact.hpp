#pragma once
// Removes credentials from text meant for humans: URL query strings (uploadUrls
// carry ?authtoken= / ?tempauthtoken=), any authtoken=/access_token= value and
// any "Bearer <token>". Used on libcurl's error buffer and by the CLI on every
// line it prints.

#include <cstddef>
#include <string_view>

namespace rangeup {
namespace curl {

namespace detail {

constexpr char lower_ascii(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool starts_with_nocase(std::string_view s, std::size_t at, std::string_view p) noexcept {
  if (s.size() - at < p.size()) return false;
  for (std::size_t k = 0; k < p.size(); ++k)
    if (lower_ascii(s[at + k]) != p[k]) return false;
  return true;
}

// Characters that end a URL or a token inside free text.
constexpr bool ends_token(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'' || c == '<' || c == '>' ||
         c == ')' || c == ']' || c == ',' || c == ';' || c == '\\';
}

}  // namespace detail

inline constexpr std::string_view redacted_marker = "<redacted>";

// Copies `in` into out[0..capacity) with credentials replaced by "<redacted>",
// always NUL-terminates (when capacity > 0) and returns the length written.
// Output longer than capacity - 1 is cut.
inline std::size_t redact(std::string_view in, char* out, std::size_t capacity) noexcept {
  if (capacity == 0) return 0;
  std::size_t n = 0;
  auto put = [&](std::string_view s) {
    for (char c : s)
      if (n + 1 < capacity) out[n++] = c;
  };
  // Secrets introduced by a key; the value runs to the next delimiter.
  constexpr std::string_view keys[] = {"authtoken=", "access_token=", "token=", "sig=", "bearer "};
  // "Bearer" is also an ordinary word ("the bearer token"): only a following
  // run of 8+ token characters is treated as a credential.
  auto looks_like_token = [&](std::size_t at) {
    std::size_t k = at;
    while (k < in.size() && !detail::ends_token(in[k])) ++k;
    return k - at >= 8;
  };
  bool in_url = false;
  std::size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if (in.compare(i, 3, "://") == 0) in_url = true;
    if (in_url && c == '?') {  // a URL's query: drop all of it
      put("?");
      put(redacted_marker);
      while (i < in.size() && !detail::ends_token(in[i])) ++i;
      in_url = false;
      continue;
    }
    bool matched = false;
    for (std::string_view key : keys) {
      if (detail::starts_with_nocase(in, i, key) && (key != "bearer " || looks_like_token(i + key.size()))) {
        put(in.substr(i, key.size()));
        put(redacted_marker);
        i += key.size();
        while (i < in.size() && !detail::ends_token(in[i]) && in[i] != '&') ++i;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (detail::ends_token(c)) in_url = false;
    put(std::string_view(&c, 1));
    ++i;
  }
  out[n] = '\0';
  return n;
}

}  // namespace curl
}  // namespace rangeup
