#pragma once
// What is being uploaded: the file's name, size and attachment metadata, and
// the fingerprint a resume token checks to be sure it is the same file.

#include <cstdint>
#include <string_view>

namespace rangeup {

// Views are read during upload_session construction only (the create body is
// written then), so they need not outlive the constructor call.
struct file_info {
  std::string_view name;               // attachment / document name (driveItem: used when the target names none)
  std::uint64_t size = 0;              // bytes to upload
  std::string_view content_type;       // optional MIME type (attachments, printDocument)
  bool is_inline = false;              // Outlook: inline attachment
  std::string_view content_id;         // Outlook: CID for inline attachments

  // Constructors rather than an aggregate, so file_info{"a.txt", n} stays
  // free of -Wmissing-field-initializers in callers' builds.
  constexpr file_info() noexcept = default;
  constexpr file_info(std::string_view name_, std::uint64_t size_, std::string_view content_type_ = {},
                      bool is_inline_ = false, std::string_view content_id_ = {}) noexcept
      : name(name_), size(size_), content_type(content_type_), is_inline(is_inline_), content_id(content_id_) {}
};

// Identifies the local file a resume token belongs to. hash_prefix is optional
// (e.g. the first hex digits of a content hash); when both the token and the
// caller give one they must match. Only [0-9A-Za-z+/=_-] and at most 64 chars.
struct file_fingerprint {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string_view hash_prefix;
};

}  // namespace rangeup
