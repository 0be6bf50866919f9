#pragma once
// rangeup::curl::transport: performs a rangeup request_view with one reused
// libcurl easy handle (keep-alive across ranges) and fills a response_view.
// Upload bodies stream from the source through CURLOPT_READFUNCTION straight
// into libcurl's send buffer; a range is never held in memory as a whole.
// The handle setup and response capture live in easy_exchange.hpp (shared
// with multi_upload.hpp); this class runs them with curl_easy_perform.
//
//   rangeup::curl::transport t;                       // https only, system CAs
//   auto r = t.perform(request, source);              // result<response_view>
//
// Not thread-safe: one transport per thread (or per concurrent upload).

#include <curl/curl.h>

#include <string_view>
#include <system_error>
#include <utility>

#include "rangeup/curl/easy_exchange.hpp"
#include "rangeup/http.hpp"
#include "rangeup/result.hpp"

namespace rangeup {
namespace curl {

class transport {
 public:
  explicit transport(transport_options options = {}) : exchange_(std::move(options)) {}

  // False when libcurl could not be initialised; perform() then fails.
  bool valid() const noexcept { return exchange_.valid(); }
  const transport_options& options() const noexcept { return exchange_.options(); }

  void set_send_progress(send_progress_fn fn, void* context) noexcept { exchange_.set_send_progress(fn, context); }

  // Performs `request`, reading a source_range body from `source` (a type
  // with size() and read_at(offset, char*, n) -> result<size_t>). The returned
  // views stay valid until the next perform().
  template <class Source>
  result<response_view> perform(const request_view& request, Source& source) noexcept {
    if (const std::error_code ec = exchange_.prepare(request, source)) return ec;
    return exchange_.complete(curl_easy_perform(exchange_.handle()));
  }

  // For requests without a source_range body (create, status, commit, delete).
  result<response_view> perform(const request_view& request) noexcept {
    if (const std::error_code ec = exchange_.prepare(request)) return ec;
    return exchange_.complete(curl_easy_perform(exchange_.handle()));
  }

  // Why the last perform() failed, from libcurl's error buffer with every URL
  // query and token value redacted. Empty after a success.
  std::string_view last_error_detail() const noexcept { return exchange_.last_error_detail(); }

  // New connections libcurl opened so far (1 over a whole upload = keep-alive worked).
  long connections_opened() const noexcept { return exchange_.connections_opened(); }

 private:
  easy_exchange exchange_;
};

}  // namespace curl
}  // namespace rangeup
