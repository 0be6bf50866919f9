#pragma once
// Which URLs a transport may send to: https always; http only when the caller
// allows it and the host is a loopback address. The URL is parsed once with
// libcurl's own parser (CURLU) and that parsed handle is what gets sent, so the
// check and the request can never disagree about the host.

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <cstring>
#include <string_view>
#include <system_error>

#include "rangeup/error.hpp"

namespace rangeup {
namespace curl {

// True for "localhost", 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. `host` is what
// CURLU reports (IPv6 literals in brackets).
inline bool is_loopback_host(const char* host) noexcept {
  if (host == nullptr) return false;
  const std::size_t len = std::strlen(host);
  if (len == 9 && strncasecmp(host, "localhost", 9) == 0) return true;
  if (len == 10 && strncasecmp(host, "localhost.", 10) == 0) return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host, &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
    char inner[INET6_ADDRSTRLEN + 1] = {};
    if (len - 2 > INET6_ADDRSTRLEN) return false;
    std::memcpy(inner, host + 1, len - 2);
    if (char* zone = std::strchr(inner, '%')) *zone = '\0';
    in6_addr v6{};
    if (inet_pton(AF_INET6, inner, &v6) != 1) return false;
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

// Owns a parsed URL. check() applies the policy; handle() goes to CURLOPT_CURLU.
class checked_url {
 public:
  checked_url() noexcept : h_(curl_url()) {}
  ~checked_url() { curl_url_cleanup(h_); }
  checked_url(const checked_url&) = delete;
  checked_url& operator=(const checked_url&) = delete;

  // `url` must be NUL-terminated. Userinfo ("user@host") is refused: it only
  // ever serves to disguise the real host.
  std::error_code set(const char* url, bool allow_http) noexcept {
    if (h_ == nullptr) return make_error_code(errc::invalid_url);
    if (curl_url_set(h_, CURLUPART_URL, url, 0) != CURLUE_OK) return make_error_code(errc::invalid_url);
    part scheme(h_, CURLUPART_SCHEME), host(h_, CURLUPART_HOST), user(h_, CURLUPART_USER);
    if (scheme.text == nullptr || host.text == nullptr || user.text != nullptr) return make_error_code(errc::invalid_url);
    if (strcasecmp(scheme.text, "https") == 0) return {};
    if (strcasecmp(scheme.text, "http") != 0) return make_error_code(errc::invalid_url);
    if (!allow_http || !is_loopback_host(host.text)) return make_error_code(errc::insecure_url);
    return {};
  }
  CURLU* handle() const noexcept { return h_; }

 private:
  struct part {
    char* text = nullptr;
    part(CURLU* h, CURLUPart which) noexcept {
      if (curl_url_get(h, which, &text, 0) != CURLUE_OK) text = nullptr;
    }
    ~part() { curl_free(text); }
    part(const part&) = delete;
    part& operator=(const part&) = delete;
  };
  CURLU* h_;
};

}  // namespace curl
}  // namespace rangeup
