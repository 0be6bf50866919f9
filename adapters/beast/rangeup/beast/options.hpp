#pragma once
// What a Beast transport is configured with (TLS trust, http allowance,
// timeouts, buffer and response caps).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <system_error>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

#include "rangeup/config.hpp"
#include "rangeup/error.hpp"
#include "rangeup/http.hpp"

namespace rangeup::beast {

struct transport_options {
  // Plain http:// is refused (errc::insecure_url) unless this is set, and even
  // then only for loopback hosts (localhost, 127.0.0.0/8, ::1).
  bool allow_http = false;
  // https: the peer certificate chain and the host name (SNI is sent too) are
  // verified unless verify_peer is false (for tests only).
  bool verify_peer = true;
  // PEM trust anchors to use instead of the system store (as the curl transport's
  // ca_file and curl's --cacert); empty: the system store.
  std::string ca_file;
  // Used instead of building a context from the two fields above; share one
  // between many connections to load the trust store once.
  std::shared_ptr<boost::asio::ssl::context> tls_context;

  std::chrono::milliseconds connect_timeout{30'000};  // resolve + TCP connect + TLS handshake
  std::chrono::milliseconds io_timeout{60'000};       // a request body that sends nothing for this long / each read

  // Request bodies stream through this buffer, one socket write per piece (a rate
  // limit makes pieces smaller). 512 KiB like the curl transport's upload buffer:
  // with 128 KiB the client made 4x the sendmsg calls and wake-ups and spent ~1.5x
  // curl's system time per byte over plain HTTP (benchmarks/README.md).
  std::size_t send_buffer_size = 512 * 1024;
  std::size_t max_response_body = 64 * 1024;     // kept; the rest is drained, body_truncated set
  std::size_t max_drained_body = 1024 * 1024;    // whole bodies beyond this: errc::response_too_large
  std::size_t max_response_header = 16 * 1024;  // beyond this: errc::response_too_large, close
  std::string user_agent = "rangeup/" RANGEUP_VERSION_STRING;
};

// A TLS 1.2+ client context that verifies peers against options.ca_file, or the
// system store when it is empty (loading the system store costs ~25 ms of CPU).
// Errors are tls_error (bad CA file, OpenSSL failure).
inline std::shared_ptr<boost::asio::ssl::context> make_tls_context(const transport_options& options,
                                                                   std::error_code& error) {
  namespace ssl = boost::asio::ssl;
  error = {};
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  if (!ec) ctx->set_verify_mode(options.verify_peer ? ssl::verify_peer : ssl::verify_none, ec);
  if (!ec && options.ca_file.empty()) ctx->set_default_verify_paths(ec);
  if (!ec && !options.ca_file.empty()) ctx->load_verify_file(options.ca_file, ec);
  if (ec) {
    error = make_error_code(errc::tls_error);
    return nullptr;
  }
  return ctx;
}

}  // namespace rangeup::beast
