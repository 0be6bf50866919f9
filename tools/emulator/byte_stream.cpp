#include "byte_stream.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace emu {

namespace {

class plain_stream final : public byte_stream {
 public:
  explicit plain_stream(boost::beast::tcp_stream stream) : stream_(std::move(stream)) {}

  boost::beast::tcp_stream& lowest() override { return stream_; }

  void handshake(std::function<void(boost::beast::error_code)> done) override {
    boost::asio::post(stream_.get_executor(), [done = std::move(done)] { done({}); });
  }

 protected:
  void read_some(boost::asio::mutable_buffer into, completion done) override {
    stream_.async_read_some(into, std::move(done));
  }
  void write_some(const std::vector<boost::asio::const_buffer>& from, completion done) override {
    stream_.async_write_some(from, std::move(done));
  }

 private:
  boost::beast::tcp_stream stream_;
};

class tls_stream final : public byte_stream {
 public:
  tls_stream(boost::beast::tcp_stream stream, boost::asio::ssl::context& context)
      : stream_(std::move(stream), context) {}

  boost::beast::tcp_stream& lowest() override { return boost::beast::get_lowest_layer(stream_); }

  void handshake(std::function<void(boost::beast::error_code)> done) override {
    stream_.async_handshake(boost::asio::ssl::stream_base::server, std::move(done));
  }

 protected:
  void read_some(boost::asio::mutable_buffer into, completion done) override {
    stream_.async_read_some(into, std::move(done));
  }
  void write_some(const std::vector<boost::asio::const_buffer>& from, completion done) override {
    stream_.async_write_some(from, std::move(done));
  }

 private:
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
};

}  // namespace

std::unique_ptr<byte_stream> byte_stream::plain(boost::beast::tcp_stream stream) {
  return std::make_unique<plain_stream>(std::move(stream));
}

std::unique_ptr<byte_stream> byte_stream::tls(boost::beast::tcp_stream stream, boost::asio::ssl::context& context) {
  return std::make_unique<tls_stream>(std::move(stream), context);
}

}  // namespace emu
