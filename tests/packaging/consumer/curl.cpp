// rangeup::curl alone: libcurl is linked through it, and it brings rangeup::io
// (multi_upload.hpp includes rangeup/io/ headers).
#include <rangeup/curl/multi_upload.hpp>
#include <rangeup/curl/transport.hpp>

int main() {
  rangeup::curl::transport http;
  return http.valid() ? 0 : 1;
}
