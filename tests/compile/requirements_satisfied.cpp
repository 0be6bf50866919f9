// Every built-in policy meets its named requirement (rangeup/policies.hpp,
// rangeup/codec.hpp, rangeup/transport.hpp): the C++17 traits and the checkers
// always, the C++20 concepts when the translation unit is C++20. Built twice
// (-std=c++17, -std=c++20); a failure fails the build. The adapters' types are
// checked when their targets exist (RANGEUP_TEST_<NAME> set by CMake).
#include <rangeup/rangeup.hpp>

#ifdef RANGEUP_TEST_IO
#include <rangeup/io/file_source.hpp>
#include <rangeup/io/hashing_source.hpp>
#endif
#ifdef RANGEUP_TEST_CURL
#include <rangeup/curl/transport.hpp>
#endif
#ifdef RANGEUP_TEST_BEAST
#include <rangeup/beast/transport.hpp>
#endif
#ifdef RANGEUP_TEST_NLOHMANN
#include <rangeup/nlohmann_json/codec.hpp>
#endif
#ifdef RANGEUP_TEST_BOOST_JSON
#include <rangeup/boost_json/codec.hpp>
#endif

namespace ru = rangeup;

// ---- flavors, with the codec the session hands them and on their own ------------
static_assert(ru::require_flavor<ru::outlook_attachment, ru::json::builtin_codec>());
static_assert(ru::require_flavor<ru::todo_attachment, ru::json::builtin_codec>());
static_assert(ru::require_flavor<ru::drive_item, ru::json::builtin_codec>());
static_assert(ru::require_flavor<ru::print_document, ru::json::builtin_codec>());
static_assert(ru::is_flavor_v<ru::outlook_attachment> && ru::is_flavor_v<ru::todo_attachment> &&
              ru::is_flavor_v<ru::drive_item> && ru::is_flavor_v<ru::print_document>);

// ---- planners, retry, codec --------------------------------------------------------
static_assert(ru::require_planner<ru::attachment_planner>());
static_assert(ru::require_planner<ru::drive_planner>());
static_assert(ru::require_planner<ru::print_planner>());
static_assert(ru::require_planner<ru::adaptive_drive_planner>());
static_assert(ru::require_retry_policy<ru::exponential_backoff>());
static_assert(ru::require_codec<ru::json::builtin_codec>());
static_assert(ru::is_json_codec_v<ru::json::builtin_codec>);
static_assert(ru::detail::check_policies<ru::drive_item, ru::adaptive_drive_planner, ru::exponential_backoff,
                                         ru::json::builtin_codec>());

// ---- what is not a policy is refused without a hard error ------------------------------
static_assert(!ru::is_flavor_v<int> && !ru::is_planner_v<int> && !ru::is_retry_policy_v<int> &&
              !ru::is_json_codec_v<int> && !ru::is_source_v<int> && !ru::is_transport_v<int>);
static_assert(!ru::is_flavor_v<ru::drive_planner> && !ru::is_planner_v<ru::drive_item>);
static_assert(!ru::is_source_v<const char*>);

// ---- sources and transports ---------------------------------------------------------------
static_assert(ru::require_source<ru::memory_source>());
#ifdef RANGEUP_TEST_IO
static_assert(ru::require_source<ru::io::file_source>());
static_assert(ru::require_source<ru::io::hashing_source<ru::io::file_source>>());
#endif
#ifdef RANGEUP_TEST_CURL
static_assert(ru::require_transport<ru::curl::transport>());
static_assert(ru::require_transport<ru::curl::transport, ru::memory_source>());
#ifdef RANGEUP_TEST_IO
static_assert(ru::require_transport<ru::curl::transport, ru::io::file_source>());
#endif
#endif
#ifdef RANGEUP_TEST_BEAST
static_assert(ru::require_transport<ru::beast::transport>());
#ifdef RANGEUP_TEST_IO
static_assert(ru::require_transport<ru::beast::transport, ru::io::hashing_source<ru::io::file_source>>());
#endif
#endif
#ifdef RANGEUP_TEST_NLOHMANN
static_assert(ru::require_codec<ru::json::nlohmann_codec>());
static_assert(ru::require_flavor<ru::drive_item, ru::json::nlohmann_codec>());
#endif
#ifdef RANGEUP_TEST_BOOST_JSON
static_assert(ru::require_codec<ru::json::boost_json_codec>());
#endif

// ---- C++20: the concepts ---------------------------------------------------------------------
#if RANGEUP_HAS_CONCEPTS
static_assert(ru::flavor<ru::outlook_attachment> && ru::flavor<ru::todo_attachment> && ru::flavor<ru::drive_item> &&
              ru::flavor<ru::print_document>);
static_assert(ru::flavor<ru::drive_item, ru::json::builtin_codec>);
static_assert(ru::planner<ru::attachment_planner> && ru::planner<ru::drive_planner> &&
              ru::planner<ru::print_planner> && ru::planner<ru::adaptive_drive_planner>);
static_assert(ru::retry_policy<ru::exponential_backoff>);
static_assert(ru::codec<ru::json::builtin_codec> && ru::json_codec<ru::json::builtin_codec>);
static_assert(ru::source<ru::memory_source>);
static_assert(!ru::flavor<int> && !ru::planner<int> && !ru::retry_policy<int> && !ru::codec<int> &&
              !ru::source<int> && !ru::transport<int>);

// Usable as type constraints in user code.
template <ru::flavor F, ru::planner P = typename F::default_planner>
constexpr bool session_policies_ok() {
  return ru::is_flavor_v<F> && ru::is_planner_v<P>;
}
static_assert(session_policies_ok<ru::drive_item>());

#ifdef RANGEUP_TEST_IO
static_assert(ru::source<ru::io::file_source> && ru::source<ru::io::hashing_source<ru::io::file_source>>);
#endif
#ifdef RANGEUP_TEST_CURL
static_assert(ru::transport<ru::curl::transport> && ru::transport<ru::curl::transport, ru::memory_source>);
#endif
#ifdef RANGEUP_TEST_BEAST
static_assert(ru::transport<ru::beast::transport>);
#endif
#ifdef RANGEUP_TEST_NLOHMANN
static_assert(ru::codec<ru::json::nlohmann_codec>);
#endif
#ifdef RANGEUP_TEST_BOOST_JSON
static_assert(ru::codec<ru::json::boost_json_codec>);
#endif
#endif  // RANGEUP_HAS_CONCEPTS

int main() { return 0; }
