#include "resume_record.hpp"

#include <sstream>

#include "units.hpp"

namespace upload_cli {

namespace {

// Values are single lines: ids and names with a newline are not stored.
std::string one_line(const std::string& s) { return s.find('\n') == std::string::npos ? s : std::string(); }

}  // namespace

std::string format_done_record(const done_record& r) {
  std::ostringstream o;
  o << done_magic << "\ntarget=" << one_line(r.target) << "\nsize=" << r.size << "\nmtime=" << r.mtime_ns
    << "\nid=" << one_line(r.id) << "\nname=" << one_line(r.name) << "\n";
  if (r.id_unknown) o << "id_unknown=1\n";
  return o.str();
}

bool parse_done_record(const std::string& text, done_record& r) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != done_magic) return false;
  bool have_target = false, have_size = false, have_id = false;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) return false;
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "target") r.target = value, have_target = true;
    else if (key == "size") {
      const auto v = parse_count(value);
      if (!v) return false;
      r.size = *v;
      have_size = true;
    } else if (key == "mtime") {
      try {
        r.mtime_ns = std::stoll(value);
      } catch (...) {
        return false;
      }
    } else if (key == "id") r.id = value, have_id = true;
    else if (key == "name") r.name = value;
    else if (key == "id_unknown") r.id_unknown = value == "1";
  }
  return have_target && have_size && have_id;
}

}  // namespace upload_cli
