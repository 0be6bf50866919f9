// rangeup::beast alone: Boost headers and OpenSSL come through it, and so does
// rangeup::io. (options.hpp, not beast.hpp: the whole of Beast would take most
// of this test's time, and the main build compiles it.)
#include <rangeup/beast/options.hpp>
#include <rangeup/io/file_source.hpp>

int main() {
  std::error_code ec;
  const auto tls = rangeup::beast::make_tls_context({}, ec);
  return tls && !ec ? 0 : 1;
}
