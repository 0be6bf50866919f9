#pragma once
// Optional members of the session's policies, detected at compile time: the
// session uses each one only where the policy has it, and falls back to the
// documented default otherwise (flavor.hpp, adaptive_planner.hpp). The
// Flavor's other optional members (single_request_for, upload_auth,
// fragment_suffix) are detected in flavor.hpp beside their defaults.

#include <string_view>
#include <type_traits>
#include <utility>

#include "rangeup/adaptive_planner.hpp"

namespace rangeup {
namespace detail {

// Planners that learn from fragment outcomes (adaptive_planner) have on_fragment().
template <class P, class = void>
struct takes_fragment_reports : std::false_type {};
template <class P>
struct takes_fragment_reports<P, std::void_t<decltype(std::declval<P&>().on_fragment(fragment_report{}))>>
    : std::true_type {};

// Flavors that say what to do after a lost final answer (flavor.hpp:
// after_lost_final); without it the session reports completion_unknown.
template <class F, class = void>
struct has_lost_final_policy : std::false_type {};
template <class F>
struct has_lost_final_policy<F, std::void_t<decltype(std::declval<const F&>().lost_final_policy())>>
    : std::true_type {};

// Flavors whose item can be looked up by URL (after_lost_final::look_up).
template <class F, class = void>
struct has_item_url : std::false_type {};
template <class F>
struct has_item_url<F, std::void_t<decltype(std::declval<const F&>().item_url(std::string_view{}))>>
    : std::true_type {};

}  // namespace detail
}  // namespace rangeup
