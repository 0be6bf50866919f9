#pragma once
// rangeup::json::nlohmann_codec: the Codec on nlohmann/json (nlohmann-json3-dev).
// Parsing runs nlohmann's SAX parser into rangeup's document_builder (no DOM),
// so results match builtin_codec exactly; writing builds an ordered_json and
// dumps it. Every exception is caught inside and mapped to an error code.

#include "rangeup/config.hpp"

#if !RANGEUP_HAS_EXCEPTIONS
#error "rangeup/nlohmann_json/codec.hpp needs exceptions (nlohmann/json reports errors by throwing); with -fno-exceptions use rangeup::json::builtin_codec"
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <system_error>

#include <nlohmann/json.hpp>

#include "rangeup/codec.hpp"
#include "rangeup/json/detail/document_builder.hpp"
#include "rangeup/json/detail/number.hpp"
#include "rangeup/json/detail/reader.hpp"
#include "rangeup/json/detail/writer.hpp"

namespace rangeup::json {

namespace nlohmann_detail {

// nlohmann's SAX interface, forwarding to the builder. Returning false stops
// the parse (too deep, or nlohmann reported an error).
class sax_handler {
 public:
  using json = nlohmann::json;
  explicit sax_handler(document_builder& b) noexcept : b_(b) {}

  bool null() { return b_.on_null(), true; }
  bool boolean(bool) { return b_.on_bool(), true; }
  bool number_integer(json::number_integer_t) { return b_.on_number(false, 0), true; }  // negative
  bool number_unsigned(json::number_unsigned_t v) { return b_.on_number(true, v), true; }
  // nlohmann already fails on infinity; the exponent limit is rangeup's (number.hpp).
  bool number_float(json::number_float_t, const json::string_t& text) {
    return number_in_range(text) && (b_.on_number(false, 0), true);
  }
  bool string(json::string_t& s) { return b_.on_string({s, false}), true; }
  bool binary(json::binary_t&) { return false; }  // not produced by the JSON reader
  bool key(json::string_t& s) { return b_.on_key({s, false}), true; }
  bool start_object(std::size_t) { return enter() && (b_.on_object_begin(), true); }
  bool end_object() { return --depth_, b_.on_object_end(), true; }
  bool start_array(std::size_t) { return enter() && (b_.on_array_begin(), true); }
  bool end_array() { return --depth_, b_.on_array_end(), true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

 private:
  bool enter() noexcept { return ++depth_ <= max_depth; }
  document_builder& b_;
  std::size_t depth_ = 0;
};

struct parser {
  template <class Document>
  static std::error_code parse(std::string_view text, Document& out) noexcept;
};

template <class Document>
std::error_code parser::parse(std::string_view text, Document& out) noexcept {
  try {
    document_builder builder(out);
    // nlohmann skips a UTF-8 BOM and stops at a NUL byte; rangeup's contract
    // (reader.hpp) rejects both, and a raw NUL is never valid JSON.
    if (text.substr(0, 3) == "\xEF\xBB\xBF" || text.find('\0') != std::string_view::npos) {
      return make_error_code(errc::malformed_json);
    }
    sax_handler handler(builder);
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &handler, nlohmann::json::input_format_t::json, true)) {
      return make_error_code(errc::malformed_json);
    }
    return builder.result();
  } catch (const std::bad_alloc&) {
    return std::make_error_code(std::errc::not_enough_memory);
  } catch (...) {
    return make_error_code(errc::malformed_json);
  }
}

inline void add_members(nlohmann::ordered_json& object, const json_member* m, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::string key(m[i].key);
    switch (m[i].kind) {
      case json_member::type::string: object[key] = std::string(m[i].string_value); break;
      case json_member::type::integer: object[key] = m[i].integer_value; break;
      case json_member::type::boolean: object[key] = m[i].boolean_value; break;
    }
  }
}

}  // namespace nlohmann_detail

struct nlohmann_codec : document_parsers<nlohmann_detail::parser> {
  // ordered_json keeps the members in the order given; the strict error
  // handler throws on ill-formed UTF-8, reported as invalid_argument.
  static result<std::size_t> write_create_body(const create_body& body, char* out, std::size_t capacity) noexcept {
    if (!create_body_shape_ok(body, out, capacity)) return errc::invalid_argument;
    try {
      nlohmann::ordered_json doc = nlohmann::ordered_json::object();
      if (body.wrapper.empty()) {
        nlohmann_detail::add_members(doc, body.members, body.member_count);
      } else {
        nlohmann::ordered_json inner = nlohmann::ordered_json::object();
        nlohmann_detail::add_members(inner, body.members, body.member_count);
        doc[std::string(body.wrapper)] = std::move(inner);
      }
      nlohmann_detail::add_members(doc, body.top_level, body.top_level_count);
      const std::string text = doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::strict);
      return copy_body(text, out, capacity);
    } catch (const nlohmann::ordered_json::type_error&) {
      return errc::invalid_argument;  // 316: invalid UTF-8
    } catch (const std::bad_alloc&) {
      return std::make_error_code(std::errc::not_enough_memory);
    } catch (...) {
      return errc::invalid_argument;
    }
  }
};

}  // namespace rangeup::json
