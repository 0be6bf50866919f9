#include "content_type.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

namespace upload_cli {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string extension_of(const std::string& file_name) {
  const auto slash = file_name.find_last_of('/');
  const std::string base = slash == std::string::npos ? file_name : file_name.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  if (dot == std::string::npos || dot == 0) return {};  // no dot, or a dot file such as ".profile"
  return lower(base.substr(dot + 1));
}

std::optional<std::string> lookup_mime_types(std::istream& table, const std::string& ext) {
  if (ext.empty()) return std::nullopt;
  const std::string wanted = lower(ext);
  std::string line;
  while (std::getline(table, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string type, word;
    if (!(words >> type)) continue;
    while (words >> word)
      if (lower(word) == wanted) return type;
  }
  return std::nullopt;
}

std::optional<std::string> builtin_content_type(const std::string& ext) {
  struct entry {
    const char* ext;
    const char* type;
  };
  static constexpr entry table[] = {
      {"pdf", "application/pdf"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"bmp", "image/bmp"},
      {"tif", "image/tiff"},
      {"tiff", "image/tiff"},
      {"svg", "image/svg+xml"},
      {"txt", "text/plain"},
      {"htm", "text/html"},
      {"html", "text/html"},
      {"csv", "text/csv"},
      {"json", "application/json"},
      {"xml", "application/xml"},
      {"zip", "application/zip"},
      {"doc", "application/msword"},
      {"xls", "application/vnd.ms-excel"},
      {"ppt", "application/vnd.ms-powerpoint"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"oxps", "application/oxps"},
      {"xps", "application/vnd.ms-xpsdocument"},
      {"eml", "message/rfc822"},
      {"ics", "text/calendar"},
      {"mp3", "audio/mpeg"},
      {"mp4", "video/mp4"},
  };
  for (const entry& e : table)
    if (ext == e.ext) return std::string(e.type);
  return std::nullopt;
}

std::string infer_content_type(const std::string& file_name, const char* mime_types_path) {
  const std::string ext = extension_of(file_name);
  if (ext.empty()) return default_content_type;
  if (mime_types_path != nullptr) {
    std::ifstream table(mime_types_path);
    if (table)
      if (auto type = lookup_mime_types(table, ext)) return *type;
  }
  // Not in the system table (or none installed, as in minimal containers).
  if (auto type = builtin_content_type(ext)) return *type;
  return default_content_type;
}

bool is_printable_value(const std::string& value) {
  if (value.empty()) return false;
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace upload_cli
