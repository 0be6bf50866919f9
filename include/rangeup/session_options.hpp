#pragma once
// What a caller may tune in an upload_session, besides its policies (Planner,
// Retry, Codec) and its Flavor. Plain values; the session copies them.

#include <cstdint>

namespace rangeup {

struct session_options {
  std::uint64_t chunk_size = 0;       // 0 = the planner's default for the flavor
  bool allow_http_loopback = false;   // accept http:// for 127.0.0.1 / localhost / [::1] only
  std::uint32_t max_restarts = 3;     // fresh sessions after 404 on uploadUrl or expiry (PROTOCOL.md E2, C7)
  std::uint32_t max_stalls = 4;       // answers in a row without progress before giving up
  std::int64_t expiry_margin_ms = 0;  // with a wall clock: treat the session as expired this early
  // Always create an upload session, even where the flavor would send a small
  // file as one request (POST attachment / PUT content; PROTOCOL.md O3, T4, D7).
  bool force_session = false;
};

}  // namespace rangeup
