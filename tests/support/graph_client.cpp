#include "support/graph_client.hpp"

#include <algorithm>

#include "support/test_data.hpp"

namespace emutest {

http_response create_session(const std::string& base, const std::string& path, const json& body,
                             const std::string& token, std::vector<std::string> extra_headers) {
  http_request req;
  req.method = "POST";
  req.url = base + path;
  req.body = body.is_null() ? std::string() : body.dump();
  req.headers = std::move(extra_headers);
  req.headers.push_back("Content-Type: application/json");
  if (!token.empty()) req.headers.push_back("Authorization: Bearer " + token);
  return perform(req);
}

std::string upload_url_of(const http_response& r) {
  const auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("uploadUrl") ? j["uploadUrl"].get<std::string>() : std::string();
}

http_request range_request(const std::string& url, const std::string& data, std::uint64_t first, std::uint64_t total,
                           std::vector<std::string> extra_headers) {
  http_request req;
  req.method = "PUT";
  req.url = url;
  req.body = data;
  req.headers = std::move(extra_headers);
  req.headers.push_back("Content-Type: application/octet-stream");
  req.headers.push_back("Content-Range: bytes " + std::to_string(first) + "-" +
                        std::to_string(first + data.size() - 1) + "/" + std::to_string(total));
  return req;
}

http_response put_range(const std::string& url, const std::string& data, std::uint64_t first, std::uint64_t total,
                        std::vector<std::string> extra_headers) {
  return perform(range_request(url, data, first, total, std::move(extra_headers)));
}

std::vector<http_response> upload_all(const std::string& url, const std::string& data, std::size_t chunk) {
  std::vector<http_response> out;
  for (std::size_t off = 0; off < data.size(); off += chunk)
    out.push_back(put_range(url, data.substr(off, std::min(chunk, data.size() - off)), off, data.size()));
  return out;
}

http_response send(const std::string& method, const std::string& url, std::vector<std::string> headers) {
  http_request req;
  req.method = method;
  req.url = url;
  req.headers = std::move(headers);
  return perform(req);
}

http_response put_body(const std::string& url, const std::string& data, std::vector<std::string> headers) {
  http_request req;
  req.method = "PUT";
  req.url = url;
  req.body = data;
  req.headers = std::move(headers);
  req.headers.push_back("Content-Type: application/octet-stream");
  return perform(req);
}

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

json get_report(const std::string& base) { return json::parse(send("GET", base + "/_emulator/report").body, nullptr, false); }

bool has_violation(const json& report, const std::string& kind) {
  for (const auto& v : report.value("violations", json::array()))
    if (v.value("kind", "") == kind) return true;
  return false;
}

// One definition each, shared with the tests that do not link this harness.
std::string sha256_hex(const std::string& data) { return rangeup_test::sha256_hex(data); }
std::string make_data(std::size_t n, unsigned seed) { return rangeup_test::test_bytes(n, seed); }

}  // namespace emutest
