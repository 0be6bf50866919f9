#include "json_out.hpp"

#include <cstdio>

namespace upload_cli {

namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0.
std::size_t utf8_length(const std::string& s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n;
  std::uint32_t min;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) n = 2, min = 0x80;
  else if ((c & 0xf0) == 0xe0) n = 3, min = 0x800;
  else if ((c & 0xf8) == 0xf0) n = 4, min = 0x10000;
  else return 0;
  if (i + n > s.size()) return 0;
  std::uint32_t cp = c & (0x7fu >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3fu);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

}  // namespace

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
      ++i;
    } else {
      const std::size_t n = utf8_length(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s, i, n);
        i += n;
      }
    }
  }
  return out + "\"";
}

void json_object::key(const char* k) {
  if (text_.size() > 1) text_ += ',';
  text_ += json_quote(k);
  text_ += ':';
}

json_object& json_object::string(const char* k, const std::string& value) {
  key(k);
  text_ += json_quote(value);
  return *this;
}

json_object& json_object::number(const char* k, std::uint64_t value) {
  key(k);
  text_ += std::to_string(value);
  return *this;
}

json_object& json_object::boolean(const char* k, bool value) {
  key(k);
  text_ += value ? "true" : "false";
  return *this;
}

json_object& json_object::null(const char* k) {
  key(k);
  text_ += "null";
  return *this;
}

json_object& json_object::real(const char* k, double value) {
  key(k);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  text_ += buf;
  return *this;
}

}  // namespace upload_cli
