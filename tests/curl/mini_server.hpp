#pragma once
// A tiny scripted HTTP/1.1 server on 127.0.0.1 for the transport tests: one
// thread, one connection at a time, keep-alive. Each request is recorded
// (method, target, headers, body size and checksum) and answered by a
// test-supplied function. Stops by itself when destroyed.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rangeup_test {

struct seen_request {
  std::string method, target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::vector<std::string> header_names;       // as sent, in order
  std::uint64_t body_size = 0;
  std::uint64_t body_sum = 0;    // sum of byte values: cheap content check
  std::string body_head;         // the first 4 KiB
  int connection = 0;            // 1-based accept counter
  bool has(const std::string& lower_name) const { return headers.count(lower_name) != 0; }
  std::string get(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct scripted_reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;         // close the connection after replying
  bool no_response = false;   // read the request, then close without answering
  int delay_ms = 0;           // wait before answering
};

class mini_server {
 public:
  using handler = std::function<scripted_reply(const seen_request&)>;

  explicit mini_server(handler h) : handler_(std::move(h)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 8);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~mini_server() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  std::vector<seen_request> requests() {
    std::lock_guard<std::mutex> l(mutex_);
    return requests_;
  }
  int connections() const { return connections_; }

 private:
  // Waits up to 50 ms for fd to become readable; false on timeout.
  static bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 50) > 0;
  }

  void run() {
    while (!stop_) {
      if (!readable(listen_fd_)) continue;
      const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      serve(c);
      ::close(c);
    }
  }

  // Reads into buf until it holds n bytes (or the peer closes / we stop).
  bool fill(int fd, std::string& buf, std::size_t n) {
    char tmp[65536];
    while (buf.size() < n) {
      if (stop_) return false;
      if (!readable(fd)) continue;
      const ssize_t got = ::recv(fd, tmp, sizeof tmp, 0);
      if (got <= 0) return false;
      buf.append(tmp, static_cast<std::size_t>(got));
    }
    return true;
  }

  void serve(int fd) {
    std::string buf;
    while (!stop_) {
      std::size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos)
        if (!fill(fd, buf, buf.size() + 1)) return;
      seen_request r;
      r.connection = connections_;
      parse_head(buf.substr(0, end), r);
      buf.erase(0, end + 4);
      std::uint64_t left = r.has("content-length") ? std::stoull(r.get("content-length")) : 0;
      while (left != 0) {
        if (buf.empty() && !fill(fd, buf, 1)) return;
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
        for (std::size_t i = 0; i < take; ++i) r.body_sum += static_cast<unsigned char>(buf[i]);
        if (r.body_head.size() < 4096) r.body_head.append(buf, 0, std::min<std::size_t>(take, 4096 - r.body_head.size()));
        r.body_size += take;
        left -= take;
        buf.erase(0, take);
      }
      scripted_reply reply = handler_(r);
      {
        std::lock_guard<std::mutex> l(mutex_);
        requests_.push_back(r);
      }
      if (reply.delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(reply.delay_ms));
      if (reply.no_response) return;
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
      for (auto& h : reply.headers) out += h.first + ": " + h.second + "\r\n";
      out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
      if (reply.close) out += "Connection: close\r\n";
      out += "\r\n" + reply.body;
      std::size_t sent = 0;
      while (sent < out.size()) {
        const ssize_t w = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (w <= 0) return;
        sent += static_cast<std::size_t>(w);
      }
      if (reply.close) return;
    }
  }

  static void parse_head(const std::string& head, seen_request& r) {
    std::size_t pos = head.find("\r\n");
    const std::string line = head.substr(0, pos);
    const std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    r.method = line.substr(0, sp1);
    r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    while (pos != std::string::npos && pos + 2 <= head.size()) {
      const std::size_t next = head.find("\r\n", pos + 2);
      const std::string h = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      const std::size_t colon = h.find(':');
      if (colon != std::string::npos) {
        std::string name = h.substr(0, colon), lower = name;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::string value = h.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[lower] = value;
        r.header_names.push_back(name);
      }
      pos = next;
    }
  }

  handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mutex_;
  std::vector<seen_request> requests_;
};

}  // namespace rangeup_test
