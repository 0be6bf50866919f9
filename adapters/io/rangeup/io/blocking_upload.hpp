#pragma once
// rangeup::upload(session, transport, source, options): the blocking driver.
// It asks the session what to do (next_step), does it (transport.perform /
// sleep), and reports back (on_response / on_transport_error) until the
// session is done or failed. Time is std::chrono::steady_clock mapped to
// rangeup::instant; the wall clock is handed to the session once so that
// Retry-After dates and expirationDateTime work.
//
// Cancellation: set *options.cancel_flag from any thread (a signal handler
// too: it is a lock-free atomic) or return true from options.should_cancel.
// A request in flight is aborted (when the transport offers set_send_progress),
// then the session is DELETEd (unless delete_on_cancel is false, which leaves
// it for a later resume) and the outcome is errc::cancelled. options.timeout_ms
// bounds the whole upload the same way, with errc::timeout.
//
// Integrity (options.verify_integrity, on by default): the bytes are hashed
// with QuickXorHash as the transport reads them (io::hashing_source; no second
// read of the file except a resumed upload's unsent prefix). The outcome
// carries the local digest; when the service reports one (driveItem
// file.hashes.quickXorHash) and it differs, the outcome is
// errc::integrity_mismatch, with outcome.result holding what the server said.
//
// Rate limit (options.rate_limit): reads from the source are paced by a
// shared io::rate_limiter, in pieces of ~50 ms worth of bytes, so the bytes
// handed to the transport (retransmits included) follow the limit.
//
// Transport: result<response_view> perform(const request_view&, Source&);
// optionally void set_send_progress(bool (*)(void*, uint64_t, uint64_t) noexcept, void*).
// The step handling itself lives in io/upload_driver.hpp (shared with
// curl::multi_upload); this file only performs requests and sleeps.

#include <cstdint>
#include <type_traits>
#include <utility>

#include "rangeup/io/upload_driver.hpp"

namespace rangeup {
namespace detail {

template <class T, class = void>
struct has_send_progress : std::false_type {};
template <class T>
struct has_send_progress<T, std::void_t<decltype(std::declval<T&>().set_send_progress(
                                static_cast<bool (*)(void*, std::uint64_t, std::uint64_t) noexcept>(nullptr),
                                static_cast<void*>(nullptr)))>> : std::true_type {};

}  // namespace detail

template <class Session, class Transport, class Source>
upload_outcome upload(Session& session, Transport& transport, Source& source, const upload_options& options = {}) {
  detail::upload_run<Session, Source> run(session, source, options);
  if constexpr (detail::has_send_progress<Transport>::value)
    transport.set_send_progress(&detail::upload_driver_state::on_send_progress, &run.state());
  using kind = detail::driver_action::kind;
  for (auto a = run.next(); a.what != kind::finished; a = run.next()) {
    if (a.what == kind::wait) run.state().sleep_until(a.until);
    else run.on_result(transport.perform(*a.request, run.source()));
  }
  if constexpr (detail::has_send_progress<Transport>::value) transport.set_send_progress(nullptr, nullptr);
  return run.outcome();
}

}  // namespace rangeup
