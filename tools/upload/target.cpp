#include "target.hpp"

#include <vector>

namespace upload_cli {
namespace {

std::vector<std::string> split_slash(const std::string& s, std::size_t max_parts) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (parts.size() + 1 < max_parts) {
    const std::size_t slash = s.find('/', start);
    if (slash == std::string::npos) break;
    parts.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
  parts.push_back(s.substr(start));
  return parts;
}

bool all_non_empty(const std::vector<std::string>& parts, std::size_t count) {
  if (parts.size() != count) return false;
  for (const auto& p : parts)
    if (p.empty()) return false;
  return true;
}

}  // namespace

bool parse_target(const std::string& text, target& out, std::string& error) {
  out = target{};
  out.text = text;
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) {
    error = "target must look like message:<id>, event:<id>, todo:<list>/<task>, drive:<parent>/<name>, "
            "drive-path:<path>, drive-item:<item-id>, print:<printer>/<job>/<document> or "
            "print-share:<share>/<job>/<document>";
    return false;
  }
  const std::string kind = text.substr(0, colon);
  const std::string rest = text.substr(colon + 1);
  if (kind == "message" || kind == "event") {
    out.what = kind == "message" ? target::kind::message : target::kind::event;
    out.first = rest;
    if (rest.empty() || rest.find('/') != std::string::npos) {
      error = kind + ": needs one item id";
      return false;
    }
    return true;
  }
  if (kind == "todo") {
    out.what = target::kind::todo;
    const auto p = split_slash(rest, 3);
    if (!all_non_empty(p, 2)) {
      error = "todo: needs <list-id>/<task-id>";
      return false;
    }
    out.first = p[0];
    out.second = p[1];
    return true;
  }
  if (kind == "drive") {
    // Item ids never contain '/', so the first slash separates parent and name.
    out.what = target::kind::drive;
    const auto p = split_slash(rest, 2);
    if (!all_non_empty(p, 2) || p[1].find('/') != std::string::npos) {
      error = "drive: needs <parent-item-id>/<name> (use drive-path: for nested paths)";
      return false;
    }
    out.first = p[0];
    out.second = p[1];
    return true;
  }
  if (kind == "drive-path") {
    out.what = target::kind::drive_path;
    std::string path = rest;
    while (!path.empty() && path.front() == '/') path.erase(0, 1);
    if (path.empty() || path.back() == '/' || path.find("//") != std::string::npos) {
      error = "drive-path: needs a file path such as Documents/report.pdf";
      return false;
    }
    out.first = path;
    return true;
  }
  if (kind == "drive-item") {
    out.what = target::kind::drive_item;
    out.first = rest;
    if (rest.empty() || rest.find('/') != std::string::npos) {
      error = "drive-item: needs one item id (the existing file whose content is replaced)";
      return false;
    }
    return true;
  }
  if (kind == "print" || kind == "print-share") {
    const bool share = kind == "print-share";
    out.what = share ? target::kind::print_share : target::kind::print;
    const auto p = split_slash(rest, 4);
    if (!all_non_empty(p, 3)) {
      error = kind + (share ? ": needs <share-id>/<job-id>/<document-id>"
                            : ": needs <printer-id>/<job-id>/<document-id>");
      return false;
    }
    out.first = p[0];
    out.second = p[1];
    out.third = p[2];
    return true;
  }
  error = "unknown target kind '" + kind +
          "' (message, event, todo, drive, drive-path, drive-item, print, print-share)";
  return false;
}

bool is_drive(target::kind k) {
  return k == target::kind::drive || k == target::kind::drive_path || k == target::kind::drive_item;
}
bool is_outlook(target::kind k) { return k == target::kind::message || k == target::kind::event; }
bool is_print(target::kind k) { return k == target::kind::print || k == target::kind::print_share; }

}  // namespace upload_cli
