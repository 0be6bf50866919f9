#pragma once
// Internal to rangeup's JSON codecs (rangeup/json/detail/): not public API, may change.
// The built-in JSON scanner: validates a whole document (RFC 8259, UTF-8) and
// reports it as events to a handler, without recursion or allocation.
//
// Guarantees, for any input bytes: nesting deeper than max_depth, truncation,
// trailing bytes (anything but whitespace; a UTF-8 BOM too), raw control
// characters or ill-formed UTF-8 in strings, lone surrogate escapes, numbers
// outside the grammar or the limits of number.hpp -> errc::malformed_json.
// "\u0000" is valid JSON and decodes to a NUL byte.
//
// Handler: on_object_begin(), on_object_end(), on_array_begin(), on_array_end(),
// on_key(string_event), on_string(string_event), on_number(bool is_u64,
// uint64_t), on_bool(), on_null(). Strings are decoded into a caller-supplied
// scratch buffer; longer ones arrive as their first bytes with truncated = true.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "rangeup/error.hpp"
#include "rangeup/json/detail/document_builder.hpp"
#include "rangeup/json/detail/number.hpp"
#include "rangeup/json/detail/utf8.hpp"

namespace rangeup::json {

// Maximum number of open objects/arrays (Boost.JSON's default, shared by all codecs).
inline constexpr std::size_t max_depth = 32;

template <class Handler>
class scanner {
 public:
  scanner(std::string_view in, Handler& h, char* scratch, std::size_t scratch_capacity) noexcept
      : in_(in), h_(h), scratch_(scratch), cap_(scratch_capacity) {}

  // Scans the whole input. Containers are tracked in a bit stack (1 = object),
  // so depth costs no recursion.
  std::error_code run() noexcept {
    static_assert(max_depth <= 64, "the container stack is one 64-bit word");
    std::uint64_t objects = 0;
    std::size_t depth = 0;
    for (;;) {
      // A value is expected here.
      skip_ws();
      if (at_end()) return bad();
      const char c = in_[pos_];
      if (c == '{' || c == '[') {
        if (depth == max_depth) return bad();
        ++pos_;
        const bool object = c == '{';
        objects = (objects << 1) | (object ? 1u : 0u);
        ++depth;
        object ? h_.on_object_begin() : h_.on_array_begin();
        skip_ws();
        if (!at_end() && in_[pos_] == (object ? '}' : ']')) {
          ++pos_;
          close(objects, depth);
        } else {
          if (object && !key()) return bad();
          continue;
        }
      } else if (!scalar()) {
        return bad();
      }
      // After a value: close containers until a ',' asks for the next value.
      for (;;) {
        skip_ws();
        if (depth == 0) return at_end() ? std::error_code{} : bad();
        if (at_end()) return bad();
        const char d = in_[pos_++];
        const bool in_object = (objects & 1u) != 0;
        if (d == ',') {
          if (in_object && !key()) return bad();
          break;
        }
        if (d != (in_object ? '}' : ']')) return bad();
        close(objects, depth);
      }
    }
  }

 private:
  static std::error_code bad() noexcept { return make_error_code(errc::malformed_json); }
  bool at_end() const noexcept { return pos_ >= in_.size(); }
  void skip_ws() noexcept {
    while (!at_end() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) ++pos_;
  }
  void close(std::uint64_t& objects, std::size_t& depth) noexcept {
    (objects & 1u) ? h_.on_object_end() : h_.on_array_end();
    objects >>= 1;
    --depth;
  }

  // A member name and its ':'.
  bool key() noexcept {
    skip_ws();
    string_event k;
    if (at_end() || in_[pos_] != '"' || !string(k)) return false;
    h_.on_key(k);
    skip_ws();
    if (at_end() || in_[pos_] != ':') return false;
    ++pos_;
    return true;
  }

  bool scalar() noexcept {
    const std::string_view rest = in_.substr(pos_);
    if (rest[0] == '"') {
      string_event s;
      if (!string(s)) return false;
      h_.on_string(s);
      return true;
    }
    static constexpr std::string_view words[] = {"true", "false", "null"};
    for (const std::string_view word : words) {
      if (rest.substr(0, word.size()) == word) {
        pos_ += word.size();
        word[0] == 'n' ? h_.on_null() : h_.on_bool();
        return true;
      }
    }
    const number_token n = scan_number(rest);
    if (n.length == 0 || !number_in_range(rest.substr(0, n.length))) return false;
    // "01" and "1x" leave a digit/letter right after the token; the delimiter
    // check after the value rejects them.
    pos_ += n.length;
    h_.on_number(n.is_u64, n.value);
    return true;
  }

  void emit(const char* bytes, std::size_t n, string_event& s, std::size_t& len) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
      if (len < cap_) {
        scratch_[len++] = bytes[i];
      } else {
        s.truncated = true;
      }
    }
  }

  // Four hex digits after "\u".
  bool hex4(std::uint32_t& out) noexcept {
    if (in_.size() - pos_ < 4) return false;
    out = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      const char c = in_[pos_ + i];
      std::uint32_t v;
      if (c >= '0' && c <= '9') v = static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v = static_cast<std::uint32_t>(c - 'A' + 10);
      else return false;
      out = out * 16 + v;
    }
    pos_ += 4;
    return true;
  }

  // The escape after a backslash, as a code point; surrogate pairs combined.
  bool escape(std::uint32_t& cp) noexcept {
    if (at_end()) return false;
    const char c = in_[pos_++];
    switch (c) {
      case '"': cp = '"'; return true;
      case '\\': cp = '\\'; return true;
      case '/': cp = '/'; return true;
      case 'b': cp = '\b'; return true;
      case 'f': cp = '\f'; return true;
      case 'n': cp = '\n'; return true;
      case 'r': cp = '\r'; return true;
      case 't': cp = '\t'; return true;
      case 'u': break;
      default: return false;
    }
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // trailing surrogate first
    if (cp < 0xD800 || cp > 0xDBFF) return true;
    std::uint32_t low;
    if (in_.substr(pos_, 2) != "\\u") return false;  // leading surrogate alone
    pos_ += 2;
    if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    return true;
  }

  // A string literal at pos_ (which holds '"'), decoded into the scratch buffer.
  bool string(string_event& s) noexcept {
    ++pos_;
    std::size_t len = 0;
    s.truncated = false;
    for (;;) {
      if (at_end()) return false;
      const auto c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') break;
      if (c < 0x20) return false;  // raw control characters must be escaped
      if (c == '\\') {
        ++pos_;
        std::uint32_t cp;
        if (!escape(cp)) return false;
        char utf8[4];
        emit(utf8, encode_utf8(cp, utf8), s, len);
      } else {
        const std::size_t n = utf8_sequence_length(in_, pos_);
        if (n == 0) return false;
        emit(in_.data() + pos_, n, s, len);
        pos_ += n;
      }
    }
    ++pos_;
    s.text = std::string_view(scratch_, len);
    return true;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  Handler& h_;
  char* scratch_;
  std::size_t cap_;
};

// Scans `in` completely, feeding h. Returns malformed_json or success.
template <class Handler>
std::error_code scan(std::string_view in, Handler& h, char* scratch, std::size_t scratch_capacity) noexcept {
  return scanner<Handler>(in, h, scratch, scratch_capacity).run();
}

}  // namespace rangeup::json
