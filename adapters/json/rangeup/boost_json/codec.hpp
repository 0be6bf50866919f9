#pragma once
// rangeup::json::boost_json_codec: the Codec on Boost.JSON (>= 1.81).
// Parsing runs boost::json::basic_parser (the SAX layer) into rangeup's
// document_builder, so results match builtin_codec exactly; writing builds a
// boost::json::object and serializes it.
//
// Boost.JSON is not header-only by itself: compile `#include <boost/json/src.hpp>`
// in exactly one .cpp of your program (or link the compiled Boost.JSON library).
// The target rangeup::json_boost does not do it for you, to avoid duplicate
// symbols in programs that already use Boost.JSON.

#include "rangeup/config.hpp"

#if !RANGEUP_HAS_EXCEPTIONS
#error "rangeup/boost_json/codec.hpp needs exceptions (Boost.JSON containers throw on allocation failure); with -fno-exceptions use rangeup::json::builtin_codec"
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <system_error>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "rangeup/codec.hpp"
#include "rangeup/json/detail/document_builder.hpp"
#include "rangeup/json/detail/number.hpp"
#include "rangeup/json/detail/reader.hpp"
#include "rangeup/json/detail/utf8.hpp"
#include "rangeup/json/detail/writer.hpp"

namespace rangeup::json {

namespace boost_json_detail {

using boost::json::error_code;
using boost::json::string_view;

// The handler basic_parser requires. Strings and numbers may arrive in parts.
struct handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  explicit handler(document_builder& b) noexcept : builder(b) {}

  document_builder& builder;
  std::string text;    // the string or key being assembled
  std::string number;  // the number token being assembled

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return builder.on_object_begin(), true; }
  bool on_object_end(std::size_t, error_code&) { return builder.on_object_end(), true; }
  bool on_array_begin(error_code&) { return builder.on_array_begin(), true; }
  bool on_array_end(std::size_t, error_code&) { return builder.on_array_end(), true; }
  bool on_key_part(string_view s, std::size_t, error_code&) { return text.append(s.data(), s.size()), true; }
  bool on_key(string_view s, std::size_t, error_code&) {
    text.append(s.data(), s.size());
    builder.on_key({text, false});
    return text.clear(), true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) { return text.append(s.data(), s.size()), true; }
  bool on_string(string_view s, std::size_t, error_code&) {
    text.append(s.data(), s.size());
    builder.on_string({text, false});
    return text.clear(), true;
  }
  bool on_number_part(string_view s, error_code&) { return number.append(s.data(), s.size()), true; }
  // Boost reports non-negative integers up to INT64_MAX through on_int64.
  bool on_int64(std::int64_t v, string_view s, error_code& ec) {
    return finish_number(s, v >= 0, static_cast<std::uint64_t>(v), ec);
  }
  bool on_uint64(std::uint64_t v, string_view s, error_code& ec) { return finish_number(s, true, v, ec); }
  bool on_double(double, string_view s, error_code& ec) { return finish_number(s, false, 0, ec); }
  bool on_bool(bool, error_code&) { return builder.on_bool(), true; }
  bool on_null(error_code&) { return builder.on_null(), true; }
  bool on_comment_part(string_view, error_code&) { return true; }  // comments are disabled
  bool on_comment(string_view, error_code&) { return true; }

  // Boost turns 1e999 into infinity and accepts exponents up to 2^31-1;
  // rangeup's limits (number.hpp) reject both. "-0" is not a size.
  bool finish_number(string_view s, bool non_negative, std::uint64_t v, error_code& ec) {
    number.append(s.data(), s.size());
    const bool negative = !number.empty() && number[0] == '-';
    if (!number_in_range(number)) {
      ec = boost::json::error::exponent_overflow;
      return false;
    }
    builder.on_number(non_negative && !negative, non_negative && !negative ? v : 0);
    number.clear();
    return true;
  }
};

struct parser {
  template <class Document>
  static std::error_code parse(std::string_view text, Document& out) noexcept;
};

template <class Document>
std::error_code parser::parse(std::string_view text, Document& out) noexcept {
  try {
    document_builder builder(out);
    boost::json::parse_options options;  // strict RFC 8259: no comments, no trailing commas, UTF-8 checked
    options.max_depth = max_depth;
    boost::json::basic_parser<handler> parser(options, builder);
    error_code ec;
    const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
    if (ec || used != text.size()) return make_error_code(errc::malformed_json);
    return builder.result();
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  } catch (...) {
    return make_error_code(errc::malformed_json);
  }
}

// Boost's serializer copies bytes through without checking UTF-8; rangeup's
// contract refuses ill-formed names, so check first.
inline bool members_valid(const json_member* m, std::size_t count) noexcept {
  for (std::size_t i = 0; i < count; ++i) {
    if (!is_valid_utf8(m[i].key)) return false;
    if (m[i].kind == json_member::type::string && !is_valid_utf8(m[i].string_value)) return false;
  }
  return true;
}

inline void add_members(boost::json::object& object, const json_member* m, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const string_view key(m[i].key.data(), m[i].key.size());
    switch (m[i].kind) {
      case json_member::type::string: object[key] = string_view(m[i].string_value.data(), m[i].string_value.size()); break;
      case json_member::type::integer: object[key] = m[i].integer_value; break;
      case json_member::type::boolean: object[key] = m[i].boolean_value; break;
    }
  }
}

}  // namespace boost_json_detail

struct boost_json_codec : document_parsers<boost_json_detail::parser> {
  static result<std::size_t> write_create_body(const create_body& body, char* out, std::size_t capacity) noexcept {
    using namespace boost_json_detail;
    if (!create_body_shape_ok(body, out, capacity) || !is_valid_utf8(body.wrapper) ||
        !members_valid(body.members, body.member_count) || !members_valid(body.top_level, body.top_level_count)) {
      return errc::invalid_argument;
    }
    try {
      boost::json::object doc;
      if (body.wrapper.empty()) {
        add_members(doc, body.members, body.member_count);
      } else {
        boost::json::object inner;
        add_members(inner, body.members, body.member_count);
        doc[string_view(body.wrapper.data(), body.wrapper.size())] = std::move(inner);
      }
      add_members(doc, body.top_level, body.top_level_count);
      const std::string text = boost::json::serialize(doc);
      return copy_body(text, out, capacity);
    } catch (const std::bad_alloc&) {
      return std::make_error_code(std::errc::not_enough_memory);
    } catch (...) {
      return errc::invalid_argument;
    }
  }
};

}  // namespace rangeup::json
