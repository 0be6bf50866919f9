#pragma once
// What the session tells its driver to do next, and what an upload ends with.
// upload_session::next_step(now) returns a step; the driver performs it and
// feeds the outcome back (on_response / on_transport_error), then asks again.

#include <cstdint>
#include <string_view>
#include <system_error>

#include "rangeup/clock.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/http.hpp"

namespace rangeup {

// The finished upload, as the service described it.
struct upload_result {
  int http_status = 0;                // status of the final response (200/201)
  fixed_string<512> id;               // attachment id (from Location) or driveItem id
  fixed_string<512> name;             // driveItem name as stored (may differ after rename)
  std::uint64_t size = 0;             // bytes the service confirmed (or uploaded)
  fixed_string<64> quick_xor_hash;    // driveItem file.hashes.quickXorHash (base64), if any
  // The upload completed but the service did not say what it created (a final
  // 201 without Location): id is empty. Never a reason to upload again.
  bool id_unknown = false;
  bool simple_request = false;        // sent as one request (POST attachment / PUT content), no session
};

// Why an upload failed. Carries the server's own error code when it sent one;
// never contains a bearer token or an uploadUrl.
struct failure {
  std::error_code code;
  int http_status = 0;                // 0 when no HTTP response was involved
  fixed_string<64> server_code;       // Graph "error.code", e.g. "nameAlreadyExists"
  fixed_string<256> server_message;   // Graph "error.message" (truncated to fit)
};

// Counters for progress observers and the CLI's --json.
struct progress {
  std::uint64_t total_bytes = 0;
  std::uint64_t confirmed_bytes = 0;  // acknowledged by the server; never decreases
  std::uint64_t bytes_sent = 0;       // bytes put on the wire, retries included
  std::uint32_t retries = 0;
  std::uint32_t restarts = 0;         // session recreations after 404
  // Requests repeated with a fresh bearer token after the service refused
  // the one they carried (401, docs/PROTOCOL.md E7); not counted in retries.
  std::uint32_t token_refreshes = 0;
};

// Observers are plain interfaces (virtual calls work without RTTI).
class progress_observer {
 public:
  virtual void on_progress(const progress& p) noexcept = 0;

 protected:
  ~progress_observer() = default;
};

class step {
 public:
  // need_token: the next request must carry the Graph bearer token and the
  // session has none, or the service rejected the one it had (401). Answer
  // with set_bearer_token(fresh), then ask next_step again. Never asked for a
  // request to a pre-authenticated uploadUrl (docs/PROTOCOL.md O4).
  enum class kind : unsigned char { send, wait, done, failed, need_token };

  static step send(const request_view* r) noexcept { step s(kind::send); s.request_ = r; return s; }
  static step wait(instant until) noexcept { step s(kind::wait); s.until_ = until; return s; }
  static step done(const upload_result* r) noexcept { step s(kind::done); s.result_ = r; return s; }
  static step failed(const rangeup::failure* f) noexcept { step s(kind::failed); s.failure_ = f; return s; }
  static step need_token() noexcept { return step(kind::need_token); }

  kind what() const noexcept { return kind_; }
  // Exactly one of these is non-null, matching what() (none for need_token).
  const request_view* request() const noexcept { return kind_ == kind::send ? request_ : nullptr; }
  const instant* wait_until() const noexcept { return kind_ == kind::wait ? &until_ : nullptr; }
  const upload_result* done() const noexcept { return kind_ == kind::done ? result_ : nullptr; }
  const rangeup::failure* failed() const noexcept { return kind_ == kind::failed ? failure_ : nullptr; }

 private:
  explicit step(kind k) noexcept : kind_(k) {}
  kind kind_;
  instant until_{};
  const request_view* request_ = nullptr;
  const upload_result* result_ = nullptr;
  const rangeup::failure* failure_ = nullptr;
};

}  // namespace rangeup
