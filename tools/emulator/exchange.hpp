#pragma once
// Plain request/response records passed between the HTTP server and the
// handlers, so handlers know nothing of Beast or sockets.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace emu {

struct request_head {
  std::string method;
  std::string target;  // path and query, as sent
  std::optional<std::string> authorization;
  std::optional<std::string> content_range;
  std::optional<std::uint64_t> content_length;  // nullopt: absent (or chunked)
  std::optional<std::string> if_match;
  std::optional<std::string> if_none_match;
  bool expect_continue = false;
};

struct reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // JSON text, or empty
  bool close = false;        // close the connection after the response
  bool no_response = false;  // cut the answer off after its head ("lost" fault)
  unsigned delay_ms = 0;     // hold the response back ("slow" fault)
};

}  // namespace emu
