#include "server.hpp"

#include <csignal>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include "connection.hpp"

namespace emu {

using tcp = asio::ip::tcp;

struct server::impl {
  impl(service& s, const options& o) : svc(s), opt(o), ssl(asio::ssl::context::tls_server) {
    for (unsigned n = 1; n < o.threads; ++n) workers.push_back(std::make_unique<asio::io_context>(1));
  }

  // Declared in the order they must outlive each other: the TLS context its
  // connections, the worker contexts `ioc` (whose pending accept holds a socket
  // of the next worker until `ioc` is destroyed).
  service& svc;
  const options& opt;
  asio::ssl::context ssl;
  // One io_context per further --threads thread. Each connection lives on one
  // context (taken in turn), so its handlers never change threads: with one
  // io_context run by two threads, a single upload's reads bounced between
  // them (a futex wake-up every few reads) and it went ~20 % slower.
  std::vector<std::unique_ptr<asio::io_context>> workers;
  std::size_t accepted = 0;
  // The acceptor, the signals, the idle timer and a share of the connections.
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::signal_set signals{ioc, SIGINT, SIGTERM};
  asio::steady_timer idle{ioc};

  void stop() {
    asio::post(ioc, [this] {
      for (auto& w : workers) w->stop();
      ioc.stop();
    });
  }

  // The context for the next connection (only the acceptor's handler calls this).
  asio::io_context& next_context() {
    const std::size_t k = accepted++ % (workers.size() + 1);
    return k == 0 ? ioc : *workers[k - 1];
  }

  void accept() {
    acceptor.async_accept(next_context(), [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) {
        // Answers are small writes after a large read: without TCP_NODELAY,
        // Nagle and the peer's delayed ACK add ~40 ms to a reply.
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto on_stop = [this] { stop(); };
        beast::tcp_stream tcp_stream(std::move(socket));
        auto stream = opt.tls() ? byte_stream::tls(std::move(tcp_stream), ssl) : byte_stream::plain(std::move(tcp_stream));
        std::make_shared<connection>(std::move(stream), svc, on_stop)->start();
      }
      accept();
    });
  }

  // --idle-exit: a safety net so a test that forgets the emulator cannot leave it running.
  void watch_idle() {
    idle.expires_after(std::chrono::milliseconds(250));
    idle.async_wait([this](beast::error_code ec) {
      if (ec) return;
      const auto quiet = sys_clock::now() - svc.last_request();
      const bool idle = opt.idle_exit != 0 && quiet > std::chrono::seconds(opt.idle_exit) && !svc.holds_pending();
      if (svc.stop_requested() || idle) return stop();
      watch_idle();
    });
  }
};

server::server(service& svc, const options& opt) : impl_(std::make_unique<impl>(svc, opt)) {}
server::~server() = default;

bool server::listen(std::string& error) {
  auto& i = *impl_;
  beast::error_code ec;
  if (i.opt.tls()) {
    i.ssl.use_certificate_chain_file(i.opt.tls_cert, ec);
    if (!ec) i.ssl.use_private_key_file(i.opt.tls_key, asio::ssl::context::pem, ec);
    if (ec) {
      error = "TLS certificate/key: " + ec.message();
      return false;
    }
  }
  const auto address = asio::ip::make_address(i.opt.host, ec);
  if (ec) {
    error = "bad --host " + i.opt.host + ": " + ec.message();
    return false;
  }
  const tcp::endpoint endpoint(address, i.opt.port);
  i.acceptor.open(endpoint.protocol(), ec);
  if (!ec) i.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) i.acceptor.bind(endpoint, ec);
  if (!ec) i.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + i.opt.host + ":" + std::to_string(i.opt.port) + ": " + ec.message();
    return false;
  }
  return true;
}

unsigned short server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string server::base_url() const {
  const auto& host = impl_->opt.host;
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(impl_->opt.tls() ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port());
}

void server::run() {
  auto& i = *impl_;
  i.signals.async_wait([&i](beast::error_code ec, int) {
    if (!ec) i.stop();
  });
  i.accept();
  if (i.opt.idle_exit != 0 || i.opt.max_requests != 0) i.watch_idle();
  std::vector<std::thread> extra;
  for (auto& w : i.workers)
    extra.emplace_back([&w] {
      auto busy = asio::make_work_guard(*w);  // idle until stop(), not until its first connection
      w->run();
    });
  i.ioc.run();
  for (auto& t : extra) t.join();
  // Requests waiting for a held one ("hold") go with the rest: the held ones
  // are abandoned when the io_context goes, nothing waits on them.
  i.svc.drop_waiters();
}

}  // namespace emu
