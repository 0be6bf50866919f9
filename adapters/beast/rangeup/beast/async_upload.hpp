#pragma once
// The asynchronous driver: async_upload(executor, session, source, options,
// token) runs an upload_session on Asio — requests over one keep-alive
// basic_connection, waits on a steady_timer (no sleeping threads) — as one
// composed operation. Completion signature:
//
//     void(std::error_code, rangeup::upload_result)
//
// The error is 0 on success, else the session's failure code (the server's
// error.code / status stay readable via session.next_step(now).failed()).
// Tokens: callbacks, asio::use_future (a future<std::tuple<std::error_code,
// upload_result>>: no exceptions), asio::use_awaitable (C++20 coroutines).
//
// Cancellation: bind a cancellation slot to the token (bind_cancellation_slot)
// and emit cancellation_type::terminal. The request or wait in progress is
// abandoned, the session's cancel() sends DELETE uploadUrl, and the operation
// completes with errc::cancelled. A second emit abandons the DELETE too.
//
// Many uploads may share one io_context; each needs its own session and
// source. On a multi-threaded io_context pass a strand as the executor.

#include <chrono>
#include <cstdint>
#include <memory>
#include <system_error>
#include <type_traits>
#include <utility>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
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
#include "rangeup/step.hpp"

namespace rangeup::beast {

struct upload_options {
  transport_options transport;
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

template <class Session, class Source, class Executor>
class upload_op {
  using timer_type = boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                                       boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;
  struct state {
    state(const Executor& ex, Session& s, Source& src, transport_options options)
        : session(s), source(src), connection(ex, std::move(options)), timer(ex) {}
    Session& session;
    Source& source;
    basic_connection<Executor> connection;
    timer_type timer;
    bool cancel_sent = false;  // session.cancel() done: a second emit abandons the DELETE
    bool abandoned = false;
  };

 public:
  upload_op(const Executor& ex, Session& s, Source& src, transport_options options)
      : ex_(ex), state_(std::make_unique<state>(ex, s, src, std::move(options))) {}

  // Start: never run the session inline in the initiating function.
  template <class Self>
  void operator()(Self& self) {
    if (!started_) {
      started_ = true;
      // Lets the session honour Retry-After dates and notice expired sessions.
      if constexpr (has_wall_clock<Session>::value) {
        using namespace std::chrono;
        state_->session.set_wall_clock(steady_now(),
                                       duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
      }
      return boost::asio::post(ex_, std::move(self));
    }
    if (cancelled(self)) state_->session.cancel();
    advance(self);
  }

  // A request finished.
  template <class Self>
  void operator()(Self& self, std::error_code ec, response_view response) {
    if (cancelled(self)) {
      // cancel() first: the abandoned request's outcome is then ignored.
      state_->session.cancel();
      state_->session.on_transport_error(make_error_code(errc::cancelled), steady_now());
    } else if (ec) {
      state_->session.on_transport_error(ec, steady_now());
    } else {
      state_->session.on_response(response, steady_now());
    }
    advance(self);
  }

  // A wait finished (or was cancelled).
  template <class Self>
  void operator()(Self& self, boost::system::error_code) {
    if (cancelled(self)) state_->session.cancel();
    advance(self);
  }

 private:
  // Consumes a cancellation request; true if there was one.
  template <class Self>
  bool cancelled(Self& self) {
    if (self.get_cancellation_state().cancelled() == boost::asio::cancellation_type::none) return false;
    self.reset_cancellation_state(boost::asio::enable_terminal_cancellation());
    if (state_->cancel_sent) state_->abandoned = true;
    state_->cancel_sent = true;
    return true;
  }

  template <class Self>
  void advance(Self& self) {
    if (state_->abandoned) return finish(self, make_error_code(errc::cancelled), upload_result{});
    const step next = state_->session.next_step(steady_now());
    switch (next.what()) {
      case step::kind::send: {
        using resume = resume_upload<Executor>;
        // Everything is read out of *this before self (which owns *this) moves.
        const auto slot = boost::asio::get_associated_cancellation_slot(self, boost::asio::cancellation_slot());
        const Executor ex = ex_;
        auto& connection = state_->connection;
        Source& source = state_->source;
        const request_view& request = *next.request();
        auto target = std::make_unique<typename resume::template self_target<Self>>(std::move(self));
        return connection.async_perform(request, source, resume(std::move(target), ex, slot));
      }
      case step::kind::wait:
        state_->timer.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(next.wait_until()->ms)));
        return state_->timer.async_wait(std::move(self));
      case step::kind::done:
        return finish(self, std::error_code{}, *next.done());
      case step::kind::failed:
        return finish(self, next.failed()->code, upload_result{});
    }
  }

  template <class Self>
  void finish(Self& self, std::error_code ec, const upload_result& result) {
    const upload_result copy = result;
    state_.reset();  // close the connection before the handler runs
    self.complete(ec, copy);
  }

  Executor ex_;
  std::unique_ptr<state> state_;
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
      detail::upload_op<Session, Source, Executor>(ex, session, source, std::move(options.transport)), token, ex);
}

template <class Session, class Source, class CompletionToken>
auto async_upload(boost::asio::io_context& io, Session& session, Source& source, upload_options options,
                  CompletionToken&& token) {
  return async_upload(io.get_executor(), session, source, std::move(options), std::forward<CompletionToken>(token));
}

}  // namespace rangeup::beast
