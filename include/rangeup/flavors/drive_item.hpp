#pragma once
// Flavor: a OneDrive / SharePoint driveItem (docs/PROTOCOL.md D1-D7). Create
// 200 (nextExpectedRanges may be absent); fragments are multiples of 320 KiB
// below 60 MiB, answered 202; the final 200/201 carries the driveItem JSON.
// Supports conflictBehavior, If-Match / If-None-Match and deferCommit (after
// the last byte the session POSTs uploadUrl with an empty body to commit).
//
// Files of at most 4 MiB (0 bytes included: a session cannot carry them) go
// as one PUT .../content (D7). Its conflictBehavior defaults to replace, so
// the flavor always names one: "fail" when none is given, the session's
// default, so that a file is never overwritten only because it is small.

#include <cstdint>
#include <string_view>

#include "rangeup/flavors/flavor.hpp"

namespace rangeup {

struct drive_item {
  enum class conflict : unsigned char { unspecified, fail, replace, rename };

  std::string_view graph_base = "https://graph.microsoft.com/v1.0";
  std::string_view user;       // "" = /me/drive, else /users/{user}/drive
  std::string_view drive_id;   // non-empty: /drives/{drive_id} (user is then ignored)
  std::string_view parent_id;  // .../items/{parent_id}:/{name}:/createUploadSession
  std::string_view name;       // "" = file_info::name
  std::string_view root_path;  // non-empty: .../root:/{root_path}:/createUploadSession (parent_id/name ignored)
  conflict conflict_behavior = conflict::unspecified;
  std::string_view if_match;       // sent on the create request when non-empty (mismatch → 412)
  std::string_view if_none_match;  // likewise
  bool defer_commit = false;
  // Non-empty: replace this existing item's content (.../items/{item_id}/createUploadSession
  // or .../items/{item_id}/content); parent_id, name and root_path are then ignored.
  std::string_view item_id;

  static constexpr std::string_view flavor_id = "drive";
  static constexpr std::uint64_t max_size = UINT64_MAX;  // 250 GB today; the service decides
  static constexpr status_query status = status_query::documented;
  static constexpr int intermediate_status = 202;
  static constexpr bool is_final_status(int s) noexcept { return s == 201 || s == 200; }
  static constexpr final_result result_kind = final_result::document;
  using default_planner = drive_planner;
  // The largest file the one-request PUT takes: "up to 4 MB" read as 4 MiB (PROTOCOL.md D7).
  static constexpr std::uint64_t simple_upload_limit = 4 * mebibyte;

  std::error_code create_url(text_writer& w, const file_info& file) const noexcept {
    if (auto ec = item_address(w, file)) return ec;
    w.append("/createUploadSession");
    return {};
  }

  single_request single_request_for(const file_info& f) const noexcept {
    return defer_commit || f.size > simple_upload_limit ? single_request::none : single_request::put_content;
  }
  // {item}/content?@microsoft.graph.conflictBehavior=... (not for item_id: it replaces that item).
  std::error_code single_request_url(text_writer& w, const file_info& file) const noexcept {
    if (auto ec = item_address(w, file)) return ec;
    w.append("/content");
    if (!item_id.empty()) return {};
    w.append("?@microsoft.graph.conflictBehavior=");
    switch (conflict_behavior) {
      case conflict::replace: w.append("replace"); break;
      case conflict::rename: w.append("rename"); break;
      case conflict::fail:
      case conflict::unspecified: w.append("fail"); break;
    }
    return {};
  }
  template <class Codec>
  result<std::size_t> single_request_body(const file_info&, char*, std::size_t) const noexcept {
    return std::size_t{0};  // the raw bytes
  }
  std::size_t single_request_headers(header_field* out, std::size_t capacity) const noexcept {
    return create_headers(out, capacity);
  }

  std::size_t create_headers(header_field* out, std::size_t capacity) const noexcept {
    std::size_t n = 0;
    if (!if_match.empty() && n < capacity) out[n++] = {"If-Match", if_match};
    if (!if_none_match.empty() && n < capacity) out[n++] = {"If-None-Match", if_none_match};
    return n;
  }

  // {"item": {"@microsoft.graph.conflictBehavior": "..."}, "deferCommit": true}
  // (each part only when set; "{}" when neither is).
  template <class Codec>
  result<std::size_t> create_body(const file_info& /*file*/, char* out, std::size_t capacity) const noexcept {
    json_member item[1];
    std::size_t n = 0;
    switch (conflict_behavior) {
      case conflict::fail: item[n++] = json_member::string("@microsoft.graph.conflictBehavior", "fail"); break;
      case conflict::replace: item[n++] = json_member::string("@microsoft.graph.conflictBehavior", "replace"); break;
      case conflict::rename: item[n++] = json_member::string("@microsoft.graph.conflictBehavior", "rename"); break;
      case conflict::unspecified: break;
    }
    const json_member top[1] = {json_member::boolean("deferCommit", true)};
    const rangeup::create_body body{n != 0 ? "item" : "", item, n, top, defer_commit ? std::size_t{1} : 0};
    return Codec::write_create_body(body, out, capacity);
  }
  bool deferred_commit() const noexcept { return defer_commit; }

  // Under "fail" (and when unspecified) an item at our path after our session
  // ended is the one our lost last request created; "replace" makes another
  // upload harmless; under "rename" our item may carry another name.
  after_lost_final lost_final_policy() const noexcept {
    if (!item_id.empty()) return after_lost_final::restart;  // replacing one item's content again is harmless
    switch (conflict_behavior) {
      case conflict::replace: return after_lost_final::restart;
      case conflict::rename: return after_lost_final::report;
      case conflict::fail:
      case conflict::unspecified: break;
    }
    return after_lost_final::look_up;
  }

  // The item the upload creates: the create URL without ":/createUploadSession"
  // (.../items/{parent}:/{name} or .../root:/{path}).
  static std::string_view item_url(std::string_view create_url) noexcept {
    constexpr std::string_view suffix = ":/createUploadSession";
    if (create_url.size() <= suffix.size() || create_url.substr(create_url.size() - suffix.size()) != suffix) return {};
    return create_url.substr(0, create_url.size() - suffix.size());
  }

 private:
  // {base}/me/drive (or /users/{u}/drive, /drives/{d}) then /items/{item_id},
  // /root:/{path}: or /items/{parent}:/{name}: — what createUploadSession and
  // content are appended to (PROTOCOL.md D1, D7).
  std::error_code item_address(text_writer& w, const file_info& file) const noexcept {
    if (auto ec = detail::begin_create_url(w, graph_base)) return ec;
    if (!drive_id.empty()) {
      detail::append_id(w, "/drives/", drive_id);
    } else {
      append_user(w, user);
      w.append("/drive");
    }
    if (!item_id.empty()) return detail::append_id(w, "/items/", item_id);
    if (!root_path.empty()) {
      std::string_view path = root_path;
      while (!path.empty() && path.front() == '/') path.remove_prefix(1);
      while (!path.empty() && path.back() == '/') path.remove_suffix(1);
      if (path.empty()) return errc::invalid_argument;
      w.append("/root:/");
      append_path_segment(w, path, true);
    } else {
      const std::string_view item_name = name.empty() ? file.name : name;
      if (item_name.empty()) return errc::invalid_argument;
      if (auto ec = detail::append_id(w, "/items/", parent_id)) return ec;
      w.append(":/");
      append_path_segment(w, item_name);
    }
    w.append(":");
    return {};
  }
};

}  // namespace rangeup
