#pragma once
// The blocking Beast transport: perform(request, source) -> result<response_view>,
// the same shape as rangeup::curl::transport. It runs a basic_connection on a private
// io_context, so Beast's per-operation timeouts apply to blocking use too.

#include <chrono>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

#include "rangeup/beast/connection.hpp"
#include "rangeup/beast/options.hpp"
#include "rangeup/http.hpp"
#include "rangeup/result.hpp"
#include "rangeup/source_ref.hpp"

namespace rangeup::beast {

class transport {
 public:
  explicit transport(transport_options options = {})
      : connection_(boost::asio::any_io_executor(io_.get_executor()), std::move(options)) {}

  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  // Sends the request and waits for the response: the same shape as
  // rangeup::curl::transport. Errors are rangeup::errc codes; a 3xx response
  // is errc::redirect_refused. The view points into this transport and stays
  // valid until the next perform().
  //
  // With set_send_progress, the hook is also asked every 100 ms while the
  // request waits (connecting, or for the response), as libcurl's progress
  // callback is: returning false abandons the request with errc::cancelled,
  // so a cancel or overall timeout does not wait for a stalled server.
  template <class Source>
  result<response_view> perform(const request_view& request, Source& source) {
    return perform_from(request, source_ref(source));
  }

  // For requests without a source_range body (create, status, commit, delete).
  result<response_view> perform(const request_view& request) {
    memory_source none;
    return perform(request, none);
  }

  // The last transport failure in words, like rangeup::curl::transport's.
  std::string_view last_error_detail() const noexcept { return connection_.last_error_detail(); }

  // New connections opened so far (1 over a whole upload = keep-alive worked).
  std::uint64_t connections_opened() const noexcept { return connection_.connections_opened(); }

  // The hook rangeup::upload (adapters/io) uses to abort a request mid-body.
  void set_send_progress(send_progress_fn fn, void* context) noexcept {
    progress_fn_ = fn;
    progress_context_ = context;
    connection_.set_send_progress(fn, context);
  }

  // Drops the kept-alive connection (the next perform reconnects).
  void close() noexcept { connection_.close(); }

 private:
  // One body for every Source type, so the Beast machinery below is
  // instantiated once (see rangeup/source_ref.hpp).
  result<response_view> perform_from(const request_view& request, source_ref source) {
    std::error_code error;
    response_view response;
    bool finished = false;
    boost::asio::cancellation_signal abandon;
    connection_.async_perform_erased(request, source,
                                     detail::perform_handler(
                                         [&](std::error_code ec, response_view r) {
                                           error = ec;
                                           response = r;
                                           finished = true;
                                         },
                                         connection_.get_executor(), abandon.slot()));
    io_.restart();
    bool abandoned = false;
    while (!finished) {
      io_.run_for(std::chrono::milliseconds(100));
      if (finished || abandoned || progress_fn_ == nullptr) continue;
      if (!progress_fn_(progress_context_, connection_.body_bytes_sent(), request.content_length())) {
        abandoned = true;
        abandon.emit(boost::asio::cancellation_type::terminal);
      }
    }
    if (abandoned) {
      connection_.close();
      return make_error_code(errc::cancelled);
    }
    if (error) return error;
    return response;
  }

  boost::asio::io_context io_{1};
  basic_connection<boost::asio::any_io_executor> connection_;  // the drivers' one instantiation (perform_handler)
  send_progress_fn progress_fn_ = nullptr;
  void* progress_context_ = nullptr;
};

}  // namespace rangeup::beast
