// libFuzzer target: upload_session, every flavor, driven by a script of server
// behaviour. The strict simulated server of the core tests
// (tests/support/sim_server.hpp) plays the consistent server for the
// "happy" moves and its realistic faults (5xx/429 with Retry-After, dropped
// connections before/after processing, expired sessions, truncated bodies);
// the harness adds arbitrary junk responses, cancel, crash + resume, clock
// jumps and stray calls.
//
// Script: flavor, flags, size, chunk, limits, then one move per request (see
// apply_move); past the end of the script every move is "happy". Small files
// go as one request (POST .../attachments, PUT .../content) unless the limits
// byte forces a session (docs/PROTOCOL.md O2, D7).
//
// Invariants (any breach aborts, so libFuzzer keeps the input):
//  - no crash / sanitizer report; done or failed is final and stable;
//  - every request is well-formed: the bearer token on Graph requests (the
//    create request, the one request, the item look-up) and, for To Do only,
//    on every uploadUrl request (PROTOCOL.md T2; never on another flavor's,
//    O4), never an Authorization header; a fragment PUT's Content-Range = its
//    range, within the upload and the flavor's cap, and To Do's at
//    {uploadUrl}/content; the one request carries the whole file;
//  - termination: once the script is spent (a consistent server only), the
//    session ends within a bound computed from the number of chunks, the
//    restart budget and the stall limit; a wait never follows a wait;
//  - done only after the server completed an item with every byte received
//    once, in order (the server keeps a contiguous prefix and answers 416 to
//    anything else), and the result names that item;
//  - the bearer token and the uploadUrl's authtoken never appear in
//    failure::server_code / server_message;
//  - "pure" runs (no junk, no spurious 416, no truncation): no request the
//    strict server counts as a client bug, and a failure is only
//    retries_exhausted, restarts_exhausted, cancelled, quota_exceeded after a
//    507, or completion_unknown after a disruption.
#include <rangeup/rangeup.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/sim_server.hpp"
#include "fuzz_support.hpp"

using rangeup::errc;
using rangeup_fuzz::byte_reader;
using rangeup_test::fault;
using rangeup_test::sim_kind;

namespace {

constexpr std::string_view bearer = "SECRET-BEARER-7f3a";
constexpr std::string_view authtoken = "a%2Bb%3D";  // the sim's uploadUrl credential prefix
constexpr std::int64_t max_wait_ms = 120000;        // backoff_settings::max_retry_after_ms

// Junk must not smuggle the secrets in itself, or their absence from
// failures proves nothing.
std::string scrub(std::string_view s) {
  std::string out(s);
  for (std::string_view secret : {std::string_view("SECRET"), authtoken}) {
    for (std::size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + 1)) out[at] = '#';
  }
  return out;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

std::string_view header(const rangeup::request_view& r, std::string_view name) {
  for (const auto* h = r.begin_headers(); h != r.end_headers(); ++h)
    if (rangeup::detail::iequals(h->name, name)) return h->value;
  return {};
}

struct checking_observer final : rangeup::progress_observer {
  std::uint64_t total = 0;
  std::uint64_t confirmed = 0;
  std::uint64_t sent = 0;
  void on_progress(const rangeup::progress& p) noexcept override {
    FUZZ_CHECK(p.total_bytes == total, "progress total changed");
    FUZZ_CHECK(p.confirmed_bytes >= confirmed && p.confirmed_bytes <= total, "confirmed bytes %llu after %llu",
               static_cast<unsigned long long>(p.confirmed_bytes), static_cast<unsigned long long>(confirmed));
    FUZZ_CHECK(p.bytes_sent >= sent, "bytes_sent went down");
    confirmed = p.confirmed_bytes;
    sent = p.bytes_sent;
  }
};

struct setup {
  sim_kind kind = sim_kind::outlook;
  bool defer = false;
  bool force_session = false;
  bool wall_clock = false;
  std::uint64_t total = 0;
  rangeup::session_options options;
};

// One run of one flavor.
template <class Flavor>
class harness {
  using session = rangeup::upload_session<Flavor>;
  using planner = typename Flavor::default_planner;

 public:
  harness(const Flavor& flavor, const setup& su, const rangeup_test::sim_config& cfg, byte_reader& script)
      : flavor_(flavor), su_(su), script_(script) {
    if (cfg.store_bytes) {
      source_.resize(static_cast<std::size_t>(su.total));
      for (std::size_t i = 0; i < source_.size(); ++i) source_[i] = static_cast<unsigned char>(i * 131 + 7);
    }
    server_ = std::make_unique<rangeup_test::sim_server>(cfg, source_.data());
    fresh_session();
  }

  void run() {
    const std::uint64_t chunk = s_->planner().chunk_size();
    const std::uint64_t chunks = chunk == 0 ? 1 : (su_.total + chunk - 1) / chunk;
    const std::uint64_t bound =
        (su_.options.max_restarts + 2) * (3 * chunks + 6 * std::uint64_t{su_.options.max_stalls} + 24);
    std::uint64_t after_script = 0;
    bool waited = false;
    for (;;) {
      const rangeup::step st = s_->next_step(now_);
      if (const rangeup::instant* until = st.wait_until()) {
        FUZZ_CHECK(!waited, "a wait right after a wait");
        FUZZ_CHECK(*until > now_ && *until - now_ <= max_wait_ms, "wait of %lld ms",
                   static_cast<long long>(*until - now_));
        now_ = *until;
        waited = true;
        continue;
      }
      waited = false;
      if (st.what() == rangeup::step::kind::need_token) {
        // The token was set up front: only a 401 to a request that carried
        // it makes the session ask (PROTOCOL.md E7), once per request. The
        // harness has one token; given again, a second 401 is unauthorized.
        FUZZ_CHECK(s_->token_stale() && s_->bearer_token() == bearer, "asked for a token it had");
        FUZZ_CHECK(!asked_token_, "asked for a token twice in a row");
        asked_token_ = true;
        s_->set_bearer_token(bearer);
        continue;
      }
      if (asked_token_ && st.request())
        FUZZ_CHECK(st.request()->bearer_token == bearer, "asked for a token, then sent a request without it");
      asked_token_ = false;
      if (const rangeup::upload_result* done = st.done()) return check_done(*done);
      if (const rangeup::failure* failed = st.failed()) {
        if (trace_) std::fprintf(stderr, "failed: %s http=%d\n", failed->code.message().c_str(), failed->http_status);
        return check_failed(*failed);
      }
      const rangeup::request_view& req = *st.request();
      if (trace_) {
        std::fprintf(stderr, "t=%lld %.*s %.*s range=%llu-%llu bearer=%d\n", static_cast<long long>(now_.ms),
                     static_cast<int>(rangeup::method_name(req.method).size()), rangeup::method_name(req.method).data(),
                     static_cast<int>(req.url.size()), req.url.data(), static_cast<unsigned long long>(req.range.first),
                     static_cast<unsigned long long>(req.range.last), req.bearer_token.empty() ? 0 : 1);
      }
      check_request(req);
      if (script_.empty()) {
        FUZZ_CHECK(++after_script <= bound, "no end after %llu requests to a consistent server (bound %llu)",
                   static_cast<unsigned long long>(after_script), static_cast<unsigned long long>(bound));
      }
      apply_move(req);
    }
  }

 private:
  void fresh_session() {
    const rangeup::file_info info{"data.bin", su_.total, "application/pdf"};
    s_ = std::make_unique<session>(flavor_, info, su_.options);
    observer_.total = su_.total;
    observer_.confirmed = 0;
    observer_.sent = 0;
    s_->set_observer(&observer_);
    s_->set_bearer_token(bearer);
    if (su_.wall_clock) s_->set_wall_clock(now_, rangeup_test::sim_unix_base_ms + now_.ms);
    if (!s_->init_error()) FUZZ_CHECK(!s_->set_fingerprint({su_.total, 42, "qx"}), "set_fingerprint");
    // The create URL the flavor builds (the same for every session of this
    // run, restored ones included, which never send a create), and the one
    // request's URL where the file goes without a session.
    create_url_.clear();
    rangeup::fixed_string<RANGEUP_MAX_URL_LENGTH> url;
    rangeup::text_writer w = url.writer();
    if (!flavor_.create_url(w, info) && !url.commit(w)) create_url_ = std::string(url.view());
    single_url_.clear();
    single_ = rangeup::single_request::none;
    if constexpr (rangeup::detail::has_single_request<Flavor>::value) {
      if (!su_.options.force_session) single_ = flavor_.single_request_for(info);
      rangeup::fixed_string<RANGEUP_MAX_URL_LENGTH> one;
      rangeup::text_writer ow = one.writer();
      if (single_ != rangeup::single_request::none && !flavor_.single_request_url(ow, info) && !one.commit(ow))
        single_url_ = std::string(one.view());
    }
  }

  bool is_single(const rangeup::request_view& req) const {
    return single_ != rangeup::single_request::none && req.url == single_url_ &&
           (req.method == rangeup::http_method::post || req.method == rangeup::http_method::put);
  }

  // The driveItem's own Graph URL: the create URL without ":/createUploadSession".
  bool is_item_look_up(std::string_view url) const {
    constexpr std::string_view suffix = ":/createUploadSession";
    const std::string_view create = create_url_;
    return create.size() > suffix.size() && create.substr(create.size() - suffix.size()) == suffix &&
           url == create.substr(0, create.size() - suffix.size());
  }

  void check_request(const rangeup::request_view& req) {
    const bool single = is_single(req);
    const bool create = !single && req.method == rangeup::http_method::post && req.body == rangeup::body_kind::text;
    if (create) {
      FUZZ_CHECK(single_ == rangeup::single_request::none, "a session created for a file that goes as one request");
      FUZZ_CHECK(req.url == create_url_, "a create request to another URL than the flavor's");
      FUZZ_CHECK(req.bearer_token == bearer, "create request without the bearer token");
    } else if (single) {
      FUZZ_CHECK(req.bearer_token == bearer, "the one request without the bearer token");
      check_single(req);
      return;
    } else if (req.method == rangeup::http_method::get && is_item_look_up(req.url)) {
      // After a lost final answer, the driveItem is looked up on Graph: the
      // token goes there (the create request's host), nowhere else.
      FUZZ_CHECK(req.bearer_token.empty() || req.bearer_token == bearer, "a foreign token on the item look-up");
    } else if (su_.kind == sim_kind::todo) {
      // To Do's uploadUrl is a plain Graph URL: every request carries the bearer (T2).
      FUZZ_CHECK(req.bearer_token == bearer, "a To Do uploadUrl request without the bearer token");
      FUZZ_CHECK(single_ == rangeup::single_request::none, "an uploadUrl request for a file that goes as one request");
    } else {
      FUZZ_CHECK(req.bearer_token.empty(), "bearer token on a %.*s to %.*s",
                 static_cast<int>(rangeup::method_name(req.method).size()), rangeup::method_name(req.method).data(),
                 static_cast<int>(req.url.size()), req.url.data());
      FUZZ_CHECK(create_url_.empty() || req.url != create_url_ || req.method != rangeup::http_method::post,
                 "a POST without body to the create URL");
    }
    FUZZ_CHECK(!rangeup::check_url(req.url, su_.options.allow_http_loopback), "request to an unchecked URL");
    FUZZ_CHECK(req.header_count <= rangeup::max_request_headers, "header count");
    for (const auto* h = req.begin_headers(); h != req.end_headers(); ++h) {
      FUZZ_CHECK(!rangeup::detail::iequals(h->name, "Authorization"), "explicit Authorization header");
      FUZZ_CHECK(!contains(h->value, bearer), "bearer token in a header value");
    }
    FUZZ_CHECK(!contains(req.url, bearer), "bearer token in a URL");
    if (req.method != rangeup::http_method::put) {
      FUZZ_CHECK(req.body != rangeup::body_kind::source_range, "source bytes on a non-PUT");
      return;
    }
    FUZZ_CHECK(req.body == rangeup::body_kind::source_range, "PUT without source bytes");
    const rangeup::content_range& r = req.range;
    FUZZ_CHECK(r.total == su_.total && r.first <= r.last && r.last < r.total, "PUT range %llu-%llu/%llu",
               static_cast<unsigned long long>(r.first), static_cast<unsigned long long>(r.last),
               static_cast<unsigned long long>(r.total));
    FUZZ_CHECK(r.length() <= planner::max_chunk, "fragment over the flavor's cap");
    FUZZ_CHECK(req.content_length() == r.length(), "Content-Length");
    char text[rangeup::content_range_capacity];
    const auto n = rangeup::format_content_range(r, text, sizeof text);
    FUZZ_CHECK(n && header(req, "Content-Range") == std::string_view(text, *n), "Content-Range header");
    FUZZ_CHECK(header(req, "Content-Type") == "application/octet-stream", "PUT Content-Type");
    if (su_.kind == sim_kind::todo) {
      const std::string_view path = req.url.substr(0, req.url.find('?'));
      FUZZ_CHECK(path.size() > 8 && path.substr(path.size() - 8) == "/content", "a To Do fragment not at /content");
    }
  }

  // The one request: the whole file, as raw bytes (PUT .../content) or as the
  // base64 inside a JSON attachment (POST .../attachments), no Content-Range.
  void check_single(const rangeup::request_view& req) {
    FUZZ_CHECK(header(req, "Content-Range").empty(), "Content-Range on the one request");
    FUZZ_CHECK(!contains(req.url, bearer), "bearer token in a URL");
    const bool empty = su_.total == 0;
    if (single_ == rangeup::single_request::post_attachment) {
      FUZZ_CHECK(req.method == rangeup::http_method::post, "the attachment is not POSTed");
      FUZZ_CHECK(header(req, "Content-Type") == "application/json", "POST Content-Type");
      FUZZ_CHECK(req.body == (empty ? rangeup::body_kind::text : rangeup::body_kind::base64_json), "POST body kind");
    } else {
      FUZZ_CHECK(req.method == rangeup::http_method::put, "the content is not PUT");
      FUZZ_CHECK(header(req, "Content-Type") == "application/octet-stream", "PUT .../content Content-Type");
      FUZZ_CHECK(req.body == (empty ? rangeup::body_kind::none : rangeup::body_kind::source_range), "PUT body kind");
      FUZZ_CHECK(req.content_length() == su_.total, "PUT .../content Content-Length");
    }
    if (!empty)
      FUZZ_CHECK(req.range.first == 0 && req.range.last + 1 == su_.total && req.range.total == su_.total,
                 "the one request does not carry the whole file");
  }

  void respond(const rangeup_test::sim_server::reply& r) {
    now_ = now_ + latency_;
    if (trace_) {
      std::fprintf(stderr, "  -> %s %.*s\n     <- %d %s body=%.*s loc=%.*s retry=%.*s\n",
                   r.transport ? "transport" : "status", 0, "", r.response.status,
                   r.transport ? r.transport.message().c_str() : "", static_cast<int>(r.response.body.size()),
                   r.response.body.data(), static_cast<int>(r.response.location.size()), r.response.location.data(),
                   static_cast<int>(r.response.retry_after.size()), r.response.retry_after.data());
    }
    if (r.transport) {
      ++unanswered_;
      s_->on_transport_error(r.transport, now_);
    } else {
      s_->on_response(r.response, now_);
    }
  }

  void server(const rangeup::request_view& req, fault f) {
    if (f == fault::drop_after || f == fault::timeout_after || f == fault::session_gone) ++disruptions_;
    // A 5xx to the one request may come after the service took it: "maybe done".
    if (is_single(req) && f == fault::status_500) ++disruptions_;
    if (f == fault::status_507) saw_507_ = true;
    respond(server_->handle(req, now_.ms, f));
    if (pure_) FUZZ_CHECK(server_->violations == 0, "client bug seen by the strict server: %s", server_->last_violation);
  }

  void junk_reply(const rangeup::request_view& req, int status, std::string_view location, std::string_view body,
                  std::string_view retry_after, bool truncated) {
    pure_ = false;
    // A final status on an upload request would be a lie the client cannot
    // detect; such answers come only from the consistent server.
    const bool upload_request = req.method == rangeup::http_method::put ||
                                (req.method == rangeup::http_method::post && req.body == rangeup::body_kind::none);
    if (upload_request && (Flavor::is_final_status(status) || (su_.defer && status >= 200 && status <= 299 &&
                                                               req.method == rangeup::http_method::post)))
      status += 300;
    // Any 2xx to the one request says the item exists: only the server's own.
    else if (is_single(req) && status >= 200 && status <= 299)
      status += 300;
    if (is_single(req) && status >= 500) ++disruptions_;  // a 5xx to it: maybe done
    if (status == 507) saw_507_ = true;
    junk_location_ = scrub(location);
    junk_body_ = scrub(body);
    junk_retry_ = scrub(retry_after);
    rangeup_test::sim_server::reply r;
    r.response.status = status;
    r.response.location = junk_location_;
    r.response.body = junk_body_;
    r.response.retry_after = junk_retry_;
    r.response.body_truncated = truncated;
    respond(r);
  }

  std::uint64_t scaled(std::uint16_t v) {
    if (v >= 0xfff0) return UINT64_MAX - (0xffff - v);  // the overflow edge
    return static_cast<std::uint64_t>(v) * (su_.total + 2) / 0xffef;
  }

  // A session document with fuzzed ranges (and maybe uploadUrl / expiry).
  std::string structured_body(std::uint8_t shape) {
    const bool pascal = shape & 1;
    std::string body = "{";
    if (shape & 2) {
      const std::uint8_t pick = script_.u8();
      std::string url = pick % 3 == 0   ? "https://upload.sim.test/sessions/" + std::to_string(pick) + "?authtoken=x"
                        : pick % 3 == 1 ? "http://127.0.0.1/s"
                                        : scrub(script_.short_string());
      body += std::string(pascal ? "\"UploadUrl\":\"" : "\"uploadUrl\":\"") + json_escape(url) + "\",";
    }
    if (shape & 4) {
      const std::uint8_t pick = script_.u8();
      body += std::string(pascal ? "\"ExpirationDateTime\":" : "\"expirationDateTime\":") +
              (pick % 3 == 0   ? "\"2000-01-01T00:00:00Z\","
               : pick % 3 == 1 ? "\"2100-01-01T00:00:00Z\","
                               : "\"" + json_escape(scrub(script_.short_string())) + "\",");
    }
    body += pascal ? "\"NextExpectedRanges\":[" : "\"nextExpectedRanges\":[";
    const int count = (shape >> 3) % 6;
    for (int i = 0; i < count; ++i) {
      const std::uint8_t form = script_.u8();
      const std::uint64_t a = scaled(script_.u16());
      const std::uint64_t b = scaled(script_.u16());
      if (i) body += ",";
      switch (form % 4) {
        case 0: body += "\"" + std::to_string(a) + "-\""; break;
        case 1: body += "\"" + std::to_string(a) + "\""; break;
        case 2: body += "\"" + std::to_string(a) + "-" + std::to_string(b) + "\""; break;
        default: body += "\"" + json_escape(scrub(script_.short_string())) + "\""; break;
      }
    }
    body += "]}";
    return body;
  }

  static std::string json_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (u < 0x20 || u >= 0x80) {
        out += "_";  // keep the document valid JSON: the fuzzed text is not the point here
      } else {
        out += c;
      }
    }
    return out;
  }

  // Kill the session mid-request (the server may or may not have processed
  // it), then continue in a new one from its resume token, as a restarted
  // process would; without a token, start over.
  void crash_and_resume(const rangeup::request_view& req, bool processed) {
    ++disruptions_;
    if (processed) (void)server_->handle(req, now_.ms, fault::none);
    if (pure_) FUZZ_CHECK(server_->violations == 0, "client bug seen by the strict server: %s", server_->last_violation);
    static char token[8192];
    const auto n = s_->save_resume_token(token, sizeof token);
    const std::string saved = n ? std::string(token, *n) : std::string();
    if (n) {
      FUZZ_CHECK(!contains(saved, bearer), "bearer token in a resume token");
      // Garbage and other files' tokens are refused before the real restore.
      auto other = std::make_unique<session>(flavor_, rangeup::file_info{"data.bin", su_.total}, su_.options);
      if (!other->init_error())
        FUZZ_CHECK(other->restore(saved, {su_.total, 43, "qx"}), "restore accepted another mtime");
    }
    fresh_session();
    if (!n) return;
    const std::error_code ec = s_->restore(saved, {su_.total, 42, "qx"});
    FUZZ_CHECK(!ec || ec == errc::invalid_resume_token, "restore of a saved token: %s", ec.message().c_str());
    if (ec) fresh_session();
  }

  void apply_move(const rangeup::request_view& req) {
    const std::uint8_t m = script_.empty() ? 0 : script_.u8();
    if (trace_) std::fprintf(stderr, "   move %u (kind %u)\n", m, m % 16);
    latency_ = (m >> 4) * 37;
    switch (m % 16) {
      default:  // 0..6: the consistent server
        return server(req, fault::none);
      case 7: {
        const fault kinds[] = {fault::status_500, fault::status_503, fault::status_429, fault::status_429_date,
                               fault::status_507, fault::no_location};
        return server(req, kinds[script_.u8() % 6]);
      }
      case 8: {
        const fault kinds[] = {fault::drop_before, fault::drop_after, fault::timeout_after, fault::refused};
        return server(req, kinds[script_.u8() % 4]);
      }
      case 9: return server(req, fault::session_gone);
      case 10:
        pure_ = false;
        return server(req, script_.u8() & 1 ? fault::truncate_flagged : fault::truncate_body);
      case 11:
        pure_ = false;
        return server(req, fault::spurious_416);
      case 12: {  // raw junk
        const std::uint16_t status = script_.u16();
        const std::string_view location = script_.short_string();
        const std::string_view retry = script_.short_string();
        const std::string_view body = script_.bytes(script_.u16() % 4096);
        return junk_reply(req, 100 + status % 500, location, body, retry, (status & 0x8000) != 0);
      }
      case 13: {  // a plausible session / error document with fuzzed values
        static constexpr int statuses[] = {200, 201, 202, 204, 400, 401, 403, 404,
                                           405, 409, 412, 413, 416, 429, 500, 503};
        const std::uint8_t pick = script_.u8();
        const std::uint8_t shape = script_.u8();
        std::string body;
        if (pick & 0x10) {
          body = "{\"error\":{\"code\":\"" + json_escape(scrub(script_.short_string())) + "\",\"message\":\"" +
                 json_escape(scrub(script_.short_string())) + "\"}}";
        } else {
          body = structured_body(shape);
        }
        return junk_reply(req, statuses[pick % 16], {}, body, {}, false);
      }
      case 14: return control(req);
      case 15: {  // a transient status with a fuzzed Retry-After
        static constexpr int statuses[] = {500, 502, 503, 504, 429, 408, 500, 503};
        const std::uint8_t pick = script_.u8();
        const std::string_view retry = script_.short_string();
        junk_retry_ = scrub(retry);
        rangeup_test::sim_server::reply r;
        r.response.status = statuses[pick % 8];
        // Not processed, but the client cannot know: to the one request
        // (other than 429/503) it reads as "maybe done".
        if (is_single(req) && r.response.status != 429 && r.response.status != 503) ++disruptions_;
        r.response.retry_after = junk_retry_;
        return respond(r);
      }
    }
  }

  void control(const rangeup::request_view& req) {
    const std::uint8_t what = script_.u8();
    switch (what % 6) {
      case 0:  // the caller cancels while the request is in flight
        s_->cancel();
        // Abandoning the one request's answer leaves "maybe done" (completion_unknown).
        if (is_single(req)) ++disruptions_;
        return server(req, fault::none);
      case 1:
      case 2: return crash_and_resume(req, what % 6 == 2);
      case 3:  // the machine slept: time jumps (sessions may expire)
        now_ = now_ + std::int64_t{script_.u16()} * 1000;
        return server(req, fault::none);
      case 4: {  // a stray second answer must be ignored
        server(req, fault::none);
        rangeup::response_view stray;
        stray.status = 201;
        stray.location = "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('STRAY')";
        stray.body = "{\"id\":\"STRAY\",\"size\":1}";
        s_->on_response(stray, now_);
        s_->on_transport_error(make_error_code(errc::timeout), now_);
        return;
      }
      default: {  // a transport failure that is not worth retrying
        pure_ = false;
        const std::error_code codes[] = {make_error_code(errc::tls_error), make_error_code(errc::redirect_refused),
                                         make_error_code(errc::response_too_large),
                                         std::make_error_code(std::errc::permission_denied), std::error_code{}};
        rangeup_test::sim_server::reply r;
        r.transport = codes[script_.u8() % 5];
        now_ = now_ + latency_;
        s_->on_transport_error(r.transport, now_);
        return;
      }
    }
  }

  void check_stable() {
    const rangeup::step again = s_->next_step(now_ + 1000000);
    FUZZ_CHECK(again.done() || again.failed(), "a finished session asked for more");
  }

  void check_done(const rangeup::upload_result& r) {
    check_stable();
    FUZZ_CHECK(server_->items_completed >= 1 && server_->items_corrupt == 0,
               "done, but the server completed %u items (%u corrupt)", server_->items_completed,
               server_->items_corrupt);
    if (r.id_unknown) {
      // Only an attachment may end without its id (a final 201 without
      // Location, an unreadable answer to the POST), and then with none.
      FUZZ_CHECK(su_.kind == sim_kind::outlook || su_.kind == sim_kind::todo, "id unknown for a %d", int(su_.kind));
      FUZZ_CHECK(r.id.empty(), "id unknown, yet '%s'", r.id.c_str());
    } else {
      FUZZ_CHECK(r.id == std::string_view(server_->last_item_id), "done with id '%s', the server made '%s'",
                 r.id.c_str(), server_->last_item_id);
    }
    FUZZ_CHECK(r.simple_request == (single_ != rangeup::single_request::none), "simple_request flag");
    FUZZ_CHECK(r.size == su_.total, "result size");
    FUZZ_CHECK(s_->progress_info().confirmed_bytes == su_.total, "done with confirmed %llu of %llu",
               static_cast<unsigned long long>(s_->progress_info().confirmed_bytes),
               static_cast<unsigned long long>(su_.total));
  }

  void check_failed(const rangeup::failure& f) {
    check_stable();
    FUZZ_CHECK(f.code, "failed without an error code");
    for (std::string_view secret : {bearer, authtoken}) {
      FUZZ_CHECK(!contains(f.server_code, secret) && !contains(f.server_message, secret), "a secret in the failure");
    }
    if (s_->init_error()) {
      FUZZ_CHECK(f.code == s_->init_error(), "init error and failure differ");
      return;
    }
    if (pure_) {
      // Each disruption (lost answer, crash, vanished session) may cost the
      // client up to two answers without progress (a probe, a guess): only
      // more stalls than that are a client bug. Findings 1 and 2
      // (regressions_test.cpp) are within this allowance.
      const bool stalls_allowed = 2 * std::uint64_t{disruptions_} + 1 >= su_.options.max_stalls;
      if (stalls_allowed && (f.code == errc::range_not_satisfiable || f.code == errc::protocol_violation)) return;
      // A disruption may take the last fragment's answer: an attachment then
      // reports that it may have completed rather than attach it twice. So may
      // a request dropped before the server saw it: the client cannot tell the
      // two apart, and a later 404 (expiry) then reads as "maybe completed".
      if ((disruptions_ != 0 || unanswered_ != 0) && f.code == errc::completion_unknown) return;
      if (saw_507_ && f.code == errc::quota_exceeded) return;  // fatal at once (PROTOCOL.md E4)
      FUZZ_CHECK(f.code == errc::retries_exhausted || f.code == errc::restarts_exhausted || f.code == errc::cancelled,
                 "a consistent server, yet failed with '%s' (http %d)", f.code.message().c_str(), f.http_status);
    }
  }

  Flavor flavor_;
  setup su_;
  byte_reader& script_;
  std::vector<unsigned char> source_;
  std::unique_ptr<rangeup_test::sim_server> server_;
  std::unique_ptr<session> s_;
  checking_observer observer_;
  std::string create_url_;
  std::string single_url_;  // where the one request goes, when the file takes that path
  rangeup::single_request single_ = rangeup::single_request::none;
  bool saw_507_ = false;
  rangeup::instant now_{0};
  std::int64_t latency_ = 0;
  bool pure_ = true;
  bool asked_token_ = false;  // the last step was need_token
  std::uint32_t disruptions_ = 0;
  std::uint32_t unanswered_ = 0;  // requests answered by a transport error (any kind)
  bool trace_ = std::getenv("RANGEUP_FUZZ_TRACE") != nullptr;  // print the exchange (reproducing a finding)
  std::string junk_location_, junk_body_, junk_retry_;
};

template <class Flavor>
void run(const Flavor& flavor, const setup& su, const rangeup_test::sim_config& cfg, byte_reader& script) {
  harness<Flavor> h(flavor, su, cfg, script);
  h.run();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  byte_reader script(data, size);
  const std::uint8_t which = script.u8();
  const std::uint8_t flags = script.u8();
  const std::uint16_t size_pick = script.u16();
  const std::uint8_t chunk_pick = script.u8();
  const std::uint8_t limits = script.u8();

  setup su;
  static constexpr sim_kind kinds[] = {sim_kind::outlook, sim_kind::todo, sim_kind::drive, sim_kind::drive,
                                       sim_kind::print};
  su.kind = kinds[which % 5];
  su.defer = which % 5 == 3;
  su.wall_clock = flags & 1;
  su.options.max_stalls = 1 + limits % 8;
  su.options.max_restarts = (limits >> 3) % 4;
  su.options.force_session = (limits & 0x20) != 0;
  const bool drive = su.kind == sim_kind::drive;
  const std::uint64_t quantum = drive ? 327680 : 1;
  // Small uploads in few chunks keep runs fast; flag 0x10 tries the size caps.
  if (flags & 0x10) {
    const std::uint64_t cap = su.kind == sim_kind::outlook ? rangeup::outlook_attachment::max_size
                              : su.kind == sim_kind::todo  ? rangeup::todo_attachment::max_size
                                                           : 64 * rangeup::mebibyte;
    su.total = cap + 1 - size_pick % 3;  // one over, exactly, one under
  } else if (size_pick == 0xffff) {
    su.total = 0;  // one request with an empty body, or empty_source where a session is needed
  } else {
    su.total = drive ? 1 + std::uint64_t{size_pick} * 64 : 1 + size_pick % 4096;
  }
  const std::uint64_t most = drive ? 8 : 64;  // at most this many chunks (drive: 8 fragments of >= 320 KiB)
  if (chunk_pick != 0) {
    std::uint64_t chunk = drive ? quantum * (1 + chunk_pick % 4) : chunk_pick;
    const std::uint64_t floor = (su.total + most - 1) / most;
    if (chunk < floor) chunk = (floor + quantum - 1) / quantum * quantum;
    su.options.chunk_size = chunk;
  }

  rangeup_test::sim_config cfg = rangeup_test::sim_defaults(su.kind, su.total);
  cfg.status_get = (flags & 2) != 0;
  cfg.ranges_in_416 = (flags & 4) != 0;
  cfg.omit_create_ranges = (flags & 8) != 0;
  cfg.defer_commit = su.defer;
  cfg.store_bytes = su.total <= 8192;
  cfg.retry_after_s = (flags >> 5) % 4;
  cfg.token = bearer;
  cfg.small_attachment_sessions = su.options.force_session;  // sessions on small files only when forced

  switch (su.kind) {
    case sim_kind::outlook: {
      rangeup::outlook_attachment f;
      f.parent_id = "AAMkADI5MAAIT3drCAAA=";
      if (flags & 0x80) f.parent = rangeup::outlook_attachment::parent_kind::event;
      run(f, su, cfg, script);
      break;
    }
    case sim_kind::todo: {
      rangeup::todo_attachment f;
      f.list_id = "AAMkAGI2=";
      f.task_id = "AAMkAGI3=";
      run(f, su, cfg, script);
      break;
    }
    case sim_kind::drive: {
      rangeup::drive_item f;
      f.parent_id = "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K";
      f.defer_commit = su.defer;
      if (flags & 0x80) f.conflict_behavior = rangeup::drive_item::conflict::rename;
      run(f, su, cfg, script);
      break;
    }
    case sim_kind::print: {
      rangeup::print_document f;
      f.printer_id = "p1";
      f.job_id = "j2";
      f.document_id = "d3";
      run(f, su, cfg, script);
      break;
    }
  }
  return 0;
}
