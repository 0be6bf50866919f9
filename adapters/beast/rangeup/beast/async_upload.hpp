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
// upload_options mirror rangeup::upload's (adapters/io): integrity check
// (QuickXorHash of the bytes as sent, errc::integrity_mismatch), a shared
// io::rate_limiter (body pieces wait on a timer, never a sleeping thread),
// an overall timeout (errc::timeout; stops like a cancellation), progress
// hooks, and an upload_outcome filled in before completion.
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
#include "rangeup/io/hashing_source.hpp"
#include "rangeup/io/rate_limiter.hpp"
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

// Steady-clock milliseconds: the timeline async_upload hands to the session.
inline instant steady_now() noexcept {
  using namespace std::chrono;
  return instant{duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count()};
}

namespace detail {

template <class T, class = void>
struct has_wall_clock : std::false_type {};
template <class T>
struct has_wall_clock<T, std::void_t<decltype(std::declval<T&>().set_wall_clock(instant{}, std::int64_t{}))>>
    : std::true_type {};

// The handler async_upload gives to basic_connection::async_perform: one type
// per Executor whatever the caller's completion token, so the Beast/TLS
// machinery is instantiated once per (Executor, Source) instead of once per
// token type (which made test TUs take gigabytes to compile). It carries the
// upload's cancellation slot, so cancelling the upload cancels the request.
template <class Executor>
class resume_upload {
 public:
  struct target {
    virtual ~target() = default;
    virtual void resume(std::error_code ec, response_view response) = 0;
  };
  template <class Self>
  struct self_target final : target {
    explicit self_target(Self&& s) : self(std::move(s)) {}
    void resume(std::error_code ec, response_view response) override { self(ec, response); }
    Self self;
  };

  using executor_type = Executor;
  using cancellation_slot_type = boost::asio::cancellation_slot;

  resume_upload(std::unique_ptr<target> t, const Executor& ex, boost::asio::cancellation_slot slot)
      : target_(std::move(t)), ex_(ex), slot_(slot) {}

  executor_type get_executor() const noexcept { return ex_; }
  cancellation_slot_type get_cancellation_slot() const noexcept { return slot_; }

  void operator()(std::error_code ec, response_view response) {
    std::unique_ptr<target> t = std::move(target_);
    t->resume(ec, response);
  }

 private:
  std::unique_ptr<target> target_;
  Executor ex_;
  boost::asio::cancellation_slot slot_;
};

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

// What the connection reads: the caller's source, hashed on the way when asked to.
template <class Source>
class hashed_source {
 public:
  hashed_source(Source& inner, bool hash) noexcept : hashing_(inner), hash_(hash) {}
  std::uint64_t size() const noexcept { return hashing_.size(); }
  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
    return hash_ ? hashing_.read_at(offset, out, n) : hashing_.inner().read_at(offset, out, n);
  }
  io::hashing_source<Source>& hashing() noexcept { return hashing_; }

 private:
  io::hashing_source<Source> hashing_;
  bool hash_;
};

template <class Session, class Source, class Executor>
class upload_op {
  using timer_type = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                       boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;
  struct state {
    state(const Executor& ex, Session& s, Source& src, upload_options o)
        : session(s),
          source(src, o.verify_integrity),
          options(std::move(o)),
          connection(ex, options.transport),
          timer(ex),
          deadline(ex),
          poll(ex) {}
    Session& session;
    hashed_source<Source> source;
    upload_options options;
    basic_connection<Executor> connection;
    timer_type timer;     // the waits the session asks for
    timer_type deadline;  // options.timeout_ms, then the stopping DELETE's delete_timeout_ms
    timer_type poll;      // looks at cancel_flag / should_cancel every poll_interval_ms
    // Cancels the request or wait in progress: the caller's cancellation is
    // forwarded into it, and the deadline and the cancel-flag poll emit it too.
    boost::asio::cancellation_signal inner;
    std::int64_t start_ms = steady_now().ms;
    errc stopping{};            // why the upload is stopping (cancelled / timeout), or none
    bool deadline_hit = false;  // the deadline fired since the last resumption
    bool abandoned = false;     // stop now, without (or without waiting for) the DELETE
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
      // Lets the session honour Retry-After dates and notice expired sessions.
      if constexpr (has_wall_clock<Session>::value) {
        using namespace std::chrono;
        st.session.set_wall_clock(steady_now(),
                                  duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
      }
      if constexpr (has_observer<Session>::value) {
        if (st.options.observer != nullptr) st.session.set_observer(st.options.observer);
      }
      if (st.options.on_send != nullptr) st.connection.set_send_progress(&on_send_progress, &st);
      if (io::rate_limiter* limit = st.options.rate_limit)
        st.connection.set_pacer(&pace, limit, limit->piece_size());
      if (st.options.timeout_ms > 0) arm_deadline(st.start_ms + st.options.timeout_ms);
      if (st.options.cancel_flag != nullptr || st.options.should_cancel != nullptr) arm_poll(state_);
      return boost::asio::post(ex_, std::move(self));
    }
    check_stop(self);
    advance(self);
  }

  // A request finished.
  template <class Self>
  void operator()(Self& self, std::error_code ec, response_view response) {
    state& st = *state_;
    if (st.options.on_send != nullptr) st.options.on_send(st.options.send_context, 0);
    if (check_stop(self)) {
      // The session was cancel()ed first: the abandoned request's outcome is ignored.
      st.session.on_transport_error(make_error_code(errc::cancelled), steady_now());
    } else if (ec) {
      st.session.on_transport_error(ec, steady_now());
    } else {
      st.session.on_response(response, steady_now());
    }
    if (st.options.after_exchange != nullptr) st.options.after_exchange(st.options.exchange_context);
    advance(self);
  }

  // A wait finished (or was cancelled).
  template <class Self>
  void operator()(Self& self, boost::system::error_code) {
    check_stop(self);
    advance(self);
  }

 private:
  static bool on_send_progress(void* context, std::uint64_t sent, std::uint64_t) noexcept {
    const upload_options& o = static_cast<state*>(context)->options;
    o.on_send(o.send_context, sent);
    return true;
  }

  static std::int64_t pace(void* limit, std::size_t bytes) noexcept {
    return static_cast<io::rate_limiter*>(limit)->reserve(bytes, steady_now().ms);
  }

  // (Re)arms the deadline; its handler only holds a weak reference, since the
  // upload may finish while the expiry is already queued.
  void arm_deadline(std::int64_t until_ms) {
    state_->deadline.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(until_ms)));
    state_->deadline.async_wait([weak = std::weak_ptr<state>(state_)](boost::system::error_code ec) {
      if (ec) return;
      if (const std::shared_ptr<state> st = weak.lock()) {
        st->deadline_hit = true;
        st->inner.emit(boost::asio::cancellation_type::terminal);
      }
    });
  }

  static bool cancel_requested(const upload_options& o) noexcept {
    if (o.cancel_flag != nullptr && o.cancel_flag->load(std::memory_order_relaxed)) return true;
    return o.should_cancel != nullptr && o.should_cancel(o.cancel_context);
  }

  // Polls the cancel flag (it may be set from any thread or a signal handler,
  // which cannot touch Asio) and wakes the operation when it is set.
  static void arm_poll(const std::shared_ptr<state>& s) {
    const std::int64_t every = s->options.poll_interval_ms > 0 ? s->options.poll_interval_ms : 1;
    s->poll.expires_after(std::chrono::milliseconds(every));
    s->poll.async_wait([weak = std::weak_ptr<state>(s)](boost::system::error_code ec) {
      if (ec) return;
      const std::shared_ptr<state> st = weak.lock();
      if (!st || st->stopping != errc{}) return;
      if (cancel_requested(st->options)) st->inner.emit(boost::asio::cancellation_type::terminal);
      else arm_poll(st);
    });
  }

  // Consumes a cancellation request, a set cancel flag or a deadline expiry; true if there was
  // one. The first starts the stop (the session's cancel() DELETEs it), the
  // next one abandons the DELETE.
  template <class Self>
  bool check_stop(Self& self) {
    state& st = *state_;
    errc why{};
    if (self.get_cancellation_state().cancelled() != boost::asio::cancellation_type::none) {
      self.reset_cancellation_state(boost::asio::enable_terminal_cancellation());
      why = errc::cancelled;
    }
    if (st.stopping == errc{} && cancel_requested(st.options)) why = errc::cancelled;
    if (st.deadline_hit) {
      st.deadline_hit = false;
      if (why == errc{}) why = errc::timeout;
    }
    if (why == errc{}) return false;
    if (st.stopping != errc{} || !st.options.delete_on_cancel) {
      if (st.stopping == errc{}) st.stopping = why;
      st.abandoned = true;
      return true;
    }
    st.stopping = why;
    st.session.cancel();
    arm_deadline(steady_now().ms + st.options.delete_timeout_ms);
    return true;
  }

  // The slot for the next request or wait: the caller's cancellation (via
  // this operation's own cancellation state) is forwarded into `inner`.
  template <class Self>
  boost::asio::cancellation_slot inner_slot(Self& self) {
    boost::asio::cancellation_slot outer =
        boost::asio::get_associated_cancellation_slot(self, boost::asio::cancellation_slot());
    if (outer.is_connected())
      outer.assign([inner = &state_->inner](boost::asio::cancellation_type_t t) { inner->emit(t); });
    return state_->inner.slot();
  }

  // Why a stopped upload ended: the stop's reason, unless a single request
  // went out unanswered and may have created the item.
  static std::error_code stopped(const state& st) noexcept {
    return make_error_code(st.session.may_have_completed() ? errc::completion_unknown : st.stopping);
  }

  template <class Self>
  void advance(Self& self) {
    state& st = *state_;
    if (st.abandoned) return finish(self, stopped(st), upload_result{});
    const step next = st.session.next_step(steady_now());
    switch (next.what()) {
      case step::kind::send: {
        using resume = resume_upload<Executor>;
        // Everything is read out of *this before self (which owns *this) moves.
        const auto slot = inner_slot(self);
        const Executor ex = ex_;
        auto& connection = st.connection;
        auto& source = st.source;
        const request_view& request = *next.request();
        auto target = std::make_unique<typename resume::template self_target<Self>>(std::move(self));
        return connection.async_perform(request, source, resume(std::move(target), ex, slot));
      }
      case step::kind::wait: {
        st.timer.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(next.wait_until()->ms)));
        const auto slot = inner_slot(self);
        return st.timer.async_wait(boost::asio::bind_cancellation_slot(slot, std::move(self)));
      }
      case step::kind::need_token:
        return finish(self, make_error_code(errc::token_unavailable), upload_result{});
      case step::kind::done:
        return finish_done(self, *next.done());
      case step::kind::failed:
        // The session's "cancelled" says less than why we stopped; its
        // completion_unknown (a single request abandoned while out) says more.
        if (st.stopping != errc{} && next.failed()->code != errc::completion_unknown)
          return finish(self, stopped(st), upload_result{});
        if (st.options.outcome != nullptr) st.options.outcome->error = *next.failed();
        return finish(self, next.failed()->code, upload_result{});
    }
  }

  // Done: with verify_integrity, compare the local digest with the service's.
  template <class Self>
  void finish_done(Self& self, const upload_result& result) {
    state& st = *state_;
    if (!st.options.verify_integrity) return finish(self, std::error_code{}, result);
    if (const std::error_code ec = st.source.hashing().finish()) return finish(self, ec, upload_result{});
    char local[quick_xor_hash::base64_length + 1];
    (void)st.source.hashing().hash().finalize_base64(local, sizeof local);
    upload_outcome* out = st.options.outcome;
    if (out != nullptr) (void)out->quick_xor_hash.assign(std::string_view(local));
    if (result.quick_xor_hash.empty()) return finish(self, std::error_code{}, result);
    if (out != nullptr) out->integrity_checked = true;
    if (std::string_view(result.quick_xor_hash.c_str()) == std::string_view(local))
      return finish(self, std::error_code{}, result);
    if (out != nullptr) out->error.http_status = result.http_status;
    return finish(self, make_error_code(errc::integrity_mismatch), result);
  }

  template <class Self>
  void finish(Self& self, std::error_code ec, const upload_result& result) {
    const upload_result copy = result;
    if (upload_outcome* out = state_->options.outcome) {
      out->code = ec;
      out->error.code = ec;
      out->result = copy;
      if constexpr (has_progress_info<Session>::value) out->stats = state_->session.progress_info();
      out->seconds = static_cast<double>(steady_now().ms - state_->start_ms) / 1000.0;
    }
    if (std::string* detail = state_->options.error_detail) *detail = state_->connection.last_error_detail();
    // The forwarder points into *state_.
    boost::asio::cancellation_slot outer =
        boost::asio::get_associated_cancellation_slot(self, boost::asio::cancellation_slot());
    if (outer.is_connected()) outer.clear();
    state_.reset();                        // close the connection before the handler runs
    self.complete(ec, copy);
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
