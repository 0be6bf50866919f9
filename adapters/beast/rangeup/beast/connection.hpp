#pragma once
// One keep-alive HTTP/1.1 connection (plain or TLS) that performs a
// rangeup::request_view asynchronously: the request body streams from the
// source through one bounded buffer, the response body is kept up to a cap,
// Location / Retry-After / Content-Type are captured, redirects are refused.
// The sync transport and the async driver are both built on it.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/socket.h>
#include <cerrno>
#endif

#include "rangeup/beast/error_mapping.hpp"
#include "rangeup/beast/options.hpp"
#include "rangeup/beast/tls_stream.hpp"
#include "rangeup/beast/url.hpp"
#include "rangeup/error.hpp"
#include "rangeup/http.hpp"
#include "rangeup/request_body.hpp"
#include "rangeup/source_ref.hpp"
#include "rangeup/transport.hpp"

namespace rangeup::beast {

// Called after each piece of a request body went out, with the body bytes
// sent so far; returning false abandons the request (errc::cancelled).
using send_progress_fn = bool (*)(void* context, std::uint64_t sent, std::uint64_t total) noexcept;

// Paces request bodies read from a source: asked before each piece is read,
// with the piece's size, it returns when the piece may go (steady_clock
// milliseconds since its epoch); the connection waits on a timer until then,
// never blocking its thread. A rate limiter's reserve() fits this shape.
using send_pacer_fn = std::int64_t (*)(void* context, std::size_t bytes) noexcept;

namespace detail {

// The one completion handler type rangeup's own drivers hand to
// basic_connection<any_io_executor>::async_perform (the blocking transport and
// async_upload, whatever the caller's executor and completion token): Beast's
// request machinery is then compiled once per program instead of once per
// (executor, token, session) — that made single translation units take
// minutes and gigabytes. It owns the real continuation (one allocation per
// request) and carries the executor and cancellation slot it runs with.
class perform_handler {
 public:
  using executor_type = boost::asio::any_io_executor;
  using cancellation_slot_type = boost::asio::cancellation_slot;

  template <class F>
  perform_handler(F&& continuation, executor_type ex, cancellation_slot_type slot)
      : target_(std::make_unique<target_of<std::decay_t<F>>>(std::forward<F>(continuation))),
        ex_(std::move(ex)),
        slot_(slot) {}

  executor_type get_executor() const noexcept { return ex_; }
  cancellation_slot_type get_cancellation_slot() const noexcept { return slot_; }

  void operator()(std::error_code ec, response_view response) {
    std::unique_ptr<target> t = std::move(target_);  // the continuation may start the next request
    t->resume(ec, response);
  }

 private:
  struct target {
    virtual ~target() = default;
    virtual void resume(std::error_code ec, response_view response) = 0;
  };
  template <class F>
  struct target_of final : target {
    explicit target_of(F&& f) : f(std::move(f)) {}
    void resume(std::error_code ec, response_view response) override { f(ec, response); }
    F f;
  };

  std::unique_ptr<target> target_;
  executor_type ex_;
  cancellation_slot_type slot_;
};

}  // namespace detail

// Executor: the executor every operation of this connection runs on (use a
// strand when the io_context runs on several threads). One request at a time;
// the response_view handed to the completion handler stays valid until the
// next async_perform or the connection's destruction.
template <class Executor = boost::asio::any_io_executor>
class basic_connection {
  using tcp = boost::asio::ip::tcp;

 public:
  using executor_type = Executor;
  using tcp_stream = boost::beast::basic_stream<tcp, Executor>;
  using tls_stream = detail::tls_stream<tcp_stream>;  // batches records: see tls_stream.hpp

  explicit basic_connection(const Executor& ex, transport_options options = {})
      : ex_(ex),
        options_(std::move(options)),
        resolver_(ex),
        resolve_timer_(ex),
        pace_timer_(ex),
        write_timer_(ex),
        buffer_(options_.max_response_header + 16 * 1024),
        send_size_(std::max<std::size_t>(options_.send_buffer_size, 1024)),
        send_buffer_(new char[send_size_]),
        body_(new char[options_.max_response_body + 1]) {}

  basic_connection(const basic_connection&) = delete;
  basic_connection& operator=(const basic_connection&) = delete;

  executor_type get_executor() const noexcept { return ex_; }
  const transport_options& options() const noexcept { return options_; }
  bool is_open() const noexcept { return plain_.has_value() || tls_.has_value(); }
  // Connections established so far (each resolve + connect [+ handshake]).
  std::uint64_t connections_opened() const noexcept { return connects_; }

  void set_send_progress(send_progress_fn fn, void* context) noexcept {
    progress_fn_ = fn;
    progress_context_ = context;
  }

  // Installs a pacer for bodies that read the source, read in pieces of at most
  // `piece` bytes (fn null: unpaced).
  void set_pacer(send_pacer_fn fn, void* context, std::size_t piece) noexcept {
    pacer_fn_ = fn;
    pacer_context_ = context;
    pacer_piece_ = piece == 0 ? 1 : piece;
  }

  // Body bytes of the current (or last) request handed to the socket so far.
  std::uint64_t body_bytes_sent() const noexcept { return sent_; }

  // The last transport failure in words ("connect: Connection refused"),
  // like libcurl's error buffer; empty when none.
  const std::string& last_error_detail() const noexcept { return detail_; }

  // Drops the connection. Never while an async_perform is in flight.
  void close() noexcept {
    if (tls_) {
      boost::beast::get_lowest_layer(*tls_).close();
      tls_.reset();
    }
    if (plain_) {
      plain_->close();
      plain_.reset();
    }
    buffer_.consume(buffer_.size());
    peer_.clear();
  }

  // Performs one request; completes with void(std::error_code, rangeup::response_view).
  // Bodies that read the source (source_range, base64_json) are read with
  // rangeup::read_request_body in pieces
  // of at most options().send_buffer_size.
  // The source is held as a source_ref: Beast's write machinery is then
  // instantiated once per Executor, not once per Source (minutes of compile
  // time per translation unit that uploads with several session types).
  template <class Source, class CompletionToken>
  auto async_perform(const request_view& request, Source& source, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(std::error_code, response_view)>(
        [this, &request, src = source_ref(source)](auto handler) {
          const auto ex = boost::asio::get_associated_executor(handler, ex_);
          const auto slot = boost::asio::get_associated_cancellation_slot(handler);
          async_perform_erased(request, src,
                               detail::perform_handler(
                                   [h = std::move(handler)](std::error_code ec, response_view r) mutable {
                                     std::move(h)(ec, r);
                                   },
                                   ex, slot));
        },
        token);
  }

  // What every async_perform comes down to, and what rangeup's drivers call:
  // one instantiation of the request machinery per Executor. Defined below,
  // or — with RANGEUP_BEAST_SEPARATE_COMPILATION — only in the one translation
  // unit that defines RANGEUP_BEAST_SOURCE (README "Build time").
  void async_perform_erased(const request_view& request, source_ref source, detail::perform_handler handler);

 private:
  struct perform_op {
    basic_connection* c;
    const request_view* req;
    source_ref src;
    boost::asio::coroutine coro{};
    phase where = phase::resolve;

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec, tcp::resolver::results_type results) {
      c->resolve_timer_.cancel();
      if (c->resolve_timed_out_) ec = boost::beast::error::timeout;
      else if (!ec) c->endpoints_ = std::move(results);
      (*this)(self, ec, std::size_t{0});
    }
    template <class Self>
    void operator()(Self& self, boost::system::error_code ec, const tcp::endpoint&) {
      (*this)(self, ec, std::size_t{0});
    }

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, std::size_t = 0) {
      namespace net = boost::asio;
      namespace http = boost::beast::http;
      BOOST_ASIO_CORO_REENTER(coro) {
        c->detail_.clear();
        c->error_ = c->prepare(*req, src);
        if (c->error_) {
          BOOST_ASIO_CORO_YIELD net::post(c->ex_, std::move(self));  // never complete inline
          return self.complete(c->error_, response_view{});
        }
        if (!c->reusable()) {
          c->close();
          c->resolve_timed_out_ = false;
          c->resolve_timer_.expires_after(c->options_.connect_timeout);
          c->resolve_timer_.async_wait([conn = c](boost::system::error_code e) {
            if (!e) {
              conn->resolve_timed_out_ = true;
              conn->resolver_.cancel();
            }
          });
          where = phase::resolve;
          BOOST_ASIO_CORO_YIELD c->resolver_.async_resolve(std::string(c->url_.host), std::string(c->url_.port),
                                                           std::move(self));
          if (ec) return fail(self, ec);
          where = phase::connect;
          c->open_stream();
          c->lowest().expires_after(c->options_.connect_timeout);
          BOOST_ASIO_CORO_YIELD c->lowest().async_connect(c->endpoints_, std::move(self));
          if (ec) return fail(self, ec);
          if (c->tls_) {
            where = phase::handshake;
            if (!c->configure_tls()) return fail(self, net::error::invalid_argument);
            c->lowest().expires_after(c->options_.connect_timeout);
            BOOST_ASIO_CORO_YIELD c->tls_->async_handshake(std::move(self));
            if (ec) return fail(self, ec);
          }
          c->remember_peer();
        }

        where = phase::write;
        c->start_request(*req);
        c->start_write_watch();
        for (;;) {
          if (c->must_pace(*req)) {
            c->pacing_ = true;
            BOOST_ASIO_CORO_YIELD c->pace_timer_.async_wait(std::move(self));
            c->pacing_ = false;
            c->write_progress_at_ = std::chrono::steady_clock::now();
            if (ec) return fail(self, ec);  // cancelled while paced: the request is half sent
          }
          c->error_ = c->next_body_piece(*req, src);
          if (c->error_) {
            c->stop_write_watch();
            c->close();  // the request is half sent: the connection is unusable
            BOOST_ASIO_CORO_YIELD net::post(c->ex_, std::move(self));
            return self.complete(c->error_, response_view{});
          }
          BOOST_ASIO_CORO_YIELD c->with_stream([&](auto& s) { http::async_write(s, *c->serializer_, std::move(self)); });
          if (ec == http::error::need_buffer) ec = {};
          if (c->write_timed_out_) ec = boost::beast::error::timeout;
          if (ec) return fail(self, ec);
          c->write_progress_at_ = std::chrono::steady_clock::now();
          if (c->progress_fn_ != nullptr && !c->progress_fn_(c->progress_context_, c->sent_, req->content_length())) {
            c->stop_write_watch();
            c->close();
            return self.complete(make_error_code(errc::cancelled), response_view{});
          }
          if (c->serializer_->is_done()) break;
        }
        c->stop_write_watch();

        where = phase::read;
        do {  // interim 1xx responses are skipped
          c->start_response();
          c->lowest().expires_after(c->options_.io_timeout);
          BOOST_ASIO_CORO_YIELD c->with_stream(
              [&](auto& s) { http::async_read_header(s, c->buffer_, *c->parser_, std::move(self)); });
          if (ec) return fail(self, ec);
        } while (c->interim_response());
        while (!c->parser_->is_done()) {
          c->offer_body_buffer();
          c->lowest().expires_after(c->options_.io_timeout);
          BOOST_ASIO_CORO_YIELD c->with_stream(
              [&](auto& s) { http::async_read(s, c->buffer_, *c->parser_, std::move(self)); });
          if (ec == http::error::need_buffer) ec = {};
          if (ec) return fail(self, ec);
          c->account_body();
        }
        c->lowest().expires_never();
        return c->complete_response(self);
      }
    }

    template <class Self>
    void fail(Self& self, boost::system::error_code ec) {
      if (where == phase::write) c->stop_write_watch();
      c->note_failure(where, ec);
      c->close();
      self.complete(map_error(ec, where), response_view{});
    }
  };

  // --- connection management -------------------------------------------------

  void note_failure(phase where, const boost::system::error_code& ec) {
    static const char* const names[] = {"resolve", "connect", "TLS handshake", "send", "receive"};
    detail_.assign(names[static_cast<int>(where)]);
    if (where == phase::resolve || where == phase::connect)
      detail_.append(" ").append(url_.host.data(), url_.host.size()).append(":").append(url_.port.data(), url_.port.size());
    detail_.append(": ").append(ec == boost::beast::error::timeout ? std::string("timed out") : ec.message());
    if (where == phase::handshake && tls_) {  // which check refused the certificate
      const std::string why = tls_->verify_failure();
      if (!why.empty()) detail_.append(": ").append(why);
    }
  }

  std::error_code prepare(const request_view& req, const source_ref& source) {
    if (auto ec = check_url(req.url, options_.allow_http, url_)) return ec;
    // The rules every transport applies (rangeup/transport.hpp): reserved headers
    // (a stray Authorization must never reach an uploadUrl), CR/LF, a body on GET, ...
    if (const request_fault fault = check_request(req, source.size()); fault != request_fault::none) {
      detail_.assign(describe(fault));
      return make_error_code(request_error(fault));
    }
    if (url_.tls && !tls_context_) {
      std::error_code ec;
      tls_context_ = options_.tls_context ? options_.tls_context : make_tls_context(options_, ec);
      if (ec) return ec;
    }
    return {};
  }

  tcp_stream& lowest() noexcept { return tls_ ? boost::beast::get_lowest_layer(*tls_) : *plain_; }

  template <class F>
  void with_stream(F&& f) {
    if (tls_) f(*tls_);
    else f(*plain_);
  }

  void open_stream() {
    if (url_.tls) tls_.emplace(ex_, *tls_context_);
    else plain_.emplace(ex_);
  }

  // SNI (not for IP literals, RFC 6066) and RFC 6125 host name checks.
  bool configure_tls() { return tls_->set_peer_name(std::string(url_.host), options_.verify_peer); }

  void remember_peer() {
    ++connects_;
    peer_.assign(url_.tls ? "https://" : "http://");
    peer_.append(url_.host.data(), url_.host.size()).append(":").append(url_.port.data(), url_.port.size());
  }

  // Same scheme/host/port, nothing unread, and the server has not closed it
  // while idle (a non-blocking peek sees EOF or stray bytes).
  bool reusable() {
    if (!is_open() || buffer_.size() != 0) return false;
    std::string key(url_.tls ? "https://" : "http://");
    key.append(url_.host.data(), url_.host.size()).append(":").append(url_.port.data(), url_.port.size());
    if (key != peer_) return false;
#if defined(__unix__) || defined(__APPLE__)
    char c = 0;
    const auto n = ::recv(lowest().socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n >= 0) return false;
    return errno == EAGAIN || errno == EWOULDBLOCK;
#else
    return true;
#endif
  }

  // --- request ---------------------------------------------------------------

  static boost::beast::http::verb verb_of(http_method m) noexcept {
    using boost::beast::http::verb;
    switch (m) {
      case http_method::get: return verb::get;
      case http_method::put: return verb::put;
      case http_method::post: return verb::post;
      case http_method::delete_: return verb::delete_;
    }
    return verb::get;
  }

  void start_request(const request_view& req) {
    namespace http = boost::beast::http;
    serializer_.reset();
    request_ = {};
    request_.method(verb_of(req.method));
    request_.target(boost::beast::string_view(url_.target.data(), url_.target.size()));
    request_.version(11);
    request_.set(http::field::host, boost::beast::string_view(url_.authority.data(), url_.authority.size()));
    request_.set(http::field::user_agent, options_.user_agent);
    for (const header_field* h = req.begin_headers(); h != req.end_headers(); ++h)
      request_.insert(boost::beast::string_view(h->name.data(), h->name.size()),
                      boost::beast::string_view(h->value.data(), h->value.size()));
    if (!req.bearer_token.empty()) {
      std::string value("Bearer ");
      value.append(req.bearer_token.data(), req.bearer_token.size());
      request_.set(http::field::authorization, value);
    }
    if (req.body != body_kind::none || req.method == http_method::put || req.method == http_method::post)
      request_.content_length(req.content_length());
    request_.body().data = nullptr;
    request_.body().size = 0;
    request_.body().more = req.content_length() != 0;
    sent_ = 0;
    serializer_.emplace(request_);
  }

  // Points the request body at the next piece: the JSON text, or up to
  // send_size_ bytes read from the source. A source that ends before the
  // range does is source_changed: Content-Length must stay exact.
  std::error_code next_body_piece(const request_view& req, const source_ref& source) {
    auto& body = request_.body();
    const std::uint64_t total = req.content_length();
    body.data = nullptr;
    body.size = 0;
    body.more = false;
    if (sent_ >= total) return {};
    if (req.body == body_kind::text) {
      body.data = const_cast<char*>(req.text.data());  // buffer_body is read-only when serializing
      body.size = req.text.size();
      sent_ = total;
      return {};
    }
    const std::size_t want = next_piece_size(req);
    const auto got = read_request_body(req, source, sent_, send_buffer_.get(), want);
    if (!got) return got.error().category() == category() ? got.error() : make_error_code(errc::source_read_failed);
    if (*got == 0 || *got > want) return errc::source_changed;  // the source ended before the body did
    body.data = send_buffer_.get();
    body.size = *got;
    sent_ += *got;
    body.more = sent_ < total;
    return {};
  }

  // io_timeout while a request body goes out: one watchdog per request that
  // fires when no piece went out for io_timeout. beast::basic_stream's own
  // expiry would re-arm a timer for every socket write — over TLS, for every
  // 16 KiB record: a timerfd_settime system call per record.
  void start_write_watch() {
    lowest().expires_never();
    write_timed_out_ = false;
    pacing_ = false;
    write_progress_at_ = std::chrono::steady_clock::now();
    arm_write_watch(++write_watch_, write_progress_at_ + options_.io_timeout);
  }

  void arm_write_watch(std::uint64_t id, std::chrono::steady_clock::time_point at) {
    write_timer_.expires_at(at);
    // A handler whose expiry was already queued can outlive a stop, and the
    // connection too (the upload may finish in the same turn): it checks both.
    std::weak_ptr<const bool> alive = alive_;
    write_timer_.async_wait([conn = this, alive = std::move(alive), id](boost::system::error_code e) {
      if (e || alive.expired() || id != conn->write_watch_ || !conn->is_open()) return;
      const auto now = std::chrono::steady_clock::now();
      const auto due = conn->write_progress_at_ + conn->options_.io_timeout;
      if (conn->pacing_) return conn->arm_write_watch(id, now + conn->options_.io_timeout);
      if (now < due) return conn->arm_write_watch(id, due);
      conn->write_timed_out_ = true;
      boost::system::error_code ignored;
      conn->lowest().socket().cancel(ignored);  // the write completes with operation_aborted
    });
  }

  void stop_write_watch() {
    ++write_watch_;
    write_timer_.cancel();
  }

  // The size of the next piece of a body that reads the source.
  std::size_t next_piece_size(const request_view& req) const noexcept {
    const std::uint64_t left = req.content_length() - sent_;
    std::size_t want = left < send_size_ ? static_cast<std::size_t>(left) : send_size_;
    if (pacer_fn_ != nullptr && want > pacer_piece_) want = pacer_piece_;
    return want;
  }

  // Asks the pacer about the next piece of a body that reads the source; true (with pace_timer_
  // set) when it must wait.
  bool must_pace(const request_view& req) {
    if (pacer_fn_ == nullptr || !req.reads_source() || sent_ >= req.content_length()) return false;
    const std::int64_t until = pacer_fn_(pacer_context_, next_piece_size(req));
    if (until <= steady_ms()) return false;
    pace_timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(until)));
    return true;
  }

  static std::int64_t steady_ms() noexcept {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  }

  // --- response --------------------------------------------------------------

  void start_response() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_response_header));
    parser_->body_limit(std::max<std::uint64_t>(options_.max_drained_body, options_.max_response_body));
    kept_ = 0;
    truncated_ = false;
  }

  bool interim_response() const {
    const unsigned status = parser_->get().result_int();
    return status >= 100 && status < 200 && status != 101;
  }

  void offer_body_buffer() {
    auto& body = parser_->get().body();
    if (kept_ < options_.max_response_body) {
      body.data = body_.get() + kept_;
      body.size = options_.max_response_body - kept_;
      offered_to_keep_ = true;
    } else {  // over the cap: drain into the (idle) send buffer to keep the connection usable
      body.data = send_buffer_.get();
      body.size = send_size_;
      offered_to_keep_ = false;
    }
    offered_ = body.size;
  }

  void account_body() {
    const std::size_t got = offered_ - parser_->get().body().size;
    if (offered_to_keep_) kept_ += got;
    else if (got != 0) truncated_ = true;
  }

  template <class Self>
  void complete_response(Self& self) {
    namespace http = boost::beast::http;
    const auto& msg = parser_->get();
    auto field = [&msg](http::field f) {
      const auto it = msg.find(f);
      return it == msg.end() ? std::string_view{} : std::string_view(it->value().data(), it->value().size());
    };
    response_view view;
    view.status = static_cast<int>(msg.result_int());
    view.location = field(http::field::location);
    view.retry_after = field(http::field::retry_after);
    view.content_type = field(http::field::content_type);
    view.body = std::string_view(body_.get(), kept_);
    view.body_truncated = truncated_;
    if (!parser_->keep_alive()) close();
    std::error_code error;
    if (view.status >= 300 && view.status < 400) error = make_error_code(errc::redirect_refused);
    else if (view.status < 200 || view.status > 999) error = make_error_code(errc::malformed_response);
    self.complete(error, view);
  }

  Executor ex_;
  transport_options options_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;
  tcp::resolver resolver_;
  boost::asio::steady_timer resolve_timer_;
  boost::asio::steady_timer pace_timer_;
  boost::asio::steady_timer write_timer_;  // start_write_watch
  std::uint64_t write_watch_ = 0;          // which request the watchdog belongs to
  std::chrono::steady_clock::time_point write_progress_at_{};
  bool write_timed_out_ = false;
  bool pacing_ = false;
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);  // see arm_write_watch
  bool resolve_timed_out_ = false;
  tcp::resolver::results_type endpoints_;
  std::optional<tcp_stream> plain_;
  std::optional<tls_stream> tls_;
  std::string peer_;  // "scheme://host:port" of the open connection
  std::string detail_;  // last_error_detail()
  std::uint64_t connects_ = 0;
  url_parts url_;
  std::error_code error_;

  boost::beast::flat_buffer buffer_;  // bounded: header_limit plus slack
  std::size_t send_size_;
  std::unique_ptr<char[]> send_buffer_;
  std::unique_ptr<char[]> body_;
  boost::beast::http::request<boost::beast::http::buffer_body> request_;
  std::optional<boost::beast::http::request_serializer<boost::beast::http::buffer_body>> serializer_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::buffer_body>> parser_;
  std::uint64_t sent_ = 0;
  send_progress_fn progress_fn_ = nullptr;
  void* progress_context_ = nullptr;
  send_pacer_fn pacer_fn_ = nullptr;
  void* pacer_context_ = nullptr;
  std::size_t pacer_piece_ = 1;
  std::size_t kept_ = 0;
  std::size_t offered_ = 0;
  bool offered_to_keep_ = false;
  bool truncated_ = false;
};

#if !defined(RANGEUP_BEAST_SEPARATE_COMPILATION) || defined(RANGEUP_BEAST_SOURCE)
template <class Executor>
void basic_connection<Executor>::async_perform_erased(const request_view& request, source_ref source,
                                                      detail::perform_handler handler) {
  boost::asio::async_compose<detail::perform_handler, void(std::error_code, response_view)>(
      perform_op{this, &request, source}, handler, ex_);  // asio takes the token by lvalue and moves from it
}
#endif

#if defined(RANGEUP_BEAST_SOURCE)
// The one definition a separately compiled program links against.
template class basic_connection<boost::asio::any_io_executor>;
#endif

using connection = basic_connection<>;

}  // namespace rangeup::beast
