#pragma once
// URLs the core builds and accepts: the https-only check (loopback http when
// allowed) and percent-encoding of path segments for the create requests.

#include <cstddef>
#include <string_view>
#include <system_error>

#include "rangeup/error.hpp"
#include "rangeup/fixed_string.hpp"

namespace rangeup {

namespace detail {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

constexpr bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// RFC 3986 unreserved characters: the only ones a path segment keeps verbatim.
constexpr bool is_unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace detail

// Checks an absolute URL the core will send to (graph base, uploadUrl):
// "https://host[:port][/...]" with a non-empty host and no spaces or control
// characters. "http://" is accepted only when allow_http_loopback is set and
// the host is 127.0.0.1, localhost or [::1] (errc::insecure_url otherwise).
// Anything else, including scheme-less text, is errc::invalid_url.
inline std::error_code check_url(std::string_view url, bool allow_http_loopback) noexcept {
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return errc::invalid_url;
  }
  bool secure = true;
  std::string_view rest;
  if (detail::starts_with_icase(url, "https://")) {
    rest = url.substr(8);
  } else if (detail::starts_with_icase(url, "http://")) {
    rest = url.substr(7);
    secure = false;
  } else {
    return errc::invalid_url;
  }
  std::size_t end = 0;
  while (end < rest.size() && rest[end] != '/' && rest[end] != '?' && rest[end] != '#') ++end;
  std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) return errc::invalid_url;  // no userinfo
  // Split host and port; an IPv6 literal keeps its brackets.
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return errc::invalid_url;
    port = host.substr(close + 1);
    host = host.substr(0, close + 1);
    if (!port.empty() && port.front() != ':') return errc::invalid_url;
  } else {
    const std::size_t colon = host.find(':');
    if (colon != std::string_view::npos) {
      port = host.substr(colon);
      host = host.substr(0, colon);
    }
  }
  if (host.empty() || host == "[]") return errc::invalid_url;
  if (!port.empty()) {
    port.remove_prefix(1);  // ':'
    if (port.empty() || port.size() > 5) return errc::invalid_url;
    unsigned value = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return errc::invalid_url;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value > 65535) return errc::invalid_url;
  }
  if (secure) return {};
  const bool loopback = host == "127.0.0.1" || detail::iequals(host, "localhost") || host == "[::1]";
  return allow_http_loopback && loopback ? std::error_code{} : make_error_code(errc::insecure_url);
}

// Appends s percent-encoded as one path segment (everything but unreserved
// characters is encoded, so ids with '/', '+', '=' or ':' stay one segment).
// With keep_slash, '/' is kept as a separator (drive paths), and each piece
// between slashes is encoded as a segment.
inline void append_path_segment(text_writer& w, std::string_view s, bool keep_slash = false) noexcept {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char c : s) {
    if (detail::is_unreserved(c) || (keep_slash && c == '/')) {
      w.append(c);
    } else {
      const auto u = static_cast<unsigned char>(c);
      const char enc[3] = {'%', hex[u >> 4], hex[u & 15]};
      w.append(std::string_view(enc, 3));
    }
  }
}

// Appends the Graph base URL without trailing slashes.
inline void append_base(text_writer& w, std::string_view base) noexcept {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  w.append(base);
}

// "/me" or "/users/{id}".
inline void append_user(text_writer& w, std::string_view user) noexcept {
  if (user.empty()) {
    w.append("/me");
  } else {
    w.append("/users/");
    append_path_segment(w, user);
  }
}

}  // namespace rangeup
