#pragma once
// Flavor: a file attachment on an Outlook message or event (docs/PROTOCOL.md
// O1-O9). Files under 3 000 000 bytes go as one POST .../attachments (O2, O3);
// larger ones by session: create 201; ranges of at most 4 000 000 bytes
// answered 200 with bare "N" ranges and PascalCase keys; the final 201 names
// the attachment in its Location header. The uploadUrl is pre-authenticated.

#include <cstdint>
#include <string_view>

#include "rangeup/flavors/flavor.hpp"

namespace rangeup {

struct outlook_attachment {
  enum class parent_kind : unsigned char { message, event };

  std::string_view graph_base = "https://graph.microsoft.com/v1.0";
  std::string_view user;  // "" = /me, else /users/{user}
  parent_kind parent = parent_kind::message;
  std::string_view parent_id;

  static constexpr std::string_view flavor_id = "outlook";
  static constexpr std::uint64_t max_size = 150 * mebibyte;  // 157286400: "150 MB" read as MiB
  static constexpr status_query status = status_query::try_once;
  static constexpr int intermediate_status = 200;
  static constexpr bool is_final_status(int s) noexcept { return s == 201; }
  static constexpr final_result result_kind = final_result::location_id;
  using default_planner = attachment_planner;

  // {base}/me/messages/{id}/attachments/createUploadSession (or events).
  std::error_code create_url(text_writer& w, const file_info& /*file*/) const noexcept {
    if (auto ec = attachments_url(w)) return ec;
    w.append("/createUploadSession");
    return {};
  }

  single_request single_request_for(const file_info& f) const noexcept {
    return f.size < attachment_session_minimum ? single_request::post_attachment : single_request::none;
  }
  // {base}/me/messages/{id}/attachments (or events).
  std::error_code single_request_url(text_writer& w, const file_info& /*file*/) const noexcept {
    return attachments_url(w);
  }
  template <class Codec>
  result<std::size_t> single_request_body(const file_info& f, char* out, std::size_t capacity) const noexcept {
    return detail::attachment_post_body<Codec>("#microsoft.graph.fileAttachment", f, true, out, capacity);
  }
  std::size_t single_request_headers(header_field* /*out*/, std::size_t /*capacity*/) const noexcept { return 0; }
  std::size_t create_headers(header_field* /*out*/, std::size_t /*capacity*/) const noexcept { return 0; }

  // {"AttachmentItem": {"attachmentType": "file", "name", "size", contentType?, isInline?, contentId?}}
  template <class Codec>
  result<std::size_t> create_body(const file_info& f, char* out, std::size_t capacity) const noexcept {
    if (f.name.empty()) return errc::invalid_argument;
    json_member m[6];
    const std::size_t n = detail::attachment_members(f, true, m);
    return Codec::write_create_body(rangeup::create_body{"AttachmentItem", m, n, nullptr, 0}, out, capacity);
  }
  bool deferred_commit() const noexcept { return false; }

 private:
  std::error_code attachments_url(text_writer& w) const noexcept {
    if (auto ec = detail::begin_create_url(w, graph_base)) return ec;
    append_user(w, user);
    if (auto ec = detail::append_id(w, parent == parent_kind::event ? "/events/" : "/messages/", parent_id)) return ec;
    w.append("/attachments");
    return {};
  }
};

}  // namespace rangeup
