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
// Tokens (options.tokens): called on this thread whenever the session needs
// a bearer token (first use, and after a 401); see io/upload_options.hpp.
// Resume (options.on_resume_token): called when the token is worth saving.
//
// Transport: result<response_view> perform(const request_view&, Source&);
// optionally void set_send_progress(bool (*)(void*, uint64_t, uint64_t) noexcept, void*).
// Everything but the requests and the sleeps is io/engine.hpp's.

#include <chrono>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <utility>

#include "rangeup/io/engine.hpp"
#include "rangeup/io/upload_options.hpp"
#include "rangeup/transport.hpp"

namespace rangeup {
namespace detail {

template <class T, class = void>
struct has_send_progress : std::false_type {};
template <class T>
struct has_send_progress<T, std::void_t<decltype(std::declval<T&>().set_send_progress(
                                static_cast<bool (*)(void*, std::uint64_t, std::uint64_t) noexcept>(nullptr),
                                static_cast<void*>(nullptr)))>> : std::true_type {};

inline instant steady_now() noexcept {
  using namespace std::chrono;
  return instant{duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count()};
}
inline std::int64_t unix_now_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The blocking side of an engine: sleeps for waits and the rate limit (in
// slices, so a cancel is seen), and tells the transport to abort a request
// that must stop.
template <class Engine>
class blocking_loop {
 public:
  explicit blocking_loop(Engine& e) noexcept : e_(e) {}

  void sleep_until(instant until) const noexcept {
    for (instant now = steady_now(); now.ms < until.ms && !e_.must_stop(now); now = steady_now()) {
      const instant by = e_.check_by(now);
      const std::int64_t slice = (by.ms < until.ms ? by.ms : until.ms) - now.ms;
      std::this_thread::sleep_for(std::chrono::milliseconds(slice > 0 ? slice : 1));
    }
  }

  // What the transport reads: the engine's body, paced by its rate limit.
  std::uint64_t size() const noexcept { return e_.body().size(); }
  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
    instant until{};
    std::size_t allowed = e_.admit(n, steady_now(), &until);
    if (allowed == 0) {
      sleep_until(until);  // early on cancel: the request is about to be aborted anyway
      // The reserved bytes are due now (or the abort follows): spend them.
      const instant now = steady_now();
      allowed = e_.admit(n, now.ms > until.ms ? now : until, &until);
    }
    return e_.body().read_at(offset, out, allowed);
  }

  // The send-progress hook of transports that offer set_send_progress:
  // reports bytes; false aborts the request.
  static bool on_send_progress(void* self, std::uint64_t sent, std::uint64_t) noexcept {
    Engine& e = static_cast<blocking_loop*>(self)->e_;
    e.on_send_progress(sent);
    return e.request_may_continue(steady_now());
  }

 private:
  Engine& e_;
};

}  // namespace detail

template <class Session, class Transport, class Source>
upload_outcome upload(Session& session, Transport& transport, Source& source, const upload_options& options = {}) {
  static_assert(require_source<Source>() &&
                    require_transport<Transport, detail::blocking_loop<io::upload_engine<Session, Source>>>(),
                "upload: the Source or the Transport lacks a member (see above, rangeup/transport.hpp)");
  io::upload_engine<Session, Source> engine(session, source, options, detail::steady_now(), detail::unix_now_ms());
  detail::blocking_loop<io::upload_engine<Session, Source>> loop(engine);
  if constexpr (detail::has_send_progress<Transport>::value)
    transport.set_send_progress(&decltype(loop)::on_send_progress, &loop);
  using kind = io::engine_action::kind;
  for (auto a = engine.next(detail::steady_now()); a.what != kind::finished; a = engine.next(detail::steady_now())) {
    switch (a.what) {
      case kind::wait:
        loop.sleep_until(a.until);
        break;
      case kind::need_token:
        engine.fetch_token();
        break;
      case kind::send: {
        const result<response_view> r = transport.perform(*a.request, loop);
        if (r) engine.on_response(*r, detail::steady_now());
        else engine.on_transport_error(r.error(), detail::steady_now());
        break;
      }
      case kind::finished:
        break;
    }
  }
  if constexpr (detail::has_send_progress<Transport>::value) transport.set_send_progress(nullptr, nullptr);
  return engine.outcome();
}

}  // namespace rangeup
