#pragma once
// Flavor: the binary of a Universal Print document (docs/PROTOCOL.md P1, P2),
// on a printer or a printer share. Always a session; the create names a
// contentType the printer supports (required: an empty one is
// errc::invalid_argument). Create 200; ranges below 10 MiB answered 202, often
// as closed "a-b" ranges; the final 201 carries the printDocument JSON (id,
// size). The uploadUrl's ?tempauthtoken= is its credential and is used verbatim.

#include <cstdint>
#include <string_view>

#include "rangeup/flavors/flavor.hpp"

namespace rangeup {

struct print_document {
  std::string_view graph_base = "https://graph.microsoft.com/v1.0";
  std::string_view printer_id;  // a printer id, or a printer share id when via_share
  std::string_view job_id;
  std::string_view document_id;
  bool via_share = false;  // printer_id names a printer share: /print/shares/{printer_id}/...

  static constexpr std::string_view flavor_id = "print";
  static constexpr std::uint64_t max_size = UINT64_MAX;  // no documented cap; the service decides
  static constexpr status_query status = status_query::documented;
  static constexpr int intermediate_status = 202;
  static constexpr bool is_final_status(int s) noexcept { return s == 201 || s == 200; }
  static constexpr final_result result_kind = final_result::document;
  using default_planner = print_planner;

  // {base}/print/printers/{printer}/jobs/{job}/documents/{document}/createUploadSession (or /print/shares/{share}/...)
  std::error_code create_url(text_writer& w, const file_info& /*file*/) const noexcept {
    if (auto ec = detail::begin_create_url(w, graph_base)) return ec;
    if (auto ec = detail::append_id(w, via_share ? "/print/shares/" : "/print/printers/", printer_id)) return ec;
    if (auto ec = detail::append_id(w, "/jobs/", job_id)) return ec;
    if (auto ec = detail::append_id(w, "/documents/", document_id)) return ec;
    w.append("/createUploadSession");
    return {};
  }
  std::size_t create_headers(header_field* /*out*/, std::size_t /*capacity*/) const noexcept { return 0; }

  // {"properties": {"documentName", "contentType", "size"}}
  template <class Codec>
  result<std::size_t> create_body(const file_info& f, char* out, std::size_t capacity) const noexcept {
    if (f.name.empty() || f.content_type.empty()) return errc::invalid_argument;
    json_member m[3];
    std::size_t n = 0;
    m[n++] = json_member::string("documentName", f.name);
    m[n++] = json_member::string("contentType", f.content_type);
    m[n++] = json_member::integer("size", f.size);
    return Codec::write_create_body(rangeup::create_body{"properties", m, n, nullptr, 0}, out, capacity);
  }
  bool deferred_commit() const noexcept { return false; }
  // The document is addressed by its id: uploading it again replaces its
  // content rather than adding a second document.
  after_lost_final lost_final_policy() const noexcept { return after_lost_final::restart; }
};

}  // namespace rangeup
