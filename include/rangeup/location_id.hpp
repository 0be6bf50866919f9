#pragma once
// The attachment id inside a final response's Location header: Outlook's
// ".../Attachments('ID')" and To Do's ".../Attachments/ID". Strict: anything
// else is malformed_response, never an empty or partial id.

#include <cstddef>
#include <string_view>

#include "rangeup/fixed_string.hpp"
#include "rangeup/result.hpp"
#include "rangeup/url.hpp"

namespace rangeup {

namespace detail {

constexpr int hex_value(char c) noexcept {
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

}  // namespace detail

// Writes the id (percent-decoded; OData's doubled quote '' read as ') into out
// and returns its length. Takes the last "/Attachments" segment, matched
// case-insensitively. Errors: malformed_response (no id, empty id, bad escape,
// control characters), buffer_too_small.
inline result<std::size_t> attachment_id_from_location(std::string_view location, char* out,
                                                       std::size_t capacity) noexcept {
  constexpr std::string_view key = "/attachments";
  std::size_t at = std::string_view::npos;
  for (std::size_t i = location.size(); i-- > 0;) {
    if (location.size() - i >= key.size() && detail::iequals(location.substr(i, key.size()), key)) {
      const std::size_t next = i + key.size();
      if (next < location.size() && (location[next] == '(' || location[next] == '/')) {
        at = next;
        break;
      }
    }
  }
  if (at == std::string_view::npos) return errc::malformed_response;
  std::string_view s = location.substr(at);
  const bool quoted = s.front() == '(';
  if (quoted) {
    if (s.size() < 2 || s[1] != '\'') return errc::malformed_response;
    s.remove_prefix(2);
  } else {
    s.remove_prefix(1);
  }
  std::size_t n = 0;
  bool closed = false;
  while (!s.empty()) {
    char c = s.front();
    if (quoted && c == '\'') {
      if (s.size() >= 2 && s[1] == '\'') {
        s.remove_prefix(2);  // '' is an escaped quote
      } else {
        s.remove_prefix(1);
        if (s.empty() || s.front() != ')') return errc::malformed_response;
        s.remove_prefix(1);
        closed = true;
        break;
      }
    } else if (!quoted && (c == '/' || c == '?' || c == '#')) {
      break;
    } else if (c == '%') {
      if (s.size() < 3 || detail::hex_value(s[1]) < 0 || detail::hex_value(s[2]) < 0) return errc::malformed_response;
      c = static_cast<char>(detail::hex_value(s[1]) * 16 + detail::hex_value(s[2]));
      s.remove_prefix(3);
    } else {
      s.remove_prefix(1);
    }
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return errc::malformed_response;
    if (n == capacity) return errc::buffer_too_small;
    out[n++] = c;
  }
  if (quoted && !closed) return errc::malformed_response;
  // After the id only the rest of a URL may follow (path, query, fragment).
  if (!s.empty() && s.front() != '/' && s.front() != '?' && s.front() != '#') return errc::malformed_response;
  if (n == 0) return errc::malformed_response;
  return n;
}

template <std::size_t N>
std::error_code attachment_id_from_location(std::string_view location, fixed_string<N>& out) noexcept {
  char buf[N];
  auto n = attachment_id_from_location(location, buf, N);
  if (!n) return n.error() == errc::buffer_too_small ? make_error_code(errc::capacity_exceeded) : n.error();
  return out.assign(std::string_view(buf, *n));
}

}  // namespace rangeup
