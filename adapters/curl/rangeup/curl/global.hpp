#pragma once
// One-time, thread-safe libcurl global initialisation shared by every transport.

#include <curl/curl.h>

namespace rangeup {
namespace curl {

// Returns CURLE_OK once libcurl is initialised. The first call initialises it
// (C++11 guarantees the static is built exactly once even with racing threads);
// curl_global_cleanup runs at exit, after every transport that called this
// during its construction has been destroyed (statics die in reverse order).
inline CURLcode global_init() noexcept {
  struct guard {
    CURLcode code;
    guard() noexcept : code(curl_global_init(CURL_GLOBAL_DEFAULT)) {}
    ~guard() {
      if (code == CURLE_OK) curl_global_cleanup();
    }
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
  };
  static const guard g;
  return g.code;
}

}  // namespace curl
}  // namespace rangeup
