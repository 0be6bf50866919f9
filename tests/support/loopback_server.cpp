#include "support/loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <thread>

#ifndef RANGEUP_TEST_SERVER_TLS
#define RANGEUP_TEST_SERVER_TLS 0
#endif
#if RANGEUP_TEST_SERVER_TLS
#include <openssl/ssl.h>
#endif

namespace rangeup_test {

reply respond(int status, std::string body, header_list headers) {
  reply r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

namespace {

constexpr std::chrono::milliseconds slice{50};  // how often every wait looks at `stopping`
constexpr std::size_t max_head = 64 * 1024;     // a longer request head closes the connection
constexpr std::size_t io_chunk = 64 * 1024;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

const char* reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string render(const reply& r) {
  if (!r.raw.empty()) return r.raw;
  std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + reason(r.status) + "\r\n";
  bool framed = false;
  for (const auto& h : r.headers) {
    const std::string name = lower(h.first);
    framed = framed || name == "content-length" || name == "transfer-encoding";
    out += h.first + ": " + h.second + "\r\n";
  }
  if (!framed) out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  return out + "\r\n" + r.body;
}

// "METHOD target HTTP/1.1" and "Name: value" lines; false when malformed.
bool parse_head(const std::string& head, request& r) {
  std::size_t eol = head.find("\r\n");
  const std::string line = head.substr(0, eol);
  const std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return false;
  r.method = line.substr(0, sp1);
  r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  while (eol != std::string::npos) {
    const std::size_t from = eol + 2;
    eol = head.find("\r\n", from);
    const std::string field = head.substr(from, eol == std::string::npos ? std::string::npos : eol - from);
    const std::size_t colon = field.find(':');
    if (colon == std::string::npos) return false;
    std::string name = field.substr(0, colon), value = trim(field.substr(colon + 1));
    r.headers[lower(name)] = value;
    r.fields.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

// Writes to a peer that has gone raise SIGPIPE (OpenSSL writes without
// MSG_NOSIGNAL): blocked in the server's threads, the write fails instead.
void block_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// One accepted connection, plain or TLS, whose every call returns within a
// slice or two so the caller can look at `stopping`.
class channel {
 public:
  channel(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  ~channel() {
#if RANGEUP_TEST_SERVER_TLS
    if (ssl_ != nullptr) SSL_free(ssl_);
#endif
    ::close(fd_);
  }
  channel(const channel&) = delete;
  channel& operator=(const channel&) = delete;

#if RANGEUP_TEST_SERVER_TLS
  bool start_tls(SSL_CTX* ctx) {
    // Socket timeouts of one slice make OpenSSL's blocking calls return with
    // WANT_READ/WANT_WRITE, where we look at `stopping` and go on.
    timeval tv{0, static_cast<suseconds_t>(slice.count() * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ssl_ = SSL_new(ctx);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) return false;
    SSL_set_app_data(ssl_, this);
    while (!stopping_) {
      const int r = SSL_accept(ssl_);
      if (r == 1) return true;
      if (!retry(r)) return false;
    }
    return false;
  }
  static int on_server_name(SSL* ssl, int*, void*) {
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    static_cast<channel*>(SSL_get_app_data(ssl))->sni_ = name != nullptr ? name : "";
    return SSL_TLSEXT_ERR_OK;
  }
#endif

  const std::string& sni() const { return sni_; }

  // > 0: bytes read; 0: closed or failed; -1: nothing within a slice.
  long read_some(char* out, std::size_t n) {
#if RANGEUP_TEST_SERVER_TLS
    if (ssl_ != nullptr) {
      const int r = SSL_read(ssl_, out, static_cast<int>(std::min<std::size_t>(n, 1u << 30)));
      if (r > 0) return r;
      return retry(r) ? -1 : 0;
    }
#endif
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(slice.count())) <= 0) return -1;
    const ssize_t got = ::recv(fd_, out, n, 0);
    return got > 0 ? static_cast<long>(got) : 0;
  }

  bool write_all(const char* data, std::size_t n) {
    std::size_t off = 0;
    while (off < n) {
      if (stopping_) return false;
#if RANGEUP_TEST_SERVER_TLS
      if (ssl_ != nullptr) {
        const int r = SSL_write(ssl_, data + off, static_cast<int>(std::min<std::size_t>(n - off, 1u << 30)));
        if (r > 0) {
          off += static_cast<std::size_t>(r);
        } else if (!retry(r)) {
          return false;
        }
        continue;
      }
#endif
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, static_cast<int>(slice.count())) <= 0) continue;
      const ssize_t sent = ::send(fd_, data + off, n - off, MSG_NOSIGNAL);
      if (sent <= 0) return false;
      off += static_cast<std::size_t>(sent);
    }
    return true;
  }
  bool write_all(const std::string& s) { return write_all(s.data(), s.size()); }

  // The peer closed (or reset) the connection; waits at most a slice.
  bool peer_gone() const {
    pollfd p{fd_, POLLRDHUP, 0};
    return ::poll(&p, 1, static_cast<int>(slice.count())) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

 private:
#if RANGEUP_TEST_SERVER_TLS
  bool retry(int r) const {
    const int e = SSL_get_error(ssl_, r);
    return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE;
  }
  SSL* ssl_ = nullptr;
#endif
  int fd_;
  const std::atomic<bool>& stopping_;
  std::string sni_;
};

}  // namespace

struct loopback_server::impl {
  handler on_request;
  server_options options;
  int listen_fd = -1;
  int port = 0;
  bool tls = false;
#if RANGEUP_TEST_SERVER_TLS
  SSL_CTX* ctx = nullptr;
#endif
  std::atomic<bool> stopping{false};
  std::atomic<int> accepted{0};
  mutable std::mutex log_mutex;
  std::vector<request> log;
  std::mutex handler_mutex;  // handlers run one at a time
  std::thread acceptor;
  std::vector<std::thread> workers;  // touched by the acceptor only, then joined by stop()
  std::once_flag stopped;

  // Sleeps `d` in slices; false when stopping.
  bool pause(std::chrono::milliseconds d) const {
    using clock = std::chrono::steady_clock;
    const auto until = clock::now() + d;
    for (auto now = clock::now(); now < until; now = clock::now()) {
      if (stopping) return false;
      std::this_thread::sleep_for(std::min<clock::duration>(slice, until - now));
    }
    return !stopping;
  }
  bool within_hold(std::chrono::steady_clock::time_point start) const {
    return !stopping && std::chrono::steady_clock::now() - start < options.hold_limit;
  }

  void record(const request& r) {
    std::lock_guard<std::mutex> lock(log_mutex);
    log.push_back(r);
  }

  void accept_loop() {
    while (!stopping) {
      pollfd p{listen_fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(slice.count())) <= 0) continue;
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int id = ++accepted;
      workers.emplace_back([this, fd, id] { serve(fd, id); });
    }
  }

  void serve(int fd, int id) {
    block_sigpipe();
    channel ch(fd, stopping);
#if RANGEUP_TEST_SERVER_TLS
    if (tls && !ch.start_tls(ctx)) return;
#endif
    std::string buf;
    std::vector<char> chunk(io_chunk);
    // One read appended to buf; false when the peer closed or we stop.
    const auto fill = [&]() {
      while (!stopping) {
        const long n = ch.read_some(chunk.data(), chunk.size());
        if (n > 0) {
          buf.append(chunk.data(), static_cast<std::size_t>(n));
          return true;
        }
        if (n == 0) return false;
      }
      return false;
    };
    for (;;) {
      std::size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos)
        if (buf.size() > max_head || !fill()) return;
      request r;
      r.connection = id;
      r.sni = ch.sni();
      if (!parse_head(buf.substr(0, end), r)) return;
      buf.erase(0, end + 4);

      if (options.stall_before_body) {
        bool stall;
        {
          std::lock_guard<std::mutex> lock(handler_mutex);
          stall = options.stall_before_body(r);
        }
        if (stall) {
          record(r);
          const auto start = std::chrono::steady_clock::now();
          while (within_hold(start) && !ch.peer_gone()) {
          }
          return;
        }
      }
      if (lower(r.get("expect")) == "100-continue" && !ch.write_all("HTTP/1.1 100 Continue\r\n\r\n")) return;
      if (r.has("transfer-encoding")) {  // the transports must frame bodies with Content-Length
        record(r);
        ch.write_all(render(respond(501, "chunked request bodies are not accepted here", {{"Connection", "close"}})));
        return;
      }
      std::uint64_t left = std::strtoull(r.get("content-length").c_str(), nullptr, 10);
      r.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(left, options.keep_body)));
      while (left != 0) {
        if (buf.empty() && !fill()) {
          r.complete = false;
          record(r);
          return;
        }
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        for (std::size_t i = 0; i < take; ++i) r.body_sum += static_cast<unsigned char>(buf[i]);
        if (r.body.size() < options.keep_body)
          r.body.append(buf, 0, std::min(take, options.keep_body - r.body.size()));
        r.body_size += take;
        left -= take;
        buf.erase(0, take);
      }
      record(r);

      reply out;
      {
        std::lock_guard<std::mutex> lock(handler_mutex);
        out = on_request ? on_request(r) : respond(200);
      }
      if (out.delay.count() > 0 && !pause(out.delay)) return;
      if (out.drop) return;
      if (out.hold) {
        const auto start = std::chrono::steady_clock::now();
        while (within_hold(start) && ch.read_some(chunk.data(), chunk.size()) != 0) {
        }
        return;
      }
      if (!ch.write_all(render(out))) return;
      if (out.stream_for.count() > 0) {
        const std::string filler(io_chunk, ' ');
        const auto start = std::chrono::steady_clock::now();
        while (within_hold(start) && std::chrono::steady_clock::now() - start < out.stream_for &&
               ch.write_all(filler)) {
        }
        return;
      }
      if (out.close || lower(r.get("connection")) == "close") return;
    }
  }
};

loopback_server::loopback_server(handler h, server_options options) : impl_(std::make_unique<impl>()) {
  impl& s = *impl_;
  s.on_request = std::move(h);
  s.options = std::move(options);
  s.tls = !s.options.tls_cert.empty();
#if RANGEUP_TEST_SERVER_TLS
  if (s.tls) {
    s.ctx = SSL_CTX_new(TLS_server_method());
    if (s.ctx == nullptr || SSL_CTX_use_certificate_chain_file(s.ctx, s.options.tls_cert.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(s.ctx, s.options.tls_key.c_str(), SSL_FILETYPE_PEM) != 1)
      return;
    SSL_CTX_set_tlsext_servername_callback(s.ctx, &channel::on_server_name);
  }
#else
  if (s.tls) return;  // built without OpenSSL: started() stays false
#endif
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  socklen_t len = sizeof a;
  if (::inet_pton(AF_INET, s.options.host.c_str(), &a.sin_addr) != 1 || (ntohl(a.sin_addr.s_addr) >> 24) != 127 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return;
  }
  s.listen_fd = fd;
  s.port = ntohs(a.sin_port);
  s.acceptor = std::thread([&s] { s.accept_loop(); });
}

loopback_server::~loopback_server() { stop(); }

void loopback_server::stop() {
  impl& s = *impl_;
  std::call_once(s.stopped, [&s] {
    s.stopping = true;
    if (s.acceptor.joinable()) s.acceptor.join();
    for (auto& w : s.workers) w.join();
    if (s.listen_fd >= 0) ::close(s.listen_fd);
#if RANGEUP_TEST_SERVER_TLS
    if (s.ctx != nullptr) SSL_CTX_free(s.ctx);
    s.ctx = nullptr;
#endif
  });
}

bool loopback_server::started() const { return impl_->listen_fd >= 0; }
int loopback_server::port() const { return impl_->port; }
int loopback_server::connections() const { return impl_->accepted; }

std::string loopback_server::base(const std::string& host) const {
  return std::string(impl_->tls ? "https://" : "http://") + (host.empty() ? impl_->options.host : host) + ":" +
         std::to_string(impl_->port);
}

std::vector<request> loopback_server::requests() const {
  std::lock_guard<std::mutex> lock(impl_->log_mutex);
  return impl_->log;
}

bool loopback_server::https_supported() { return RANGEUP_TEST_SERVER_TLS != 0; }

}  // namespace rangeup_test
