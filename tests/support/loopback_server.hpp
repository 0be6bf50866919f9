#pragma once
// The one scripted HTTP/1.1 test server: listens on a loopback address (plain
// or https), records every request and answers each with what a test-supplied
// handler returns — a status with headers and body, raw bytes, a delay, a
// dropped or held connection, an endless body. Keep-alive by default; one
// thread per connection; handler calls are serialised, so handlers keep their
// state without locks. Every wait is cut into 50 ms slices that check for
// stop(), which the destructor calls: a test never waits for the server.
//
// Link rangeup_loopback_server (compiled once; https only where the tests
// found OpenSSL — see https_supported()). No Boost, no libcurl.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rangeup_test {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct request {
  std::string method;
  std::string target;
  header_list fields;                          // as sent, in order
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;                            // the first server_options::keep_body bytes
  std::uint64_t body_size = 0;                 // every body byte received
  std::uint64_t body_sum = 0;                  // their byte sum: a content check beyond keep_body
  bool complete = true;                        // false: the connection ended before the whole body came
  int connection = 0;                          // 1-based accept counter
  std::string sni;                             // https: the server name the client sent
  bool has(const std::string& lower_name) const { return headers.count(lower_name) != 0; }
  std::string get(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct reply {
  int status = 200;
  header_list headers;  // Content-Length is added unless given (or Transfer-Encoding is)
  std::string body;
  std::string raw;  // non-empty: written verbatim instead of status, headers and body
  std::chrono::milliseconds delay{0};       // before answering
  bool close = false;                       // close after answering (without saying so)
  bool drop = false;                        // close without answering
  bool hold = false;                        // never answer; read on until the client leaves
  std::chrono::milliseconds stream_for{0};  // after answering, send filler bytes this long, then close
};

// A reply with `status`, `body` and `headers` (Content-Length added).
reply respond(int status, std::string body = {}, header_list headers = {});

struct server_options {
  std::string host = "127.0.0.1";  // any 127.0.0.0/8 address
  std::string tls_cert;            // PEM certificate chain and key: serve https
  std::string tls_key;
  std::size_t keep_body = 1u << 20;  // request body bytes kept in request::body
  // Asked with each request head before its body is read; true records the
  // head and stalls the connection without reading a byte more (a server that
  // stops reading mid-upload).
  std::function<bool(const request&)> stall_before_body;
  std::chrono::milliseconds hold_limit{30000};  // longest hold / stall / stream_for
};

class loopback_server {
 public:
  using handler = std::function<reply(const request&)>;

  // An empty handler answers 200 with an empty body.
  explicit loopback_server(handler h = {}, server_options options = {});
  ~loopback_server();
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  bool started() const;  // listening (false: bind failed, or https without OpenSSL)
  int port() const;
  // "http://127.0.0.1:<port>" (https:// with a certificate); host defaults to options.host.
  std::string base(const std::string& host = {}) const;
  std::string url(const std::string& path = "/", const std::string& host = {}) const { return base(host) + path; }

  std::vector<request> requests() const;  // in arrival order, cut-off ones too (complete == false)
  int connections() const;                // accepted so far
  void stop();                            // closes everything and joins; idempotent

  static bool https_supported();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace rangeup_test
