#pragma once
// Splits an absolute http(s) URL into what a connection needs (TLS or not,
// host, port, request target, Host header). Whether http is allowed is the
// core's rule (rangeup::check_url), applied first.

#include <string_view>
#include <system_error>

#include "rangeup/error.hpp"
#include "rangeup/url.hpp"

namespace rangeup::beast {

struct url_parts {
  bool tls = true;
  std::string_view host;       // IPv6 literals without brackets
  std::string_view port;       // "443" / "80" when the URL has none
  std::string_view authority;  // host[:port] as written: the Host header
  std::string_view target;     // path and query, "/" when empty; never rewritten
};

// Parses "scheme://host[:port][/path][?query][#fragment]". User info, empty
// hosts, bad ports and schemes other than http/https are invalid_url. The
// fragment is dropped (it is never sent); everything else is kept verbatim.
inline std::error_code split_url(std::string_view url, url_parts& out) noexcept {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return errc::invalid_url;
  const std::string_view scheme = url.substr(0, sep);
  if (rangeup::detail::iequals(scheme, "https")) out.tls = true;
  else if (rangeup::detail::iequals(scheme, "http")) out.tls = false;
  else return errc::invalid_url;
  std::string_view rest = url.substr(sep + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto end = rest.find_first_of("/?");
  out.authority = rest.substr(0, end);
  out.target = end == std::string_view::npos ? std::string_view("/") : rest.substr(end);
  if (!out.target.empty() && out.target.front() == '?') return errc::invalid_url;  // "host?q": no path
  if (out.authority.empty() || out.authority.find('@') != std::string_view::npos) return errc::invalid_url;

  std::string_view host = out.authority;
  std::string_view port;
  if (host.front() == '[') {  // [v6]:port
    const auto close = host.find(']');
    if (close == std::string_view::npos) return errc::invalid_url;
    std::string_view after = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!after.empty()) {
      if (after.front() != ':') return errc::invalid_url;
      port = after.substr(1);
    }
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return errc::invalid_url;
  if (port.empty()) {
    port = out.tls ? "443" : "80";
  } else {
    unsigned long v = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return errc::invalid_url;
      v = v * 10 + static_cast<unsigned long>(c - '0');
      if (v > 65535) return errc::invalid_url;
    }
    if (v == 0) return errc::invalid_url;
  }
  for (char c : host)
    if (c <= ' ' || c == '/' || c == '\\' || c == '?' || c == '#') return errc::invalid_url;
  out.host = host;
  out.port = port;
  return {};
}

// split_url plus the core's policy (rangeup::check_url): invalid_url, or
// insecure_url for http:// unless allowed and the host is loopback.
inline std::error_code check_url(std::string_view url, bool allow_http, url_parts& out) noexcept {
  if (auto ec = rangeup::check_url(url, allow_http)) return ec;
  return split_url(url, out);
}

}  // namespace rangeup::beast
