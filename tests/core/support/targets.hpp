#pragma once
// The upload targets and session types the hand-written core tests share:
// one of each flavor on graph.microsoft.com, and small forced sessions.
#include <rangeup/rangeup.hpp>

#include <cstdint>
#include <string_view>

namespace rangeup_test {

inline const rangeup::outlook_attachment outlook_target{"https://graph.microsoft.com/v1.0", "",
                                                        rangeup::outlook_attachment::parent_kind::message, "AAMk="};
inline const rangeup::todo_attachment todo_target{"https://graph.microsoft.com/v1.0", "", "L1", "T1"};
inline const rangeup::print_document print_target{"https://graph.microsoft.com/v1.0", "P1", "J1", "D1"};

using outlook_session = rangeup::upload_session<rangeup::outlook_attachment>;
using todo_session = rangeup::upload_session<rangeup::todo_attachment>;
using drive_session = rangeup::upload_session<rangeup::drive_item>;
using print_session = rangeup::upload_session<rangeup::print_document>;

inline rangeup::drive_item drive_target() {
  rangeup::drive_item d;
  d.parent_id = "P";
  return d;
}

// Session mechanics on small files: forced, or they would go as one request.
inline rangeup::session_options chunks(std::uint64_t c) {
  rangeup::session_options o;
  o.chunk_size = c;
  o.force_session = true;
  return o;
}

// To Do's createUploadSession answer, and the uploadUrl in it.
inline constexpr std::string_view todo_created =
    R"({"uploadUrl":"https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/AAMk=","expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["0-"]})";
inline constexpr std::string_view todo_upload =
    "https://graph.microsoft.com/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/AAMk=";

}  // namespace rangeup_test
