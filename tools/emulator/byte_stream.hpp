#pragma once
// The connection's byte stream, plain TCP or TLS behind one type. Beast's HTTP
// read/write operations are templates over the stream: on a single type they
// are instantiated once, not once per stream kind — that halves the compile
// time of the emulator's largest translation unit. The price is one virtual
// call and one small allocation per socket operation, nothing next to the
// system call: a 512 MiB PUT to /_emulator/sink (curl, loopback, three rounds
// each) took 0.33-0.36 s over HTTP and 0.56-0.60 s over HTTPS, with the same
// emulator CPU, before and after this change.

#include <cstddef>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace emu {

class byte_stream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using completion = std::function<void(boost::beast::error_code, std::size_t)>;

  virtual ~byte_stream() = default;

  // The TCP layer under it: timeouts (expires_after) and shutdown.
  virtual boost::beast::tcp_stream& lowest() = 0;
  // The server side of a TLS handshake; a plain stream completes at once.
  virtual void handshake(std::function<void(boost::beast::error_code)> done) = 0;

  executor_type get_executor() { return lowest().get_executor(); }

  // The AsyncReadStream / AsyncWriteStream members Beast and Asio call.
  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    // Beast reads into one flat_buffer region; of a longer sequence the first
    // non-empty buffer is filled (a read_some may return fewer bytes).
    boost::asio::mutable_buffer into;
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it) {
      into = *it;
      if (into.size() != 0) break;
    }
    read_some(into, erase(std::forward<Handler>(handler)));
  }

  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    gather_.clear();
    for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it)
      gather_.emplace_back(*it);
    write_some(gather_, erase(std::forward<Handler>(handler)));
  }

  static std::unique_ptr<byte_stream> plain(boost::beast::tcp_stream stream);
  static std::unique_ptr<byte_stream> tls(boost::beast::tcp_stream stream, boost::asio::ssl::context& context);

 protected:
  virtual void read_some(boost::asio::mutable_buffer into, completion done) = 0;
  // `from` stays untouched until `done` runs (one write at a time).
  virtual void write_some(const std::vector<boost::asio::const_buffer>& from, completion done) = 0;

 private:
  // std::function needs a copyable target; Beast's operation handlers move only.
  // (Asio's own any_completion_handler would do this, but in Boost 1.81 Beast's
  // tcp_stream does not compile with it: its read op posts the handler, and
  // post cannot require blocking.never of any_completion_executor.)
  template <class Handler>
  static completion erase(Handler&& handler) {
    auto shared = std::make_shared<std::decay_t<Handler>>(std::forward<Handler>(handler));
    return [shared](boost::beast::error_code ec, std::size_t n) { (*shared)(ec, n); };
  }

  std::vector<boost::asio::const_buffer> gather_;
};

}  // namespace emu
