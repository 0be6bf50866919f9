#include "byte_stream.hpp"

#include <type_traits>

#include <boost/asio/post.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace emu {

namespace {

using tls_over_tcp = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Stream: boost::beast::tcp_stream or tls_over_tcp; the only two instantiations.
template <class Stream>
class stream_of final : public byte_stream {
  static constexpr bool is_tls = std::is_same<Stream, tls_over_tcp>::value;

 public:
  template <class... Args>
  explicit stream_of(Args&&... args) : stream_(std::forward<Args>(args)...) {}

  boost::beast::tcp_stream& lowest() override { return boost::beast::get_lowest_layer(stream_); }

  void handshake(std::function<void(boost::beast::error_code)> done) override {
    if constexpr (is_tls) {
      stream_.async_handshake(boost::asio::ssl::stream_base::server, std::move(done));
    } else {
      boost::asio::post(stream_.get_executor(), [done = std::move(done)] { done({}); });
    }
  }

 protected:
  void read_some(boost::asio::mutable_buffer into, completion done) override {
    stream_.async_read_some(into, std::move(done));
  }
  void write_some(const std::vector<boost::asio::const_buffer>& from, completion done) override {
    stream_.async_write_some(from, std::move(done));
  }

 private:
  Stream stream_;
};

}  // namespace

std::unique_ptr<byte_stream> byte_stream::plain(boost::beast::tcp_stream stream) {
  return std::make_unique<stream_of<boost::beast::tcp_stream>>(std::move(stream));
}

std::unique_ptr<byte_stream> byte_stream::tls(boost::beast::tcp_stream stream, boost::asio::ssl::context& context) {
  return std::make_unique<stream_of<tls_over_tcp>>(std::move(stream), context);
}

}  // namespace emu
