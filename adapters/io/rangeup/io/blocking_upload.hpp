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
// Transport: result<response_view> perform(const request_view&, Source&);
// optionally void set_send_progress(bool (*)(void*, uint64_t, uint64_t) noexcept, void*).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include "rangeup/clock.hpp"
#include "rangeup/error.hpp"
#include "rangeup/http.hpp"
#include "rangeup/step.hpp"

namespace rangeup {

struct upload_options {
  const std::atomic<bool>* cancel_flag = nullptr;
  bool (*should_cancel)(void* context) noexcept = nullptr;
  void* cancel_context = nullptr;
  bool delete_on_cancel = true;       // DELETE the session on cancel / timeout
  std::int64_t timeout_ms = 0;        // the whole upload; 0 = no limit
  std::int64_t delete_timeout_ms = 10000;  // how long the DELETE may take
  progress_observer* observer = nullptr;   // installed on the session
  // Body bytes sent so far in the current request (0 between requests).
  void (*on_send)(void* context, std::uint64_t sent) noexcept = nullptr;
  void* send_context = nullptr;
  // After every answered or failed request, once the session has digested it
  // (e.g. to persist a resume token).
  void (*after_exchange)(void* context) noexcept = nullptr;
  void* exchange_context = nullptr;
  std::int64_t poll_interval_ms = 100;  // how often waits look at the cancel flag
};

struct upload_outcome {
  std::error_code code;  // empty on success
  upload_result result;  // when !code
  failure error;         // when code (error.code == code)
  progress stats;
  double seconds = 0;
  explicit operator bool() const noexcept { return !code; }
};

namespace detail {

template <class T, class = void>
struct has_send_progress : std::false_type {};
template <class T>
struct has_send_progress<T, std::void_t<decltype(std::declval<T&>().set_send_progress(
                                static_cast<bool (*)(void*, std::uint64_t, std::uint64_t) noexcept>(nullptr),
                                static_cast<void*>(nullptr)))>> : std::true_type {};

inline std::int64_t steady_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline std::int64_t unix_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class upload_driver_state {
 public:
  explicit upload_driver_state(const upload_options& o) noexcept : o_(o), start_(steady_ms()) {}

  instant now() const noexcept { return instant{steady_ms()}; }

  // Why the upload must stop now (cancelled / timeout), or none.
  errc stop_reason() const noexcept {
    if (o_.cancel_flag != nullptr && o_.cancel_flag->load(std::memory_order_relaxed)) return errc::cancelled;
    if (o_.should_cancel != nullptr && o_.should_cancel(o_.cancel_context)) return errc::cancelled;
    if (o_.timeout_ms > 0 && steady_ms() - start_ >= o_.timeout_ms) return errc::timeout;
    return errc{};
  }

  // The transport's send-progress hook: reports bytes; false aborts the request.
  static bool on_send_progress(void* self, std::uint64_t sent, std::uint64_t) noexcept {
    auto& s = *static_cast<upload_driver_state*>(self);
    if (s.o_.on_send != nullptr) s.o_.on_send(s.o_.send_context, sent);
    if (s.stopping_ != errc{}) return steady_ms() - s.stop_started_ < s.o_.delete_timeout_ms;  // let the DELETE run
    if (s.stop_reason() == errc{}) return true;
    s.aborted_ = true;
    return false;
  }

  void begin_stop(errc why) noexcept {
    stopping_ = why;
    stop_started_ = steady_ms();
  }

  const upload_options& o_;
  const std::int64_t start_;
  errc stopping_{};
  std::int64_t stop_started_ = 0;
  bool aborted_ = false;  // the last request was aborted by on_send_progress
};

}  // namespace detail

template <class Session, class Transport, class Source>
upload_outcome upload(Session& session, Transport& transport, Source& source, const upload_options& options = {}) {
  detail::upload_driver_state st(options);
  upload_outcome out;
  if (options.observer != nullptr) session.set_observer(options.observer);
  session.set_wall_clock(st.now(), detail::unix_ms());
  if constexpr (detail::has_send_progress<Transport>::value)
    transport.set_send_progress(&detail::upload_driver_state::on_send_progress, &st);

  auto finish = [&](std::error_code code) {
    if constexpr (detail::has_send_progress<Transport>::value) transport.set_send_progress(nullptr, nullptr);
    if (options.on_send != nullptr) options.on_send(options.send_context, 0);
    out.code = code;
    out.error.code = code;
    out.stats = session.progress_info();
    out.seconds = static_cast<double>(detail::steady_ms() - st.start_) / 1000.0;
    return out;
  };
  // Stops the upload: DELETE the session (the session does it on cancel())
  // or leave it for a resume.
  auto stop = [&](errc why) -> bool {
    st.begin_stop(why);
    if (!options.delete_on_cancel) return false;
    session.cancel();
    return true;
  };

  int steps_after_stop = 0;
  while (true) {
    if (st.stopping_ == errc{}) {
      const errc why = st.stop_reason();
      if (why != errc{} && !stop(why)) return finish(make_error_code(why));
    } else if (++steps_after_stop > 4 || detail::steady_ms() - st.stop_started_ > options.delete_timeout_ms) {
      return finish(make_error_code(st.stopping_));  // the DELETE did not go through: give up on it
    }

    const step s = session.next_step(st.now());
    switch (s.what()) {
      case step::kind::done:
        out.result = *s.done();
        return finish({});
      case step::kind::failed:
        out.error = *s.failed();
        if (st.stopping_ != errc{}) {  // the session's "cancelled" says less than why we stopped
          out.error = failure{};
          return finish(make_error_code(st.stopping_));
        }
        return finish(out.error.code);
      case step::kind::wait: {
        const std::int64_t until = s.wait_until()->ms;
        std::int64_t left = until - detail::steady_ms();
        while (left > 0 && st.stop_reason() == errc{}) {
          const std::int64_t slice = left < options.poll_interval_ms ? left : options.poll_interval_ms;
          std::this_thread::sleep_for(std::chrono::milliseconds(slice));
          left = until - detail::steady_ms();
        }
        break;
      }
      case step::kind::send: {
        st.aborted_ = false;
        auto r = transport.perform(*s.request(), source);
        if (options.on_send != nullptr) options.on_send(options.send_context, 0);
        if (st.aborted_ && st.stopping_ == errc{}) {
          // Aborted mid-request by cancel/timeout: the answer no longer matters.
          const errc why = st.stop_reason() != errc{} ? st.stop_reason() : errc::cancelled;
          if (!stop(why)) return finish(make_error_code(why));
        }
        if (r) session.on_response(*r, st.now());
        else session.on_transport_error(r.error(), st.now());
        if (options.after_exchange != nullptr) options.after_exchange(options.exchange_context);
        break;
      }
    }
  }
}

}  // namespace rangeup
