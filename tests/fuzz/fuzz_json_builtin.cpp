// libFuzzer target: the built-in JSON codec. The input goes to all three
// parse functions; invariants: only the documented error codes, documents
// within their capacities and internally consistent, the same result twice,
// surrounding whitespace changes nothing, trailing garbage is always
// malformed_json. Then the writer gets fuzzed names: its output must parse
// back (as session / error / driveItem documents) to exactly those names,
// and it must refuse exactly the ill-formed UTF-8.
#include <rangeup/json/builtin_codec.hpp>

#include <cstdint>
#include <string>

#include "fuzz_support.hpp"

using rangeup::errc;
using rangeup::json::builtin_codec;
using rangeup_fuzz::byte_reader;
using rangeup_fuzz::parse_with;
using rangeup_fuzz::parser_kind;

namespace {

bool documented_error(std::error_code ec) {
  return ec == errc::malformed_json || ec == errc::malformed_response || ec == errc::malformed_range ||
         ec == errc::capacity_exceeded || ec == errc::url_too_long;
}

void check_session(std::string_view json) {
  static rangeup::session_document d;
  const std::error_code ec = builtin_codec::parse_session(json, d);
  FUZZ_CHECK(!ec || documented_error(ec), "parse_session: %s", ec.message().c_str());
  if (ec) return;
  FUZZ_CHECK(d.range_count <= rangeup::max_expected_ranges, "too many ranges");
  FUZZ_CHECK(d.has_ranges || d.range_count == 0, "ranges without the member");
  for (std::size_t i = 0; i < d.range_count; ++i)
    FUZZ_CHECK(d.ranges[i].open_ended || d.ranges[i].first <= d.ranges[i].last, "inverted range");
  FUZZ_CHECK(d.upload_url.size() <= d.upload_url.capacity(), "url overflow");
}

void check_item(std::string_view json) {
  static rangeup::drive_item_document d;
  const std::error_code ec = builtin_codec::parse_drive_item(json, d);
  FUZZ_CHECK(!ec || documented_error(ec), "parse_drive_item: %s", ec.message().c_str());
  if (!ec) FUZZ_CHECK(d.has_size || d.size == 0, "size without the member");
}

void check_error(std::string_view json) {
  static rangeup::error_document d;
  const std::error_code ec = builtin_codec::parse_error(json, d);
  FUZZ_CHECK(!ec || documented_error(ec), "parse_error: %s", ec.message().c_str());
}

void check_stability(std::string_view json) {
  for (const auto k : {parser_kind::session, parser_kind::error, parser_kind::item}) {
    const auto first = parse_with<builtin_codec>(k, json);
    FUZZ_CHECK(first == parse_with<builtin_codec>(k, json), "not deterministic");
    FUZZ_CHECK(first == parse_with<builtin_codec>(k, " \n\t" + std::string(json) + "\r\n "),
               "surrounding whitespace changed the result");
    const auto garbage = parse_with<builtin_codec>(k, std::string(json) + " x");
    FUZZ_CHECK(garbage.ec == rangeup_fuzz::parse_with<builtin_codec>(k, "x").ec, "trailing garbage accepted: %s",
               garbage.doc.c_str());
  }
}

// The writer on fuzzed text; the output must re-parse to the same text.
void check_writer(byte_reader& in) {
  const std::string_view key = in.short_string();
  const std::string_view value = in.rest();
  static char out[1 << 17];

  // Any key: the output is valid JSON (it may fail for other reasons).
  {
    const rangeup::json_member m[1] = {rangeup::json_member::string(key, "v")};
    const auto n = builtin_codec::write_create_body({"", m, 1, nullptr, 0}, out, sizeof out);
    FUZZ_CHECK(n.has_value() == rangeup::json::is_valid_utf8(key), "key: written %d", n.has_value() ? 1 : 0);
    if (n) {
      const auto back = parse_with<builtin_codec>(parser_kind::session, std::string_view(out, *n));
      FUZZ_CHECK(back.ec != parse_with<builtin_codec>(parser_kind::session, "x").ec, "writer output is not JSON: %.*s",
                 static_cast<int>(*n), out);
    }
  }

  // {"name": value} read back as a driveItem; {"error": {"code": value, "message": value}}
  // as an error body; {"uploadUrl": value} as a session.
  const rangeup::json_member name[2] = {rangeup::json_member::string("name", value),
                                        rangeup::json_member::integer("size", value.size())};
  const rangeup::json_member error[2] = {rangeup::json_member::string("code", value),
                                         rangeup::json_member::string("message", value)};
  const rangeup::json_member url[1] = {rangeup::json_member::string("uploadUrl", value)};
  const rangeup::create_body bodies[3] = {{"", name, 2, nullptr, 0}, {"error", error, 2, nullptr, 0},
                                          {"", nullptr, 0, url, 1}};
  for (int i = 0; i < 3; ++i) {
    const auto n = builtin_codec::write_create_body(bodies[i], out, sizeof out);
    if (!rangeup::json::is_valid_utf8(value)) {
      FUZZ_CHECK(!n && n.error() == errc::invalid_argument, "wrote ill-formed UTF-8");
      continue;
    }
    FUZZ_CHECK(n, "refused valid text: %s", n.error().message().c_str());
    const std::string_view text(out, *n);
    // The exact size fits, one byte less does not.
    static char exact[1 << 17];
    const auto m = builtin_codec::write_create_body(bodies[i], exact, *n);
    FUZZ_CHECK(m && *m == *n && std::string_view(exact, *m) == text, "exact-size write differs");
    if (*n > 0) {
      const auto s = builtin_codec::write_create_body(bodies[i], exact, *n - 1);
      FUZZ_CHECK(!s && s.error() == errc::buffer_too_small, "short buffer not reported");
    }
    if (i == 0) {
      static rangeup::drive_item_document d;
      const std::error_code ec = builtin_codec::parse_drive_item(text, d);
      if (value.size() <= d.name.capacity()) {
        FUZZ_CHECK(!ec && d.name == value && d.has_size && d.size == value.size(), "name did not round-trip");
      } else {
        FUZZ_CHECK(ec == errc::capacity_exceeded, "long name: %s", ec.message().c_str());
      }
    } else if (i == 1) {
      static rangeup::error_document d;
      const std::error_code ec = builtin_codec::parse_error(text, d);
      if (value.size() <= d.code.capacity()) {
        FUZZ_CHECK(!ec && d.code == value && d.message == value, "error did not round-trip");
      } else {
        FUZZ_CHECK(ec == errc::capacity_exceeded, "long code: %s", ec.message().c_str());
      }
    } else {
      static rangeup::session_document d;
      const std::error_code ec = builtin_codec::parse_session(text, d);
      if (value.size() <= d.upload_url.capacity()) {
        FUZZ_CHECK(!ec && d.upload_url == value && !d.has_ranges, "uploadUrl did not round-trip");
      } else {
        FUZZ_CHECK(ec == errc::url_too_long, "long url: %s", ec.message().c_str());
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  check_session(json);
  check_error(json);
  check_item(json);
  check_stability(json);
  byte_reader in(data, size);
  check_writer(in);
  return 0;
}
