#pragma once
// What the server said, as plain fixed-capacity structs, and the codec concept
// that fills them from JSON and writes the createUploadSession bodies.
//
// A Codec is a type with these static members (all noexcept, no exceptions
// escape even when the underlying library throws):
//   static std::error_code parse_session(std::string_view json, session_document& out);
//   static std::error_code parse_error(std::string_view json, error_document& out);
//   static std::error_code parse_drive_item(std::string_view json, drive_item_document& out);
//   static result<std::size_t> write_create_body(const create_body& body, char* out, std::size_t capacity);
// Parsing matches keys case-insensitively (Outlook sends NextExpectedRanges),
// ignores unknown members, and reports malformed_json / malformed_range /
// capacity_exceeded instead of truncating. The built-in codec is
// rangeup::json::builtin_codec; adapters/json has nlohmann and Boost.JSON ones.
// is_json_codec<C> (C++17), require_codec<C>() (a static_assert per missing member)
// and the concepts codec<C> / json_codec<C> (C++20) check the shape.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/byte_range.hpp"
#include "rangeup/config.hpp"
#include "rangeup/detection.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/result.hpp"

namespace rangeup {

inline constexpr std::size_t max_expected_ranges = 16;

// uploadSession (create response), status (GET uploadUrl) and intermediate
// PUT responses all share this shape; every member is optional.
struct session_document {
  fixed_string<RANGEUP_MAX_URL_LENGTH> upload_url;  // empty when absent
  fixed_string<64> expiration_date_time;            // raw ISO 8601, empty when absent
  byte_range ranges[max_expected_ranges] = {};
  std::size_t range_count = 0;
  bool has_ranges = false;                          // member present (possibly empty array)
};

// {"error": {"code": "...", "message": "..."}}
struct error_document {
  fixed_string<64> code;
  fixed_string<256> message;  // longer messages are cut at a UTF-8 boundary (display only)
};

// The driveItem returned by the final fragment / commit.
struct drive_item_document {
  fixed_string<512> id;
  fixed_string<512> name;
  std::uint64_t size = 0;
  bool has_size = false;
  fixed_string<64> quick_xor_hash;  // file.hashes.quickXorHash, base64
};

// One member of a JSON object the core writes.
struct json_member {
  enum class type : unsigned char { string, integer, boolean };
  std::string_view key;
  type kind = type::string;
  std::string_view string_value;
  std::uint64_t integer_value = 0;
  bool boolean_value = false;

  static constexpr json_member string(std::string_view k, std::string_view v) noexcept {
    return {k, type::string, v, 0, false};
  }
  static constexpr json_member integer(std::string_view k, std::uint64_t v) noexcept {
    return {k, type::integer, {}, v, false};
  }
  static constexpr json_member boolean(std::string_view k, bool v) noexcept {
    return {k, type::boolean, {}, 0, v};
  }
};

// A createUploadSession body: {"<wrapper>": {members...}, top_level...}.
// With an empty wrapper the members are written at the top level.
struct create_body {
  std::string_view wrapper;
  const json_member* members = nullptr;
  std::size_t member_count = 0;
  const json_member* top_level = nullptr;
  std::size_t top_level_count = 0;
};

// ---- the Codec requirements ------------------------------------------------
// codec_requirements<C> holds one flag per member above; is_json_codec<C> is
// all of them; require_codec<C>() static_asserts each one with a message that
// names the missing member; the concepts (C++20) are their conjunction.
namespace detail {
// Each names the member's result type when the call is valid and noexcept.
template <class C>
using codec_parse_session_t =
    std::enable_if_t<noexcept(C::parse_session(std::declval<std::string_view>(), std::declval<session_document&>())),
                     decltype(C::parse_session(std::declval<std::string_view>(), std::declval<session_document&>()))>;
template <class C>
using codec_parse_error_t =
    std::enable_if_t<noexcept(C::parse_error(std::declval<std::string_view>(), std::declval<error_document&>())),
                     decltype(C::parse_error(std::declval<std::string_view>(), std::declval<error_document&>()))>;
template <class C>
using codec_parse_drive_item_t = std::enable_if_t<
    noexcept(C::parse_drive_item(std::declval<std::string_view>(), std::declval<drive_item_document&>())),
    decltype(C::parse_drive_item(std::declval<std::string_view>(), std::declval<drive_item_document&>()))>;
template <class C>
using codec_write_create_body_t = std::enable_if_t<
    noexcept(C::write_create_body(std::declval<const create_body&>(), std::declval<char*>(), std::size_t{})),
    decltype(C::write_create_body(std::declval<const create_body&>(), std::declval<char*>(), std::size_t{}))>;
}  // namespace detail

template <class C>
struct codec_requirements {
  static constexpr bool parse_session = detail::is_detected_exact_v<std::error_code, detail::codec_parse_session_t, C>;
  static constexpr bool parse_error = detail::is_detected_exact_v<std::error_code, detail::codec_parse_error_t, C>;
  static constexpr bool parse_drive_item =
      detail::is_detected_exact_v<std::error_code, detail::codec_parse_drive_item_t, C>;
  static constexpr bool write_create_body =
      detail::is_detected_exact_v<result<std::size_t>, detail::codec_write_create_body_t, C>;
  static constexpr bool value = parse_session && parse_error && parse_drive_item && write_create_body;
};

// C++17: static_assert(rangeup::is_json_codec_v<C>), or rangeup::require_codec<C>() for the details.
template <class C>
struct is_json_codec : std::bool_constant<codec_requirements<C>::value> {};
template <class C>
inline constexpr bool is_json_codec_v = is_json_codec<C>::value;

// One static_assert per missing member; true when C is a Codec.
template <class C>
constexpr bool require_codec() noexcept {
  using r = codec_requirements<C>;
  static_assert(r::parse_session,
                "Codec must have: static std::error_code parse_session(std::string_view, session_document&) noexcept");
  static_assert(r::parse_error,
                "Codec must have: static std::error_code parse_error(std::string_view, error_document&) noexcept");
  static_assert(r::parse_drive_item, "Codec must have: static std::error_code parse_drive_item(std::string_view, "
                                     "drive_item_document&) noexcept");
  static_assert(r::write_create_body, "Codec must have: static result<std::size_t> write_create_body(const "
                                      "create_body&, char*, std::size_t) noexcept");
  return r::value;
}

#if RANGEUP_HAS_CONCEPTS
template <class C>
concept codec = codec_requirements<C>::parse_session && codec_requirements<C>::parse_error &&
                codec_requirements<C>::parse_drive_item && codec_requirements<C>::write_create_body;
// The name this concept had first.
template <class C>
concept json_codec = codec<C>;
#endif

}  // namespace rangeup
