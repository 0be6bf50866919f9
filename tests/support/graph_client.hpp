#pragma once
// Graph-level steps for the emulator tests: create a session, PUT ranges,
// upload a whole buffer in order, read the report.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/http_client.hpp"

namespace emutest {

using json = nlohmann::json;

// POST {base}{path} with Authorization: Bearer token (omitted when empty).
http_response create_session(const std::string& base, const std::string& path, const json& body,
                             const std::string& token = "test-token", std::vector<std::string> extra_headers = {});

// uploadUrl of a create response (empty if absent).
std::string upload_url_of(const http_response& r);

// The PUT of bytes [first, first + data.size()) of an upload of `total` bytes
// (put_range sends it; a test may change it first, e.g. its timeout).
http_request range_request(const std::string& url, const std::string& data, std::uint64_t first, std::uint64_t total,
                           std::vector<std::string> extra_headers = {});
http_response put_range(const std::string& url, const std::string& data, std::uint64_t first, std::uint64_t total,
                        std::vector<std::string> extra_headers = {});

// Uploads `data` in order in `chunk`-byte ranges; returns every response.
std::vector<http_response> upload_all(const std::string& url, const std::string& data, std::size_t chunk);

// A request without body (and without extra headers unless given).
http_response send(const std::string& method, const std::string& url, std::vector<std::string> headers = {});

// PUT `data` as it is (no Content-Range), e.g. a drive simple upload.
http_response put_body(const std::string& url, const std::string& data, std::vector<std::string> headers = {});

// Standard base64 with padding (for contentBytes).
std::string base64(const std::string& data);

json get_report(const std::string& base);
bool has_violation(const json& report, const std::string& kind);
std::string sha256_hex(const std::string& data);
// Deterministic test content.
std::string make_data(std::size_t n, unsigned seed = 1);

}  // namespace emutest
