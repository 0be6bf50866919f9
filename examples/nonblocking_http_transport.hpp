#pragma once
// A transport written by a rangeup user: the kind of small HTTP client a game
// engine has, brought to rangeup's request/response contract
// (rangeup/http.hpp, rangeup/transport.hpp). Plain HTTP/1.1 over POSIX sockets,
// all of them non-blocking: start() a request, call poll() every frame until
// it says the exchange finished, read result(). No threads, no call that
// waits — not even a DNS look-up, since the only hosts it talks to are the
// loopback ones (127.0.0.1, localhost, [::1]) where rangeup-emulator runs.
// There is no TLS: https:// is refused with errc::tls_error. For Graph itself,
// plug your engine's HTTPS client in the same way.
//
//   rangeup_example::nonblocking_http_transport http;
//   http.start(request, source, now);         // now: the loop's steady clock (rangeup::instant)
//   while (!http.poll(now)) { /* next frame */ }
//   const rangeup::result<rangeup::response_view>& r = http.result();
//
// What the contract asks of every transport, and where it is done here:
//  - the request checks and the URL policy before a byte goes out: start();
//  - Host, Content-Length and "Authorization: Bearer" derived here, the last
//    one only when request_view::bearer_token is non-empty: write_head();
//  - the body streamed through rangeup::read_request_body, 64 KiB at a time,
//    so no body (not even a base64 JSON attachment) is held whole: send_some();
//  - a kept-alive connection reused for the same host:port and checked before
//    use; a request is never resent by itself: a connection lost under it is
//    errc::connection_dropped and the session decides: start(), alive();
//  - responses framed by Content-Length, chunked encoding or the connection's
//    end; the body capped (body_truncated), drained to keep the connection,
//    and refused (errc::response_too_large) far beyond the cap, as is an
//    oversized head; a 3xx is errc::redirect_refused: feed() and friends;
//  - errors as rangeup codes: connection_failed (no connection: nothing was
//    sent), connection_dropped, timeout (no byte moved for idle_timeout_ms).
//
// blocking_adapter (at the end) turns it into a blocking Transport with
// perform(), for rangeup::upload and the transport conformance tests.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include <rangeup/clock.hpp>
#include <rangeup/error.hpp>
#include <rangeup/http.hpp>
#include <rangeup/request_body.hpp>
#include <rangeup/result.hpp>
#include <rangeup/source_ref.hpp>
#include <rangeup/transport.hpp>
#include <rangeup/url.hpp>

namespace rangeup_example {

struct transport_options {
  bool allow_http = true;                        // http:// to a loopback host: all this transport speaks
  std::size_t max_response_body = 64 * 1024;    // body bytes kept; more sets body_truncated
  std::size_t max_response_header = 64 * 1024;  // a longer response head is errc::response_too_large
  std::size_t max_drained_body = 1024 * 1024;   // bytes read past the cap to keep the connection; beyond it,
                                                // errc::response_too_large
  std::int64_t idle_timeout_ms = 30000;         // no byte moved for this long: errc::timeout
  std::size_t max_bytes_per_poll = 1024 * 1024;  // body bytes one poll() hands to the socket: a frame's budget
};

class nonblocking_http_transport {
 public:
  // Called as body bytes go out (sent so far, total); false aborts the request
  // with errc::cancelled. The same hook the built-in transports offer.
  using send_progress_fn = bool (*)(void* context, std::uint64_t sent, std::uint64_t total) noexcept;

  explicit nonblocking_http_transport(transport_options options = {}) : options_(options) {}
  ~nonblocking_http_transport() { close_connection(); }
  nonblocking_http_transport(const nonblocking_http_transport&) = delete;
  nonblocking_http_transport& operator=(const nonblocking_http_transport&) = delete;

  // Begins an exchange; its body is read from `source` (a rangeup Source)
  // while poll() sends it. The request, the source and what they point at
  // must stay valid until the exchange finished. A request that breaks the
  // contract's rules finishes at once, before anything is sent. An exchange
  // still running is aborted first.
  template <class Source>
  void start(const rangeup::request_view& request, Source& source, rangeup::instant now) {
    if (busy()) abort();
    begin(request);
    const std::error_code invalid =
        request.reads_source() ? rangeup::validate_request(request, source.size()) : rangeup::validate_request(request);
    if (invalid) return refuse(invalid, "request refused before sending: see rangeup::check_request");
    if (const std::error_code ec = rangeup::check_url(request.url, options_.allow_http))
      return refuse(ec, "URL refused: https, or http to 127.0.0.1/localhost/[::1] when allowed");
    if (iequals(request.url.substr(0, 8), "https://"))
      return refuse(rangeup::make_error_code(rangeup::errc::tls_error),
                    "this example has no TLS; plug in your engine's HTTPS client");
    source_.emplace(source);
    open(now);
  }

  // Does what can be done now without waiting: connect, send, receive.
  // Returns true once the exchange has finished (and when none is running).
  bool poll(rangeup::instant now) {
    if (!busy()) return true;
    std::size_t budget = options_.max_bytes_per_poll;
    bool moved = false;
    while (busy()) {
      const io s = phase_ == phase::connecting ? finish_connect() : phase_ == phase::sending ? send_some(budget)
                                                                                             : receive_some();
      if (s == io::blocked) break;
      moved = true;
    }
    if (moved) last_moved_ = now;
    else if (now - last_moved_ >= options_.idle_timeout_ms)
      fail(rangeup::errc::timeout, "no byte moved for idle_timeout_ms");
    return !busy();
  }

  // Stops the exchange; its result is errc::cancelled. The connection is
  // closed: a half-sent request leaves it in no state to reuse.
  void abort() {
    if (busy()) fail(rangeup::errc::cancelled, "aborted");
  }

  bool busy() const noexcept { return phase_ != phase::idle && phase_ != phase::finished; }
  // The final response, or why there is none. Its views point into this
  // transport and stay valid until the next start().
  const rangeup::result<rangeup::response_view>& result() const noexcept { return result_; }
  // A sentence on the last failure, for the user's log (no credentials in it).
  const char* last_error_detail() const noexcept { return detail_; }
  std::uint64_t body_bytes_sent() const noexcept { return body_sent_; }
  std::size_t connections_opened() const noexcept { return connections_; }
  void set_send_progress(send_progress_fn fn, void* context) noexcept {
    progress_ = fn;
    progress_context_ = context;
  }
  // For a loop that would rather sleep on the socket than on a timer: the
  // socket (-1 when there is none) and whether it waits to write or to read.
  int native_handle() const noexcept { return fd_; }
  bool wants_write() const noexcept { return phase_ == phase::connecting || phase_ == phase::sending; }

 private:
  enum class phase : unsigned char { idle, connecting, sending, receiving, finished };
  enum class io : unsigned char { moved, blocked };
  enum class framing : unsigned char { none, length, chunked, until_close };
  enum class chunk_at : unsigned char { size_line, data, data_end, trailer };
  static constexpr std::size_t buffer_size = 64 * 1024;

  // ---- starting ------------------------------------------------------------------

  void begin(const rangeup::request_view& request) {
    request_ = request;
    phase_ = phase::idle;
    result_ = rangeup::errc::cancelled;  // replaced when the exchange ends
    detail_ = "";
    head_out_.clear();
    head_sent_ = 0;
    body_total_ = request.content_length();
    body_read_ = body_sent_ = 0;
    out_len_ = out_at_ = 0;
    head_in_.clear();
    head_done_ = false;
    status_ = 0;
    location_.clear();
    retry_after_.clear();
    content_type_.clear();
    body_.clear();
    body_truncated_ = false;
    body_seen_ = 0;
    keep_alive_ = true;
    framing_ = framing::none;
    left_ = 0;
    chunk_ = chunk_at::size_line;
    line_.clear();
  }

  void open(rangeup::instant now) {
    last_moved_ = now;
    std::string_view rest = request_.url.substr(7);  // after "http://"
    const std::size_t end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, end);
    std::string target(end == std::string_view::npos ? std::string_view() : rest.substr(end));
    target = target.substr(0, target.find('#'));  // a fragment never goes on the wire
    if (target.empty() || target.front() == '?') target.insert(0, "/");  // "http://h:1?x" asks for "/?x"
    write_head(authority, target);
    phase_ = phase::sending;
    // A kept-alive connection to the same host:port, if the server has not
    // closed it meanwhile (servers close idle connections when they like).
    if (fd_ >= 0 && authority == connected_to_ && alive()) return;
    close_connection();
    connect_to(authority);
  }

  void write_head(std::string_view authority, const std::string& target) {
    head_out_.reserve(512);
    head_out_.append(rangeup::method_name(request_.method)).append(" ").append(target).append(" HTTP/1.1\r\n");
    head_out_.append("Host: ").append(authority).append("\r\n");
    for (const rangeup::header_field* h = request_.begin_headers(); h != request_.end_headers(); ++h)
      head_out_.append(h->name).append(": ").append(h->value).append("\r\n");
    // Never to a pre-authenticated uploadUrl (it carries its own credential):
    // the session leaves bearer_token empty there.
    if (!request_.bearer_token.empty())
      head_out_.append("Authorization: Bearer ").append(request_.bearer_token).append("\r\n");
    // Every POST and PUT says its length, 0 included (a deferred commit);
    // GET and DELETE carry no body at all.
    if (request_.method == rangeup::http_method::post || request_.method == rangeup::http_method::put)
      head_out_.append("Content-Length: ").append(std::to_string(body_total_)).append("\r\n");
    head_out_.append("\r\n");
  }

  // Loopback addresses only, so no resolver (getaddrinfo would block).
  void connect_to(std::string_view authority) {
    const std::size_t colon = authority.rfind(':');
    const bool has_port = colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos;
    const std::string host(authority.substr(0, has_port ? colon : authority.size()));
    const int port = has_port ? std::stoi(std::string(authority.substr(colon + 1))) : 80;
    union {
      sockaddr any;
      sockaddr_in v4;
      sockaddr_in6 v6;
    } address{};
    socklen_t length = 0;
    if (host == "[::1]") {
      address.v6.sin6_family = AF_INET6;
      address.v6.sin6_port = htons(static_cast<std::uint16_t>(port));
      address.v6.sin6_addr = in6addr_loopback;
      length = sizeof address.v6;
    } else {
      address.v4.sin_family = AF_INET;
      address.v4.sin_port = htons(static_cast<std::uint16_t>(port));
      const char* numeric = host == "localhost" ? "127.0.0.1" : host.c_str();
      if (::inet_pton(AF_INET, numeric, &address.v4.sin_addr) != 1)
        return fail(rangeup::errc::connection_failed, "only loopback addresses here (no name resolution)");
      length = sizeof address.v4;
    }
    fd_ = ::socket(address.any.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return fail(rangeup::errc::connection_failed, "socket() failed");
    const int one = 1;
    (void)::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // the head goes out at once
    connected_to_.assign(authority.data(), authority.size());
    if (::connect(fd_, &address.any, length) == 0) return connected();
    if (errno != EINPROGRESS) return fail(rangeup::errc::connection_failed, "connection refused");
    phase_ = phase::connecting;
  }

  void connected() {
    ++connections_;
    phase_ = phase::sending;
  }

  // An idle kept-alive connection is usable when reading it would block: no
  // end-of-stream (the server closed it) and no stray bytes.
  bool alive() const noexcept {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  // ---- moving bytes ------------------------------------------------------------------

  io finish_connect() {
    pollfd p{fd_, POLLOUT, 0};
    if (::poll(&p, 1, 0) == 0) return io::blocked;
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) {
      fail(rangeup::errc::connection_failed, "connection refused");
      return io::moved;
    }
    connected();
    return io::moved;
  }

  io send_some(std::size_t& budget) {
    std::size_t n = 0;
    if (head_sent_ < head_out_.size()) {
      const io s = send_bytes(head_out_.data() + head_sent_, head_out_.size() - head_sent_, n);
      head_sent_ += n;
      return s;
    }
    if (out_at_ == out_len_) {  // the buffer went out: read the next piece of the body
      if (body_read_ == body_total_) {
        phase_ = phase::receiving;
        return io::moved;
      }
      if (budget == 0) return io::blocked;  // this frame's share is spent
      if (!buffer_) buffer_.reset(new char[buffer_size]);
      const std::uint64_t left = body_total_ - body_read_;
      const rangeup::result<std::size_t> got =
          rangeup::read_request_body(request_, *source_, body_read_, buffer_.get(),
                                     left < buffer_size ? static_cast<std::size_t>(left) : buffer_size);
      if (!got || *got == 0) {
        // The source's own error is passed on; a source that ended early changed.
        fail(got ? rangeup::make_error_code(rangeup::errc::source_changed) : got.error(), "reading the body failed");
        return io::moved;
      }
      body_read_ += *got;
      out_len_ = *got;
      out_at_ = 0;
    }
    const io s = send_bytes(buffer_.get() + out_at_, out_len_ - out_at_, n);
    out_at_ += n;
    body_sent_ += n;
    budget -= n < budget ? n : budget;
    if (n != 0 && progress_ != nullptr && !progress_(progress_context_, body_sent_, body_total_))
      fail(rangeup::errc::cancelled, "aborted by the send-progress hook");
    return s;
  }

  // Sends what the socket takes of [p, p + n) and says how much in `sent`.
  io send_bytes(const char* p, std::size_t n, std::size_t& sent) {
    const ssize_t w = ::send(fd_, p, n, MSG_NOSIGNAL);  // a closed peer is an error code, not SIGPIPE
    if (w >= 0) {
      sent = static_cast<std::size_t>(w);
      return io::moved;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return io::blocked;
    if (errno == EINTR) return io::moved;
    fail(rangeup::errc::connection_dropped, "the connection broke while sending");
    return io::moved;
  }

  io receive_some() {
    char in[16 * 1024];
    const ssize_t n = ::recv(fd_, in, sizeof in, 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return io::blocked;
      if (errno != EINTR) fail(rangeup::errc::connection_dropped, "the connection broke while receiving");
      return io::moved;
    }
    if (n == 0) {  // the server closed the connection
      if (head_done_ && framing_ == framing::until_close) complete();
      else fail(rangeup::errc::connection_dropped, "the server closed the connection before a complete response");
      return io::moved;
    }
    feed(in, static_cast<std::size_t>(n));
    return io::moved;
  }

  // ---- reading the response --------------------------------------------------------------

  void feed(const char* p, std::size_t n) {
    if (head_done_) return feed_body(p, n);
    std::size_t from = head_in_.size() < 3 ? 0 : head_in_.size() - 3;
    head_in_.append(p, n);
    for (;;) {
      const std::size_t end = head_in_.find("\r\n\r\n", from);
      if (end == std::string::npos || end + 4 > options_.max_response_header) {
        if (head_in_.size() > options_.max_response_header)
          fail(rangeup::errc::response_too_large, "response head over max_response_header");
        return;
      }
      if (!parse_head(std::string_view(head_in_).substr(0, end + 2))) return;
      const std::string rest = head_in_.substr(end + 4);
      if (status_ >= 100 && status_ < 200) {  // 100 Continue and friends: the real answer follows
        head_in_ = rest;
        from = 0;
        continue;
      }
      head_done_ = true;
      if (framing_ == framing::none || (framing_ == framing::length && left_ == 0)) return complete();
      if (!rest.empty()) feed_body(rest.data(), rest.size());
      return;
    }
  }

  // The status line and the few headers the session needs; false when it failed.
  bool parse_head(std::string_view head) {
    const std::size_t line_end = head.find("\r\n");
    const std::string_view status_line = head.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ' ||
        !digits(status_line.substr(9, 3)) || (status_line.size() > 12 && status_line[12] != ' ')) {
      fail(rangeup::errc::malformed_response, "not an HTTP/1.x status line");
      return false;
    }
    status_ = std::stoi(std::string(status_line.substr(9, 3)));
    keep_alive_ = status_line[7] != '0';  // HTTP/1.0 closes unless it says otherwise
    location_.clear();
    retry_after_.clear();
    content_type_.clear();
    bool has_length = false, chunked = false;
    std::uint64_t length = 0;
    for (std::size_t at = line_end + 2; at < head.size();) {
      const std::size_t eol = head.find("\r\n", at);
      const std::string_view field = head.substr(at, eol - at);
      at = eol + 2;
      const std::size_t colon = field.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        fail(rangeup::errc::malformed_response, "malformed response header");
        return false;
      }
      const std::string_view name = field.substr(0, colon);
      const std::string_view value = trim(field.substr(colon + 1));
      if (iequals(name, "content-length")) {
        const std::uint64_t v = digits(value) && value.size() <= 18 ? std::stoull(std::string(value)) : UINT64_MAX;
        if (v == UINT64_MAX || (has_length && v != length)) {
          fail(rangeup::errc::malformed_response, "bad Content-Length");
          return false;
        }
        length = v;
        has_length = true;
      } else if (iequals(name, "transfer-encoding")) {
        chunked = contains_icase(value, "chunked");
      } else if (iequals(name, "connection")) {
        if (contains_icase(value, "close")) keep_alive_ = false;
        else if (contains_icase(value, "keep-alive")) keep_alive_ = true;
      } else if (iequals(name, "location")) {
        location_.assign(value.data(), value.size());
      } else if (iequals(name, "retry-after")) {
        retry_after_.assign(value.data(), value.size());
      } else if (iequals(name, "content-type")) {
        content_type_.assign(value.data(), value.size());
      }
    }
    if (status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200)) {
      framing_ = framing::none;
    } else if (chunked) {
      framing_ = framing::chunked;
      if (has_length) keep_alive_ = false;  // both framings: answer this one, trust the connection no further
    } else if (has_length) {
      framing_ = framing::length;
      left_ = length;
    } else {
      framing_ = framing::until_close;
      keep_alive_ = false;
    }
    return true;
  }

  void feed_body(const char* p, std::size_t n) {
    while (n != 0 && phase_ == phase::receiving) {
      if (framing_ == framing::until_close) {
        keep(p, n);
        return;
      }
      if (framing_ == framing::length || chunk_ == chunk_at::data) {
        const std::size_t take = left_ < n ? static_cast<std::size_t>(left_) : n;
        keep(p, take);
        if (phase_ != phase::receiving) return;  // kept too much
        p += take;
        n -= take;
        left_ -= take;
        if (left_ != 0) continue;
        if (framing_ == framing::length) {
          if (n != 0) keep_alive_ = false;  // bytes after the answer: not a connection to reuse
          return complete();
        }
        chunk_ = chunk_at::data_end;
        continue;
      }
      // Chunked framing: a line at a time (size line, the CRLF after data, trailers).
      const char* eol = static_cast<const char*>(std::memchr(p, '\n', n));
      const std::size_t take = eol == nullptr ? n : static_cast<std::size_t>(eol - p) + 1;
      line_.append(p, take);
      p += take;
      n -= take;
      if (line_.size() > 1024) return fail(rangeup::errc::malformed_response, "chunked framing line too long");
      if (eol != nullptr) end_of_line();
    }
  }

  void end_of_line() {
    std::string_view line(line_);
    line.remove_suffix(line.size() >= 2 && line[line.size() - 2] == '\r' ? 2 : 1);
    switch (chunk_) {
      case chunk_at::size_line: {
        const std::string_view hex = trim(line.substr(0, line.find(';')));  // chunk extensions ignored
        std::uint64_t size = 0;
        for (char c : hex) {
          const char l = lower(c);
          const int d = l >= '0' && l <= '9' ? l - '0' : l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
          if (d < 0 || size >> 60 != 0) return fail(rangeup::errc::malformed_response, "bad chunk size");
          size = size * 16 + static_cast<std::uint64_t>(d);
        }
        if (hex.empty()) return fail(rangeup::errc::malformed_response, "bad chunk size");
        left_ = size;
        chunk_ = size == 0 ? chunk_at::trailer : chunk_at::data;
        break;
      }
      case chunk_at::data_end:
        if (!line.empty()) return fail(rangeup::errc::malformed_response, "chunk not followed by CRLF");
        chunk_ = chunk_at::size_line;
        break;
      case chunk_at::trailer:
        if (line.empty()) {
          line_.clear();
          return complete();
        }
        break;  // a trailer field: not needed
      case chunk_at::data:
        break;
    }
    line_.clear();
  }

  // Keeps body bytes up to the cap; drains the rest (so the connection stays
  // usable) up to max_drained_body.
  void keep(const char* p, std::size_t n) {
    body_seen_ += n;
    const std::size_t room = options_.max_response_body - body_.size();
    body_.append(p, n < room ? n : room);
    if (n > room) body_truncated_ = true;
    if (body_seen_ > options_.max_response_body + options_.max_drained_body)
      fail(rangeup::errc::response_too_large, "response body far over max_response_body");
  }

  // ---- ending --------------------------------------------------------------------

  void complete() {
    phase_ = phase::finished;
    if (!keep_alive_) close_connection();
    if (status_ >= 300 && status_ < 400) {  // an upload request is never redirected
      result_ = rangeup::errc::redirect_refused;
      detail_ = "the server answered with a redirect";
      return;
    }
    rangeup::response_view r;
    r.status = status_;
    r.location = location_;
    r.retry_after = retry_after_;
    r.content_type = content_type_;
    r.body = body_;
    r.body_truncated = body_truncated_;
    result_ = r;
  }

  // The exchange failed mid-way: its connection is in no known state.
  void fail(rangeup::errc e, const char* why) { fail(rangeup::make_error_code(e), why); }
  void fail(std::error_code ec, const char* why) {
    close_connection();
    refuse(ec, why);
  }
  // The exchange ends without touching the connection (nothing was sent).
  void refuse(std::error_code ec, const char* why) {
    phase_ = phase::finished;
    result_ = ec;
    detail_ = why;
  }

  void close_connection() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    connected_to_.clear();
  }

  static bool digits(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  }
  static std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }
  static char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
  static bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (lower(a[i]) != lower(b[i])) return false;
    return true;
  }
  static bool contains_icase(std::string_view s, std::string_view word) noexcept {
    for (std::size_t i = 0; i + word.size() <= s.size(); ++i)
      if (iequals(s.substr(i, word.size()), word)) return true;
    return false;
  }

  transport_options options_;
  send_progress_fn progress_ = nullptr;
  void* progress_context_ = nullptr;

  // The connection, kept between exchanges while the server allows.
  int fd_ = -1;
  std::string connected_to_;  // its host:port as the URL spelled it
  std::size_t connections_ = 0;

  // The exchange.
  phase phase_ = phase::idle;
  rangeup::request_view request_;
  std::optional<rangeup::source_ref> source_;  // the caller's Source, whatever its type
  rangeup::instant last_moved_{};
  rangeup::result<rangeup::response_view> result_{rangeup::errc::cancelled};
  const char* detail_ = "";

  // Sending: the head, then the body through a buffer.
  std::string head_out_;
  std::size_t head_sent_ = 0;
  std::uint64_t body_total_ = 0, body_read_ = 0, body_sent_ = 0;
  std::unique_ptr<char[]> buffer_;
  std::size_t out_len_ = 0, out_at_ = 0;

  // Receiving.
  std::string head_in_;
  bool head_done_ = false;
  int status_ = 0;
  std::string location_, retry_after_, content_type_, body_;
  bool body_truncated_ = false;
  std::uint64_t body_seen_ = 0;
  bool keep_alive_ = true;
  framing framing_ = framing::none;
  std::uint64_t left_ = 0;  // body bytes still to come (length framing, or in the current chunk)
  chunk_at chunk_ = chunk_at::size_line;
  std::string line_;
};

// The same transport as a blocking Transport (rangeup/transport.hpp):
// perform() starts the exchange and polls it, sleeping on the socket in
// between. For rangeup::upload and the conformance tests; a game loop uses
// the non-blocking transport itself.
class blocking_adapter {
 public:
  explicit blocking_adapter(transport_options options = {}) : http_(options) {}

  template <class Source>
  rangeup::result<rangeup::response_view> perform(const rangeup::request_view& request, Source& source) {
    http_.start(request, source, now());
    while (!http_.poll(now())) {
      pollfd p{http_.native_handle(), static_cast<short>(http_.wants_write() ? POLLOUT : POLLIN), 0};
      (void)::poll(&p, 1, 50);  // at most 50 ms, so the idle timeout is seen
    }
    return http_.result();
  }
  // A request without a body from the source (the create, a status GET, a DELETE).
  rangeup::result<rangeup::response_view> perform(const rangeup::request_view& request) {
    rangeup::memory_source none;
    return perform(request, none);
  }

  void set_send_progress(nonblocking_http_transport::send_progress_fn fn, void* context) noexcept {
    http_.set_send_progress(fn, context);
  }
  std::size_t connections_opened() const noexcept { return http_.connections_opened(); }
  const char* last_error_detail() const noexcept { return http_.last_error_detail(); }
  nonblocking_http_transport& transport() noexcept { return http_; }

 private:
  static rangeup::instant now() noexcept {
    using namespace std::chrono;
    return rangeup::instant{duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count()};
  }

  nonblocking_http_transport http_;
};

}  // namespace rangeup_example
