#pragma once
// Named requirements for upload_session's policies: Flavor, Planner, Retry
// (Codec: codec.hpp; Transport and Source: transport.hpp). What each must
// provide is written out next to the policy (flavors/flavor.hpp, planner.hpp,
// retry.hpp); this header checks it. For each policy X:
//   X_requirements<T>   one constexpr bool per requirement, and `value` (all of them);
//   is_X<T>, is_X_v<T>  the trait (SFINAE-friendly: never a hard error);
//   require_X<T>()      constexpr; one static_assert per unmet requirement, whose
//                       message names the member ("Flavor must have: static
//                       constexpr int intermediate_status"); returns is_X_v<T>;
//   concept X<T>        with C++20 (the conjunction of the same flags, so a
//                       compiler names the one that failed).
// upload_session checks its four policies at the top of the class with
// detail::check_policies<Flavor, Planner, Retry, Codec>(): a policy with a
// missing member fails there with those messages, not deep inside the session.
//
//   static_assert(rangeup::is_flavor_v<my_flavor>);   // or:
//   static_assert(rangeup::require_flavor<my_flavor>());  // the messages say what is missing

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/byte_range.hpp"
#include "rangeup/codec.hpp"
#include "rangeup/config.hpp"
#include "rangeup/detection.hpp"
#include "rangeup/file_info.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/flavors/flavor.hpp"
#include "rangeup/http.hpp"
#include "rangeup/result.hpp"

namespace rangeup {

// ---- Planner (planner.hpp) ---------------------------------------------------
namespace detail {
template <class P>
using planner_configure_t = decltype(std::declval<P&>().configure(std::uint64_t{}, std::uint64_t{}));
template <class P>
using planner_chunk_size_t = decltype(std::declval<const P&>().chunk_size());
template <class P>
using planner_next_t =
    decltype(std::declval<const P&>().next(std::declval<const byte_range*>(), std::size_t{}, std::uint64_t{}));
}  // namespace detail

template <class P>
struct planner_requirements {
  static constexpr bool default_constructible = std::is_default_constructible<P>::value;
  static constexpr bool configure = detail::is_detected_exact_v<std::error_code, detail::planner_configure_t, P>;
  static constexpr bool chunk_size = detail::is_detected_convertible_v<std::uint64_t, detail::planner_chunk_size_t, P>;
  static constexpr bool next = detail::is_detected_exact_v<result<content_range>, detail::planner_next_t, P>;
  static constexpr bool value = default_constructible && configure && chunk_size && next;
};

template <class P>
struct is_planner : std::bool_constant<planner_requirements<P>::value> {};
template <class P>
inline constexpr bool is_planner_v = is_planner<P>::value;

template <class P>
constexpr bool require_planner() noexcept {
  using r = planner_requirements<P>;
  static_assert(r::default_constructible, "Planner must be default-constructible (the session value-initialises it)");
  static_assert(r::configure,
                "Planner must have: std::error_code configure(std::uint64_t total, std::uint64_t requested_chunk)");
  static_assert(r::chunk_size, "Planner must have: std::uint64_t chunk_size() const");
  static_assert(r::next, "Planner must have: result<content_range> next(const byte_range* ranges, std::size_t count, "
                         "std::uint64_t total) const");
  return r::value;
}

// ---- Retry (retry.hpp) -------------------------------------------------------
namespace detail {
template <class R>
using retry_next_delay_t =
    decltype(std::declval<R&>().next_delay(std::uint32_t{}, std::int64_t{}, std::int64_t{}));
}  // namespace detail

template <class R>
struct retry_policy_requirements {
  static constexpr bool default_constructible = std::is_default_constructible<R>::value;
  static constexpr bool next_delay = detail::is_detected_convertible_v<std::int64_t, detail::retry_next_delay_t, R>;
  static constexpr bool value = default_constructible && next_delay;
};

template <class R>
struct is_retry_policy : std::bool_constant<retry_policy_requirements<R>::value> {};
template <class R>
inline constexpr bool is_retry_policy_v = is_retry_policy<R>::value;

template <class R>
constexpr bool require_retry_policy() noexcept {
  using r = retry_policy_requirements<R>;
  static_assert(r::default_constructible, "Retry must be default-constructible (the session value-initialises it)");
  static_assert(r::next_delay, "Retry must have: std::int64_t next_delay(std::uint32_t attempt, std::int64_t "
                               "elapsed_ms, std::int64_t retry_after_ms)");
  return r::value;
}

// ---- Flavor (flavors/flavor.hpp) ---------------------------------------------
namespace detail {

// Stands in for the session's Codec when a Flavor is checked on its own (its
// create_body<Codec> is a template): declared, never defined or called.
struct probe_codec {
  static std::error_code parse_session(std::string_view, session_document&) noexcept;
  static std::error_code parse_error(std::string_view, error_document&) noexcept;
  static std::error_code parse_drive_item(std::string_view, drive_item_document&) noexcept;
  static result<std::size_t> write_create_body(const create_body&, char*, std::size_t) noexcept;
};

// Static data members are asked for by address (detection.hpp:
// is_static_constant_v), so an instance member does not pass.
template <class F>
using flavor_id_t = decltype(&F::flavor_id);
template <class F>
using flavor_max_size_t = decltype(&F::max_size);
template <class F>
using flavor_status_t = decltype(&F::status);
template <class F>
using flavor_intermediate_status_t = decltype(&F::intermediate_status);
template <class F>
using flavor_is_final_status_t = decltype(F::is_final_status(int{}));
template <class F>
using flavor_result_kind_t = decltype(&F::result_kind);
template <class F>
using flavor_default_planner_t = std::enable_if_t<is_planner_v<typename F::default_planner>>;
template <class F>
using flavor_graph_base_t = decltype(std::string_view(std::declval<const F&>().graph_base));
template <class F>
using flavor_create_url_t =
    decltype(std::declval<const F&>().create_url(std::declval<text_writer&>(), std::declval<const file_info&>()));
template <class F>
using flavor_create_headers_t =
    decltype(std::declval<const F&>().create_headers(std::declval<header_field*>(), std::size_t{}));
template <class F, class Codec>
using flavor_create_body_t = decltype(std::declval<const F&>().template create_body<Codec>(
    std::declval<const file_info&>(), std::declval<char*>(), std::size_t{}));
template <class F>
using flavor_deferred_commit_t = decltype(std::declval<const F&>().deferred_commit());

// Optional members: present (the name alone) and, if so, of the right shape.
template <class F>
using flavor_single_request_for_t =
    decltype(std::declval<const F&>().single_request_for(std::declval<const file_info&>()));
template <class F>
using flavor_single_request_url_t = decltype(std::declval<const F&>().single_request_url(
    std::declval<text_writer&>(), std::declval<const file_info&>()));
template <class F, class Codec>
using flavor_single_request_body_t = decltype(std::declval<const F&>().template single_request_body<Codec>(
    std::declval<const file_info&>(), std::declval<char*>(), std::size_t{}));
template <class F>
using flavor_single_request_headers_t =
    decltype(std::declval<const F&>().single_request_headers(std::declval<header_field*>(), std::size_t{}));
template <class F>
using flavor_lost_final_policy_t = decltype(std::declval<const F&>().lost_final_policy());
template <class F>
using flavor_item_url_t = decltype(std::declval<const F&>().item_url(std::string_view{}));
template <class F>
using flavor_upload_auth_t = decltype(F::upload_auth);
template <class F>
using flavor_upload_auth_address_t = decltype(&F::upload_auth);
template <class F>
using flavor_fragment_suffix_t = decltype(F::fragment_suffix);
template <class F>
using flavor_fragment_suffix_address_t = decltype(&F::fragment_suffix);

}  // namespace detail

// Codec: the codec the session will hand to create_body<Codec> (any Codec will
// do when the Flavor is checked on its own).
template <class F, class Codec = detail::probe_codec>
struct flavor_requirements {
  static constexpr bool copyable = std::is_copy_constructible<F>::value;
  static constexpr bool flavor_id = detail::is_static_constant_v<std::string_view, detail::flavor_id_t, F>;
  static constexpr bool max_size = detail::is_static_constant_v<std::uint64_t, detail::flavor_max_size_t, F>;
  static constexpr bool status = detail::is_static_constant_v<status_query, detail::flavor_status_t, F>;
  static constexpr bool intermediate_status =
      detail::is_static_constant_v<int, detail::flavor_intermediate_status_t, F>;
  static constexpr bool is_final_status = detail::is_detected_convertible_v<bool, detail::flavor_is_final_status_t, F>;
  static constexpr bool result_kind = detail::is_static_constant_v<final_result, detail::flavor_result_kind_t, F>;
  static constexpr bool default_planner = detail::is_detected_v<detail::flavor_default_planner_t, F>;
  static constexpr bool graph_base = detail::is_detected_v<detail::flavor_graph_base_t, F>;
  static constexpr bool create_url = detail::is_detected_exact_v<std::error_code, detail::flavor_create_url_t, F>;
  static constexpr bool create_headers =
      detail::is_detected_convertible_v<std::size_t, detail::flavor_create_headers_t, F>;
  static constexpr bool create_body =
      detail::is_detected_exact_v<result<std::size_t>, detail::flavor_create_body_t, F, Codec>;
  static constexpr bool deferred_commit = detail::is_detected_convertible_v<bool, detail::flavor_deferred_commit_t, F>;
  // Optional: a small file in one request. With single_request_for, all four.
  static constexpr bool has_single_request = detail::is_detected_v<detail::flavor_single_request_for_t, F>;
  static constexpr bool single_request_for =
      !has_single_request || detail::is_detected_exact_v<single_request, detail::flavor_single_request_for_t, F>;
  static constexpr bool single_request_url =
      !has_single_request || detail::is_detected_exact_v<std::error_code, detail::flavor_single_request_url_t, F>;
  static constexpr bool single_request_body =
      !has_single_request ||
      detail::is_detected_exact_v<result<std::size_t>, detail::flavor_single_request_body_t, F, Codec>;
  static constexpr bool single_request_headers =
      !has_single_request ||
      detail::is_detected_convertible_v<std::size_t, detail::flavor_single_request_headers_t, F>;
  // Optional, each on its own.
  static constexpr bool lost_final_policy =
      !detail::is_detected_v<detail::flavor_lost_final_policy_t, F> ||
      detail::is_detected_exact_v<after_lost_final, detail::flavor_lost_final_policy_t, F>;
  static constexpr bool item_url = !detail::is_detected_v<detail::flavor_item_url_t, F> ||
                                   detail::is_detected_convertible_v<std::string_view, detail::flavor_item_url_t, F>;
  static constexpr bool upload_auth =
      !detail::is_detected_v<detail::flavor_upload_auth_t, F> ||
      detail::is_static_constant_v<upload_url_auth, detail::flavor_upload_auth_address_t, F>;
  static constexpr bool fragment_suffix =
      !detail::is_detected_v<detail::flavor_fragment_suffix_t, F> ||
      detail::is_static_constant_v<std::string_view, detail::flavor_fragment_suffix_address_t, F>;

  static constexpr bool value = copyable && flavor_id && max_size && status && intermediate_status &&
                                is_final_status && result_kind && default_planner && graph_base && create_url &&
                                create_headers && create_body && deferred_commit && single_request_for &&
                                single_request_url && single_request_body && single_request_headers &&
                                lost_final_policy && item_url && upload_auth && fragment_suffix;
};

template <class F, class Codec = detail::probe_codec>
struct is_flavor : std::bool_constant<flavor_requirements<F, Codec>::value> {};
template <class F, class Codec = detail::probe_codec>
inline constexpr bool is_flavor_v = is_flavor<F, Codec>::value;

template <class F, class Codec = detail::probe_codec>
constexpr bool require_flavor() noexcept {
  using r = flavor_requirements<F, Codec>;
  static_assert(r::copyable, "Flavor must be copy-constructible (the session keeps a copy)");
  static_assert(r::flavor_id, "Flavor must have: static constexpr std::string_view flavor_id");
  static_assert(r::max_size, "Flavor must have: static constexpr std::uint64_t max_size");
  static_assert(r::status, "Flavor must have: static constexpr rangeup::status_query status");
  static_assert(r::intermediate_status, "Flavor must have: static constexpr int intermediate_status");
  static_assert(r::is_final_status, "Flavor must have: static bool is_final_status(int)");
  static_assert(r::result_kind, "Flavor must have: static constexpr rangeup::final_result result_kind");
  static_assert(r::default_planner,
                "Flavor must have: using default_planner = <a type meeting the Planner requirements>");
  static_assert(r::graph_base, "Flavor must have: std::string_view graph_base (a data member)");
  static_assert(r::create_url, "Flavor must have: std::error_code create_url(text_writer&, const file_info&) const");
  static_assert(r::create_headers, "Flavor must have: std::size_t create_headers(header_field*, std::size_t) const");
  static_assert(r::create_body, "Flavor must have: template <class Codec> result<std::size_t> create_body(const "
                                "file_info&, char*, std::size_t) const");
  static_assert(r::deferred_commit, "Flavor must have: bool deferred_commit() const");
  static_assert(r::single_request_for,
                "Flavor::single_request_for, when present, must be: rangeup::single_request single_request_for(const "
                "file_info&) const");
  static_assert(r::single_request_url, "Flavor with single_request_for must have: std::error_code "
                                       "single_request_url(text_writer&, const file_info&) const");
  static_assert(r::single_request_body,
                "Flavor with single_request_for must have: template <class Codec> result<std::size_t> "
                "single_request_body(const file_info&, char*, std::size_t) const");
  static_assert(r::single_request_headers, "Flavor with single_request_for must have: std::size_t "
                                           "single_request_headers(header_field*, std::size_t) const");
  static_assert(r::lost_final_policy,
                "Flavor::lost_final_policy, when present, must be: after_lost_final lost_final_policy() const");
  static_assert(r::item_url,
                "Flavor::item_url, when present, must be: std::string_view item_url(std::string_view) const");
  static_assert(r::upload_auth,
                "Flavor::upload_auth, when present, must be: static constexpr rangeup::upload_url_auth upload_auth");
  static_assert(r::fragment_suffix,
                "Flavor::fragment_suffix, when present, must be: static constexpr std::string_view fragment_suffix");
  return r::value;
}

// ---- all four, as upload_session uses them --------------------------------------
namespace detail {
template <class Flavor, class Planner, class Retry, class Codec>
constexpr bool check_policies() noexcept {
  const bool flavor = require_flavor<Flavor, Codec>();
  const bool planner = require_planner<Planner>();
  const bool retry = require_retry_policy<Retry>();
  const bool codec = require_codec<Codec>();
  return flavor && planner && retry && codec;
}
}  // namespace detail

#if RANGEUP_HAS_CONCEPTS
template <class P>
concept planner = planner_requirements<P>::default_constructible && planner_requirements<P>::configure &&
                  planner_requirements<P>::chunk_size && planner_requirements<P>::next;

template <class R>
concept retry_policy = retry_policy_requirements<R>::default_constructible && retry_policy_requirements<R>::next_delay;

template <class F, class Codec = detail::probe_codec>
concept flavor =
    flavor_requirements<F, Codec>::copyable && flavor_requirements<F, Codec>::flavor_id &&
    flavor_requirements<F, Codec>::max_size && flavor_requirements<F, Codec>::status &&
    flavor_requirements<F, Codec>::intermediate_status && flavor_requirements<F, Codec>::is_final_status &&
    flavor_requirements<F, Codec>::result_kind && flavor_requirements<F, Codec>::default_planner &&
    flavor_requirements<F, Codec>::graph_base && flavor_requirements<F, Codec>::create_url &&
    flavor_requirements<F, Codec>::create_headers && flavor_requirements<F, Codec>::create_body &&
    flavor_requirements<F, Codec>::deferred_commit && flavor_requirements<F, Codec>::single_request_for &&
    flavor_requirements<F, Codec>::single_request_url && flavor_requirements<F, Codec>::single_request_body &&
    flavor_requirements<F, Codec>::single_request_headers && flavor_requirements<F, Codec>::lost_final_policy &&
    flavor_requirements<F, Codec>::item_url && flavor_requirements<F, Codec>::upload_auth &&
    flavor_requirements<F, Codec>::fragment_suffix;
#endif

}  // namespace rangeup
