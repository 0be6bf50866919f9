#pragma once
// How a request leaves the core and how a response comes back: plain views, no
// I/O. A transport (libcurl, Beast, yours) turns a request_view into bytes on
// the wire and fills a response_view. Views point into storage owned by the
// session (request) or the transport (response) and stay valid until the next
// call into that object.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "rangeup/byte_range.hpp"

namespace rangeup {

enum class http_method : unsigned char { get, put, post, delete_ };

constexpr std::string_view method_name(http_method m) noexcept {
  switch (m) {
    case http_method::get: return "GET";
    case http_method::put: return "PUT";
    case http_method::post: return "POST";
    case http_method::delete_: return "DELETE";
  }
  return "GET";
}

struct header_field {
  std::string_view name;
  std::string_view value;
};

inline constexpr std::size_t max_request_headers = 8;

enum class body_kind : unsigned char {
  none,          // no body (GET, DELETE; POST commit sends Content-Length: 0)
  text,          // `text` holds the body (JSON create request)
  source_range,  // bytes [range.first, range.last] of the upload source
  base64_json,   // `text`, then base64 of bytes [range.first, range.last] of the source, then `suffix`
                 // (a small file's JSON attachment: see request_body.hpp, which streams it)
};

// Characters of the base64 encoding of n bytes (padded).
constexpr std::uint64_t base64_length(std::uint64_t n) noexcept { return (n + 2) / 3 * 4; }

struct request_view {
  http_method method = http_method::get;
  std::string_view url;
  // Headers other than Authorization, Content-Length and Host, which the
  // transport derives itself (the full list: is_reserved_header in
  // transport.hpp). Content-Type and Content-Range come from here.
  header_field headers[max_request_headers] = {};
  std::size_t header_count = 0;
  // Non-empty only on requests that must carry the Graph token: requests to
  // Graph itself (create, small-file POST/PUT, item look-up) and, for flavors
  // whose uploadUrl is a plain Graph URL (To Do), the uploadUrl requests. The
  // transport sends it as "Authorization: Bearer <token>" and must never send
  // an Authorization header when this is empty: pre-authenticated uploadUrls
  // (Outlook, drive, print) carry their own credential (docs/PROTOCOL.md O4).
  std::string_view bearer_token;
  body_kind body = body_kind::none;
  std::string_view text;          // body == text; the JSON before the base64 when body == base64_json
  std::string_view suffix;        // body == base64_json: the JSON after the base64
  content_range range;            // body == source_range / base64_json (total = upload size)

  constexpr std::uint64_t content_length() const noexcept {
    switch (body) {
      case body_kind::text: return text.size();
      case body_kind::source_range: return range.length();
      case body_kind::base64_json: return text.size() + base64_length(range.length()) + suffix.size();
      case body_kind::none: return 0;
    }
    return 0;
  }
  // The body is (partly) read from the source.
  constexpr bool reads_source() const noexcept {
    return body == body_kind::source_range || body == body_kind::base64_json;
  }
  const header_field* begin_headers() const noexcept { return headers; }
  const header_field* end_headers() const noexcept { return headers + header_count; }
};

// What the core needs from a response. The transport caps `body` (default 64 KiB)
// and sets body_truncated instead of growing without bound.
struct response_view {
  int status = 0;
  std::string_view location;
  std::string_view retry_after;
  std::string_view content_type;
  std::string_view body;
  bool body_truncated = false;
};

// A source yields the bytes to upload; the core names them by range only.
//   std::uint64_t size() const;
//   result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n);
//     reads up to n bytes (fewer only at the end); errc::source_read_failed on error.
// The full Source and Transport requirements, and the request checks every
// transport applies, are in transport.hpp.
// memory_source is the trivial one; file sources live in the adapters (they do I/O).
class memory_source {
 public:
  constexpr memory_source() noexcept = default;
  constexpr memory_source(const void* data, std::uint64_t size) noexcept
      : data_(static_cast<const unsigned char*>(data)), size_(size) {}

  constexpr std::uint64_t size() const noexcept { return size_; }
  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) const noexcept {
    if (offset > size_) return errc::source_read_failed;
    const std::uint64_t left = size_ - offset;
    const std::size_t take = left < n ? static_cast<std::size_t>(left) : n;
    if (take != 0) std::memcpy(out, data_ + offset, take);
    return take;
  }

 private:
  const unsigned char* data_ = nullptr;
  std::uint64_t size_ = 0;
};

}  // namespace rangeup
