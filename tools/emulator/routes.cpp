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

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= text.size()) {
    const auto j = text.find(sep, i);
    const auto end = j == std::string::npos ? text.size() : j;
    if (end > i) out.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

// "root:/{path}" or "items/{parent}:/{path}", with a closing ':' (required
// before an action such as :/content, optional for a look-up).
bool drive_path(std::string s, bool colon_required, route& r) {
  if (ends_with(s, ":")) s.pop_back();
  else if (colon_required) return false;
  std::string parent, path;
  if (starts_with(s, "root:/")) {
    parent = "root";
    path = s.substr(6);
  } else if (starts_with(s, "items/")) {
    const auto sep = s.find(":/", 6);
    if (sep == std::string::npos) return false;
    parent = percent_decode(s.substr(6, sep - 6));
    path = s.substr(sep + 2);
  } else {
    return false;
  }
  path = percent_decode(path);
  const auto slash = path.rfind('/');
  r.drive_name = slash == std::string::npos ? path : path.substr(slash + 1);
  r.parent_key = slash == std::string::npos ? parent : parent + "/" + path.substr(0, slash);
  return !r.drive_name.empty() && !parent.empty();
}

// "items/{id}": an existing item addressed by id.
bool drive_item_id(const std::string& s, route& r) {
  if (!starts_with(s, "items/") || s.find(':') != std::string::npos) return false;
  r.item_id = percent_decode(s.substr(6));
  return !r.item_id.empty() && r.item_id.find('/') == std::string::npos;
}

// rest: what follows ".../drive/" or "/drives/{id}/". Three things live
// there: createUploadSession (PROTOCOL.md D1), the simple upload
// PUT ...:/content or items/{id}/content (D7), and the item look-up by path (D11).
bool classify_drive(const std::string& rest, route& r) {
  r.fl = flavor::drive;
  for (const auto& action : {std::make_pair(std::string("/") + create_suffix, route::create),
                             std::make_pair(std::string("/content"), route::simple_put)}) {
    if (!ends_with(rest, action.first)) continue;
    const auto target = rest.substr(0, rest.size() - action.first.size());
    if (drive_path(target, true, r) || drive_item_id(target, r)) {
      r.kind = action.second;
      return true;
    }
  }
  if (!ends_with(rest, create_suffix) && drive_path(rest, false, r)) {
    r.kind = route::item;
    return true;
  }
  return false;
}

void classify_graph(const std::string& path, route& r) {
  // path starts after "/v1.0" or "/beta".
  if (starts_with(path, "/drives/")) {
    const auto slash = path.find('/', 8);
    if (slash != std::string::npos) classify_drive(path.substr(slash + 1), r);
    return;
  }
  const auto seg = split(path, '/');
  // PROTOCOL.md P1: printers and shares alike.
  if (seg.size() == 8 && seg[0] == "print" && (seg[1] == "printers" || seg[1] == "shares") && seg[3] == "jobs" &&
      seg[5] == "documents" && seg[7] == create_suffix) {
    r.kind = route::create;
    r.fl = flavor::print;
    r.print_share = seg[1] == "shares";
    r.owner = percent_decode(seg[2]);
    r.owner2 = percent_decode(seg[4]);
    r.owner3 = percent_decode(seg[6]);
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
  const bool outlook = rest.size() >= 3 && (rest[0] == "messages" || rest[0] == "events") && rest[2] == "attachments";
  const bool todo = rest.size() >= 6 && rest[0] == "todo" && rest[1] == "lists" && rest[3] == "tasks";
  if (outlook && (rest.size() == 3 || (rest.size() == 4 && rest[3] == create_suffix))) {
    r.kind = rest.size() == 3 ? route::attachment_post : route::create;  // PROTOCOL.md O3 / O1
    r.fl = rest[0] == "messages" ? flavor::message : flavor::event;
    r.owner = percent_decode(rest[1]);
  } else if (todo && rest[5] == "attachments" && (rest.size() == 6 || (rest.size() == 7 && rest[6] == create_suffix))) {
    r.kind = rest.size() == 6 ? route::attachment_post : route::create;  // PROTOCOL.md T4 / T1
    r.fl = flavor::todo;
    r.owner = percent_decode(rest[2]);
    r.owner2 = percent_decode(rest[4]);
  } else if (todo && rest[5] == "attachmentSessions" &&
             (rest.size() == 7 || (rest.size() == 8 && rest[7] == "content"))) {
    // PROTOCOL.md T1/T2: the To Do uploadUrl, and its /content for fragments.
    r.kind = route::upload;
    r.fl = flavor::todo;
    r.graph_session = true;
    r.content = rest.size() == 8;
    r.owner = percent_decode(rest[2]);
    r.owner2 = percent_decode(rest[4]);
    r.session_id = percent_decode(rest[6]);
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

std::string path_escape(const std::string& segment) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : segment) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                       std::string("-._~!$&'()*+,;=@").find(c) != std::string::npos;
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

std::string graph_user_path(const route& r) { return r.user == "me" ? "/me" : "/users/" + path_escape(r.user); }

route classify(const std::string& target) {
  route r;
  const auto q = target.find('?');
  const std::string path = target.substr(0, q);
  const auto params = split(q == std::string::npos ? std::string() : target.substr(q + 1), '&');

  if (path == "/_emulator/report") r.kind = route::report;
  else if (path == "/_emulator/sink") r.kind = route::sink;
  else if (path == "/_emulator/shutdown") r.kind = route::shutdown;
  else if (starts_with(path, "/v1.0/") || starts_with(path, "/beta/")) {
    r.version = path.substr(0, 5);
    classify_graph(path.substr(5), r);
    if (r.kind == route::not_found) r = route{};
  } else if (starts_with(path, "/upload/")) {
    const auto seg = split(path, '/');
    if (seg.size() != 3) return r;
    r.kind = route::upload;
    r.session_id = seg[2];
  }
  r.path = path;
  for (const auto& item : params) {
    const auto eq = item.find('=');
    const auto name = percent_decode(item.substr(0, eq));
    const auto value = eq == std::string::npos ? std::string() : percent_decode(item.substr(eq + 1));
    if (r.kind == route::upload && (name == "authtoken" || name == "tempauthtoken")) {
      r.token = value;
      r.has_token = true;
    } else if (r.kind == route::report && (name == "id" || name == "flavor" || name == "name")) {
      r.file_filter.emplace_back(name, value);
    } else if (r.kind == route::simple_put && name == "@microsoft.graph.conflictBehavior") {
      r.conflict = value;  // PROTOCOL.md D8
    }
  }
  return r;
}

}  // namespace emu
