#pragma once
// Flavor: a file attachment on a Microsoft To Do task (docs/PROTOCOL.md T1-T4).
// At most 25 MiB. Files under 3 000 000 bytes go as one POST .../attachments
// (T4). A session's uploadUrl is a plain Graph URL without a token: every
// fragment is PUT {uploadUrl}/content with the bearer, and so are the GET and
// DELETE of the uploadUrl (T2); fragments of at most 4 000 000 bytes; like
// Outlook, the final 201 names the attachment in Location (".../Attachments/ID").

#include <cstdint>
#include <string_view>

#include "rangeup/flavors/flavor.hpp"

namespace rangeup {

struct todo_attachment {
  std::string_view graph_base = "https://graph.microsoft.com/v1.0";
  std::string_view user;  // "" = /me
  std::string_view list_id;
  std::string_view task_id;

  static constexpr std::string_view flavor_id = "todo";
  static constexpr std::uint64_t max_size = 25 * mebibyte;  // 26214400
  static constexpr status_query status = status_query::try_once;
  static constexpr int intermediate_status = 200;
  static constexpr bool is_final_status(int s) noexcept { return s == 201; }
  static constexpr final_result result_kind = final_result::location_id;
  using default_planner = attachment_planner;
  static constexpr upload_url_auth upload_auth = upload_url_auth::bearer;
  static constexpr std::string_view fragment_suffix = "/content";

  // {base}/me/todo/lists/{list}/tasks/{task}/attachments/createUploadSession
  std::error_code create_url(text_writer& w, const file_info& /*file*/) const noexcept {
    if (auto ec = attachments_url(w)) return ec;
    w.append("/createUploadSession");
    return {};
  }

  single_request single_request_for(const file_info& f) const noexcept {
    return f.size < attachment_session_minimum ? single_request::post_attachment : single_request::none;
  }
  // {base}/me/todo/lists/{list}/tasks/{task}/attachments
  std::error_code single_request_url(text_writer& w, const file_info& /*file*/) const noexcept {
    return attachments_url(w);
  }
  template <class Codec>
  result<std::size_t> single_request_body(const file_info& f, char* out, std::size_t capacity) const noexcept {
    return detail::attachment_post_body<Codec>("#microsoft.graph.taskFileAttachment", f, false, out, capacity);
  }
  std::size_t single_request_headers(header_field* /*out*/, std::size_t /*capacity*/) const noexcept { return 0; }
  std::size_t create_headers(header_field* /*out*/, std::size_t /*capacity*/) const noexcept { return 0; }

  // {"attachmentInfo": {"attachmentType": "file", "name", "size", contentType?}}
  template <class Codec>
  result<std::size_t> create_body(const file_info& f, char* out, std::size_t capacity) const noexcept {
    if (f.name.empty()) return errc::invalid_argument;
    json_member m[6];
    const std::size_t n = detail::attachment_members(f, false, m);
    return Codec::write_create_body(rangeup::create_body{"attachmentInfo", m, n, nullptr, 0}, out, capacity);
  }
  bool deferred_commit() const noexcept { return false; }

 private:
  std::error_code attachments_url(text_writer& w) const noexcept {
    if (auto ec = detail::begin_create_url(w, graph_base)) return ec;
    append_user(w, user);
    if (auto ec = detail::append_id(w, "/todo/lists/", list_id)) return ec;
    if (auto ec = detail::append_id(w, "/tasks/", task_id)) return ec;
    w.append("/attachments");
    return {};
  }
};

}  // namespace rangeup
