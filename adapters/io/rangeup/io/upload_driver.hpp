#pragma once
// What every rangeup driver does around an upload_session, without doing any
// I/O itself: io::upload_options / upload_outcome, and detail::upload_run, the
// step handling between next_step and on_response (cancel flag and overall
// timeout → DELETE, integrity check of the hashed bytes, paced and hashed
// reads). The blocking rangeup::upload() and curl::multi_upload only perform
// the requests and waits upload_run asks for, so their behaviour cannot drift.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>
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
#include "rangeup/quick_xor_hash.hpp"
#include "rangeup/result.hpp"
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

  // Whether the request in flight may go on: not once the upload must stop,
  // and the DELETE that stopping sends only for delete_timeout_ms. Drivers
  // that can abort a request call it while it runs; a false answer marks the
  // request as aborted (upload_run::on_result then stops the upload).
  bool request_may_continue() noexcept {
    if (stopping_ != errc{}) return steady_ms() - stop_started_ < o_.delete_timeout_ms;
    if (stop_reason() == errc{}) return true;
    aborted_ = true;
    return false;
  }

  // The send-progress hook of transports that offer set_send_progress:
  // reports bytes; false aborts the request.
  static bool on_send_progress(void* self, std::uint64_t sent, std::uint64_t) noexcept {
    auto& s = *static_cast<upload_driver_state*>(self);
    if (s.o_.on_send != nullptr) s.o_.on_send(s.o_.send_context, sent);
    return s.request_may_continue();
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
  bool aborted_ = false;  // the last request was aborted by request_may_continue
};

// What the transport reads from: the caller's source, paced by the rate
// limiter and hashed on the way, each only when asked for.
template <class Source>
class driver_source {
 public:
  driver_source(Source& inner, const upload_driver_state& st) noexcept : hashing_(inner), st_(st) {}

  std::uint64_t size() const noexcept { return hashing_.size(); }

  // Blocking read: waits for the rate limiter's permission first.
  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
    std::int64_t until = 0;
    std::size_t allowed = admit(n, steady_ms(), &until);
    if (allowed == 0) {
      st_.sleep_until(until);  // early on cancel: the request is about to be aborted anyway
      allowed = n < credit_ ? n : credit_;
    }
    return read_admitted(offset, out, allowed);
  }

  // Non-blocking pacing: how many of n bytes may be read at now_ms; 0 when
  // none may go before *until. Bytes are reserved from the bucket ~50 ms worth
  // at a time; read_admitted spends them.
  std::size_t admit(std::size_t n, std::int64_t now_ms, std::int64_t* until) noexcept {
    io::rate_limiter* limit = st_.o_.rate_limit;
    // An upload that is stopping is not paced: its request is about to be aborted.
    if (limit == nullptr || st_.stopping_ != errc{} || n == 0) return n;
    if (credit_ == 0) {
      credit_ = n < limit->piece_size() ? n : limit->piece_size();
      due_ = limit->reserve(credit_, now_ms);
    }
    if (due_ > now_ms) {
      *until = due_;
      return 0;
    }
    return n < credit_ ? n : credit_;
  }

  // Reads up to n bytes that admit() allowed.
  result<std::size_t> read_admitted(std::uint64_t offset, char* out, std::size_t n) noexcept {
    result<std::size_t> got = st_.o_.verify_integrity ? hashing_.read_at(offset, out, n)
                                                      : hashing_.inner().read_at(offset, out, n);
    if (got) credit_ -= *got < credit_ ? *got : credit_;
    return got;
  }

  io::hashing_source<Source>& hashing() noexcept { return hashing_; }

 private:
  io::hashing_source<Source> hashing_;
  const upload_driver_state& st_;
  std::size_t credit_ = 0;  // bytes reserved from the rate limiter, not yet read
  std::int64_t due_ = 0;    // when they may be sent
};

// What upload_run::next() asks its driver to do.
struct driver_action {
  enum class kind : unsigned char { send, wait, finished };
  kind what = kind::finished;
  const request_view* request = nullptr;  // send: valid until on_result
  std::int64_t until = 0;                 // wait: steady ms
};

// One upload's step handling. A driver loops:
//   auto a = run.next();
//   send:     perform *a.request reading run.source(), then run.on_result(response or error)
//   wait:     come back at a.until (steady ms), or earlier when must_stop()
//   finished: run.outcome() is final
template <class Session, class Source>
class upload_run {
 public:
  using action = driver_action;

  upload_run(Session& session, Source& source, const upload_options& options) noexcept
      : session_(session), options_(options), st_(options), source_(source, st_) {
    if (options.observer != nullptr) session.set_observer(options.observer);
    session.set_wall_clock(st_.now(), unix_ms());
  }
  upload_run(const upload_run&) = delete;  // st_ and source_ refer to each other
  upload_run& operator=(const upload_run&) = delete;

  action next() noexcept {
    if (finished_) return action{};
    if (stop_now_ != errc{}) return finish(stopped(stop_now_));
    if (st_.stopping_ == errc{}) {
      const errc why = st_.stop_reason();
      if (why != errc{} && !stop(why)) return finish(stopped(why));
    } else if (++steps_after_stop_ > 4 || steady_ms() - st_.stop_started_ > options_.delete_timeout_ms) {
      return finish(stopped(st_.stopping_));  // the DELETE did not go through: give up on it
    }

    const step s = session_.next_step(st_.now());
    switch (s.what()) {
      case step::kind::done:
        out_.result = *s.done();
        return finish(check_integrity());
      case step::kind::failed:
        out_.error = *s.failed();
        // The session's "cancelled" says less than why we stopped; its
        // completion_unknown (a single request abandoned while out) says more.
        if (st_.stopping_ != errc{} && out_.error.code != errc::completion_unknown) {
          out_.error = failure{};
          return finish(stopped(st_.stopping_));
        }
        return finish(out_.error.code);
      case step::kind::wait: {
        action a;
        a.what = action::kind::wait;
        a.until = s.wait_until()->ms;
        return a;
      }
      case step::kind::need_token:
        return finish(make_error_code(errc::token_unavailable));  // until io/engine.hpp answers it
      case step::kind::send:
        break;
    }
    st_.aborted_ = false;
    action a;
    a.what = action::kind::send;
    a.request = s.request();
    return a;
  }

  // The answer (or transport error) to the request next() asked for.
  void on_result(const result<response_view>& r) noexcept {
    if (options_.on_send != nullptr) options_.on_send(options_.send_context, 0);
    if (st_.aborted_ && st_.stopping_ == errc{}) {
      // Aborted mid-request by cancel/timeout: the answer no longer matters.
      const errc why = st_.stop_reason() != errc{} ? st_.stop_reason() : errc::cancelled;
      if (!stop(why)) {
        stop_now_ = why;
        return;
      }
    }
    if (r) session_.on_response(*r, st_.now());
    else session_.on_transport_error(r.error(), st_.now());
    if (options_.after_exchange != nullptr) options_.after_exchange(options_.exchange_context);
  }

  // Whether a wait may end early: the upload must stop (next() then says how).
  bool must_stop() const noexcept { return st_.stopping_ == errc{} && st_.stop_reason() != errc{}; }

  driver_source<Source>& source() noexcept { return source_; }
  upload_driver_state& state() noexcept { return st_; }
  bool finished() const noexcept { return finished_; }
  const upload_outcome& outcome() const noexcept { return out_; }

 private:
  // Stops the upload: DELETE the session (the session does it on cancel())
  // or leave it for a resume. False when nothing is left to send.
  bool stop(errc why) noexcept {
    st_.begin_stop(why);
    if (!options_.delete_on_cancel) return false;
    session_.cancel();
    return true;
  }

  // Why a stopped upload ended: the stop's reason, unless a single request
  // went out unanswered and may have created the item.
  std::error_code stopped(errc why) const noexcept {
    return make_error_code(session_.may_have_completed() ? errc::completion_unknown : why);
  }

  std::error_code check_integrity() noexcept {
    if (!options_.verify_integrity) return {};
    if (const std::error_code ec = source_.hashing().finish()) return ec;
    char local[quick_xor_hash::base64_length + 1];
    (void)source_.hashing().hash().finalize_base64(local, sizeof local);
    (void)out_.quick_xor_hash.assign(std::string_view(local));
    if (out_.result.quick_xor_hash.empty()) return {};
    out_.integrity_checked = true;
    if (std::string_view(out_.result.quick_xor_hash.c_str()) == std::string_view(local)) return {};
    out_.error.http_status = out_.result.http_status;
    return make_error_code(errc::integrity_mismatch);
  }

  action finish(std::error_code code) noexcept {
    finished_ = true;
    if (options_.on_send != nullptr) options_.on_send(options_.send_context, 0);
    out_.code = code;
    out_.error.code = code;
    out_.stats = session_.progress_info();
    out_.seconds = static_cast<double>(steady_ms() - st_.start_) / 1000.0;
    return action{};
  }

  Session& session_;
  const upload_options& options_;
  upload_driver_state st_;
  driver_source<Source> source_;
  upload_outcome out_;
  int steps_after_stop_ = 0;
  errc stop_now_{};  // aborted without a DELETE to send: finish with this
  bool finished_ = false;
};

}  // namespace detail
}  // namespace rangeup
