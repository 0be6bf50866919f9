#include "routes.hpp"

#include <vector>

namespace emu {
namespace {

constexpr const char* create_suffix = "createUploadSession";

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    const auto j = path.find('/', i);
    const auto end = j == std::string::npos ? path.size() : j;
    if (end > i) out.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

// rest: what follows ".../drive/" or "/drives/{id}/".
bool classify_drive(const std::string& rest, route& r) {
  const std::string colon_suffix = std::string(":/") + create_suffix;
  // Without the suffix (and with or without a closing ':'): the item itself.
  const bool item = !ends_with(rest, create_suffix);
  const std::size_t cut = item ? (ends_with(rest, ":") ? 1 : 0) : colon_suffix.size();
  std::string parent, path;
  if (starts_with(rest, "root:/") && (item || ends_with(rest, colon_suffix))) {
    parent = "root";
    path = rest.substr(6, rest.size() - 6 - cut);
  } else if (starts_with(rest, "items/") && (item || ends_with(rest, colon_suffix)) && rest.find(":/") != std::string::npos) {
    const auto inner = rest.substr(6, rest.size() - 6 - cut);
    const auto sep = inner.find(":/");
    if (sep == std::string::npos) return false;
    parent = percent_decode(inner.substr(0, sep));
    path = inner.substr(sep + 2);
  } else if (starts_with(rest, "items/") && ends_with(rest, std::string("/") + create_suffix)) {
    r.item_id = percent_decode(rest.substr(6, rest.size() - 7 - std::string(create_suffix).size()));
    if (r.item_id.empty() || r.item_id.find('/') != std::string::npos) return false;
    r.kind = route::create;
    r.fl = flavor::drive;
    return true;
  } else {
    return false;
  }
  path = percent_decode(path);
  const auto slash = path.rfind('/');
  r.drive_name = slash == std::string::npos ? path : path.substr(slash + 1);
  r.parent_key = slash == std::string::npos ? parent : parent + "/" + path.substr(0, slash);
  if (r.drive_name.empty() || parent.empty()) return false;
  r.kind = item ? route::item : route::create;
  r.fl = flavor::drive;
  return true;
}

void classify_graph(const std::string& path, route& r) {
  // path starts after "/v1.0" or "/beta".
  if (starts_with(path, "/drives/")) {
    const auto slash = path.find('/', 8);
    if (slash != std::string::npos) classify_drive(path.substr(slash + 1), r);
    return;
  }
  const auto seg = split(path);
  if (seg.size() == 8 && seg[0] == "print" && seg[1] == "printers" && seg[3] == "jobs" && seg[5] == "documents" &&
      seg[7] == create_suffix) {
    r = route{};
    r.kind = route::create;
    r.fl = flavor::print;
    r.owner = seg[2];
    r.owner2 = seg[4];
    r.owner3 = seg[6];
    return;
  }
  std::size_t i = 0;
  if (!seg.empty() && seg[0] == "me") {
    r.user = "me";
    i = 1;
  } else if (seg.size() > 1 && seg[0] == "users") {
    r.user = percent_decode(seg[1]);
    i = 2;
  } else {
    return;
  }
  const std::vector<std::string> rest(seg.begin() + static_cast<std::ptrdiff_t>(i), seg.end());
  if (rest.size() == 4 && (rest[0] == "messages" || rest[0] == "events") && rest[2] == "attachments" &&
      rest[3] == create_suffix) {
    r.kind = route::create;
    r.fl = rest[0] == "messages" ? flavor::message : flavor::event;
    r.owner = percent_decode(rest[1]);
  } else if (rest.size() == 7 && rest[0] == "todo" && rest[1] == "lists" && rest[3] == "tasks" &&
             rest[5] == "attachments" && rest[6] == create_suffix) {
    r.kind = route::create;
    r.fl = flavor::todo;
    r.owner = percent_decode(rest[2]);
    r.owner2 = percent_decode(rest[4]);
  } else if (!rest.empty() && rest[0] == "drive") {
    // Re-find the text after "/drive/" in the raw path: drive paths hold ':' and '/'.
    const auto at = path.find("/drive/");
    if (at != std::string::npos) classify_drive(path.substr(at + 7), r);
  }
}

}  // namespace

const char* flavor_name(flavor f) {
  switch (f) {
    case flavor::message: return "message";
    case flavor::event: return "event";
    case flavor::todo: return "todo";
    case flavor::drive: return "drive";
    case flavor::print: return "print";
  }
  return "message";
}

route classify(const std::string& target) {
  route r;
  const auto q = target.find('?');
  const std::string path = target.substr(0, q);
  const std::string query = q == std::string::npos ? std::string() : target.substr(q + 1);

  if (path == "/_emulator/report") r.kind = route::report;
  else if (path == "/_emulator/sink") r.kind = route::sink;
  else if (path == "/_emulator/shutdown") r.kind = route::shutdown;
  else if (starts_with(path, "/v1.0/")) classify_graph(path.substr(5), r);
  else if (starts_with(path, "/beta/")) classify_graph(path.substr(5), r);
  else if (starts_with(path, "/upload/")) {
    const auto seg = split(path);
    if (seg.size() != 3) return r;
    r.kind = route::upload;
    r.session_id = seg[2];
    std::size_t i = 0;
    while (i <= query.size()) {
      const auto amp = query.find('&', i);
      const auto item = query.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
      for (const char* name : {"authtoken=", "tempauthtoken="})
        if (starts_with(item, name)) {
          r.token = percent_decode(item.substr(std::string(name).size()));
          r.has_token = true;
        }
      if (amp == std::string::npos) break;
      i = amp + 1;
    }
  }
  return r;
}

}  // namespace emu
