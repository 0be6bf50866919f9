#pragma once
// What every driver (rangeup::upload, curl::multi_upload, beast::async_upload,
// or a loop of your own around io::upload_engine) is configured with, and what
// an upload ends with. The engine (io/engine.hpp) does what these options say;
// drivers only perform requests, waits and token fetches.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>

#include "rangeup/fixed_string.hpp"
#include "rangeup/step.hpp"

namespace rangeup {
namespace io {
class rate_limiter;
}

// Gives the Graph access token when the session asks for one: before the first
// request that carries it, and after the service rejected the one it had
// (401). `stale` is that rejected token ("" the first time); write the fresh
// one into `token`. An error (or an empty token) ends this upload with it
// (errc::token_unavailable when the provider gives no code of its own); other
// uploads are not affected. May block (e.g. run `az account get-access-token`);
// the blocking and curl multi drivers call it on their own thread, the Beast
// driver on the executor. io::token_cache (io/token_cache.hpp) shares one
// token between many uploads and refreshes it once per expiry.
using token_provider = std::function<std::error_code(std::string_view stale, std::string& token)>;

struct upload_options {
  const std::atomic<bool>* cancel_flag = nullptr;
  bool (*should_cancel)(void* context) noexcept = nullptr;
  void* cancel_context = nullptr;
  bool delete_on_cancel = true;       // DELETE the session on cancel / timeout
  std::int64_t timeout_ms = 0;        // the whole upload; 0 = no limit
  std::int64_t delete_timeout_ms = 10000;  // how long the DELETE may take
  progress_observer* observer = nullptr;   // installed on the session
  // Body bytes sent so far in the current request (0 between requests).
  void (*on_send)(void* context, std::uint64_t sent) noexcept = nullptr;
  void* send_context = nullptr;
  // After every answered or failed request, once the session has digested it.
  void (*after_exchange)(void* context) noexcept = nullptr;
  void* exchange_context = nullptr;
  // Persist the resume token (e.g. io::write_file_atomically): called with the
  // session's current token when there is a new one worth saving — at once for
  // a new uploadUrl and before the request that completes the upload (so a
  // crash while it is out is resumed as "maybe done"), otherwise at most every
  // resume_interval_ms; and once more when the upload fails. The view is valid
  // during the call. At most rangeup::max_resume_token_size bytes.
  void (*on_resume_token)(void* context, std::string_view token) noexcept = nullptr;
  void* resume_context = nullptr;
  std::int64_t resume_interval_ms = 1000;
  // Where the bearer token comes from when the session asks (see token_provider).
  // Empty: only a token set on the session beforehand is used, and a 401 to a
  // request that carried it ends the upload with errc::unauthorized.
  token_provider tokens;
  std::int64_t poll_interval_ms = 100;  // how often waits look at the cancel flag
  // Hash the bytes as they are sent; compare with the service's hash if it has one.
  bool verify_integrity = true;
  // Pace the upload through this bucket (may be shared by several uploads); null = unlimited.
  io::rate_limiter* rate_limit = nullptr;
};

struct upload_outcome {
  std::error_code code;  // empty on success
  upload_result result;  // when !code
  failure error;         // when code (error.code == code)
  progress stats;
  double seconds = 0;
  // verify_integrity: the QuickXorHash (base64) of the source, when the upload
  // got as far as the service accepting every byte; empty otherwise.
  fixed_string<32> quick_xor_hash;
  bool integrity_checked = false;  // the service reported a hash and it was compared
  std::uint32_t tokens_fetched = 0;  // times the token provider was asked
  explicit operator bool() const noexcept { return !code; }
};

}  // namespace rangeup
