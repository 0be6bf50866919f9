#pragma once
// The asynchronous driver: async_upload(executor, session, source, options,
// token) runs an upload_session on Asio — requests over one keep-alive
// basic_connection, waits on a steady_timer (no sleeping threads) — as one
// composed operation. Completion signature:
//
//     void(std::error_code, rangeup::upload_result)
//
// The error is 0 on success, else the session's failure code (the server's
// error.code / status stay readable via session.next_step(now).failed(), or
// in options.outcome).
//
// upload_options are rangeup::upload's (adapters/io) and do the same: the
// step handling is io/engine.hpp's upload_engine, this file only performs
// requests (one keep-alive basic_connection), waits (timers: rate-limit
// pauses, Retry-After, and a watch timer that looks at the cancel flag and
// the timeout while a request or wait is out) and token fetches
// (options.tokens, called on the executor: a slow provider stalls it), plus an
// upload_outcome filled in before completion.
// Tokens: callbacks, asio::use_future (a future<std::tuple<std::error_code,
// upload_result>>: no exceptions), asio::use_awaitable (C++20 coroutines).
//
// Cancellation: bind a cancellation slot to the token (bind_cancellation_slot)
// and emit cancellation_type::terminal. The request or wait in progress is
// abandoned, the session's cancel() sends DELETE uploadUrl (unless
// delete_on_cancel is false), and the operation completes with
// errc::cancelled. A second emit (or delete_timeout_ms) abandons the DELETE.
//
// Many uploads may share one io_context; each needs its own session and
// source. On a multi-threaded io_context pass a strand as the executor.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/is_executor.hpp>
#include <boost/asio/post.hpp>

#include "rangeup/beast/connection.hpp"
#include "rangeup/beast/options.hpp"
#include "rangeup/clock.hpp"
#include "rangeup/io/blocking_upload.hpp"
#include "rangeup/io/engine.hpp"
#include "rangeup/io/rate_limiter.hpp"
#include "rangeup/source_ref.hpp"
#include "rangeup/step.hpp"

namespace rangeup::beast {

// What async_upload is configured with: rangeup::upload's options
// (adapters/io) — cancel flag, timeout, DELETE on stop, progress hooks,
// integrity check, shared rate limiter — done the Asio way (waits are timers,
// the cancel flag is polled by a timer every poll_interval_ms), plus the
// transport and where to put the outcome.
struct upload_options : rangeup::upload_options {
  upload_options() = default;
  explicit upload_options(const rangeup::upload_options& driver, transport_options t = {})
      : rangeup::upload_options(driver), transport(std::move(t)) {}

  transport_options transport;
  // Filled in just before the completion handler runs: the failure details,
  // progress, duration and the local QuickXorHash, as rangeup::upload returns.
  upload_outcome* outcome = nullptr;
  // Filled in likewise: the connection's words for the last transport failure.
  std::string* error_detail = nullptr;
};

// Steady-clock milliseconds: the timeline async_upload hands to the engine.
inline instant steady_now() noexcept { return rangeup::detail::steady_now(); }

namespace detail {

template <class Session, class Source, class Executor>
class upload_op {
  using timer_type = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                       boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;
  using engine_type = io::upload_engine<Session, Source>;

  struct state {
    state(const Executor& ex, Session& s, Source& src, upload_options o)
        : options(std::move(o)),
          engine(s, src, options, steady_now(), rangeup::detail::unix_now_ms()),
          connection(boost::asio::any_io_executor(ex), options.transport),
          timer(ex),
          watch(ex) {}
    upload_options options;  // before engine, which refers to it
    engine_type engine;
    // any_io_executor: one Beast instantiation whatever Executor is (see perform_handler).
    basic_connection<boost::asio::any_io_executor> connection;
    timer_type timer;  // the waits the engine asks for
    timer_type watch;  // while a request or wait is out: the cancel flag, the timeout
    // Cancels the request or wait in progress: the caller's cancellation is
    // forwarded into it, and the watch emits it too.
    boost::asio::cancellation_signal inner;
    bool request_out = false;
    bool aborting = false;  // inner was emitted to abort the request out
  };

 public:
  upload_op(const Executor& ex, Session& s, Source& src, upload_options options)
      : ex_(ex), state_(std::make_shared<state>(ex, s, src, std::move(options))) {}

  // Start: never run the session inline in the initiating function.
  template <class Self>
  void operator()(Self& self) {
    if (!started_) {
      started_ = true;
      state& st = *state_;
      st.connection.set_send_progress(&on_send_progress, &st);
      if (io::rate_limiter* limit = st.options.rate_limit) st.connection.set_pacer(&pace, &st, limit->piece_size());
      return boost::asio::post(ex_, std::move(self));
    }
    note_cancellation(self);
    advance(self);
  }

  // A request finished.
  template <class Self>
  void operator()(Self& self, std::error_code ec, response_view response) {
    state& st = *state_;
    st.request_out = false;
    note_cancellation(self);
    if (st.aborting) {
      st.aborting = false;
      (void)st.engine.request_may_continue(steady_now());  // marks the request aborted
      st.engine.on_transport_error(make_error_code(errc::cancelled), steady_now());
    } else if (ec) {
      st.engine.on_transport_error(ec, steady_now());
    } else {
      st.engine.on_response(response, steady_now());
    }
    advance(self);
  }

  // A wait finished (or was cancelled).
  template <class Self>
  void operator()(Self& self, boost::system::error_code) {
    note_cancellation(self);
    state_->aborting = false;
    advance(self);
  }

 private:
  static bool on_send_progress(void* context, std::uint64_t sent, std::uint64_t) noexcept {
    static_cast<state*>(context)->engine.on_send_progress(sent);
    return true;  // the watch aborts requests
  }

  static std::int64_t pace(void* context, std::size_t bytes) noexcept {
    const instant now = steady_now();
    instant until{};
    return static_cast<state*>(context)->engine.admit(bytes, now, &until) == 0 ? until.ms : now.ms;
  }

  // Looks at the cancel flag and the deadlines by the engine's check_by while
  // a request or wait is out, and aborts it when the upload must stop. Its
  // handler holds a weak reference: the upload may end with an expiry queued.
  static void arm_watch(const std::shared_ptr<state>& s) {
    s->watch.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(s->engine.check_by(steady_now()).ms)));
    s->watch.async_wait([weak = std::weak_ptr<state>(s)](boost::system::error_code ec) {
      if (ec) return;
      const std::shared_ptr<state> st = weak.lock();
      if (!st) return;
      const instant now = steady_now();
      const bool stop = st->request_out ? !st->engine.request_may_continue(now) : st->engine.must_stop(now);
      if (!stop) return arm_watch(st);
      st->aborting = st->request_out;
      st->inner.emit(boost::asio::cancellation_type::terminal);
    });
  }

  // The caller's own cancellation (when the operation saw it rather than the
  // forwarder): the engine stops as for the cancel flag.
  template <class Self>
  void note_cancellation(Self& self) {
    if (self.get_cancellation_state().cancelled() == boost::asio::cancellation_type::none) return;
    self.reset_cancellation_state(boost::asio::enable_terminal_cancellation());
    state_->engine.request_stop(errc::cancelled);
  }

  // The slot for the next request or wait: the caller's cancellation stops the
  // engine and is forwarded into `inner`.
  template <class Self>
  boost::asio::cancellation_slot inner_slot(Self& self) {
    boost::asio::cancellation_slot outer =
        boost::asio::get_associated_cancellation_slot(self, boost::asio::cancellation_slot());
    if (outer.is_connected())
      outer.assign([st = state_.get()](boost::asio::cancellation_type_t t) {
        st->engine.request_stop(errc::cancelled);
        st->aborting = st->request_out;
        st->inner.emit(t);
      });
    return state_->inner.slot();
  }

  template <class Self>
  void advance(Self& self) {
    state& st = *state_;
    while (true) {
      const io::engine_action a = st.engine.next(steady_now());
      switch (a.what) {
        case io::engine_action::kind::send: {
          st.request_out = true;
          arm_watch(state_);
          // Everything is read out of *this before self (which owns *this) moves.
          const auto slot = inner_slot(self);
          const Executor ex = ex_;
          auto& connection = st.connection;
          auto& body = st.engine.body();
          return connection.async_perform_erased(
              *a.request, source_ref(body),
              perform_handler([self = std::move(self)](std::error_code ec, response_view r) mutable { self(ec, r); },
                              ex, slot));
        }
        case io::engine_action::kind::wait: {
          st.timer.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(a.until.ms)));
          arm_watch(state_);
          const auto slot = inner_slot(self);
          return st.timer.async_wait(boost::asio::bind_cancellation_slot(slot, std::move(self)));
        }
        case io::engine_action::kind::need_token:
          st.engine.fetch_token();
          continue;
        case io::engine_action::kind::finished:
          return finish(self);
      }
    }
  }

  template <class Self>
  void finish(Self& self) {
    const upload_outcome& outcome = state_->engine.outcome();
    const std::error_code ec = outcome.code;
    const upload_result result = outcome.result;  // empty on failure, but integrity_mismatch keeps what the service said
    if (upload_outcome* out = state_->options.outcome) *out = outcome;
    if (std::string* detail = state_->options.error_detail) *detail = state_->connection.last_error_detail();
    // The forwarder points into *state_.
    boost::asio::cancellation_slot outer =
        boost::asio::get_associated_cancellation_slot(self, boost::asio::cancellation_slot());
    if (outer.is_connected()) outer.clear();
    state_.reset();  // close the connection before the handler runs
    self.complete(ec, result);
  }

  Executor ex_;
  std::shared_ptr<state> state_;
  bool started_ = false;
};

}  // namespace detail

// Uploads through `session` reading `source`; both must outlive the operation.
template <class Executor, class Session, class Source, class CompletionToken,
          std::enable_if_t<boost::asio::execution::is_executor<Executor>::value ||
                               boost::asio::is_executor<Executor>::value,
                           int> = 0>
auto async_upload(const Executor& ex, Session& session, Source& source, upload_options options,
                  CompletionToken&& token) {
  return boost::asio::async_compose<CompletionToken, void(std::error_code, upload_result)>(
      detail::upload_op<Session, Source, Executor>(ex, session, source, std::move(options)), token, ex);
}

template <class Session, class Source, class CompletionToken>
auto async_upload(boost::asio::io_context& io, Session& session, Source& source, upload_options options,
                  CompletionToken&& token) {
  return async_upload(io.get_executor(), session, source, std::move(options), std::forward<CompletionToken>(token));
}

}  // namespace rangeup::beast
