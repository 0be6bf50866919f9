// A policy that lacks a member fails with a static_assert that names the member
// (rangeup/policies.hpp, rangeup/codec.hpp, rangeup/transport.hpp), not with an
// error deep inside the session or a driver. Each type below is complete, so
// the translation unit compiles as it is (the control); defining one MISSING_*
// macro removes one member, and tests/compile/CMakeLists.txt checks that the
// compiler then names exactly it. CONCEPT_* (C++20) use the concepts instead.
#include <rangeup/rangeup.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace ru = rangeup;

// A user's own flavor, written from scratch (nothing inherited).
struct my_flavor {
  std::string_view graph_base = "https://graph.microsoft.com/v1.0";
  static constexpr std::string_view flavor_id = "mine";
  static constexpr std::uint64_t max_size = 1024;
  static constexpr ru::status_query status = ru::status_query::documented;
#ifndef MISSING_FLAVOR_INTERMEDIATE_STATUS
  static constexpr int intermediate_status = 202;
#endif
  static constexpr bool is_final_status(int s) noexcept { return s == 200 || s == 201; }
  static constexpr ru::final_result result_kind = ru::final_result::document;
  using default_planner = ru::drive_planner;
  std::error_code create_url(ru::text_writer& w, const ru::file_info&) const noexcept {
    w.append(graph_base).append("/me/drive/root:/x:/createUploadSession");
    return {};
  }
  std::size_t create_headers(ru::header_field*, std::size_t) const noexcept { return 0; }
  template <class Codec>
  ru::result<std::size_t> create_body(const ru::file_info&, char* out, std::size_t capacity) const noexcept {
    return Codec::write_create_body(ru::create_body{}, out, capacity);
  }
  bool deferred_commit() const noexcept { return false; }
};

// A user's planner, retry policy and codec.
struct my_planner {
  std::error_code configure(std::uint64_t, std::uint64_t) noexcept { return {}; }
  std::uint64_t chunk_size() const noexcept { return 327680; }
#ifndef MISSING_PLANNER_NEXT
  ru::result<ru::content_range> next(const ru::byte_range* ranges, std::size_t count, std::uint64_t total) const noexcept {
    return ru::first_fragment(ranges, count, total, chunk_size());
  }
#endif
};

struct my_retry {
#ifndef MISSING_RETRY_NEXT_DELAY
  std::int64_t next_delay(std::uint32_t attempt, std::int64_t, std::int64_t) noexcept { return attempt < 3 ? 10 : -1; }
#endif
};

struct my_codec : ru::json::builtin_codec {
#ifdef MISSING_CODEC_NOEXCEPT
  // Hides the built-in one with a member that may throw.
  static std::error_code parse_drive_item(std::string_view, ru::drive_item_document&) { return {}; }
#endif
};

// A user's source and a transport for their engine's HTTP client.
struct my_source {
  std::uint64_t size() const noexcept { return 0; }
#ifndef MISSING_SOURCE_READ_AT
  ru::result<std::size_t> read_at(std::uint64_t, char*, std::size_t) noexcept { return std::size_t{0}; }
#endif
};

struct my_transport {
#ifndef MISSING_TRANSPORT_PERFORM
  template <class Source>
  ru::result<ru::response_view> perform(const ru::request_view& request, Source&) noexcept {
    if (auto ec = ru::validate_request(request)) return ec;
    return ru::errc::connection_failed;
  }
#else
  // What an engine's client might call it instead.
  ru::result<ru::response_view> send(const ru::request_view&) noexcept { return ru::errc::connection_failed; }
#endif
};

#if defined(CONCEPT_TRANSPORT) || defined(CONCEPT_FLAVOR)
template <ru::transport<my_source> T>
void drive(T&) {}
template <ru::flavor F>
void make(const F&) {}
#endif

int main() {
#if defined(CONCEPT_TRANSPORT) || defined(CONCEPT_FLAVOR)
  // C++20: as type constraints; the compiler's note names the unmet flag.
  my_transport t;
  drive(t);
  make(my_flavor{});
#else
  // Through the session, as a user meets it: the class checks its four policies.
  ru::upload_session<my_flavor, my_planner, my_retry, my_codec> session(my_flavor{}, ru::file_info{"x", 10});
  (void)session.next_step(ru::instant{0});
  // The checkers the drivers use for sources and transports.
  static_assert(ru::require_source<my_source>());
  static_assert(ru::require_transport<my_transport, my_source>());
#endif
  return 0;
}
