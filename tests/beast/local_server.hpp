#pragma once
// A tiny scripted HTTP(S) server on 127.0.0.1 for the Beast transport tests:
// one thread, one connection at a time, each request answered by a handler
// that returns raw response bytes (so hostile replies are easy to write).
// stop() (also from the destructor) shuts the sockets down and joins.

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace rangeup_test {

struct received {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string sni;  // TLS server name the client sent, if any
  bool has(const std::string& name) const { return headers.count(name) != 0; }
  std::string get(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct reply {
  std::string raw;                      // bytes written back verbatim
  bool close_after = false;             // close the connection after writing
  bool drop = false;                    // close without writing anything
  std::chrono::milliseconds delay{0};   // before writing
};

inline reply respond(int status, std::string body = {}, std::string extra_headers = {}) {
  reply r;
  r.raw = "HTTP/1.1 " + std::to_string(status) + " X\r\n" + extra_headers +
          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return r;
}

class local_server {
 public:
  using handler = std::function<reply(const received&)>;

  // cert/key: PEM files for TLS; empty for plain http.
  explicit local_server(handler h, std::string cert = {}, std::string key = {})
      : handler_(std::move(h)), tls_(!cert.empty()) {
    namespace net = boost::asio;
    if (tls_) {
      ssl_.use_certificate_chain_file(cert);
      ssl_.use_private_key_file(key, net::ssl::context::pem);
      SSL_CTX_set_tlsext_servername_callback(ssl_.native_handle(), &local_server::on_sni);
      SSL_CTX_set_tlsext_servername_arg(ssl_.native_handle(), this);
    }
    acceptor_.open(net::ip::tcp::v4());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind({net::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { run(); });
  }
  ~local_server() { stop(); }

  unsigned short port() const { return port_; }
  std::string url(const std::string& path = "/", const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https://" : "http://") + host + ":" + std::to_string(port_) + path;
  }
  int connections() const { return connections_.load(); }
  std::vector<received> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return log_;
  }

  void stop() {
    if (stopping_.exchange(true)) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
      if (client_fd_ >= 0) ::shutdown(client_fd_, SHUT_RDWR);
    }
    thread_.join();
  }

 private:
  static int on_sni(SSL* ssl, int*, void* self) {
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    static_cast<local_server*>(self)->sni_ = name ? name : "";
    return SSL_TLSEXT_ERR_OK;
  }

  void run() {
    namespace net = boost::asio;
    while (!stopping_) {
      net::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) break;
      ++connections_;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        client_fd_ = socket.native_handle();
      }
      sni_.clear();
      if (tls_) {
        net::ssl::stream<net::ip::tcp::socket&> stream(socket, ssl_);
        stream.handshake(net::ssl::stream_base::server, ec);
        if (!ec) serve(stream);
      } else {
        serve(socket);
      }
      std::lock_guard<std::mutex> lock(mutex_);
      client_fd_ = -1;
    }
  }

  template <class Stream>
  void serve(Stream& stream) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64u << 20);
      boost::system::error_code ec;
      http::read(stream, buffer, parser, ec);
      if (ec) return;
      received r;
      const auto& msg = parser.get();
      r.method = std::string(msg.method_string());
      r.target = std::string(msg.target());
      for (const auto& f : msg) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(f.value());
      }
      r.body = msg.body();
      r.sni = sni_;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        log_.push_back(r);
      }
      const reply out = handler_(r);
      if (out.delay.count() > 0) std::this_thread::sleep_for(out.delay);
      if (out.drop) return;
      boost::asio::write(stream, boost::asio::buffer(out.raw), ec);
      if (ec || out.close_after) return;
    }
  }

  handler handler_;
  bool tls_;
  boost::asio::io_context io_;
  boost::asio::ssl::context ssl_{boost::asio::ssl::context::tls_server};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  int client_fd_ = -1;
  std::vector<received> log_;
  std::string sni_;
};

}  // namespace rangeup_test
