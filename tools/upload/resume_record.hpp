#pragma once
// What --resume FILE holds: the library's resume token while an upload is in
// progress, or a "done" record once it finished, so that rerunning the same
// command reports the earlier result instead of uploading a second copy.

#include <cstdint>
#include <string>

namespace upload_cli {

struct done_record {
  std::string target;  // the TARGET text
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string id, name;
  bool id_unknown = false;  // the service did not return the id (id is empty)
};

inline constexpr const char* done_magic = "rangeup-upload-done-v1";

std::string format_done_record(const done_record& r);
// False when text is not a done record (it may be a resume token).
bool parse_done_record(const std::string& text, done_record& r);

}  // namespace upload_cli
