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

#include <atomic>
#include <chrono>
#include <cstdint>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include "rangeup/clock.hpp"
#include "rangeup/error.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/http.hpp"
#include "rangeup/io/hashing_source.hpp"
#include "rangeup/io/rate_limiter.hpp"
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
  // Hash the bytes as they are sent; compare with the service's hash if it has one.
  bool verify_integrity = true;
  // Pace the upload through this bucket (may be shared by several uploads); null = unlimited.
  io::rate_limiter* rate_limit = nullptr;
};

struct upload_outcome {
  std::error_code code;  // empty on success
  upload_result result;  // when !code
  failure error;         // when code (error.code == code)
  progress stats;
  double seconds = 0;
  // verify_integrity: the QuickXorHash (base64) of the source, when the upload
  // got as far as the service accepting every byte; empty otherwise.
  fixed_string<32> quick_xor_hash;
  bool integrity_checked = false;  // the service reported a hash and it was compared
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

  // Sleeps until `until` (steady ms) in slices, returning early on cancel/timeout.
  void sleep_until(std::int64_t until) const noexcept {
    std::int64_t left = until - steady_ms();
    while (left > 0 && stop_reason() == errc{}) {
      const std::int64_t slice = left < o_.poll_interval_ms ? left : o_.poll_interval_ms;
      std::this_thread::sleep_for(std::chrono::milliseconds(slice));
      left = until - steady_ms();
    }
  }

  const upload_options& o_;
  const std::int64_t start_;
  errc stopping_{};
  std::int64_t stop_started_ = 0;
  bool aborted_ = false;  // the last request was aborted by on_send_progress
};

// What the transport reads from: the caller's source, paced by the rate
// limiter and hashed on the way, each only when asked for.
template <class Source>
class driver_source {
 public:
  driver_source(Source& inner, const upload_driver_state& st) noexcept : hashing_(inner), st_(st) {}

  std::uint64_t size() const noexcept { return hashing_.size(); }

  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
    if (io::rate_limiter* limit = st_.o_.rate_limit) {
      if (n > limit->piece_size()) n = limit->piece_size();
      // An upload that is stopping is not paced: its request is about to be aborted.
      if (st_.stopping_ == errc{}) st_.sleep_until(limit->reserve(n, steady_ms()));
    }
    if (st_.o_.verify_integrity) return hashing_.read_at(offset, out, n);
    return hashing_.inner().read_at(offset, out, n);
  }

  io::hashing_source<Source>& hashing() noexcept { return hashing_; }

 private:
  io::hashing_source<Source> hashing_;
  const upload_driver_state& st_;
};

}  // namespace detail

template <class Session, class Transport, class Source>
upload_outcome upload(Session& session, Transport& transport, Source& source, const upload_options& options = {}) {
  detail::upload_driver_state st(options);
  detail::driver_source<Source> paced(source, st);
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
      case step::kind::done: {
        out.result = *s.done();
        if (!options.verify_integrity) return finish({});
        if (const std::error_code ec = paced.hashing().finish()) return finish(ec);
        char local[quick_xor_hash::base64_length + 1];
        (void)paced.hashing().hash().finalize_base64(local, sizeof local);
        (void)out.quick_xor_hash.assign(std::string_view(local));
        if (out.result.quick_xor_hash.empty()) return finish({});
        out.integrity_checked = true;
        if (std::string_view(out.result.quick_xor_hash.c_str()) == std::string_view(local)) return finish({});
        out.error.http_status = out.result.http_status;
        return finish(make_error_code(errc::integrity_mismatch));
      }
      case step::kind::failed:
        out.error = *s.failed();
        if (st.stopping_ != errc{}) {  // the session's "cancelled" says less than why we stopped
          out.error = failure{};
          return finish(make_error_code(st.stopping_));
        }
        return finish(out.error.code);
      case step::kind::wait: {
        st.sleep_until(s.wait_until()->ms);
        break;
      }
      case step::kind::send: {
        st.aborted_ = false;
        auto r = transport.perform(*s.request(), paced);
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
