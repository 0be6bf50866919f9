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
// is_json_codec<C> (C++17) and the concept json_codec<C> (C++20) check the shape.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/byte_range.hpp"
#include "rangeup/config.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/result.hpp"

#if RANGEUP_HAS_CONCEPTS
#include <concepts>
#endif

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

// ---- the Codec concept -----------------------------------------------------
namespace detail {
template <class C, class = void>
struct is_json_codec_impl : std::false_type {};

template <class C>
struct is_json_codec_impl<
    C, std::void_t<decltype(C::parse_session(std::declval<std::string_view>(), std::declval<session_document&>())),
                   decltype(C::parse_error(std::declval<std::string_view>(), std::declval<error_document&>())),
                   decltype(C::parse_drive_item(std::declval<std::string_view>(), std::declval<drive_item_document&>())),
                   decltype(C::write_create_body(std::declval<const create_body&>(), std::declval<char*>(),
                                                 std::declval<std::size_t>()))>>
    : std::bool_constant<
          std::is_same<decltype(C::parse_session(std::declval<std::string_view>(), std::declval<session_document&>())),
                       std::error_code>::value &&
          std::is_same<decltype(C::parse_error(std::declval<std::string_view>(), std::declval<error_document&>())),
                       std::error_code>::value &&
          std::is_same<decltype(C::parse_drive_item(std::declval<std::string_view>(),
                                                    std::declval<drive_item_document&>())),
                       std::error_code>::value &&
          std::is_same<decltype(C::write_create_body(std::declval<const create_body&>(), std::declval<char*>(),
                                                     std::declval<std::size_t>())),
                       result<std::size_t>>::value &&
          noexcept(C::parse_session(std::declval<std::string_view>(), std::declval<session_document&>())) &&
          noexcept(C::parse_error(std::declval<std::string_view>(), std::declval<error_document&>())) &&
          noexcept(C::parse_drive_item(std::declval<std::string_view>(), std::declval<drive_item_document&>())) &&
          noexcept(C::write_create_body(std::declval<const create_body&>(), std::declval<char*>(),
                                        std::declval<std::size_t>()))> {};
}  // namespace detail

// C++17: static_assert(rangeup::is_json_codec_v<C>, "C must model rangeup's Codec (see codec.hpp)");
template <class C>
struct is_json_codec : detail::is_json_codec_impl<C> {};
template <class C>
inline constexpr bool is_json_codec_v = is_json_codec<C>::value;

#if RANGEUP_HAS_CONCEPTS
template <class C>
concept json_codec = requires(std::string_view json, session_document& s, error_document& e, drive_item_document& d,
                              const create_body& body, char* out, std::size_t capacity) {
  { C::parse_session(json, s) } noexcept -> std::same_as<std::error_code>;
  { C::parse_error(json, e) } noexcept -> std::same_as<std::error_code>;
  { C::parse_drive_item(json, d) } noexcept -> std::same_as<std::error_code>;
  { C::write_create_body(body, out, capacity) } noexcept -> std::same_as<result<std::size_t>>;
};
#endif

}  // namespace rangeup
