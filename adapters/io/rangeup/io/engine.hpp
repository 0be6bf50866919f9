#pragma once
// rangeup::io::upload_engine: everything a driver does around an upload
// session except the I/O. Given *now* and what the transport reported, it says
// what to do next — send this request, wait until then, fetch a token, or
// stop — and it owns what every driver must get right the same way: the
// integrity hash of the bytes as they are read, the overall timeout, the cancel
// flag (and the DELETE that stopping sends), the shared rate limit, progress
// hooks, token requests and saving the resume token at the right moments.
// It reads no clock and never sleeps: `now` is the caller's steady clock in
// milliseconds, so a game loop can drive it from tick(), a test from a fake
// clock. rangeup::upload (blocking), curl::multi_upload and
// beast::async_upload are loops around it; so is examples/game_loop_upload.cpp.
//
//   io::upload_engine<Session, Source> e(session, source, options, now, unix_ms);
//   for (;;) {
//     auto a = e.next(now);
//     send:       start sending *a.request, reading the body from e.body()
//                 (ask e.admit() first when a rate limit is set); while it is
//                 out, call e.request_may_continue(now) now and then (false:
//                 abort it and report errc::cancelled); then e.on_response(r, now)
//                 or e.on_transport_error(ec, now)
//     wait:       call next() again at a.until (or earlier: e.check_by(now))
//     need_token: e.fetch_token() (calls options.tokens), or e.on_token(t)
//     finished:   e.outcome() is final
//   }
//
// Lifetimes: session, source and options must outlive the engine; a request
// view is valid until the response or error is reported.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/clock.hpp"
#include "rangeup/error.hpp"
#include "rangeup/http.hpp"
#include "rangeup/io/hashing_source.hpp"
#include "rangeup/io/rate_limiter.hpp"
#include "rangeup/io/upload_options.hpp"
#include "rangeup/quick_xor_hash.hpp"
#include "rangeup/result.hpp"
#include "rangeup/resume_token.hpp"
#include "rangeup/step.hpp"

namespace rangeup {
namespace io {

struct engine_action {
  enum class kind : unsigned char { send, wait, need_token, finished };
  kind what = kind::finished;
  const request_view* request = nullptr;  // send: valid until the outcome is reported
  instant until{};                        // wait: call next() again then
  std::string_view stale_token;           // need_token: the token the service rejected ("" if none yet)
};

namespace detail {

// Members a Session may lack (test doubles, older sessions): each is used only when present.
template <class T, class = void>
struct has_wall_clock : std::false_type {};
template <class T>
struct has_wall_clock<T, std::void_t<decltype(std::declval<T&>().set_wall_clock(instant{}, std::int64_t{}))>>
    : std::true_type {};
template <class T, class = void>
struct has_observer : std::false_type {};
template <class T>
struct has_observer<T, std::void_t<decltype(std::declval<T&>().set_observer(static_cast<progress_observer*>(nullptr)))>>
    : std::true_type {};
template <class T, class = void>
struct has_progress_info : std::false_type {};
template <class T>
struct has_progress_info<T, std::void_t<decltype(progress(std::declval<const T&>().progress_info()))>>
    : std::true_type {};
template <class T, class = void>
struct has_resume_token : std::false_type {};
template <class T>
struct has_resume_token<T, std::void_t<decltype(std::declval<const T&>().save_resume_token(static_cast<char*>(nullptr),
                                                                                         std::size_t{})),
                                       decltype(bool(std::declval<const T&>().final_request_next()))>>
    : std::true_type {};
template <class T, class = void>
struct has_completion_doubt : std::false_type {};
template <class T>
struct has_completion_doubt<T, std::void_t<decltype(bool(std::declval<const T&>().may_have_completed()))>>
    : std::true_type {};
template <class T, class = void>
struct asks_for_tokens : std::false_type {};
template <class T>
struct asks_for_tokens<T, std::void_t<decltype(std::declval<T&>().token_unavailable(std::error_code{})),
                                      decltype(std::string_view(std::declval<const T&>().bearer_token())),
                                      decltype(bool(std::declval<const T&>().token_stale()))>> : std::true_type {};

}  // namespace detail

template <class Session, class Source>
class upload_engine {
 public:
  using action = engine_action;

  // What the transport reads the body from: the caller's source, hashed on the
  // way when options.verify_integrity. Reads do not wait for the rate limit:
  // ask admit() first (blocking drivers sleep until it allows, see
  // blocking_upload.hpp; non-blocking ones pause the transfer).
  class body_source {
   public:
    std::uint64_t size() const noexcept { return e_->hashing_.size(); }
    result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
      result<std::size_t> got =
          e_->options_.verify_integrity ? e_->hashing_.read_at(offset, out, n) : e_->hashing_.inner().read_at(offset, out, n);
      if (got) e_->credit_ -= *got < e_->credit_ ? *got : e_->credit_;
      return got;
    }

   private:
    friend class upload_engine;
    explicit body_source(upload_engine* e) noexcept : e_(e) {}
    upload_engine* e_;
  };

  // now: the driver's steady clock; unix_ms: the wall clock at the same moment
  // (for Retry-After dates and expirationDateTime).
  upload_engine(Session& session, Source& source, const upload_options& options, instant now,
                std::int64_t unix_ms) noexcept
      : session_(session), options_(options), hashing_(source), start_(now) {
    if constexpr (detail::has_observer<Session>::value)
      if (options.observer != nullptr) session.set_observer(options.observer);
    if constexpr (detail::has_wall_clock<Session>::value) session.set_wall_clock(now, unix_ms);
    (void)unix_ms;
  }
  upload_engine(const upload_engine&) = delete;  // body_source points back here
  upload_engine& operator=(const upload_engine&) = delete;

  action next(instant now) noexcept {
    if (finished_) return action{};
    if (stop_now_ != errc{}) return finish(now, stopped(stop_now_));
    if (abandoned_) return finish(now, stopped(stopping_));
    if (stopping_ == errc{}) {
      const errc why = stop_reason(now);
      if (why != errc{} && !stop(why, now)) return finish(now, stopped(why));
    } else if (++steps_after_stop_ > 6 || now.ms - stop_started_ > options_.delete_timeout_ms) {
      return finish(now, stopped(stopping_));  // the DELETE did not go through: give up on it
    }

    const step s = session_.next_step(now);
    action a;
    switch (s.what()) {
      case step::kind::done:
        out_.result = *s.done();
        return finish(now, check_integrity());
      case step::kind::failed:
        out_.error = *s.failed();
        // The session's "cancelled" says less than why we stopped; its
        // completion_unknown (a single request abandoned while out) says more.
        if (stopping_ != errc{} && out_.error.code != errc::completion_unknown) {
          out_.error = failure{};
          return finish(now, stopped(stopping_));
        }
        return finish(now, out_.error.code);
      case step::kind::wait:
        a.what = action::kind::wait;
        a.until = *s.wait_until();
        return a;
      case step::kind::need_token:
        a.what = action::kind::need_token;
        a.stale_token = stale_token();
        return a;
      case step::kind::send:
        break;
    }
    aborted_ = false;
    a.what = action::kind::send;
    a.request = s.request();
    return a;
  }

  // The answer to the request next() asked for.
  void on_response(const response_view& r, instant now) noexcept {
    if (!request_ended(now)) return;
    session_.on_response(r, now);
    after_exchange(now);
  }
  // The request failed without an answer (or was aborted: errc::cancelled).
  void on_transport_error(std::error_code ec, instant now) noexcept {
    if (!request_ended(now)) return;
    session_.on_transport_error(ec, now);
    after_exchange(now);
  }

  // Answers need_token with options.tokens (which may block). Without a
  // provider the upload ends: errc::unauthorized when the service rejected
  // the token it had, errc::token_unavailable when there never was one.
  void fetch_token() {
    const std::string_view stale = stale_token();
    if (!options_.tokens) return refuse_token(make_error_code(stale.empty() ? errc::token_unavailable : errc::unauthorized));
    std::string fresh;
    std::error_code ec;
    ++out_.tokens_fetched;
#if defined(__cpp_exceptions)
    try {
      ec = options_.tokens(stale, fresh);
    } catch (...) {
      ec = make_error_code(errc::token_unavailable);
    }
#else
    ec = options_.tokens(stale, fresh);
#endif
    if (ec) return refuse_token(ec);
    on_token(fresh);
  }
  // Answers need_token with a token from elsewhere (copied; empty = none).
  void on_token(std::string_view fresh) {
    if (fresh.empty()) return refuse_token(make_error_code(errc::token_unavailable));
    token_.assign(fresh.data(), fresh.size());  // the session keeps a view of our copy
    if constexpr (detail::asks_for_tokens<Session>::value) session_.set_bearer_token(std::string_view(token_));
  }
  // Answers need_token with "there is none": the upload ends with ec.
  void refuse_token(std::error_code ec) noexcept {
    if constexpr (detail::asks_for_tokens<Session>::value) session_.token_unavailable(ec);
    else stop_now_ = errc::token_unavailable;
  }

  // Stops the upload from outside (e.g. an Asio cancellation): like the
  // cancel flag, noticed at the next next() or request_may_continue(). Asked
  // again while the stopping DELETE is out, it abandons the DELETE.
  void request_stop(errc why = errc::cancelled) noexcept {
    if (stopping_ != errc{}) abandoned_ = true;
    else if (stop_request_ == errc{}) stop_request_ = why;
  }

  // While a request is out: whether it may go on. Not once the upload must
  // stop (then abort it and report errc::cancelled), and the DELETE that
  // stopping sends only for delete_timeout_ms.
  bool request_may_continue(instant now) noexcept {
    if (stopping_ != errc{}) return !abandoned_ && now.ms - stop_started_ < options_.delete_timeout_ms;
    if (stop_reason(now) == errc{}) return true;
    aborted_ = true;
    return false;
  }
  // Whether a wait should end early: the upload must stop (next() says how).
  bool must_stop(instant now) const noexcept { return stopping_ == errc{} && stop_reason(now) != errc{}; }
  // The latest time to look again (request_may_continue / next) while a
  // request is out or a wait lasts, so the cancel flag and deadlines are seen.
  instant check_by(instant now) const noexcept {
    std::int64_t by = now.ms + (options_.poll_interval_ms > 0 ? options_.poll_interval_ms : 1);
    if (stopping_ != errc{}) {
      if (stop_started_ + options_.delete_timeout_ms < by) by = stop_started_ + options_.delete_timeout_ms;
    } else if (options_.timeout_ms > 0 && start_.ms + options_.timeout_ms < by) {
      by = start_.ms + options_.timeout_ms;
    }
    return instant{by < now.ms ? now.ms : by};
  }

  // Body bytes of the current request put on the wire so far.
  void on_send_progress(std::uint64_t sent) noexcept {
    if (options_.on_send != nullptr) options_.on_send(options_.send_context, sent);
  }

  // Rate limit: how many of n body bytes may be read at `now`; 0 when none
  // may go before *until. Bytes are reserved from the bucket ~50 ms worth at
  // a time; body().read_at spends them.
  std::size_t admit(std::size_t n, instant now, instant* until) noexcept {
    io::rate_limiter* limit = options_.rate_limit;
    // An upload that is stopping is not paced: its request is about to be aborted.
    if (limit == nullptr || stopping_ != errc{} || n == 0) return n;
    if (credit_ == 0) {
      credit_ = n < limit->piece_size() ? n : limit->piece_size();
      due_ = limit->reserve(credit_, now.ms);
    }
    if (due_ > now.ms) {
      *until = instant{due_};
      return 0;
    }
    return n < credit_ ? n : credit_;
  }

  body_source& body() noexcept { return body_; }
  bool finished() const noexcept { return finished_; }
  const upload_outcome& outcome() const noexcept { return out_; }
  const upload_options& options() const noexcept { return options_; }

 private:
  errc stop_reason(instant now) const noexcept {
    if (stop_request_ != errc{}) return stop_request_;
    if (options_.cancel_flag != nullptr && options_.cancel_flag->load(std::memory_order_relaxed)) return errc::cancelled;
    if (options_.should_cancel != nullptr && options_.should_cancel(options_.cancel_context)) return errc::cancelled;
    if (options_.timeout_ms > 0 && now.ms - start_.ms >= options_.timeout_ms) return errc::timeout;
    return errc{};
  }

  std::string_view stale_token() const noexcept {
    if constexpr (detail::asks_for_tokens<Session>::value)
      return session_.token_stale() ? session_.bearer_token() : std::string_view{};
    return {};
  }

  // A request ended; false when the session must not hear of it (the upload
  // was aborted with nothing more to send).
  bool request_ended(instant now) noexcept {
    on_send_progress(0);
    if (aborted_ && stopping_ == errc{}) {
      // Aborted mid-request by cancel/timeout: the answer no longer matters.
      const errc why = stop_reason(now) != errc{} ? stop_reason(now) : errc::cancelled;
      if (!stop(why, now)) {
        stop_now_ = why;
        return false;
      }
    }
    return true;
  }

  void after_exchange(instant now) noexcept {
    if (options_.after_exchange != nullptr) options_.after_exchange(options_.exchange_context);
    if constexpr (detail::has_resume_token<Session>::value) save_resume_token(now, session_.final_request_next());
  }

  // Hands the session's resume token to options.on_resume_token when it says
  // something new: at once for a new uploadUrl or when forced, else throttled.
  void save_resume_token(instant now, bool force) noexcept {
    if constexpr (detail::has_resume_token<Session>::value) {
      if (options_.on_resume_token == nullptr) return;
      const result<std::size_t> n = session_.save_resume_token(resume_buf_, sizeof resume_buf_);
      if (!n) return;  // no live session (not created yet, or finished)
      const std::string_view text(resume_buf_, *n);
      const std::uint64_t sum = fnv1a64(text);
      if (saved_ && sum == saved_sum_) return;
      const std::uint64_t url = fnv1a64(url_line(text));
      const bool new_url = !saved_ || url != saved_url_;
      if (!force && !new_url && now.ms - saved_at_ < options_.resume_interval_ms) return;
      options_.on_resume_token(options_.resume_context, text);
      saved_ = true;
      saved_sum_ = sum;
      saved_url_ = url;
      saved_at_ = now.ms;
    }
    (void)now;
    (void)force;
  }
  static std::string_view url_line(std::string_view token) noexcept {
    const std::size_t at = token.find("\nurl=");
    if (at == std::string_view::npos) return {};
    const std::size_t end = token.find('\n', at + 1);
    return token.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
  }

  // Stops the upload: DELETE the session (the session does it on cancel())
  // or leave it for a resume. False when nothing is left to send.
  bool stop(errc why, instant now) noexcept {
    stopping_ = why;
    stop_started_ = now.ms;
    if (!options_.delete_on_cancel) return false;
    session_.cancel();
    return true;
  }

  // Why a stopped upload ended: the stop's reason, unless a single request
  // went out unanswered and may have created the item.
  std::error_code stopped(errc why) const noexcept {
    if constexpr (detail::has_completion_doubt<Session>::value)
      if (session_.may_have_completed()) return make_error_code(errc::completion_unknown);
    return make_error_code(why);
  }

  std::error_code check_integrity() noexcept {
    if (!options_.verify_integrity) return {};
    if (const std::error_code ec = hashing_.finish()) return ec;
    char local[quick_xor_hash::base64_length + 1];
    (void)hashing_.hash().finalize_base64(local, sizeof local);
    (void)out_.quick_xor_hash.assign(std::string_view(local));
    if (out_.result.quick_xor_hash.empty()) return {};
    out_.integrity_checked = true;
    if (std::string_view(out_.result.quick_xor_hash.c_str()) == std::string_view(local)) return {};
    out_.error.http_status = out_.result.http_status;
    return make_error_code(errc::integrity_mismatch);
  }

  action finish(instant now, std::error_code code) noexcept {
    finished_ = true;
    on_send_progress(0);
    out_.code = code;
    out_.error.code = code;
    if constexpr (detail::has_progress_info<Session>::value) out_.stats = session_.progress_info();
    out_.seconds = static_cast<double>(now.ms - start_.ms) / 1000.0;
    if (code) save_resume_token(now, true);  // a failed upload stays resumable from where it got
    return action{};
  }

  Session& session_;
  const upload_options& options_;
  io::hashing_source<Source> hashing_;
  body_source body_{this};
  const instant start_;
  upload_outcome out_;
  std::string token_;            // the bearer the session views
  errc stop_request_{};          // request_stop()
  errc stopping_{};              // why the upload is stopping (the DELETE may be out)
  std::int64_t stop_started_ = 0;
  int steps_after_stop_ = 0;
  errc stop_now_{};              // aborted with nothing to send: finish with this
  bool abandoned_ = false;       // request_stop() twice: do not wait for the DELETE
  bool aborted_ = false;         // the request out was aborted by request_may_continue
  bool finished_ = false;
  std::size_t credit_ = 0;       // bytes reserved from the rate limiter, not yet read
  std::int64_t due_ = 0;         // when they may be sent
  bool saved_ = false;           // a resume token was handed out
  std::uint64_t saved_sum_ = 0;  // ... with this checksum
  std::uint64_t saved_url_ = 0;  // ... and this url line
  std::int64_t saved_at_ = 0;
  char resume_buf_[max_resume_token_size];
};

}  // namespace io
}  // namespace rangeup
