#pragma once
// rangeup::io::token_cache: one access token shared by any number of uploads
// (threads, a curl multi run, Asio operations), fetched again only when an
// upload reports the very token the cache holds as rejected. Uploads that hit
// the same expiry together cause one fetch: the first refreshes, the others
// find a token newer than the one they report and take it.
//
//   rangeup::io::token_cache tokens([](std::string& out) -> std::error_code {
//     out = my_auth.acquire_token();          // e.g. MSAL, a file, a command
//     return {};
//   });
//   options.tokens = tokens.provider();      // for every upload; tokens must outlive them
//
// Thread-safe. The fetch runs under the cache's lock, so concurrent uploads
// wait for it instead of fetching too.

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "rangeup/error.hpp"
#include "rangeup/io/upload_options.hpp"

namespace rangeup {
namespace io {

class token_cache {
 public:
  // Writes a fresh token into its argument; an error (or nothing written)
  // fails the uploads that asked (errc::token_unavailable when the error is empty).
  using fetch_function = std::function<std::error_code(std::string& token)>;

  explicit token_cache(fetch_function fetch) : fetch_(std::move(fetch)) {}
  token_cache(const token_cache&) = delete;
  token_cache& operator=(const token_cache&) = delete;

  // The token to use after `stale` was rejected ("" when the upload has none yet).
  std::error_code get(std::string_view stale, std::string& out) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (current_.empty() || current_ == stale) {
      std::string fresh;
      std::error_code ec = fetch_ ? fetch_(fresh) : make_error_code(errc::token_unavailable);
      ++fetches_;
      if (!ec && fresh.empty()) ec = make_error_code(errc::token_unavailable);
      if (ec) return ec;
      current_ = std::move(fresh);
    }
    out = current_;
    return {};
  }

  // A token_provider for upload_options::tokens that asks this cache.
  token_provider provider() {
    return [this](std::string_view stale, std::string& out) { return get(stale, out); };
  }

  // How many times the fetch function ran.
  std::uint64_t fetches() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return fetches_;
  }

 private:
  mutable std::mutex mutex_;
  fetch_function fetch_;
  std::string current_;
  std::uint64_t fetches_ = 0;
};

}  // namespace io
}  // namespace rangeup
