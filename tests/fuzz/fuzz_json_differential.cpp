// libFuzzer target, built twice: the nlohmann/json codec
// (RANGEUP_FUZZ_NLOHMANN) or the Boost.JSON codec (RANGEUP_FUZZ_BOOST)
// against the built-in one. Every input goes to all three parse functions of
// both; the error codes and documents must be identical. The writers get a
// fuzzed name: both accept or refuse it alike, and their outputs parse (with
// the built-in codec) to the same document.
#include <rangeup/json/builtin_codec.hpp>

#if defined(RANGEUP_FUZZ_NLOHMANN)
#include <rangeup/nlohmann_json/codec.hpp>
using other_codec = rangeup::json::nlohmann_codec;
#elif defined(RANGEUP_FUZZ_BOOST)
#include <rangeup/boost_json/codec.hpp>
using other_codec = rangeup::json::boost_json_codec;
#else
#error "define RANGEUP_FUZZ_NLOHMANN or RANGEUP_FUZZ_BOOST"
#endif

#include <cstdint>
#include <string>

#include "fuzz_support.hpp"

using rangeup::json::builtin_codec;
using rangeup_fuzz::parse_with;
using rangeup_fuzz::parser_kind;

namespace {

void check_writers(std::string_view value) {
  const rangeup::json_member m[3] = {rangeup::json_member::string("name", value),
                                     rangeup::json_member::integer("size", value.size()),
                                     rangeup::json_member::boolean("deferCommit", true)};
  const rangeup::create_body body{"item", m, 1, m + 1, 2};
  static char a[1 << 17];
  static char b[1 << 17];
  const auto na = builtin_codec::write_create_body(body, a, sizeof a);
  const auto nb = other_codec::write_create_body(body, b, sizeof b);
  FUZZ_CHECK(na.has_value() == nb.has_value(), "writers disagree on acceptance");
  if (!na) {
    FUZZ_CHECK(na.error() == nb.error(), "writers disagree: %s vs %s", na.error().message().c_str(),
               nb.error().message().c_str());
    return;
  }
  // Both must name the same item; compare via the builtin reader on "item".
  const rangeup::json_member flat[2] = {rangeup::json_member::string("name", value),
                                        rangeup::json_member::integer("size", value.size())};
  const rangeup::create_body top{"", flat, 2, nullptr, 0};
  const auto fa = builtin_codec::write_create_body(top, a, sizeof a);
  const auto fb = other_codec::write_create_body(top, b, sizeof b);
  FUZZ_CHECK(fa && fb, "flat body refused");
  const auto pa = parse_with<builtin_codec>(parser_kind::item, std::string_view(a, *fa));
  const auto pb = parse_with<builtin_codec>(parser_kind::item, std::string_view(b, *fb));
  FUZZ_CHECK(pa == pb, "writers' outputs differ: %s / %s vs %s / %s", pa.ec.c_str(), pa.doc.c_str(), pb.ec.c_str(),
             pb.doc.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  for (const auto k : {parser_kind::session, parser_kind::error, parser_kind::item}) {
    const auto mine = parse_with<builtin_codec>(k, json);
    const auto theirs = parse_with<other_codec>(k, json);
    FUZZ_CHECK(mine == theirs, "parser %d: builtin %s {%s} vs other %s {%s}", static_cast<int>(k), mine.ec.c_str(),
               mine.doc.c_str(), theirs.ec.c_str(), theirs.doc.c_str());
  }
  check_writers(json);
  return 0;
}
