#pragma once
// Maps Asio / Beast / OpenSSL errors to rangeup::errc, by the phase of the
// exchange they happened in, so the session can tell transient failures
// (connection_failed, connection_dropped, timeout) from fatal ones.

#include <system_error>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "rangeup/error.hpp"

namespace rangeup::beast {

enum class phase : unsigned char { resolve, connect, handshake, write, read };

inline std::error_code map_error(const boost::system::error_code& ec, phase where) noexcept {
  namespace http = boost::beast::http;
  namespace net = boost::asio;
  if (!ec) return {};
  if (ec == boost::beast::error::timeout) return errc::timeout;
  switch (where) {
    case phase::resolve:
    case phase::connect: return errc::connection_failed;
    case phase::handshake: return errc::tls_error;
    case phase::write:
    case phase::read: break;
  }
  if (ec == http::error::body_limit || ec == http::error::header_limit || ec == http::error::buffer_overflow)
    return errc::response_too_large;
  // A peer that closes without close_notify mid-response just dropped us.
  if (ec == net::ssl::error::stream_truncated) return errc::connection_dropped;
  if (ec.category() == net::error::get_ssl_category()) return errc::tls_error;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == net::error::eof)
    return errc::connection_dropped;
  if (ec.category() == http::make_error_code(http::error::bad_version).category())
    return errc::malformed_response;  // unparsable HTTP
  return errc::connection_dropped;  // reset, broken pipe, aborted, ...
}

}  // namespace rangeup::beast
