#pragma once
// What every flavor (resource kind) tells the session: the vocabulary shared
// by outlook_attachment, todo_attachment, drive_item and print_document.
//
// A Flavor is a copyable type whose string views outlive the session, with
//   std::string_view graph_base;                   // the Graph root create URLs start from
//   static constexpr std::string_view flavor_id;   // stored in resume tokens
//   static constexpr std::uint64_t max_size;       // larger uploads fail before any request
//   static constexpr status_query status;          // may the session GET uploadUrl?
//   static constexpr int intermediate_status;      // "more ranges expected" (200 or 202)
//   static constexpr bool is_final_status(int);    // "upload complete"
//   static constexpr final_result result_kind;     // where the final id comes from
//   using default_planner = ...;                   // see planner.hpp
//   std::error_code create_url(text_writer&, const file_info&) const noexcept;
//   std::size_t create_headers(header_field* out, std::size_t capacity) const noexcept;
//   template <class Codec> result<std::size_t> create_body(const file_info&, char*, std::size_t) const noexcept;
//   bool deferred_commit() const noexcept;         // POST uploadUrl after the last byte
// and optionally
//   after_lost_final lost_final_policy() const noexcept;  // default: after_lost_final::report
//   std::string_view item_url(std::string_view create_url) const noexcept;  // for after_lost_final::look_up
//   static constexpr upload_url_auth upload_auth;   // default: pre_authenticated
//   static constexpr std::string_view fragment_suffix;  // appended to the uploadUrl's path for PUTs ("/content")
// and, for a small file sent as one request instead of a session,
//   single_request single_request_for(const file_info&) const noexcept;  // default: none (a session)
//   std::error_code single_request_url(text_writer&, const file_info&) const noexcept;
//   template <class Codec> result<std::size_t> single_request_body(const file_info&, char*, std::size_t) const noexcept;
//     // post_attachment: the JSON object with "contentBytes":"" (the session streams the base64 in between)
//   std::size_t single_request_headers(header_field* out, std::size_t capacity) const noexcept;
// Every rule a flavor encodes names its source in docs/PROTOCOL.md.
// rangeup::require_flavor<F>() (policies.hpp) checks the shape, one
// static_assert per missing member; upload_session does so for its Flavor.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/codec.hpp"
#include "rangeup/error.hpp"
#include "rangeup/file_info.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/http.hpp"
#include "rangeup/planner.hpp"
#include "rangeup/result.hpp"
#include "rangeup/url.hpp"

namespace rangeup {

// GET uploadUrl for the session status.
enum class status_query : unsigned char {
  documented,  // driveItem, printDocument: GET returns nextExpectedRanges
  try_once,    // attachments: undocumented; tried, and after a 400/404/405 never again
};

// How the final 200/201 names the created resource.
enum class final_result : unsigned char {
  location_id,  // Location: .../Attachments('ID') or .../Attachments/ID
  document,     // JSON body with id (and name, size, quickXorHash)
};

// The answer to the request that would finish the upload (the last range's
// PUT, or the deferred commit) was lost, and the uploadUrl then answers 404:
// the session ended, most likely because that request completed it. What may
// the session do without risking a second copy?
enum class after_lost_final : unsigned char {
  restart,  // upload again: it replaces what the lost request created
  look_up,  // GET item_url() with the bearer token: adopt the item if it is there with our size, else restart
  report,   // fail with errc::completion_unknown: uploading again would add a second copy
};

// How a small file goes in one request instead of an upload session.
enum class single_request : unsigned char {
  none,             // always a session (print; files above the flavor's limit)
  post_attachment,  // POST .../attachments, the bytes as base64 contentBytes; 201 JSON names it (PROTOCOL.md O3, T4)
  put_content,      // PUT .../content with the raw bytes; 200/201 driveItem (PROTOCOL.md D7)
};

// Who authenticates the requests to an uploadUrl.
enum class upload_url_auth : unsigned char {
  pre_authenticated,  // the URL carries its own token: never the bearer (Outlook, drive, print; PROTOCOL.md O4, D3, P2)
  bearer,             // a plain Graph URL: every request carries the bearer (To Do; PROTOCOL.md T2)
};

// Attachments under this many bytes go by POST: the service refuses sessions
// for files under "3 MB", and 3 000 000 is below both readings of that
// (PROTOCOL.md O2).
inline constexpr std::uint64_t attachment_session_minimum = 3000000;

namespace detail {

// A create request's URL must start from a checked graph base.
inline std::error_code begin_create_url(text_writer& w, std::string_view graph_base) noexcept {
  if (graph_base.empty()) return errc::invalid_url;
  append_base(w, graph_base);
  return {};
}

// Ids become single path segments; an empty one is a caller error.
inline std::error_code append_id(text_writer& w, std::string_view prefix, std::string_view id) noexcept {
  if (id.empty()) return errc::invalid_argument;
  w.append(prefix);
  append_path_segment(w, id);
  return {};
}

// The {"attachmentType": "file", "name", "size", ...} members shared by the
// Outlook and To Do bodies; returns how many were written into m (>= 6 slots).
inline std::size_t attachment_members(const file_info& f, bool outlook_extras, json_member* m) noexcept {
  std::size_t n = 0;
  m[n++] = json_member::string("attachmentType", "file");
  m[n++] = json_member::string("name", f.name);
  m[n++] = json_member::integer("size", f.size);
  if (!f.content_type.empty()) m[n++] = json_member::string("contentType", f.content_type);
  if (outlook_extras && f.is_inline) m[n++] = json_member::boolean("isInline", true);
  if (outlook_extras && !f.content_id.empty()) m[n++] = json_member::string("contentId", f.content_id);
  return n;
}

// The small-file POST: {"@odata.type", "name", "contentType"?, "isInline"?,
// "contentId"?, "contentBytes": ""}. The session finds the empty contentBytes
// and streams the file's base64 into it.
template <class Codec>
result<std::size_t> attachment_post_body(std::string_view odata_type, const file_info& f, bool outlook_extras,
                                         char* out, std::size_t capacity) noexcept {
  if (f.name.empty()) return errc::invalid_argument;
  json_member m[6];
  std::size_t n = 0;
  m[n++] = json_member::string("@odata.type", odata_type);
  m[n++] = json_member::string("name", f.name);
  if (!f.content_type.empty()) m[n++] = json_member::string("contentType", f.content_type);
  if (outlook_extras && f.is_inline) m[n++] = json_member::boolean("isInline", true);
  if (outlook_extras && !f.content_id.empty()) m[n++] = json_member::string("contentId", f.content_id);
  m[n++] = json_member::string("contentBytes", "");
  return Codec::write_create_body(rangeup::create_body{"", m, n, nullptr, 0}, out, capacity);
}

// Traits for the optional Flavor members (defaults as documented above).
template <class F, class = void>
struct has_single_request : std::false_type {};
template <class F>
struct has_single_request<F, std::void_t<decltype(std::declval<const F&>().single_request_for(file_info{}))>>
    : std::true_type {};
template <class F, class = void>
struct upload_auth_of : std::integral_constant<upload_url_auth, upload_url_auth::pre_authenticated> {};
template <class F>
struct upload_auth_of<F, std::void_t<decltype(F::upload_auth)>> : std::integral_constant<upload_url_auth, F::upload_auth> {};
template <class F, class = void>
struct fragment_suffix_of {
  static constexpr std::string_view value{};
};
template <class F>
struct fragment_suffix_of<F, std::void_t<decltype(F::fragment_suffix)>> {
  static constexpr std::string_view value = F::fragment_suffix;
};

}  // namespace detail

}  // namespace rangeup
