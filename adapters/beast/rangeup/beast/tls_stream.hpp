#pragma once
// The TLS client stream under basic_connection: OpenSSL driven through a BIO
// pair whose outgoing side holds several records, so that one
// async_write_some encrypts up to ~128 KiB of plaintext and sends all of the
// ciphertext with one socket write. (boost::asio::ssl::stream's 17 KiB
// buffers make every 16 KiB record its own socket write, handler and
// epoll_wait: about 1.5x curl's CPU for an upload.)
//
// Client only, one operation at a time (HTTP/1.1 writes the request, then
// reads the response). The configuration stays a boost::asio::ssl::context:
// the SSL object inherits its trust store and verify mode.

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/coroutine.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/system/error_code.hpp>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace rangeup::beast::detail {

template <class NextLayer>
class tls_stream {
 public:
  using next_layer_type = NextLayer;
  using lowest_layer_type = boost::beast::lowest_layer_type<NextLayer>;
  using executor_type = typename NextLayer::executor_type;

  // Outgoing ciphertext: room for this many records of the largest size a
  // record can take (SSL3_RT_MAX_PACKET_SIZE, ~17.3 KiB), so a batch holds
  // 8 x 16 KiB of plaintext. Incoming: one record's worth per socket read.
  static constexpr std::size_t records_per_write = 8;
  static constexpr std::size_t out_capacity = records_per_write * SSL3_RT_MAX_PACKET_SIZE;
  static constexpr std::size_t in_capacity = SSL3_RT_MAX_PACKET_SIZE;

  template <class Arg>
  tls_stream(Arg&& arg, boost::asio::ssl::context& context) : next_(std::forward<Arg>(arg)) {
    ssl_ = SSL_new(context.native_handle());
    if (ssl_ == nullptr) return;
    BIO* inner = nullptr;
    if (BIO_new_bio_pair(&inner, out_capacity, &net_, in_capacity) != 1) {
      SSL_free(ssl_);
      ssl_ = nullptr;
      return;
    }
    SSL_set_bio(ssl_, inner, inner);  // the SSL object owns `inner` now; net_ is ours
    inner_ = inner;
    SSL_set_connect_state(ssl_);
    // Beast hands a retried write the same bytes at another address (a buffer
    // suffix); OpenSSL needs to be told that this is fine.
    SSL_set_mode(ssl_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  }

  tls_stream(const tls_stream&) = delete;
  tls_stream& operator=(const tls_stream&) = delete;

  ~tls_stream() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (net_ != nullptr) BIO_free(net_);
  }

  executor_type get_executor() noexcept { return next_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_; }
  const next_layer_type& next_layer() const noexcept { return next_; }
  SSL* native_handle() noexcept { return ssl_; }

  // SNI for host names (RFC 6066: never for IP literals) and, when `verify`,
  // the RFC 6125 check of the peer's name (or IP address) during the
  // handshake. Enforced only when the context's verify mode is verify_peer.
  // false: no SSL object, or OpenSSL refused the name.
  bool set_peer_name(const std::string& host, bool verify) {
    if (ssl_ == nullptr) return false;
    boost::system::error_code not_an_address;
    boost::asio::ip::make_address(host, not_an_address);
    const bool is_ip = !not_an_address;
    if (!is_ip && SSL_set_tlsext_host_name(ssl_, host.c_str()) != 1) return false;
    if (!verify) return true;
    if (is_ip) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str()) == 1;
    SSL_set_hostflags(ssl_, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);  // "f*.example.com" matches nothing
    return SSL_set1_host(ssl_, host.c_str()) == 1;
  }

  // Why the peer's certificate was refused ("hostname mismatch"), or empty.
  std::string verify_failure() const {
    if (ssl_ == nullptr) return {};
    const long result = SSL_get_verify_result(ssl_);
    return result == X509_V_OK ? std::string() : std::string(X509_verify_cert_error_string(result));
  }

  // void(boost::system::error_code)
  template <class CompletionToken>
  auto async_handshake(CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code)>(
        io_op<handshake_action>{this, {}}, token, next_);
  }

  // void(boost::system::error_code, std::size_t): encrypts as many whole
  // records of `buffers` as the outgoing BIO holds (at least one byte unless
  // `buffers` is empty) and completes once all their ciphertext is sent.
  template <class ConstBufferSequence, class CompletionToken>
  auto async_write_some(const ConstBufferSequence& buffers, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code, std::size_t)>(
        io_op<write_action<ConstBufferSequence>>{this, {buffers}}, token, next_);
  }

  // void(boost::system::error_code, std::size_t): decrypted bytes, reading
  // the socket only when OpenSSL has none buffered. A close_notify ends the
  // stream with asio::error::eof; a TCP close without one is
  // ssl::error::stream_truncated.
  template <class MutableBufferSequence, class CompletionToken>
  auto async_read_some(const MutableBufferSequence& buffers, CompletionToken&& token) {
    return boost::asio::async_compose<CompletionToken, void(boost::system::error_code, std::size_t)>(
        io_op<read_action<MutableBufferSequence>>{this, {buffers}}, token, next_);
  }

 private:
  // What an OpenSSL call left to do; the operation sends pending ciphertext
  // after every call whatever the outcome (TLS 1.3 key updates, alerts).
  enum class next_step { done, again, read, fail };
  struct outcome {
    next_step step;
    boost::system::error_code ec{};
    std::size_t bytes = 0;
  };

  outcome classify(int ret) const {
    switch (SSL_get_error(ssl_, ret)) {
      case SSL_ERROR_WANT_READ: return {next_step::read};
      case SSL_ERROR_WANT_WRITE:  // outgoing BIO full: send, then repeat the call
        if (BIO_ctrl_pending(net_) != 0) return {next_step::again};
        break;
      case SSL_ERROR_ZERO_RETURN: return {next_step::fail, boost::asio::error::eof};  // close_notify
      default: break;
    }
    const unsigned long err = ERR_get_error();  // the first, most specific, reason
    ERR_clear_error();
    if (err == 0) return {next_step::fail, boost::asio::ssl::error::unspecified_system_error};
    return {next_step::fail, boost::system::error_code(static_cast<int>(err), boost::asio::error::get_ssl_category())};
  }

  struct handshake_action {
    static constexpr bool sized = false;
    outcome operator()(tls_stream& s) {
      const int r = SSL_do_handshake(s.ssl_);
      return r == 1 ? outcome{next_step::done} : s.classify(r);
    }
  };

  template <class Buffers>
  struct write_action {
    static constexpr bool sized = true;
    Buffers buffers;
    std::size_t taken = 0;  // plaintext bytes that became records so far

    // One SSL_write per record, each only while the outgoing BIO can take a
    // record of any size, so it never fails half-way for want of room.
    outcome operator()(tls_stream& s) {
      std::size_t skip = taken;
      for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
           ++it) {
        const boost::asio::const_buffer b(*it);
        if (skip >= b.size()) {
          skip -= b.size();
          continue;
        }
        const char* p = static_cast<const char*>(b.data()) + skip;
        std::size_t left = b.size() - skip;
        skip = 0;
        while (left != 0) {
          if (taken != 0 && BIO_ctrl_get_write_guarantee(s.inner_) < SSL3_RT_MAX_PACKET_SIZE)
            return {next_step::done, {}, taken};
          const int n = static_cast<int>(left < SSL3_RT_MAX_PLAIN_LENGTH ? left : SSL3_RT_MAX_PLAIN_LENGTH);
          const int r = SSL_write(s.ssl_, p, n);
          if (r <= 0) return s.classify(r);  // again/read: repeated with the same bytes
          taken += static_cast<std::size_t>(r);
          p += r;
          left -= static_cast<std::size_t>(r);
        }
      }
      return {next_step::done, {}, taken};
    }
  };

  template <class Buffers>
  struct read_action {
    static constexpr bool sized = true;
    Buffers buffers;
    outcome operator()(tls_stream& s) {
      for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
           ++it) {
        const boost::asio::mutable_buffer b(*it);
        if (b.size() == 0) continue;
        const int want = static_cast<int>(b.size() < 0x40000000 ? b.size() : 0x40000000);
        const int r = SSL_read(s.ssl_, b.data(), want);
        if (r > 0) return {next_step::done, {}, static_cast<std::size_t>(r)};
        return s.classify(r);
      }
      return {next_step::done};  // nothing to read into
    }
  };

  // async_write's completion condition: offer the socket everything left in one
  // call (the default, transfer_all, cuts writes into 64 KiB system calls).
  static std::size_t whole_buffer(const boost::system::error_code& ec, std::size_t) noexcept {
    return ec ? 0 : ~std::size_t{0};
  }

  // Runs Action until it is done: after each call, sends what OpenSSL wrote
  // (one socket write unless the BIO's ring wrapped), then feeds the socket's
  // next bytes straight into the BIO when OpenSSL asked for input.
  template <class Action>
  struct io_op {
    tls_stream* s;
    Action action;
    outcome result{next_step::again};
    boost::asio::coroutine coro{};
    bool waited = false;  // an asynchronous step happened: completing now is not inline

    template <class Self>
    void operator()(Self& self, boost::system::error_code ec = {}, std::size_t n = 0) {
      BOOST_ASIO_CORO_REENTER(coro) {
        if (s->ssl_ == nullptr) {
          result = {next_step::fail, boost::asio::error::no_memory};
        } else {
          for (;;) {
            ERR_clear_error();  // a stale error must not be blamed on this call
            result = action(*s);
            while (BIO_ctrl_pending(s->net_) != 0) {
              waited = true;
              BOOST_ASIO_CORO_YIELD {
                char* out = nullptr;
                const int size = BIO_nread0(s->net_, &out);
                boost::asio::async_write(s->next_, boost::asio::buffer(out, static_cast<std::size_t>(size)),
                                         whole_buffer, std::move(self));
              }
              if (ec) return finish(self, result.step == next_step::fail ? result.ec : ec, 0);  // an alert's error wins
              char* sent = nullptr;
              BIO_nread(s->net_, &sent, static_cast<int>(n));  // consumes what went out
            }
            if (result.step != next_step::read && result.step != next_step::again) break;
            if (result.step == next_step::read) {
              waited = true;
              BOOST_ASIO_CORO_YIELD {
                char* in = nullptr;
                const int room = BIO_nwrite0(s->net_, &in);
                s->next_.async_read_some(boost::asio::buffer(in, room > 0 ? static_cast<std::size_t>(room) : 0),
                                         std::move(self));
              }
              if (ec == boost::asio::error::eof)  // the peer closed TCP: cleanly only after its close_notify
                ec = (SSL_get_shutdown(s->ssl_) & SSL_RECEIVED_SHUTDOWN) != 0
                         ? boost::system::error_code(boost::asio::error::eof)
                         : boost::system::error_code(boost::asio::ssl::error::stream_truncated);
              if (!ec && n == 0) ec = boost::asio::error::no_buffer_space;  // never spin on a full BIO
              if (ec) return finish(self, ec, 0);
              char* got = nullptr;
              BIO_nwrite(s->net_, &got, static_cast<int>(n));
            }
          }
        }
        if (!waited) {  // never complete inside the initiating call
          BOOST_ASIO_CORO_YIELD boost::asio::post(s->next_.get_executor(), std::move(self));
        }
        finish(self, result.ec, result.step == next_step::done ? result.bytes : 0);
      }
    }

    template <class Self>
    static void finish(Self& self, const boost::system::error_code& ec, std::size_t bytes) {
      if constexpr (Action::sized) self.complete(ec, bytes);
      else self.complete(ec);
    }
  };

  NextLayer next_;
  SSL* ssl_ = nullptr;
  BIO* inner_ = nullptr;  // OpenSSL's end of the pair (owned by ssl_)
  BIO* net_ = nullptr;    // our end: ciphertext out of it, socket bytes into it
};

}  // namespace rangeup::beast::detail
