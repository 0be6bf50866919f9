#pragma once
// The one credential redactor: text meant for humans (a server's error
// message, a transport's error buffer, every line the CLI prints) must never
// carry a credential. What counts as one, in one place:
//   - a URL's query string (uploadUrls carry ?authtoken= / ?tempauthtoken=,
//     PROTOCOL.md O4, P2): everything from '?' to the end of the URL;
//   - the value after authtoken=, access_token=, token= or sig= (any case);
//   - "Bearer <token>" where 8 or more token characters follow ("the bearer
//     token" in prose is a word, not a credential);
//   - secrets the caller names (the bearer token itself, the uploadUrl's
//     query), wherever they appear verbatim.
// redact() rewrites the text with each credential replaced by "<redacted>";
// quotes_credential() says whether it would change anything (the session
// then drops a server's error message whole: PROTOCOL.md E9). No allocation.

#include <cstddef>
#include <string_view>

namespace rangeup {

inline constexpr std::string_view redacted_marker = "<redacted>";

// Verbatim secrets to look for besides the patterns above; empty ones are ignored.
struct known_secrets {
  std::string_view first;
  std::string_view second;
};

namespace detail {

constexpr char lower_ascii(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// p is lower case.
constexpr bool starts_with_nocase(std::string_view s, std::size_t at, std::string_view p) noexcept {
  if (s.size() - at < p.size()) return false;
  for (std::size_t k = 0; k < p.size(); ++k)
    if (lower_ascii(s[at + k]) != p[k]) return false;
  return true;
}

constexpr bool starts_with_at(std::string_view s, std::size_t at, std::string_view p) noexcept {
  return !p.empty() && s.size() - at >= p.size() && s.substr(at, p.size()) == p;
}

// Characters that end a URL or a token inside free text.
constexpr bool ends_token(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'' || c == '<' || c == '>' ||
         c == ')' || c == ']' || c == ',' || c == ';' || c == '\\';
}

// Walks `in` once and tells the sink what to keep (sink.keep(text)) and where
// a credential was left out (sink.secret()). redact() and quotes_credential()
// are this walk with two sinks, so they cannot disagree.
template <class Sink>
void scan_credentials(std::string_view in, const known_secrets& named, Sink& sink) noexcept {
  // Secrets introduced by a key (lower case); the value runs to the next delimiter or '&'.
  constexpr std::string_view keys[] = {"authtoken=", "access_token=", "token=", "sig=", "bearer "};
  const auto token_length = [in](std::size_t at) noexcept {
    std::size_t k = at;
    while (k < in.size() && !ends_token(in[k])) ++k;
    return k - at;
  };
  bool in_url = false;
  std::size_t i = 0;
  while (i < in.size()) {
    if (starts_with_at(in, i, named.first) || starts_with_at(in, i, named.second)) {
      sink.secret();
      i += starts_with_at(in, i, named.first) ? named.first.size() : named.second.size();
      continue;
    }
    const char c = in[i];
    if (starts_with_at(in, i, "://")) in_url = true;
    if (in_url && c == '?') {  // a URL's query: all of it
      sink.keep(in.substr(i, 1));
      sink.secret();
      i += 1 + token_length(i + 1);
      in_url = false;
      continue;
    }
    bool matched = false;
    for (std::string_view key : keys) {
      if (starts_with_nocase(in, i, key) && (key != "bearer " || token_length(i + key.size()) >= 8)) {
        sink.keep(in.substr(i, key.size()));
        sink.secret();
        i += key.size();
        while (i < in.size() && !ends_token(in[i]) && in[i] != '&') ++i;
        matched = true;
        break;
      }
    }
    if (matched) continue;
    if (ends_token(c)) in_url = false;
    sink.keep(in.substr(i, 1));
    ++i;
  }
}

}  // namespace detail

// Copies `in` into out[0..capacity) with credentials replaced by "<redacted>",
// always NUL-terminates (when capacity > 0) and returns the length written.
// Output longer than capacity - 1 is cut.
inline std::size_t redact(std::string_view in, char* out, std::size_t capacity, const known_secrets& named = {}) noexcept {
  if (capacity == 0) return 0;
  struct copy_sink {
    char* out;
    std::size_t capacity;
    std::size_t n;
    void keep(std::string_view s) noexcept {
      for (char c : s)
        if (n + 1 < capacity) out[n++] = c;
    }
    void secret() noexcept { keep(redacted_marker); }
  } sink{out, capacity, 0};
  detail::scan_credentials(in, named, sink);
  out[sink.n] = '\0';
  return sink.n;
}

// True when redact() would change `text`: it holds a credential.
inline bool quotes_credential(std::string_view text, const known_secrets& named = {}) noexcept {
  struct find_sink {
    bool found;
    void keep(std::string_view) noexcept {}
    void secret() noexcept { found = true; }
  } sink{false};
  detail::scan_credentials(text, named, sink);
  return sink.found;
}

}  // namespace rangeup
