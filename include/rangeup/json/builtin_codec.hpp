#pragma once
// rangeup::json::builtin_codec: the default Codec. Allocation-free, exception-
// free; the scanner (detail/reader.hpp) feeds the document_builder, the writer
// (detail/writer.hpp) writes the create bodies. Uses ~5 KB of stack for string scratch.

#include <cstddef>
#include <string_view>
#include <system_error>

#include "rangeup/codec.hpp"
#include "rangeup/json/detail/document_builder.hpp"
#include "rangeup/json/detail/reader.hpp"
#include "rangeup/json/detail/writer.hpp"

namespace rangeup::json {

namespace builtin_detail {
struct parser {
  template <class Document>
  static std::error_code parse(std::string_view json, Document& out) noexcept {
    char scratch[builder_scratch_capacity];
    document_builder builder(out);
    if (const std::error_code ec = scan(json, builder, scratch, sizeof scratch)) return ec;
    return builder.result();
  }
};
}  // namespace builtin_detail

struct builtin_codec : document_parsers<builtin_detail::parser> {
  static result<std::size_t> write_create_body(const create_body& body, char* out, std::size_t capacity) noexcept {
    return json::write_create_body(body, out, capacity);
  }
};

}  // namespace rangeup::json
