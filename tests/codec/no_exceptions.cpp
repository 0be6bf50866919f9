// Compiled with -fno-exceptions -fno-rtti and the core's full warning set, as
// C++17 and as C++20 (where the json_codec concept is checked too).
#include "rangeup/json/builtin_codec.hpp"

static_assert(rangeup::is_json_codec_v<rangeup::json::builtin_codec>,
              "builtin_codec must model rangeup's Codec (see rangeup/codec.hpp)");
static_assert(!rangeup::is_json_codec_v<int>, "int is not a codec");
#if RANGEUP_HAS_CONCEPTS
static_assert(rangeup::json_codec<rangeup::json::builtin_codec>);
static_assert(!rangeup::json_codec<int>);
#endif

std::error_code rangeup_codec_no_exceptions_probe(std::string_view json, rangeup::session_document& s,
                                                  rangeup::error_document& e, rangeup::drive_item_document& d) {
  using rangeup::json::builtin_codec;
  if (auto ec = builtin_codec::parse_session(json, s)) return ec;
  if (auto ec = builtin_codec::parse_error(json, e)) return ec;
  char out[64];
  const auto r = builtin_codec::write_create_body({}, out, sizeof out);
  if (!r) return r.error();
  return builtin_codec::parse_drive_item(json, d);
}
