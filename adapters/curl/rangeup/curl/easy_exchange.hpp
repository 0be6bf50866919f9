#pragma once
// rangeup::curl::easy_exchange: one request_view → response_view exchange set
// up on a libcurl easy handle, shared by the blocking transport (which runs it
// with curl_easy_perform) and multi_upload (which adds the handle to a CURLM).
// It owns what both need: the URL policy, header checks (never Authorization
// beyond the session's own bearer token, which the session only sets for the
// create request), bodies streamed from the source through
// CURLOPT_READFUNCTION, a capped response body, the few captured headers, and
// the mapping of libcurl results to rangeup errors.

#include <curl/curl.h>
#include <strings.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "rangeup/config.hpp"
#include "rangeup/curl/global.hpp"
#include "rangeup/curl/url_policy.hpp"
#include "rangeup/error.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/http.hpp"
#include "rangeup/redact.hpp"
#include "rangeup/request_body.hpp"
#include "rangeup/result.hpp"
#include "rangeup/source_ref.hpp"
#include "rangeup/transport.hpp"

namespace rangeup {
namespace curl {

struct transport_options {
  bool allow_http = false;            // permit http:// to loopback hosts (tests, emulator)
  std::string ca_file;                // PEM bundle to trust instead of the system store
  long connect_timeout_ms = 30000;
  long low_speed_limit = 1;           // bytes/s; below it for low_speed_time_s → timeout
  long low_speed_time_s = 60;
  long request_timeout_ms = 0;        // whole request; 0 = no limit
  std::size_t max_response_body = 64 * 1024;  // bytes kept; more sets body_truncated
  std::uint64_t max_send_speed = 0;   // bytes/s (CURLOPT_MAX_SEND_SPEED_LARGE); 0 = unlimited
  long upload_buffer_size = 512 * 1024;       // libcurl's send buffer (≤ 2 MiB)
  std::string user_agent = "rangeup/" RANGEUP_VERSION_STRING;
};

// Called while a request body is being sent with the body bytes sent so far;
// returning false aborts the request, which then fails with errc::cancelled.
using send_progress_fn = bool (*)(void* context, std::uint64_t sent, std::uint64_t total) noexcept;

// Called before each read of a source_range body with the bytes libcurl wants;
// returns how many may be read now. 0 pauses the transfer
// (CURL_READFUNC_PAUSE): the caller resumes it with curl_easy_pause later.
using read_gate_fn = std::size_t (*)(void* context, std::size_t wanted) noexcept;

// Maps a libcurl result to the rangeup error model.
inline errc map_curl_code(CURLcode c) noexcept {
  switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return errc::connection_failed;
    case CURLE_OPERATION_TIMEDOUT:
      return errc::timeout;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SEND_FAIL_REWIND:
      return errc::connection_dropped;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
      return errc::tls_error;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return errc::invalid_url;
    case CURLE_TOO_MANY_REDIRECTS:
      return errc::redirect_refused;
    case CURLE_WEIRD_SERVER_REPLY:
      return errc::malformed_response;
    case CURLE_FILESIZE_EXCEEDED:
    // libcurl caps response headers (100 KiB in 7.88) and reports a larger
    // header as "Out of memory": the server's fault, never worth a retry.
    case CURLE_OUT_OF_MEMORY:
#if LIBCURL_VERSION_NUM >= 0x080600
    case CURLE_TOO_LARGE:
#endif
      return errc::response_too_large;
    case CURLE_ABORTED_BY_CALLBACK:
      return errc::cancelled;
    default:
      return errc::connection_failed;
  }
}

class easy_exchange {
 public:
  explicit easy_exchange(transport_options options) : options_(std::move(options)) {
    if (global_init() != CURLE_OK) return;
    body_.reset(new (std::nothrow) char[options_.max_response_body + 1]);
    if (!body_) return;
    easy_ = curl_easy_init();
  }
  ~easy_exchange() { release(); }
  easy_exchange(const easy_exchange&) = delete;
  easy_exchange& operator=(const easy_exchange&) = delete;

  // False when libcurl could not be initialised (or after release()).
  bool valid() const noexcept { return easy_ != nullptr; }
  const transport_options& options() const noexcept { return options_; }
  // The easy handle prepare() set up; perform it, or add it to a multi handle.
  CURL* handle() const noexcept { return easy_; }

  void set_send_progress(send_progress_fn fn, void* context) noexcept {
    progress_fn_ = fn;
    progress_ctx_ = context;
  }
  void set_read_gate(read_gate_fn fn, void* context) noexcept {
    gate_fn_ = fn;
    gate_ctx_ = context;
  }
  // CURLOPT_PRIVATE of every request (curl_easy_reset clears it): lets a
  // multi driver find its upload from a finished handle.
  void set_private(void* p) noexcept { private_ = p; }

  // Sets the handle up for `request`, reading a body that names the source
  // (source_range, base64_json) from `source` (a type with size() and
  // read_at(offset, char*, n) -> result<size_t>), which must stay alive until complete().
  template <class Source>
  std::error_code prepare(const request_view& request, Source& source) noexcept {
    reader_ = body_reader{};
    if (request.reads_source()) reader_.source.emplace(source);
    return setup(request, check_request(request, source.size()));
  }

  // For requests whose body does not read the source (create, status, commit, delete).
  std::error_code prepare(const request_view& request) noexcept {
    reader_ = body_reader{};
    if (request.reads_source()) return fail(errc::invalid_argument, "no source for a range body");
    return setup(request, check_request(request));
  }

  // The outcome once libcurl finished the transfer with `rc`. The returned
  // views stay valid until the next prepare().
  result<response_view> complete(CURLcode rc) noexcept {
    CURL* e = easy_;
    long connects = 0;
    if (curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) connects_ += connects;
    // Drop libcurl's pointer to the header list before freeing it.
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
    headers_.clear();

    if (reader_.error) {
      // Sources report rangeup errors; anything else is a read failure.
      const errc why = reader_.error.category() == category() ? static_cast<errc>(reader_.error.value())
                                                               : errc::source_read_failed;
      return fail(why, error_category_impl::describe(why));
    }
    if (aborted_) return fail(errc::cancelled, "request aborted by the caller");
    if (oversized_) return fail(errc::response_too_large, "response body or header over the cap");
    if (rc != CURLE_OK) {
      const std::string_view text = errbuf_[0] != '\0' ? std::string_view(errbuf_) : curl_easy_strerror(rc);
      return fail(map_curl_code(rc), text);
    }
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 300 && status < 400) return fail(errc::redirect_refused, "server answered with a redirect");
    if (status < 200 || status > 999) return fail(errc::malformed_response, "no final HTTP status");

    response_view r;
    r.status = static_cast<int>(status);
    r.location = location_.view();
    r.retry_after = retry_after_.view();
    r.content_type = content_type_.view();
    r.body = std::string_view(body_.get(), body_size_);
    r.body_truncated = body_truncated_;
    return r;
  }

  // Records why a request failed outside libcurl (e.g. the driver aborted
  // it); last_error_detail() then says so.
  std::error_code fail(errc e, std::string_view why) noexcept {
    detail_size_ = redact(why, detail_, sizeof detail_);
    return make_error_code(e);
  }

  // Frees the easy handle and buffers (not in a multi handle at the time);
  // last_error_detail() and connections_opened() stay readable.
  void release() noexcept {
    headers_.clear();
    if (easy_ != nullptr) curl_easy_cleanup(easy_);
    easy_ = nullptr;
    body_.reset();
  }

  // Why the last request failed, from libcurl's error buffer with every URL
  // query and token value redacted. Empty after a success.
  std::string_view last_error_detail() const noexcept { return std::string_view(detail_, detail_size_); }

  // New connections libcurl opened so far (1 over a whole upload = keep-alive worked).
  long connections_opened() const noexcept { return connects_; }

 private:
  struct body_reader {
    request_view request;    // a copy of the views: the body's parts
    std::optional<source_ref> source;  // bodies that read the source
    std::uint64_t length = 0;
    std::uint64_t pos = 0;
    std::error_code error;
    read_gate_fn gate = nullptr;
    void* gate_ctx = nullptr;
  };

  static std::size_t on_read(char* buffer, std::size_t size, std::size_t nitems, void* userdata) noexcept {
    auto& r = *static_cast<body_reader*>(userdata);
    const std::uint64_t left = r.length - r.pos;
    std::size_t want = size * nitems;
    if (left < want) want = static_cast<std::size_t>(left);
    if (want == 0) return 0;
    if (!r.source) {
      std::memcpy(buffer, r.request.text.data() + r.pos, want);
      r.pos += want;
      return want;
    }
    if (r.gate != nullptr) {
      want = r.gate(r.gate_ctx, want);
      if (want == 0) return CURL_READFUNC_PAUSE;
    }
    const result<std::size_t> got = read_request_body(r.request, *r.source, r.pos, buffer, want);
    if (!got) {
      r.error = got.error();
      return CURL_READFUNC_ABORT;
    }
    if (*got == 0) {  // the file ended before the range did: it shrank under us
      r.error = make_error_code(errc::source_changed);
      return CURL_READFUNC_ABORT;
    }
    r.pos += *got;
    return *got;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t nmemb, void* userdata) noexcept {
    auto& t = *static_cast<easy_exchange*>(userdata);
    const std::size_t n = size * nmemb;
    const std::size_t room = t.options_.max_response_body - t.body_size_;
    const std::size_t keep = n < room ? n : room;
    if (keep != 0) std::memcpy(t.body_.get() + t.body_size_, data, keep);
    t.body_size_ += keep;
    if (keep < n) t.body_truncated_ = true;
    t.body_seen_ += n;
    // Drain a little past the cap so the connection stays reusable, but do not
    // read an unbounded body.
    if (t.body_seen_ > t.options_.max_response_body + drain_limit) {
      t.oversized_ = true;
      return 0;
    }
    return n;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t nitems, void* userdata) noexcept {
    auto& t = *static_cast<easy_exchange*>(userdata);
    const std::size_t n = size * nitems;
    std::string_view line(data, n);
    if (line.substr(0, 5) == "HTTP/") {  // a new response (after 1xx): forget earlier headers
      t.location_.clear();
      t.retry_after_.clear();
      t.content_type_.clear();
      return n;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return n;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = rangeup::detail::trim(line.substr(colon + 1));
    auto capture = [&](auto& field) {
      if (field.assign(value)) t.oversized_ = true;
    };
    if (name.size() == 8 && strncasecmp(name.data(), "location", 8) == 0) capture(t.location_);
    else if (name.size() == 11 && strncasecmp(name.data(), "retry-after", 11) == 0) capture(t.retry_after_);
    else if (name.size() == 12 && strncasecmp(name.data(), "content-type", 12) == 0) capture(t.content_type_);
    return n;
  }

  static int on_xfer(void* userdata, curl_off_t, curl_off_t, curl_off_t ultotal, curl_off_t ulnow) noexcept {
    auto& t = *static_cast<easy_exchange*>(userdata);
    if (t.progress_fn_ == nullptr) return 0;
    if (t.progress_fn_(t.progress_ctx_, static_cast<std::uint64_t>(ulnow), static_cast<std::uint64_t>(ultotal)))
      return 0;
    t.aborted_ = true;
    return 1;
  }

  // The request headers; libcurl points at them until complete().
  struct header_list {
    curl_slist* head = nullptr;
    bool failed = false;
    header_list() = default;
    header_list(const header_list&) = delete;
    header_list& operator=(const header_list&) = delete;
    ~header_list() { clear(); }
    void clear() noexcept {
      curl_slist_free_all(head);
      head = nullptr;
      failed = false;
    }
    void add(std::string_view name, std::string_view value) noexcept {
      char line[max_header_line];
      text_writer w(line, sizeof line - 1);
      w.append(name).append(value.empty() ? ":" : ": ").append(value);
      if (!w.ok()) {
        failed = true;
        return;
      }
      line[w.size()] = '\0';
      curl_slist* next = curl_slist_append(head, line);
      if (next == nullptr) failed = true;
      else head = next;
    }
  };

  // `fault`: what rangeup::check_request found (transport.hpp), refused after the URL policy.
  std::error_code setup(const request_view& req, request_fault fault) noexcept {
    detail_size_ = 0;
    headers_.clear();
    if (easy_ == nullptr) return fail(errc::connection_failed, "libcurl could not be initialised");
    if (url_.assign(req.url)) return fail(errc::url_too_long, "URL too long");
    if (const std::error_code ec = url_handle_.set(url_.c_str(), options_.allow_http)) {
      return fail(static_cast<errc>(ec.value()),
                  ec == errc::insecure_url ? "refusing a non-https URL" : "refusing an invalid URL");
    }
    if (fault != request_fault::none) return fail(request_error(fault), describe(fault));

    reader_.length = req.content_length();
    reader_.request = req;
    if (req.reads_source()) {
      reader_.gate = gate_fn_;
      reader_.gate_ctx = gate_ctx_;
    }

    bool has_content_type = false;
    for (const header_field* h = req.begin_headers(); h != req.end_headers(); ++h) {
      if (rangeup::detail::iequals(h->name, "content-type")) has_content_type = true;
      headers_.add(h->name, h->value);
    }
    headers_.add("Expect", "");  // never wait for 100-continue
    if (!has_content_type && req.method == http_method::post) headers_.add("Content-Type", "");
    if (!req.bearer_token.empty()) {
      char value[max_header_line];
      text_writer w(value, sizeof value);
      w.append("Bearer ").append(req.bearer_token);
      if (!w.ok()) return fail(errc::invalid_argument, "bearer token too long");
      headers_.add("Authorization", w.view());
    }
    if (headers_.failed) return fail(errc::capacity_exceeded, "could not build request headers");

    CURL* e = easy_;
    curl_easy_reset(e);  // keeps the connection cache: keep-alive survives
    errbuf_[0] = '\0';
    curl_easy_setopt(e, CURLOPT_CURLU, url_handle_.handle());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf_);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options_.request_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, options_.upload_buffer_size);
    if (options_.max_send_speed != 0)
      curl_easy_setopt(e, CURLOPT_MAX_SEND_SPEED_LARGE, static_cast<curl_off_t>(options_.max_send_speed));
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers_.head);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &easy_exchange::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &easy_exchange::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, &easy_exchange::on_xfer);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, this);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, progress_fn_ != nullptr ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_PRIVATE, private_);

    const auto length = static_cast<curl_off_t>(reader_.length);
    switch (req.method) {
      case http_method::get:
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        break;
      case http_method::delete_:
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
        break;
      case http_method::put:
        curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, length);
        break;
      case http_method::post:
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, length);
        break;
    }
    if (req.method == http_method::put || req.method == http_method::post) {
      curl_easy_setopt(e, CURLOPT_READFUNCTION, &easy_exchange::on_read);
      curl_easy_setopt(e, CURLOPT_READDATA, &reader_);
      // Deliberately no CURLOPT_SEEKFUNCTION: without it libcurl cannot
      // silently resend a body on a fresh connection when a reused one closes
      // without an answer (CURLE_SEND_FAIL_REWIND instead). The session decides
      // about resending a range (it may have landed: docs/PROTOCOL.md E3).
    }

    body_size_ = 0;
    body_seen_ = 0;
    body_truncated_ = false;
    oversized_ = false;
    aborted_ = false;
    location_.clear();
    retry_after_.clear();
    content_type_.clear();
    return {};
  }

  static constexpr std::size_t max_header_line = 8192;
  static constexpr std::size_t drain_limit = 1024 * 1024;

  transport_options options_;
  CURL* easy_ = nullptr;
  checked_url url_handle_;
  fixed_string<2 * RANGEUP_MAX_URL_LENGTH> url_;
  body_reader reader_;
  header_list headers_;
  std::unique_ptr<char[]> body_;
  std::size_t body_size_ = 0;
  std::size_t body_seen_ = 0;
  bool body_truncated_ = false;
  bool oversized_ = false;
  bool aborted_ = false;
  fixed_string<2 * RANGEUP_MAX_URL_LENGTH> location_;
  fixed_string<128> retry_after_;
  fixed_string<256> content_type_;
  send_progress_fn progress_fn_ = nullptr;
  void* progress_ctx_ = nullptr;
  read_gate_fn gate_fn_ = nullptr;
  void* gate_ctx_ = nullptr;
  void* private_ = nullptr;
  long connects_ = 0;
  char errbuf_[CURL_ERROR_SIZE] = {};
  char detail_[2 * CURL_ERROR_SIZE] = {};
  std::size_t detail_size_ = 0;
};

}  // namespace curl
}  // namespace rangeup
