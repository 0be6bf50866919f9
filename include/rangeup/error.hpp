#pragma once
// The error model: rangeup::errc values inside a std::error_category, so every
// failure is a std::error_code. No exceptions anywhere.

#include <string>
#include <system_error>

namespace rangeup {

enum class errc : int {
  // --- local input and capacities -------------------------------------------
  invalid_argument = 1,     // a parameter makes no sense (empty name, ...)
  size_out_of_range,        // file size outside what the flavor accepts
  empty_source,             // zero-length upload where the service cannot take one
  invalid_chunk_size,       // chunk size not accepted by the flavor
  buffer_too_small,         // caller-provided buffer cannot hold the output
  capacity_exceeded,        // fixed-capacity storage would overflow
  url_too_long,             // uploadUrl longer than RANGEUP_MAX_URL_LENGTH
  invalid_url,              // not an absolute http(s) URL
  insecure_url,             // http:// without an explicit loopback allowance
  malformed_range,          // a nextExpectedRanges / Content-Range value is not valid
  malformed_json,           // JSON syntax error, truncation or hostile nesting
  malformed_response,       // valid JSON/HTTP but not what the protocol says
  invalid_resume_token,     // resume token unreadable or corrupted
  resume_mismatch,          // resume token belongs to another file/target
  // --- source ---------------------------------------------------------------
  source_read_failed,       // reading the bytes to upload failed
  source_changed,           // the file changed size/mtime during the upload
  // --- transport ------------------------------------------------------------
  connection_failed,        // could not connect / resolve
  connection_dropped,       // connection closed before a complete response
  timeout,                  // no progress within the configured time
  tls_error,                // TLS handshake or certificate verification failed
  response_too_large,       // response body/headers exceeded the cap
  redirect_refused,         // server redirected an upload request
  // --- server replies (docs/PROTOCOL.md E1-E7) ---------------------------------
  bad_request,              // 400: we sent something wrong
  unauthorized,             // 401: bearer token or uploadUrl token rejected
  forbidden,                // 403
  session_not_found,        // 404 on uploadUrl: expired or deleted
  conflict,                 // 409 (e.g. nameAlreadyExists)
  precondition_failed,      // 412 (If-Match / If-None-Match)
  payload_too_large,        // 413
  range_not_satisfiable,    // 416 that could not be resynchronised
  throttled,                // 429 and the retry budget ran out
  server_error,             // 5xx and the retry budget ran out
  unexpected_status,        // any other status
  protocol_violation,       // server contradicts itself (ranges beyond size, backwards, no progress)
  target_not_found,         // 404 on createUploadSession: the parent message/item/task does not exist
  // --- session outcome ------------------------------------------------------
  retries_exhausted,        // attempt or time budget spent on transient failures
  restarts_exhausted,       // too many session recreations after 404
  session_expired,          // expirationDateTime passed
  integrity_mismatch,       // server hash differs from the bytes we sent
  cancelled,                // the caller cancelled the upload
  completion_unknown,       // the answer to the last request was lost and the session has ended:
                            // the upload may have completed; uploading again could add a second copy
  quota_exceeded,           // 507 insufficientStorage / quotaLimitReached: fatal, never retried
  not_supported,            // 501 notSupported: fatal, never retried
  token_unavailable,        // the session needed a bearer token and none came (no provider, or it failed)
};

class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "rangeup"; }
  std::string message(int value) const override { return describe(static_cast<errc>(value)); }

  // Static text for each value; usable where std::string is unwelcome.
  static const char* describe(errc e) noexcept {
    switch (e) {
      case errc::invalid_argument: return "invalid argument";
      case errc::size_out_of_range: return "file size outside the range the service accepts";
      case errc::empty_source: return "zero-length upload not supported by this service";
      case errc::invalid_chunk_size: return "chunk size not accepted by this service";
      case errc::buffer_too_small: return "output buffer too small";
      case errc::capacity_exceeded: return "fixed capacity exceeded";
      case errc::url_too_long: return "URL longer than RANGEUP_MAX_URL_LENGTH";
      case errc::invalid_url: return "invalid URL";
      case errc::insecure_url: return "https required (http allowed only for loopback when enabled)";
      case errc::malformed_range: return "malformed byte range";
      case errc::malformed_json: return "malformed JSON";
      case errc::malformed_response: return "malformed server response";
      case errc::invalid_resume_token: return "invalid resume token";
      case errc::resume_mismatch: return "resume token belongs to a different upload";
      case errc::source_read_failed: return "reading the source failed";
      case errc::source_changed: return "the source changed during the upload";
      case errc::connection_failed: return "connection failed";
      case errc::connection_dropped: return "connection dropped";
      case errc::timeout: return "timed out";
      case errc::tls_error: return "TLS error";
      case errc::response_too_large: return "response too large";
      case errc::redirect_refused: return "redirect refused";
      case errc::bad_request: return "server rejected the request (400)";
      case errc::unauthorized: return "unauthorized (401)";
      case errc::forbidden: return "forbidden (403)";
      case errc::session_not_found: return "upload session not found (404)";
      case errc::conflict: return "conflict (409)";
      case errc::precondition_failed: return "precondition failed (412)";
      case errc::payload_too_large: return "payload too large (413)";
      case errc::range_not_satisfiable: return "requested range not satisfiable (416)";
      case errc::throttled: return "throttled (429)";
      case errc::server_error: return "server error (5xx)";
      case errc::unexpected_status: return "unexpected HTTP status";
      case errc::protocol_violation: return "server violated the upload protocol";
      case errc::target_not_found: return "upload target not found (404)";
      case errc::retries_exhausted: return "retries exhausted";
      case errc::restarts_exhausted: return "session restarts exhausted";
      case errc::session_expired: return "upload session expired";
      case errc::integrity_mismatch: return "integrity check failed: server hash differs";
      case errc::cancelled: return "cancelled";
      case errc::completion_unknown:
        return "the answer to the final request was lost and the session has ended: the upload may have "
               "completed (check before uploading again)";
      case errc::quota_exceeded: return "insufficient storage: the quota is used up (507)";
      case errc::not_supported: return "the service does not support this request (501)";
      case errc::token_unavailable: return "no access token: the token provider failed or gave none";
    }
    return "unknown rangeup error";
  }
};

// The one rangeup category. A function-local static of a literal type: no
// dynamic initialisation, identical across translation units.
inline const std::error_category& category() noexcept {
  static const error_category_impl instance;
  return instance;
}

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

// Transient failures are worth retrying with the same request.
inline bool is_transient(errc e) noexcept {
  switch (e) {
    case errc::connection_failed:
    case errc::connection_dropped:
    case errc::timeout:
    case errc::throttled:
    case errc::server_error:
      return true;
    default:
      return false;
  }
}

// ---- conditions: what a failure means, whoever's code it is --------------------
// A transport of your own may report its engine's own std::error_code from
// perform(): the session retries it when it is equivalent to
// condition::transient_failure, and otherwise fails the upload with it at once.
// Three ways to be equivalent (tests/core/condition_test.cpp shows each):
//   - return rangeup's own code: make_error_code(errc::connection_dropped),
//     errc::timeout, errc::connection_failed (see is_transient above);
//   - return a std::errc-equivalent code (std::errc::connection_reset,
//     connection_aborted, timed_out, broken_pipe, connection_refused,
//     network_unreachable, host_unreachable);
//   - give your error category a default_error_condition() (or equivalent())
//     that maps the code to make_error_condition(condition::transient_failure),
//     or to condition::not_sent for "the connection was never made".
enum class condition : int {
  // Worth repeating the same request after a delay (PROTOCOL.md E1).
  transient_failure = 1,
  // The request never reached the server (no connection was made), so it
  // cannot have been processed: even a request that may complete the upload
  // (a small file's one POST) is safe to repeat (PROTOCOL.md E8). Every code
  // equivalent to not_sent is also equivalent to transient_failure.
  not_sent,
};

class condition_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "rangeup.condition"; }
  std::string message(int value) const override {
    switch (static_cast<condition>(value)) {
      case condition::transient_failure: return "transient failure: worth repeating the request";
      case condition::not_sent: return "the request never reached the server";
    }
    return "unknown rangeup condition";
  }
  // Which codes mean what. Codes of other categories may also map themselves
  // here through their own default_error_condition() / equivalent(); the
  // standard library asks both sides.
  bool equivalent(const std::error_code& code, int value) const noexcept override {
    switch (static_cast<condition>(value)) {
      case condition::not_sent:
        if (code.category() == category()) return static_cast<errc>(code.value()) == errc::connection_failed;
        return code == std::errc::connection_refused;
      case condition::transient_failure:
        if (code.category() == category()) return is_transient(static_cast<errc>(code.value()));
        return code == std::errc::connection_reset || code == std::errc::connection_aborted ||
               code == std::errc::timed_out || code == std::errc::broken_pipe ||
               code == std::errc::connection_refused || code == std::errc::network_unreachable ||
               code == std::errc::host_unreachable ||
               code == std::error_condition(static_cast<int>(condition::not_sent), *this);
    }
    return false;
  }
};

inline const std::error_category& condition_category() noexcept {
  static const condition_category_impl instance;
  return instance;
}

inline std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

}  // namespace rangeup

namespace std {
template <>
struct is_error_code_enum<rangeup::errc> : true_type {};
template <>
struct is_error_condition_enum<rangeup::condition> : true_type {};
}  // namespace std
