#pragma once
// Runs one conformance vector through a codec and summarises the document as
// the list of strings vectors.hpp uses, so outcomes compare with ==.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "rangeup/codec.hpp"
#include "vectors.hpp"

namespace codec_vectors {

inline std::string describe(const rangeup::byte_range& r) {
  return std::to_string(r.first) + "-" + (r.open_ended ? std::string() : std::to_string(r.last));
}

inline std::vector<std::string> fields(const rangeup::session_document& d) {
  std::string ranges = d.has_ranges ? "" : "~";
  for (std::size_t i = 0; i < d.range_count; ++i) ranges += (i ? "," : "") + describe(d.ranges[i]);
  return {std::string(d.upload_url.view()), std::string(d.expiration_date_time.view()), ranges};
}
inline std::vector<std::string> fields(const rangeup::error_document& d) {
  return {std::string(d.code.view()), std::string(d.message.view())};
}
inline std::vector<std::string> fields(const rangeup::drive_item_document& d) {
  return {std::string(d.id.view()), std::string(d.name.view()), d.has_size ? std::to_string(d.size) : "-",
          std::string(d.quick_xor_hash.view())};
}

struct outcome {
  std::error_code ec;
  std::vector<std::string> fields;  // only when !ec
  friend bool operator==(const outcome& a, const outcome& b) { return a.ec == b.ec && a.fields == b.fields; }
};

template <class Codec>
outcome run(parser fn, std::string_view json) {
  outcome o;
  const auto parse = [&](auto& doc, auto member) {
    o.ec = member(json, doc);
    if (!o.ec) o.fields = codec_vectors::fields(doc);
  };
  switch (fn) {
    case parser::session: {
      auto doc = std::make_unique<rangeup::session_document>();
      parse(*doc, [](std::string_view j, rangeup::session_document& d) { return Codec::parse_session(j, d); });
      break;
    }
    case parser::error: {
      auto doc = std::make_unique<rangeup::error_document>();
      parse(*doc, [](std::string_view j, rangeup::error_document& d) { return Codec::parse_error(j, d); });
      break;
    }
    case parser::item: {
      auto doc = std::make_unique<rangeup::drive_item_document>();
      parse(*doc, [](std::string_view j, rangeup::drive_item_document& d) { return Codec::parse_drive_item(j, d); });
      break;
    }
  }
  return o;
}

inline outcome expected(const vector& v) {
  if (v.expected == ok) return {{}, v.fields};
  return {rangeup::make_error_code(v.expected), {}};
}

}  // namespace codec_vectors
