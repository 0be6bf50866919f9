#pragma once
// The content type rangeup-upload sends with an attachment or print document
// when --content-type is not given: looked up by the file name's extension
// (case-insensitive) in /etc/mime.types, then in a small built-in table of
// common office, image and media types, else application/octet-stream.
// Print requires one (PROTOCOL.md P1); Outlook and To Do store it with the
// attachment (O1, O3, T4).

#include <istream>
#include <optional>
#include <string>

namespace upload_cli {

inline constexpr const char* default_content_type = "application/octet-stream";

// The lower-case extension of a file name without its dot ("Report.PDF" ->
// "pdf"); empty when there is none ("README", ".profile", "a.").
std::string extension_of(const std::string& file_name);

// The type listed for ext in a mime.types table ("type ext1 ext2 ...", one
// type a line, # comments); ext is matched case-insensitively.
std::optional<std::string> lookup_mime_types(std::istream& table, const std::string& ext);

// The built-in table's type for a lower-case extension.
std::optional<std::string> builtin_content_type(const std::string& ext);

// The content type for file_name: mime_types_path (when readable), then the
// built-in table, then application/octet-stream.
std::string infer_content_type(const std::string& file_name, const char* mime_types_path = "/etc/mime.types");

// True when value can go into a JSON string and an HTTP header unchanged: not
// empty, no control characters. Used for --content-type and --content-id.
bool is_printable_value(const std::string& value);

}  // namespace upload_cli
