// rangeup::beast::detail::tls_stream, the TLS layer under the Beast transport:
// records batched per socket write, large bodies both ways, how a stream ends
// (close_notify or not), verify failures and non-TLS peers. Runs in the
// transport test program (label beast).

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <openssl/ssl.h>

#include "rangeup/beast/connection.hpp"
#include "rangeup/beast/tls_stream.hpp"
#include "rangeup/beast/transport.hpp"
#include "support/loopback_server.hpp"
#include "support/test_data.hpp"
#include "support/transport_conformance.hpp"

namespace {

using rangeup::errc;
using rangeup_test::loopback_server;
using rangeup_test::request;
using rangeup_test::respond;
namespace conformance = rangeup_test::conformance;

// A certificate for localhost and 127.0.0.1, removed at the end of the case.
struct localhost_certificate {
  std::string dir = rangeup_test::make_certificate("localhost", "IP:127.0.0.1,DNS:localhost");
  ~localhost_certificate() { rangeup_test::remove_directory(dir); }
  std::string cert() const { return dir + "/cert.pem"; }
  std::string key() const { return dir + "/key.pem"; }
  rangeup_test::server_options server() const {
    rangeup_test::server_options so;
    so.tls_cert = cert();
    so.tls_key = key();
    return so;
  }
};

rangeup::beast::transport_options trusting(const localhost_certificate& c) {
  rangeup::beast::transport_options o;
  o.ca_file = c.cert();
  o.connect_timeout = o.io_timeout = std::chrono::seconds(10);
  return o;
}

// A server for one connection on 127.0.0.1 that runs `serve(fd)` in a thread:
// for peers the loopback server cannot play (garbage, a clean TLS close).
class one_connection_server {
 public:
  explicit one_connection_server(std::function<void(int)> serve) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_, 1) != 0 ||
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      return;
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, serve = std::move(serve)] {
      pollfd p{listen_, POLLIN, 0};
      if (::poll(&p, 1, 10000) != 1) return;
      const int fd = ::accept(listen_, nullptr, nullptr);
      if (fd < 0) return;
      timeval tv{5, 0};  // the client never makes this thread wait longer
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      serve(fd);
      ::close(fd);
    });
  }
  ~one_connection_server() {
    ::shutdown(listen_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(listen_);
  }
  std::string url(const std::string& scheme, const std::string& path) const {
    return scheme + "://localhost:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }

 private:
  int listen_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace

TEST_CASE("make_tls_context: ca_file is trusted instead of the system store, as the curl transport's ca_file") {
  const localhost_certificate c;
  std::error_code ec;
  const auto with_file = rangeup::beast::make_tls_context(trusting(c), ec);
  REQUIRE(with_file);
  CHECK(!ec);
  // Exactly the file's one certificate: the system bundle (~140, ~25 ms to load) is not read.
  CHECK(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(with_file->native_handle()))) == 1);
  rangeup::beast::transport_options missing;
  missing.ca_file = c.dir + "/no-such.pem";
  CHECK(rangeup::beast::make_tls_context(missing, ec) == nullptr);
  CHECK(ec == rangeup::errc::tls_error);
}

TEST_CASE("beast tls: an 8 MiB body goes up and comes back byte-exact, twice on one connection") {
  localhost_certificate c;
  REQUIRE_FALSE(c.dir.empty());
  auto so = c.server();
  so.keep_body = 9u << 20;
  loopback_server server([](const request& r) { return respond(200, r.body); }, so);  // echo
  REQUIRE(server.started());
  auto options = trusting(c);
  options.max_response_body = 9u << 20;
  rangeup::beast::transport t(options);
  const std::string url = server.url("/echo", "localhost");
  for (std::uint32_t seed : {1u, 2u}) {
    const std::string data = rangeup_test::test_bytes(8u << 20, seed);
    rangeup_test::recording_source source(data);
    auto res = t.perform(conformance::put_range(url, 0, data.size() - 1, data.size()), source);
    REQUIRE_MESSAGE(res, t.last_error_detail());
    CHECK(res->status == 200);
    CHECK_FALSE(res->body_truncated);
    CHECK(res->body.size() == data.size());
    CHECK(rangeup_test::sha256_hex(res->body) == rangeup_test::sha256_hex(data));
    CHECK(server.requests().back().body_size == data.size());
  }
  CHECK(t.connections_opened() == 1);
}

TEST_CASE("beast tls: one async_write_some sends a batch of whole records, not one record") {
  localhost_certificate c;
  REQUIRE_FALSE(c.dir.empty());
  loopback_server server([](const request& r) { return respond(200, std::to_string(r.body_size)); }, c.server());
  REQUIRE(server.started());
  boost::asio::io_context io;
  std::error_code context_error;
  auto ctx = rangeup::beast::make_tls_context(trusting(c), context_error);
  REQUIRE(ctx);
  using stream_type = rangeup::beast::detail::tls_stream<rangeup::beast::connection::tcp_stream>;
  stream_type s(io.get_executor(), *ctx);
  REQUIRE(s.set_peer_name("localhost", true));
  static_assert(std::is_same_v<boost::beast::lowest_layer_type<stream_type>, rangeup::beast::connection::tcp_stream>);

  boost::system::error_code ec;
  boost::asio::ip::tcp::endpoint at(boost::asio::ip::make_address("127.0.0.1"),
                                    static_cast<unsigned short>(server.port()));
  boost::beast::get_lowest_layer(s).connect(at, ec);
  REQUIRE_FALSE(ec);
  s.async_handshake([&](boost::system::error_code e) { ec = e; });
  io.run();
  REQUIRE_MESSAGE(!ec, ec.message());

  const std::string body = rangeup_test::test_bytes(1u << 20, 3);
  const std::string head = "PUT /batch HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + std::to_string(body.size()) +
                           "\r\n\r\n";
  std::size_t sent = 0, calls = 0, first = 0;
  bool inline_completion = false;
  const auto write_all = [&](const std::string& bytes) {
    for (std::size_t off = 0; off < bytes.size();) {
      bool in_call = true;
      std::size_t n = 0;
      s.async_write_some(boost::asio::buffer(bytes.data() + off, bytes.size() - off),
                         [&](boost::system::error_code e, std::size_t got) {
                           if (in_call) inline_completion = true;
                           ec = e;
                           n = got;
                         });
      in_call = false;
      io.restart();
      io.run();
      if (ec || n == 0) return;
      if (calls++ == 1) first = n;  // the first write of the body
      off += n;
      sent += n;
    }
  };
  write_all(head);
  write_all(body);
  REQUIRE_MESSAGE(!ec, ec.message());
  CHECK_FALSE(inline_completion);
  CHECK(sent == head.size() + body.size());
  // 8 records of 16 KiB per write: 8 writes for the MiB, where asio's stream made 64.
  CHECK(first >= 64 * 1024);
  CHECK(first == stream_type::records_per_write * SSL3_RT_MAX_PLAIN_LENGTH);
  CHECK(calls == 1 + body.size() / first);

  std::string answer;
  char buf[4096];
  while (answer.find("\r\n\r\n") == std::string::npos || answer.size() < answer.find("\r\n\r\n") + 11) {
    std::size_t n = 0;
    s.async_read_some(boost::asio::buffer(buf), [&](boost::system::error_code e, std::size_t got) {
      ec = e;
      n = got;
    });
    io.restart();
    io.run();
    if (ec) break;
    answer.append(buf, n);
  }
  REQUIRE_MESSAGE(!ec, ec.message());
  CHECK(answer.substr(0, 15) == "HTTP/1.1 200 OK");
  CHECK(answer.substr(answer.size() - 7) == "1048576");
  CHECK(server.requests().back().body == body);
}

TEST_CASE("beast tls: a TCP close without close_notify cuts a response short; close_notify ends it") {
  localhost_certificate c;
  REQUIRE_FALSE(c.dir.empty());
  // A body that runs to the end of the connection (no Content-Length): only a
  // TLS close_notify says it is whole. The loopback server never sends one.
  rangeup_test::reply to_eof;
  to_eof.raw = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npart of a body";
  to_eof.close = true;
  {
    loopback_server server([&](const request&) { return to_eof; }, c.server());
    REQUIRE(server.started());
    rangeup::beast::transport t(trusting(c));
    CHECK(t.perform(conformance::get(server.url("/cut", "localhost"))).error() == errc::connection_dropped);
    INFO(t.last_error_detail());
    CHECK(t.last_error_detail().find("receive") == 0);
  }
  {  // the same bytes over plain http are a whole response: the error above is the missing close_notify
    loopback_server server([&](const request&) { return to_eof; });
    REQUIRE(server.started());
    auto options = trusting(c);
    options.allow_http = true;
    rangeup::beast::transport t(options);
    auto res = t.perform(conformance::get(server.url("/whole")));
    REQUIRE(res);
    CHECK(res->body == "part of a body");
  }
  {  // a server that ends the stream with close_notify: the body is whole
    SSL_CTX* server_ctx = SSL_CTX_new(TLS_server_method());
    REQUIRE(server_ctx != nullptr);
    REQUIRE(SSL_CTX_use_certificate_chain_file(server_ctx, c.cert().c_str()) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(server_ctx, c.key().c_str(), SSL_FILETYPE_PEM) == 1);
    bool shut_down = false;
    {
      one_connection_server server([&](int fd) {
        SSL* ssl = SSL_new(server_ctx);
        SSL_set_fd(ssl, fd);
        std::string in;
        char buf[4096];
        if (SSL_accept(ssl) == 1) {
          while (in.find("\r\n\r\n") == std::string::npos) {
            const int n = SSL_read(ssl, buf, sizeof buf);
            if (n <= 0) break;
            in.append(buf, static_cast<std::size_t>(n));
          }
          SSL_write(ssl, to_eof.raw.data(), static_cast<int>(to_eof.raw.size()));
          shut_down = SSL_shutdown(ssl) >= 0;  // sends close_notify
        }
        SSL_free(ssl);
      });
      REQUIRE(server.port() != 0);
      rangeup::beast::transport t(trusting(c));
      auto res = t.perform(conformance::get(server.url("https", "/clean")));
      REQUIRE_MESSAGE(res, t.last_error_detail());
      CHECK(res->body == "part of a body");
    }
    CHECK(shut_down);
    SSL_CTX_free(server_ctx);
  }
}

TEST_CASE("beast tls: verify failures are tls_error and say which check refused the certificate") {
  localhost_certificate c;
  REQUIRE_FALSE(c.dir.empty());
  const std::string other = rangeup_test::make_certificate("wrong.example", "DNS:wrong.example");
  REQUIRE_FALSE(other.empty());
  {
    loopback_server server({}, c.server());
    REQUIRE(server.started());
    rangeup::beast::transport_options system_store_only;
    rangeup::beast::transport untrusting(system_store_only);
    CHECK(untrusting.perform(conformance::get(server.url("/x", "localhost"))).error() == errc::tls_error);
    const std::string detail(untrusting.last_error_detail());
    CHECK_MESSAGE(detail.find("TLS handshake: certificate verify failed") == 0, detail);
    CHECK_MESSAGE(detail.find("self") != std::string::npos, detail);  // "self-signed certificate"
    CHECK(untrusting.connections_opened() == 0);
  }
  {
    auto so = c.server();
    so.tls_cert = other + "/cert.pem";
    so.tls_key = other + "/key.pem";
    loopback_server server({}, so);
    REQUIRE(server.started());
    rangeup::beast::transport_options chain_trusted;
    chain_trusted.ca_file = other + "/cert.pem";
    rangeup::beast::transport t(chain_trusted);
    CHECK(t.perform(conformance::get(server.url("/x", "localhost"))).error() == errc::tls_error);
    std::string detail(t.last_error_detail());
    CHECK_MESSAGE(detail.find("hostname mismatch") != std::string::npos, detail);
    CHECK(t.perform(conformance::get(server.url("/x"))).error() == errc::tls_error);  // by IP
    detail = t.last_error_detail();
    CHECK_MESSAGE(detail.find("IP address mismatch") != std::string::npos, detail);
    CHECK(server.requests().empty());
  }
  rangeup_test::remove_directory(other);
}

TEST_CASE("beast tls: a peer that answers the ClientHello with garbage fails the handshake at once") {
  one_connection_server server([](int fd) {
    const std::string garbage = "SSH-2.0-OpenSSH_9.2 this is not TLS\r\n" + std::string(2000, '\x7f');
    (void)::send(fd, garbage.data(), garbage.size(), MSG_NOSIGNAL);
    char buf[4096];
    while (::recv(fd, buf, sizeof buf, 0) > 0) {
    }
  });
  REQUIRE(server.port() != 0);
  rangeup::beast::transport_options options;
  options.connect_timeout = options.io_timeout = std::chrono::seconds(10);
  rangeup::beast::transport t(options);
  const auto start = std::chrono::steady_clock::now();
  CHECK(t.perform(conformance::get(server.url("https", "/x"))).error() == errc::tls_error);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));  // not the timeout
  const std::string detail(t.last_error_detail());
  CHECK_MESSAGE(detail.find("TLS handshake: ") == 0, detail);
  CHECK(t.connections_opened() == 0);
}
