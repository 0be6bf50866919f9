#include "support/http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>

namespace emutest {
namespace {

struct body_reader {
  const http_request* req;
  std::uint64_t offset = 0;
};

std::size_t on_read(char* out, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<body_reader*>(user);
  const std::uint64_t total = r->req->produce ? r->req->stream_size : r->req->body.size();
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(size * n, total - r->offset));
  if (r->req->produce) r->req->produce(r->offset, out, take);
  else std::memcpy(out, r->req->body.data() + r->offset, take);
  r->offset += take;
  return take;
}

std::size_t on_write(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  std::string line(data, size * n);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * n;
}

struct curl_init {
  curl_init() { curl_global_init(CURL_GLOBAL_ALL); }
};

}  // namespace

http_response perform(const http_request& req) {
  static curl_init init;  // thread-safe static init before any thread uses curl
  http_response res;
  CURL* c = curl_easy_init();
  curl_slist* headers = nullptr;
  for (const auto& h : req.headers) headers = curl_slist_append(headers, h.c_str());
  if (!req.expect_100) headers = curl_slist_append(headers, "Expect:");
  body_reader reader{&req};
  const std::uint64_t size = req.produce ? req.stream_size : req.body.size();
  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  if (req.method == "PUT" || (req.method == "POST" && (size > 0 || req.produce))) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  } else if (req.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
  } else if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &res.headers);
  if (!req.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, req.ca_file.c_str());
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res.status);
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &res.seconds);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return res;
}

}  // namespace emutest
