#pragma once
// The blocking Beast transport: perform(request, source) -> result<response_view>,
// the same shape as rangeup::curl::transport. It runs a basic_connection on a private
// io_context, so Beast's per-operation timeouts apply to blocking use too.

#include <cstdint>
#include <system_error>
#include <utility>

#include <boost/asio/io_context.hpp>

#include "rangeup/beast/connection.hpp"
#include "rangeup/beast/options.hpp"
#include "rangeup/http.hpp"
#include "rangeup/result.hpp"

namespace rangeup::beast {

class transport {
 public:
  explicit transport(transport_options options = {}) : connection_(io_.get_executor(), std::move(options)) {}

  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  // Sends the request and waits for the response: the same shape as
  // rangeup::curl::transport. Errors are rangeup::errc codes; a 3xx response
  // is errc::redirect_refused. The view points into this transport and stays
  // valid until the next perform().
  template <class Source>
  result<response_view> perform(const request_view& request, Source& source) {
    std::error_code error;
    response_view response;
    connection_.async_perform(request, source, [&](std::error_code ec, response_view r) {
      error = ec;
      response = r;
    });
    io_.restart();
    io_.run();
    if (error) return error;
    return response;
  }

  // For requests without a source_range body (create, status, commit, delete).
  result<response_view> perform(const request_view& request) {
    memory_source none;
    return perform(request, none);
  }

  // New connections opened so far (1 over a whole upload = keep-alive worked).
  std::uint64_t connections_opened() const noexcept { return connection_.connections_opened(); }

  // The hook rangeup::upload (adapters/io) uses to abort a request mid-body.
  void set_send_progress(send_progress_fn fn, void* context) noexcept { connection_.set_send_progress(fn, context); }

  // Drops the kept-alive connection (the next perform reconnects).
  void close() noexcept { connection_.close(); }

 private:
  boost::asio::io_context io_{1};
  basic_connection<boost::asio::io_context::executor_type> connection_;
};

}  // namespace rangeup::beast
