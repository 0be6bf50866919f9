#pragma once
// Internal to rangeup's JSON codecs (rangeup/json/detail/): not public API, may change.
// Writes the createUploadSession request bodies as compact JSON into a caller
// buffer: names escaped (quote, backslash, control characters and DEL as
// \u00XX), non-ASCII UTF-8 passed through, ill-formed UTF-8 refused.

#include <cstddef>
#include <cstring>
#include <string_view>

#include "rangeup/codec.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/json/detail/utf8.hpp"
#include "rangeup/result.hpp"

namespace rangeup::json {

// Appends s as a JSON string literal. Returns false (writing on, so that the
// caller still sees overflow) when s is not well-formed UTF-8.
inline bool write_string(text_writer& w, std::string_view s) noexcept {
  constexpr char hex[] = "0123456789abcdef";
  bool valid = true;
  w.append('"');
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      w.append('\\').append(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7F) {
      w.append("\\u00").append(hex[c >> 4]).append(hex[c & 0xF]);
    } else if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(s, i);
      if (n == 0) {
        valid = false;
        ++i;
        continue;
      }
      w.append(s.substr(i, n));
      i += n;
      continue;
    } else {
      w.append(static_cast<char>(c));
    }
    ++i;
  }
  w.append('"');
  return valid;
}

// Appends `"key":value` for each member, comma-separated, after `first`.
inline bool write_members(text_writer& w, const json_member* m, std::size_t count, bool& first) noexcept {
  bool valid = true;
  for (std::size_t i = 0; i < count; ++i, first = false) {
    if (!first) w.append(',');
    valid = write_string(w, m[i].key) && valid;
    w.append(':');
    switch (m[i].kind) {
      case json_member::type::string: valid = write_string(w, m[i].string_value) && valid; break;
      case json_member::type::integer: w.append_decimal(m[i].integer_value); break;
      case json_member::type::boolean: w.append(m[i].boolean_value ? "true" : "false"); break;
    }
  }
  return valid;
}

// What every codec checks before writing: member arrays present, and a buffer
// when capacity is not zero.
inline bool create_body_shape_ok(const create_body& body, const char* out, std::size_t capacity) noexcept {
  return (body.member_count == 0 || body.members != nullptr) &&
         (body.top_level_count == 0 || body.top_level != nullptr) && (out != nullptr || capacity == 0);
}

// {"<wrapper>":{members...},top_level...}, or {members...,top_level...} when
// the wrapper is empty. Returns the number of bytes written (no NUL added);
// invalid_argument for ill-formed UTF-8 (checked first), buffer_too_small.
inline result<std::size_t> write_create_body(const create_body& body, char* out, std::size_t capacity) noexcept {
  if (!create_body_shape_ok(body, out, capacity)) return errc::invalid_argument;
  text_writer w(out, capacity);
  bool valid = true;
  bool first = true;
  w.append('{');
  if (!body.wrapper.empty()) {
    valid = write_string(w, body.wrapper) && valid;
    w.append(":{");
    bool inner_first = true;
    valid = write_members(w, body.members, body.member_count, inner_first) && valid;
    w.append('}');
    first = false;
  } else {
    valid = write_members(w, body.members, body.member_count, first) && valid;
  }
  valid = write_members(w, body.top_level, body.top_level_count, first) && valid;
  w.append('}');
  if (!valid) return errc::invalid_argument;
  if (!w.ok()) return errc::buffer_too_small;
  return w.size();
}

// For codecs that serialize elsewhere first: copies the finished body out.
inline result<std::size_t> copy_body(std::string_view text, char* out, std::size_t capacity) noexcept {
  if (text.size() > capacity) return errc::buffer_too_small;
  if (!text.empty()) std::memcpy(out, text.data(), text.size());
  return text.size();
}

}  // namespace rangeup::json
