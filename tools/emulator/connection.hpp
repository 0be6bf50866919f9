#pragma once
// One HTTP/1.1 connection (plain or TLS: byte_stream.hpp): keep-alive request
// loop, request bodies streamed through a fixed 64 KiB buffer (upload fragments
// go straight to the session's file with pwrite; nothing holds a whole range
// in memory).

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "byte_stream.hpp"
#include "service.hpp"

namespace emu {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

class connection : public std::enable_shared_from_this<connection> {
  static constexpr std::size_t chunk_size = 64 * 1024;
  static constexpr std::size_t small_body_limit = 1 << 20;  // JSON bodies of create/commit
  static constexpr std::chrono::seconds io_timeout{120};

 public:
  connection(std::unique_ptr<byte_stream> stream, service& svc, std::function<void()> on_stop)
      : stream_(std::move(stream)),
        svc_(svc),
        on_stop_(std::move(on_stop)),
        timer_(stream_->get_executor()),
        chunk_(chunk_size) {
    // Beast sizes each socket read by the buffer's free capacity: without this
    // reserve a body arrives in 512-byte reads.
    buffer_.reserve(chunk_size);
  }

  void start() {
    lowest().expires_after(io_timeout);
    stream_->handshake([self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->close();
      self->read_head();
    });
  }

 private:
  // simple: a small JSON body read whole; upload: streamed to a file (session
  // fragment, drive PUT .../content); post: an attachment POST read whole up
  // to its ticket's cap; sink/drain/drop: read and discarded.
  enum class mode { simple, upload, post, sink, drain, drop };

  beast::tcp_stream& lowest() { return stream_->lowest(); }

  void read_head() {
    parser_.emplace();
    parser_->header_limit(64 * 1024);
    parser_->body_limit(boost::none);  // sizes are checked against Content-Range, bodies are streamed
    lowest().expires_after(io_timeout);
    http::async_read_header(*stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
  }

  static request_head to_head(const http::request<http::buffer_body>& req, bool chunked) {
    request_head h;
    h.method = std::string(req.method_string());
    h.target = std::string(req.target());
    const auto opt = [&](http::field f) -> std::optional<std::string> {
      const auto it = req.find(f);
      return it == req.end() ? std::nullopt : std::optional<std::string>(std::string(it->value()));
    };
    h.authorization = opt(http::field::authorization);
    h.content_range = opt(http::field::content_range);
    h.if_match = opt(http::field::if_match);
    h.if_none_match = opt(http::field::if_none_match);
    const auto expect = opt(http::field::expect);
    h.expect_continue = expect && beast::iequals(*expect, "100-continue");
    const auto length = opt(http::field::content_length);
    if (length && !chunked) h.content_length = std::stoull(*length);  // the parser validated it
    return h;
  }

  void on_head(beast::error_code ec) {
    if (ec) return close();
    svc_.note_request();
    head_ = to_head(parser_->get(), parser_->chunked());
    route_ = classify(head_.target);
    small_body_.clear();
    body_bytes_ = 0;
    if (is_upload_request(route_, head_.method)) return take(svc_.begin_upload(head_, route_, wake_me()));
    mode_ = route_.kind == route::sink && head_.method == "PUT" ? mode::sink : mode::simple;
    continue_then_read_body();
  }

  // Wakes this connection on its own io_context, from whichever thread applied
  // the held request this one waits for (fault "hold").
  waker wake_me() {
    return [self = shared_from_this()] {
      asio::post(self->stream_->get_executor(),
                 [self] { self->take(self->svc_.resume_upload(self->head_, self->route_, self->number_, self->wake_me())); });
    };
  }

  // The service's decision on an upload request's head.
  void take(put_decision d) {
    if (d.waits) {  // no deadline while the held request's --slow-ms runs
      number_ = d.number;
      lowest().expires_never();
      return;
    }
    if (d.drop_now) {
      mode_ = mode::drop;
      return continue_then_read_body();
    }
    if (!d.ticket) return reject(std::move(d.rejection));
    ticket_ = std::move(d.ticket);
    if (ticket_->in_memory()) {
      mode_ = mode::post;
      return continue_then_read_body();
    }
    fd_ = ::open(ticket_->path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0) {
      svc_.abort_put(*ticket_);
      ticket_.reset();
      return reject(reply{500, {}, "{\"error\":{\"code\":\"generalException\",\"message\":\"store failed\"}}"});
    }
    mode_ = mode::upload;
    continue_then_read_body();
  }

  // Clients that sent "Expect: 100-continue" wait for this before the body.
  void continue_then_read_body() {
    if (!head_.expect_continue || parser_->is_done()) return read_body();
    auto res = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    lowest().expires_after(io_timeout);
    http::async_write(*stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return self->fail();
      self->read_body();
    });
  }

  // A rejected request: answer without reading a body the client has not sent
  // yet (Expect), else drain the body so the connection stays usable.
  void reject(reply rep) {
    if (head_.expect_continue && !parser_->is_done()) {
      rep.close = true;
      return send(std::move(rep));
    }
    pending_ = std::move(rep);
    mode_ = mode::drain;
    read_body();
  }

  void read_body() {
    if (parser_->is_done()) return on_body_done();
    parser_->get().body().data = chunk_.data();
    parser_->get().body().size = chunk_.size();
    lowest().expires_after(io_timeout);
    http::async_read(*stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_body_read(ec);
    });
  }

  void on_body_read(beast::error_code ec) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return fail();
    const std::size_t got = chunk_.size() - parser_->get().body().size;
    if (mode_ == mode::upload) {
      if (body_bytes_ + got > ticket_->length || !write_all(got)) return fail();
    } else if (mode_ == mode::post) {
      if (small_body_.size() + got > ticket_->length) {  // chunked, past the cap
        pending_ = svc_.body_too_large(*ticket_);
        svc_.abort_put(*ticket_);  // ends a hold
        ticket_.reset();
        mode_ = mode::drain;
      } else {
        small_body_.append(chunk_.data(), got);
      }
    } else if (mode_ == mode::simple) {
      if (small_body_.size() + got > small_body_limit) {
        mode_ = mode::drain;
        pending_ = reply{413, {}, "{\"error\":{\"code\":\"requestTooLarge\",\"message\":\"body over 1 MiB\"}}"};
      } else {
        small_body_.append(chunk_.data(), got);
      }
    }
    body_bytes_ += got;
    read_body();
  }

  bool write_all(std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      const auto w = ::pwrite(fd_, chunk_.data() + done, n - done, static_cast<off_t>(ticket_->offset + body_bytes_ + done));
      if (w <= 0) return false;
      done += static_cast<std::size_t>(w);
    }
    return true;
  }

  void on_body_done() {
    if ((mode_ == mode::upload || mode_ == mode::post) && ticket_->held) return hold();
    reply rep;
    switch (mode_) {
      case mode::upload:
        close_file();
        rep = svc_.finish_put(*ticket_);
        ticket_.reset();
        break;
      case mode::post:
        rep = svc_.finish_post(*ticket_, small_body_);
        ticket_.reset();
        break;
      case mode::sink: rep = svc_.finish_sink(body_bytes_); break;
      case mode::simple: rep = svc_.handle(head_, route_, small_body_); break;
      case mode::drain: rep = std::move(pending_); break;
      case mode::drop: return cut_off(502);  // nothing stored
    }
    send(std::move(rep));
  }

  void send(reply rep) {
    if (rep.no_response) return cut_off(rep.status);
    if (rep.delay_ms == 0) return write(std::move(rep));
    lowest().expires_never();
    timer_.expires_after(std::chrono::milliseconds(rep.delay_ms));
    timer_.async_wait([self = shared_from_this(), rep = std::move(rep)](beast::error_code) mutable {
      self->write(std::move(rep));
    });
  }

  // Fault "hold": the request is read whole; it takes effect after --slow-ms
  // even when its client is gone by then (PROTOCOL.md E8: a request from a
  // dead process can still complete the upload), then it is answered.
  void hold() {
    close_file();
    lowest().expires_never();
    timer_.expires_after(std::chrono::milliseconds(svc_.hold_ms()));
    timer_.async_wait([self = shared_from_this()](beast::error_code) {
      auto rep = self->svc_.apply_held(*self->ticket_, self->head_, self->route_, self->small_body_);
      self->ticket_.reset();
      self->send(std::move(rep));
    });
  }

  void write(reply rep) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(rep.status);
    res->set(http::field::server, "rangeup-emulator");
    for (const auto& h : rep.headers) res->set(h.first, h.second);
    if (!rep.body.empty()) res->set(http::field::content_type, "application/json");
    res->body() = std::move(rep.body);
    const bool keep = !rep.close && parser_->get().keep_alive() && !svc_.stop_requested();
    res->keep_alive(keep);
    res->prepare_payload();
    lowest().expires_after(io_timeout);
    http::async_write(*stream_, *res, [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
      if (self->svc_.stop_requested()) self->on_stop_();
      if (ec || !keep) return self->close();
      self->read_head();
    });
  }

  // Faults "drop" (nothing stored) and "lost" (stored): the whole request is
  // read, then the answer is cut off: a head promising a body that never
  // comes, then close. A close with no response byte at all would look like a
  // stale keep-alive connection, which libcurl and other clients silently
  // resend on, hiding the fault from the code under test; a reset would also
  // discard bytes the client had not read yet.
  void cut_off(unsigned status) {
    auto head = std::make_shared<std::string>("HTTP/1.1 " + std::to_string(status) + " " +
                                              std::string(http::obsolete_reason(http::int_to_status(status))) +
                                              "\r\nContent-Type: application/json\r\nContent-Length: 1024\r\n\r\n");
    lowest().expires_after(io_timeout);
    asio::async_write(*stream_, asio::buffer(*head),
                      [self = shared_from_this(), head](beast::error_code, std::size_t) { self->close(); });
  }

  void fail() {
    close_file();
    if (ticket_) svc_.abort_put(*ticket_);
    ticket_.reset();
    close();
  }

  void close_file() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  void close() {
    close_file();
    beast::error_code ec;
    lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    lowest().socket().close(ec);
  }

 public:
  ~connection() {
    close_file();
    if (ticket_) svc_.abort_put(*ticket_);
  }

 private:
  std::unique_ptr<byte_stream> stream_;
  service& svc_;
  std::function<void()> on_stop_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_{chunk_size};
  std::optional<http::request_parser<http::buffer_body>> parser_;
  std::vector<char> chunk_;
  request_head head_;
  route route_;
  mode mode_ = mode::simple;
  std::string small_body_;
  std::uint64_t body_bytes_ = 0;
  std::optional<put_ticket> ticket_;
  upload_number number_;  // of a request waiting for a held one
  int fd_ = -1;
  reply pending_;
};

}  // namespace emu
