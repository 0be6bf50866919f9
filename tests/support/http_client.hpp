#pragma once
// A deliberately small libcurl client for the emulator tests: one blocking
// request at a time per client, body from memory or from a generator.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace emutest {

struct http_response {
  long status = 0;                          // 0: no response (connection dropped)
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  double seconds = 0;
  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct http_request {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  // Streamed body instead of `body`: produce(offset, out, n) fills n bytes.
  std::uint64_t stream_size = 0;
  std::function<void(std::uint64_t, char*, std::size_t)> produce;
  std::string ca_file;      // for https
  bool expect_100 = false;  // false: suppress curl's "Expect: 100-continue"
  long timeout_ms = 30000;  // then the client gives up and closes the connection (status 0)
};

http_response perform(const http_request& req);

}  // namespace emutest
