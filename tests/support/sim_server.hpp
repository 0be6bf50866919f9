#pragma once
// A simulated strict Graph upload-session server, in process and on virtual
// time, plus fault sources and a driver loop that runs an upload_session
// against it. Reusable by any test suite: include it and link nothing.
//
// The server is strict like the emulator: it rejects (and counts as a
// violation) the bearer where the flavor's uploadUrl must not have it
// (Outlook, drive, print) and its absence where it must (To Do, and every
// Graph request), a create without a token, Content-Range / Content-Length /
// Content-Type mistakes, fragments over the flavor's cap or off its quantum,
// an attachment session for a file the service takes only by POST, and (with
// a 416) ranges past a gap. It also takes the one-request uploads: POST
// .../attachments with base64 contentBytes (decoded strictly) and PUT
// .../content. It reads every body as a transport sends it (through
// read_request_body) and compares each byte that arrives with the source byte
// at the position it arrives for, so a completed item is known to equal the
// source byte for byte. After construction it never allocates (the zero
// allocation test runs whole uploads through it).
// Tokens expire (fault::token_expired): from then on the token the client has
// is answered 401 InvalidAuthenticationToken on every request that needs it,
// until the client asks the driver loop for a fresh one (step::need_token,
// answered with current_token()). The server also notes, per session, what it
// told the client it holds, and counts any later fragment that sends those
// bytes again (confirmed_resends: must stay 0, whatever the faults).
// Rule IDs are those of docs/PROTOCOL.md.

#include <rangeup/quick_xor_hash.hpp>
#include <rangeup/rangeup.hpp>

#include "support/strict_base64.hpp"

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace rangeup_test {

enum class sim_kind { outlook, todo, drive, print };

// What the server does to one request.
enum class fault : unsigned char {
  none,
  status_500,       // answered 500 with an error body, not processed
  status_503,       // 503 + Retry-After: seconds
  status_429,       // 429 + Retry-After: seconds
  status_429_date,  // 429 + Retry-After: HTTP-date
  drop_before,      // connection dropped before the server saw the request
  drop_after,       // processed (bytes stored), then the connection dropped: the "lost" response
  timeout_after,    // processed, then the client timed out
  spurious_416,     // 416 although nothing was stored
  session_gone,     // the session vanished (expired/deleted) just before: 404
  truncate_body,    // processed; the body cut in half (unflagged)
  truncate_flagged, // processed; the body cut in half, body_truncated = true
  status_507,       // 507 quotaLimitReached, not processed (PROTOCOL.md E4)
  no_location,      // processed; an attachment session's final 201 comes without Location (E6)
  refused,          // connection refused: the request never reached the server
  token_expired,    // the bearer token expires just before this request (401 if it carries it; PROTOCOL.md E7)
  count
};

inline const char* fault_name(fault f) {
  static const char* names[] = {"none",        "500",           "503",           "429",          "429-date",
                                "drop-before", "drop-after",    "timeout-after", "spurious-416", "session-gone",
                                "truncate",    "truncate-flag", "507",           "no-location",  "refused",
                                "token-expired"};
  static_assert(sizeof names / sizeof names[0] == static_cast<int>(fault::count), "a name per fault");
  return names[static_cast<int>(f)];
}

constexpr std::int64_t sim_unix_base_ms = 1700000000000;  // virtual ms 0 = this unix time

struct sim_config {
  sim_kind kind = sim_kind::outlook;
  std::uint64_t size = 0;
  std::uint64_t max_chunk = 4000000;          // largest fragment accepted (attachments: PROTOCOL.md O5, T2)
  std::uint64_t quantum = 1;                  // fragments (but the last) are multiples of this
  bool status_get = true;                     // attachments: does GET uploadUrl answer? (drive/print: always)
  bool ranges_in_416 = false;                 // 416 bodies carry nextExpectedRanges
  bool omit_create_ranges = false;            // drive: create response without nextExpectedRanges
  bool defer_commit = false;                  // drive: wait for POST uploadUrl after the last byte
  bool store_bytes = true;                    // false: only offsets (huge sizes; the source may be null)
  std::int64_t lifetime_ms = 3600000;         // a session dies this long after creation
  std::uint64_t retry_after_s = 1;
  std::string_view expect_create_url;         // checked when non-empty
  std::string_view expect_single_url;         // the POST / PUT .../content URL, checked when non-empty
  std::string_view expect_name;               // a POST's attachment name, checked when non-empty
  // Accept attachment sessions under 3 000 000 bytes (the service answers them
  // 400): only for tests that force sessions on small files to keep them fast.
  bool small_attachment_sessions = false;
  std::string_view token = "test-token";
  std::string_view upload_host = "https://upload.sim.test";
  // To Do's uploadUrls are plain Graph URLs under this prefix, without a token (PROTOCOL.md T1).
  std::string_view todo_sessions = "https://graph.microsoft.com/beta/me/todo/lists/L/tasks/T/attachmentSessions/";
};

// Attachments under this size go by POST; the service refuses sessions for them (PROTOCOL.md O2).
constexpr std::uint64_t attachment_post_limit = 3000000;
// The largest POST body the service takes (PROTOCOL.md O3; as the emulator: over 4 MiB is 413).
constexpr std::uint64_t max_post_body = 4 * 1024 * 1024;
// The largest drive PUT .../content (PROTOCOL.md D7, read as 4 MiB).
constexpr std::uint64_t max_simple_put = 4 * 1024 * 1024;

// A configuration with the flavor's strict limits: attachments at most
// 4 000 000 bytes per fragment, driveItem multiples of 320 KiB below 60 MiB,
// print below 10 000 000 bytes (PROTOCOL.md O5, T2, D2, P2).
inline sim_config sim_defaults(sim_kind kind, std::uint64_t size) {
  sim_config c;
  c.kind = kind;
  c.size = size;
  if (kind == sim_kind::drive) {
    c.max_chunk = 60 * 1024 * 1024 - 1;
    c.quantum = 327680;
  }
  if (kind == sim_kind::print) c.max_chunk = 9999999;
  return c;
}

struct logged_request {
  rangeup::http_method method = rangeup::http_method::get;
  bool to_upload_url = false;
  bool to_content = false;  // {uploadUrl}/content (To Do fragments)
  bool had_bearer = false;
  std::uint64_t first = 0, last = 0;
  int status = 0;  // 0 = transport error
  fault injected = fault::none;
};

// Whether a logged request carried the bearer exactly where the flavor's rule
// wants it: every Graph request; on uploadUrl requests only for To Do
// (PROTOCOL.md T2; Outlook, drive and print: never, O4, D3, P2).
inline bool bearer_as_required(const logged_request& r, sim_kind kind) {
  const bool wanted = !r.to_upload_url || kind == sim_kind::todo;
  return r.had_bearer == wanted;
}

class sim_server {
 public:
  struct reply {
    std::error_code transport;
    rangeup::response_view response;
  };

  static constexpr std::size_t slot_count = 4;
  static constexpr std::size_t log_capacity = 8192;

  sim_server(const sim_config& c, const unsigned char* source) : cfg_(c), source_(source) {
    scratch_.resize(scratch_size);
    // A POST's whole JSON, base64 included, as far as the service takes it.
    if (attachment() && cfg_.store_bytes && rangeup::base64_length(cfg_.size) < max_post_body) {
      const std::uint64_t most = rangeup::base64_length(cfg_.size) + 16384;  // the JSON around it
      post_body_.resize(static_cast<std::size_t>(most < max_post_body ? most : max_post_body));
    }
    log_.resize(log_capacity);
  }

  reply handle(const rangeup::request_view& req, std::int64_t now_ms, fault f) {
    reply out;
    status_ = 0;
    body_len_ = 0;
    location_len_ = 0;
    retry_after_len_ = 0;
    reported_ = nullptr;
    rejecting_[0] = '\0';
    logged_request& entry = log_[log_size_ % log_capacity];
    ++log_size_;
    entry = {};
    entry.method = req.method;
    entry.had_bearer = !req.bearer_token.empty();
    entry.injected = f;
    if (req.reads_source()) {
      entry.first = req.range.first;
      entry.last = req.range.last;
    }
    bool content = false;
    slot* s = find_slot(req.url, content);
    entry.to_upload_url = s != nullptr || is_upload_url(req.url);
    entry.to_content = entry.to_upload_url && content;

    if (f == fault::drop_before || f == fault::refused) {
      out.transport = f == fault::refused ? std::make_error_code(std::errc::connection_refused)
                                          : make_error_code(rangeup::errc::connection_dropped);
      return out;
    }
    if (f == fault::status_500 || f == fault::status_503 || f == fault::status_429 || f == fault::status_429_date ||
        f == fault::status_507) {
      status_ = f == fault::status_500 ? 500 : f == fault::status_503 ? 503 : f == fault::status_507 ? 507 : 429;
      json_error(f == fault::status_500   ? "generalException"
                 : f == fault::status_503 ? "serviceNotAvailable"
                 : f == fault::status_507 ? "quotaLimitReached"
                                          : "activityLimitReached");
      if (f == fault::status_503 || f == fault::status_429)
        retry_after_len_ = static_cast<std::size_t>(
            std::snprintf(retry_after_, sizeof retry_after_, "%llu", static_cast<unsigned long long>(cfg_.retry_after_s)));
      if (f == fault::status_429_date)
        retry_after_len_ = format_http_date(sim_unix_base_ms + now_ms + static_cast<std::int64_t>(cfg_.retry_after_s) * 1000,
                                            retry_after_, sizeof retry_after_);
      entry.status = status_;
      return finish(out, f);
    }
    if (f == fault::session_gone && s) s->live = false;
    if (f == fault::token_expired) expire_token();  // the request still goes through: one with the old token gets 401
    if (f == fault::spurious_416 && s && s->live && req.method == rangeup::http_method::put) {
      status_ = 416;
      if (cfg_.ranges_in_416)
        ranges_body(*s);
      else
        json_error("invalidRange");
      entry.status = status_;
      return finish(out, f);
    }

    process(req, now_ms, s, content);
    entry.status = status_;
    if (f == fault::drop_after) out.transport = rangeup::errc::connection_dropped;
    if (f == fault::timeout_after) out.transport = rangeup::errc::timeout;
    if (out.transport) entry.status = 0;
    // What an answer that arrives whole tells the client the server holds.
    const bool delivered = !out.transport && f != fault::truncate_body && f != fault::truncate_flagged;
    if (delivered && reported_ != nullptr && reported_next_ > reported_->confirmed) reported_->confirmed = reported_next_;
    if (!out.transport && rejecting_[0] != '\0') std::memcpy(last_rejected_, rejecting_, sizeof last_rejected_);
    return finish(out, f);
  }

  // ---- what landed -----------------------------------------------------------
  std::uint32_t items_completed = 0;  // items committed with bytes equal to the source
  std::uint32_t items_corrupt = 0;    // items committed with other bytes (must stay 0)
  char last_item_id[64] = {};
  char last_item_hash[32] = {};
  std::uint32_t violations = 0;       // requests a strict server rejects as client bugs
  char last_violation[160] = {};
  std::uint32_t ahead_rejections = 0;  // fragments past a gap, refused with 416
  std::uint32_t creates = 0, puts = 0, gets = 0, deletes = 0, commits = 0;
  std::uint32_t posts = 0;         // POST .../attachments (one-request attachments)
  std::uint32_t content_puts = 0;  // PUT .../content (one-request drive uploads)
  std::uint32_t look_ups = 0;  // GETs of the driveItem by path (after a lost final answer)
  std::uint64_t bytes_received = 0;
  // Tokens (PROTOCOL.md E7).
  std::uint32_t token_expiries = 0;         // times the current token expired
  std::uint32_t token_rejections = 0;       // requests answered 401 InvalidAuthenticationToken
  std::uint32_t rejected_token_reuses = 0;  // requests carrying the token of the last 401 the client got (must stay 0)
  // Fragments that began before what the server had told the client it holds
  // (a session's bytes the client knew were there, sent again: must stay 0).
  std::uint32_t confirmed_resends = 0;

  // The token a client gets when it asks (valid until the next expiry). The
  // text stays readable (for the session's view) for the next 63 expiries.
  std::string_view current_token() const {
    return token_generation_ == 0 ? cfg_.token : std::string_view(tokens_[token_generation_ % token_slots]);
  }

  std::size_t log_size() const { return log_size_ < log_capacity ? log_size_ : log_capacity; }
  const logged_request& log(std::size_t i) const { return log_[i % log_capacity]; }
  std::size_t live_sessions() const {
    std::size_t n = 0;
    for (auto& s : slots_) n += s.live ? 1 : 0;
    return n;
  }
  // Requests whose bearer broke the flavor's rule (see bearer_as_required).
  std::size_t bearer_rule_breaks() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < log_size(); ++i) n += bearer_as_required(log(i), cfg_.kind) ? 0 : 1;
    return n;
  }
  // Test hooks: move a live session's next expected offset (e.g. to fake a
  // server that forgot bytes), or kill every session.
  void kill_sessions() {
    for (auto& s : slots_) s.live = false;
  }
  const sim_config& config() const { return cfg_; }

 private:
  struct slot {
    bool live = false;
    std::uint32_t id = 0;
    std::uint64_t next = 0;  // bytes [0, next) received
    std::uint64_t confirmed = 0;  // the most next ever reported to the client in an answer it received
    std::int64_t expires_ms = 0;
    bool awaiting_commit = false;
    std::uint64_t age = 0;
    bool differs = false;         // a received byte differed from the source's at its position
    rangeup::quick_xor_hash hash;  // of bytes [0, next), which arrive in order
    char url[160] = {};
  };

  static constexpr std::size_t scratch_size = 65536;
  static constexpr std::size_t token_slots = 64;

  // The current token expires: the next one is "<token>-<generation>".
  void expire_token() {
    ++token_expiries;
    ++token_generation_;
    std::snprintf(tokens_[token_generation_ % token_slots], sizeof tokens_[0], "%.*s-%u",
                  static_cast<int>(cfg_.token.size() < 20 ? cfg_.token.size() : 20), cfg_.token.data(),
                  token_generation_);
  }

  // A token this server issued before the current one (expired now).
  bool issued_earlier(std::string_view t) const {
    if (t == cfg_.token) return token_generation_ > 0;
    for (std::uint32_t g = token_generation_ > token_slots - 1 ? token_generation_ - (token_slots - 1) : 1;
         g < token_generation_; ++g)
      if (t == tokens_[g % token_slots]) return true;
    return false;
  }

  // Requests to Graph itself and To Do's uploadUrl requests need the current
  // token: none is the client's bug; an expired one is answered 401
  // InvalidAuthenticationToken, as the service does (PROTOCOL.md E7).
  bool bearer_accepted(const rangeup::request_view& req, const char* missing) {
    if (req.bearer_token.empty()) return violation(missing, 401), false;
    if (req.bearer_token == current_token()) return true;
    if (!issued_earlier(req.bearer_token)) return violation("a bearer token this server never issued", 401), false;
    if (req.bearer_token == std::string_view(last_rejected_)) ++rejected_token_reuses;
    // Known to the client only once the 401 reaches it (see handle()).
    std::snprintf(rejecting_, sizeof rejecting_, "%.*s", static_cast<int>(req.bearer_token.size()),
                  req.bearer_token.data());
    ++token_rejections;
    status_ = 401;
    body_len_ = fmt(body_, sizeof body_,
                    "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Lifetime validation "
                    "failed, the token is expired.\"}}");
    return false;
  }

  bool attachment() const { return cfg_.kind == sim_kind::outlook || cfg_.kind == sim_kind::todo; }

  static bool starts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
  }
  static bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
  }
  static std::string_view path_of(std::string_view url) { return url.substr(0, url.find('?')); }
  static std::string_view query_of(std::string_view url) {
    const std::size_t q = url.find('?');
    return q == std::string_view::npos ? std::string_view{} : url.substr(q);
  }

  bool is_upload_url(std::string_view url) const {
    return starts_with(url, cfg_.upload_host) || (cfg_.kind == sim_kind::todo && starts_with(url, cfg_.todo_sessions));
  }

  // The session a URL names: the uploadUrl itself, or (content = true) its
  // path followed by "/content", the query unchanged.
  slot* find_slot(std::string_view url, bool& content) {
    content = is_upload_url(url) && ends_with(path_of(url), "/content");
    for (auto& s : slots_) {
      if (s.url[0] == '\0') continue;
      const std::string_view mine(s.url);
      if (url == mine) {
        content = false;
        return &s;
      }
      const std::string_view path = path_of(url), own = path_of(mine);
      if (path.size() == own.size() + 8 && starts_with(path, own) && ends_with(path, "/content") &&
          query_of(url) == query_of(mine)) {
        content = true;
        return &s;
      }
    }
    return nullptr;
  }

  void violation(const char* what, int status) {
    ++violations;
    std::snprintf(last_violation, sizeof last_violation, "%s", what);
    status_ = status;
    json_error("invalidRequest");
  }

  // Who may send what to an uploadUrl: To Do wants the bearer on every request
  // and the fragments at {uploadUrl}/content (PROTOCOL.md T2); the others are
  // pre-authenticated and take the uploadUrl as it is (O4, D3, P2).
  bool upload_url_request_ok(const rangeup::request_view& req, bool content) {
    if (cfg_.kind == sim_kind::todo) {
      if (!bearer_accepted(req, "To Do uploadUrl request without the bearer")) return false;
      if (req.method == rangeup::http_method::put && !content)
        return violation("To Do fragment not sent to {uploadUrl}/content", 400), false;
      if (req.method != rangeup::http_method::put && content)
        return violation("To Do GET/DELETE/POST sent to {uploadUrl}/content", 400), false;
      return true;
    }
    if (!req.bearer_token.empty()) return violation("Authorization sent to a pre-authenticated uploadUrl", 401), false;
    if (content) return violation("/content appended to a pre-authenticated uploadUrl", 400), false;
    return true;
  }

  void process(const rangeup::request_view& req, std::int64_t now_ms, slot* s, bool content) {
    if (s == nullptr) {
      if (is_upload_url(req.url)) {
        // An uploadUrl of a session this server never had or already forgot.
        if (!upload_url_request_ok(req, content)) return;
        status_ = 404;
        return json_error("itemNotFound");
      }
      return graph_request(req, now_ms);
    }
    if (!upload_url_request_ok(req, content)) return;
    if (!s->live || now_ms >= s->expires_ms) {
      s->live = false;
      status_ = 404;
      return json_error("itemNotFound");
    }
    switch (req.method) {
      case rangeup::http_method::put: return put(req, now_ms, *s);
      case rangeup::http_method::get: return status(*s);
      case rangeup::http_method::delete_:
        ++deletes;
        s->live = false;
        status_ = 204;
        return;
      case rangeup::http_method::post: return commit(req, *s);
    }
  }

  // A request to Graph itself: create, the one-request uploads, the item look-up.
  void graph_request(const rangeup::request_view& req, std::int64_t now_ms) {
    const std::string_view path = path_of(req.url);
    if (req.method == rangeup::http_method::get) return look_up(req);
    if (req.method == rangeup::http_method::post && ends_with(path, "/createUploadSession")) return create(req, now_ms);
    if (req.method == rangeup::http_method::post && ends_with(path, "/attachments")) return post_attachment(req);
    if (req.method == rangeup::http_method::put && ends_with(path, "/content")) return simple_put(req);
    ++creates;  // what the old server took for a create
    return violation("a Graph request the service does not have", 405);
  }

  void create(const rangeup::request_view& req, std::int64_t now_ms) {
    ++creates;
    if (!bearer_accepted(req, "create without the bearer token")) return;
    if (!cfg_.expect_create_url.empty() && req.url != cfg_.expect_create_url) return violation("wrong create URL", 400);
    if (req.body != rangeup::body_kind::text || header(req, "Content-Type") != "application/json")
      return violation("create body is not JSON", 400);
    char size_text[40];
    std::snprintf(size_text, sizeof size_text, "\"size\":%llu", static_cast<unsigned long long>(cfg_.size));
    if (cfg_.kind != sim_kind::drive && std::string_view(req.text).find(size_text) == std::string_view::npos)
      return violation("create body without the right size", 400);
    // Print needs a contentType the printer supports (PROTOCOL.md P1).
    if (cfg_.kind == sim_kind::print && std::string_view(req.text).find("\"contentType\":\"") == std::string_view::npos)
      return violation("print create without contentType", 400);
    // Small attachments go by POST: the service refuses their sessions (PROTOCOL.md O2).
    if (attachment() && cfg_.size < attachment_post_limit && !cfg_.small_attachment_sessions) {
      violation("attachment session under 3 000 000 bytes", 400);
      return json_error("ErrorAttachmentSizeShouldNotBeLessThanMinimumSize");
    }
    slot& s = free_slot();
    s.live = true;
    s.id = ++session_ids_;
    s.next = 0;
    s.confirmed = 0;
    s.awaiting_commit = false;
    s.differs = false;
    s.hash.reset();
    s.expires_ms = now_ms + cfg_.lifetime_ms;
    s.age = ++age_;
    if (cfg_.kind == sim_kind::todo)  // a plain Graph URL, no token (PROTOCOL.md T1)
      std::snprintf(s.url, sizeof s.url, "%.*sAAMkS%%3D%u", static_cast<int>(cfg_.todo_sessions.size()),
                    cfg_.todo_sessions.data(), s.id);
    else  // the URL carries its credential and characters a careless client would mangle
      std::snprintf(s.url, sizeof s.url, "%.*s/sessions/%u?authtoken=a%%2Bb%%3D%u&x=1",
                    static_cast<int>(cfg_.upload_host.size()), cfg_.upload_host.data(), s.id, s.id);
    char expiry[64];
    format_iso(sim_unix_base_ms + s.expires_ms, expiry, sizeof expiry);
    status_ = cfg_.kind == sim_kind::drive || cfg_.kind == sim_kind::print ? 200 : 201;
    if (cfg_.kind == sim_kind::drive && cfg_.omit_create_ranges)
      body_len_ = fmt(body_, sizeof body_, "{\"uploadUrl\":\"%s\",\"expirationDateTime\":\"%s\"}", s.url, expiry);
    else
      body_len_ = fmt(body_, sizeof body_,
                      "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession\","
                      "\"uploadUrl\":\"%s\",\"expirationDateTime\":\"%s\",\"nextExpectedRanges\":[\"0-\"]}",
                      s.url, expiry);
  }

  void put(const rangeup::request_view& req, std::int64_t now_ms, slot& s) {
    ++puts;
    (void)now_ms;
    const std::string_view cr = header(req, "Content-Range");
    auto parsed = rangeup::parse_content_range(cr);
    if (!parsed) return violation("PUT without a valid Content-Range", 400);
    if (header(req, "Content-Type") != "application/octet-stream") return violation("PUT Content-Type", 400);
    if (req.body != rangeup::body_kind::source_range) return violation("PUT without source bytes", 400);
    if (parsed->total != cfg_.size) return violation("Content-Range total differs from the declared size", 400);
    if (req.range.first != parsed->first || req.range.last != parsed->last || req.range.total != parsed->total)
      return violation("Content-Range header and body range differ", 400);
    if (req.content_length() != parsed->length()) return violation("Content-Length differs from the range", 400);
    if (parsed->length() > cfg_.max_chunk) return violation("fragment over the cap", 413);
    if (parsed->first < s.confirmed) ++confirmed_resends;  // the client knew the server had these
    if (parsed->last + 1 != cfg_.size && parsed->length() % cfg_.quantum != 0)
      return violation("fragment off the quantum", 400);
    if (parsed->first < s.next) {  // already have it
      status_ = 416;
      if (cfg_.ranges_in_416) return ranges_body(s);
      return json_error("invalidRange");
    }
    if (parsed->first > s.next) {  // a gap: refused like a repeat (the client may have guessed wrong)
      ++ahead_rejections;
      status_ = 416;
      return json_error("invalidRange");
    }
    // The bytes the transport sends for this range, where the server puts them.
    if (cfg_.store_bytes) {
      const receipt got = receive(req, parsed->first, s.hash);
      if (got == receipt::unreadable) return violation("PUT body unreadable", 400);
      if (got == receipt::differs) s.differs = true;
    }
    bytes_received += parsed->length();
    s.next = parsed->last + 1;
    if (s.next < cfg_.size) {
      status_ = attachment() ? 200 : 202;
      return ranges_body(s);
    }
    if (cfg_.kind == sim_kind::drive && cfg_.defer_commit) {
      s.awaiting_commit = true;
      reported_ = &s;
      reported_next_ = cfg_.size;
      status_ = 202;
      body_len_ = fmt(body_, sizeof body_, "{\"expirationDateTime\":\"2030-01-01T00:00:00Z\",\"nextExpectedRanges\":[]}");
      return;
    }
    s.live = false;
    complete_item(s.differs, s.hash, s.id);
  }

  void status(slot& s) {
    ++gets;
    if (attachment() && !cfg_.status_get) {
      status_ = 405;
      return json_error("methodNotAllowed");
    }
    status_ = 200;
    if (s.awaiting_commit) {
      body_len_ = fmt(body_, sizeof body_, "{\"nextExpectedRanges\":[]}");
      return;
    }
    ranges_body(s);
  }

  void commit(const rangeup::request_view& req, slot& s) {
    ++commits;
    if (cfg_.kind != sim_kind::drive || !cfg_.defer_commit) return violation("POST to an uploadUrl", 400);
    if (req.body != rangeup::body_kind::none || req.content_length() != 0) return violation("commit with a body", 400);
    if (!s.awaiting_commit) return violation("commit before the last byte", 400);
    s.live = false;
    complete_item(s.differs, s.hash, s.id);
  }

  enum class receipt { same, differs, unreadable };

  // Reads a body of source bytes as a transport sends it, through
  // read_request_body in pieces, and compares each byte with the source byte
  // at the item position it arrives for (item_offset onward); feeds `hash`.
  receipt receive(const rangeup::request_view& req, std::uint64_t item_offset, rangeup::quick_xor_hash& hash) {
    const std::uint64_t length = req.content_length();
    rangeup::memory_source source(source_, cfg_.size);
    bool differs = false;
    for (std::uint64_t at = 0; at < length;) {
      const std::size_t want = static_cast<std::size_t>(length - at < scratch_size ? length - at : scratch_size);
      const auto got = rangeup::read_request_body(req, source, at, reinterpret_cast<char*>(scratch_.data()), want);
      if (!got || *got == 0) return receipt::unreadable;
      if (item_offset + at + *got > cfg_.size) return receipt::unreadable;
      if (std::memcmp(scratch_.data(), source_ + item_offset + at, *got) != 0) differs = true;
      hash.update(scratch_.data(), *got);
      at += *got;
    }
    return differs ? receipt::differs : receipt::same;
  }

  // Reads a request's whole body as a transport would send it, through
  // read_request_body, into out. False when it cannot be read or does not fit.
  bool read_body(const rangeup::request_view& req, unsigned char* out, std::size_t capacity) const {
    const std::uint64_t length = req.content_length();
    if (length > capacity) return false;
    rangeup::memory_source source(source_, cfg_.size);
    std::uint64_t at = 0;
    while (at < length) {
      // Odd piece sizes: reads that start and end inside base64 groups.
      const std::size_t want = static_cast<std::size_t>(length - at < 65521 ? length - at : 65521);
      const auto got = rangeup::read_request_body(req, source, at, reinterpret_cast<char*>(out) + at, want);
      if (!got || *got == 0) return false;
      at += *got;
    }
    return true;
  }

  // The string value of "key" in a compact JSON object: the text between the
  // quotes, still escaped. Empty when the member is missing; `found` tells.
  static std::string_view member(std::string_view json, std::string_view key, bool& found) {
    found = false;
    std::size_t at = 0;
    for (;;) {
      at = json.find(key, at);
      if (at == std::string_view::npos) return {};
      const std::size_t end = at + key.size();
      if (at > 0 && json[at - 1] == '"' && json.substr(end, 3) == "\":\"") break;
      at = end;
    }
    const std::size_t begin = at + key.size() + 3;
    std::size_t i = begin;
    while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
    if (i >= json.size()) return {};
    found = true;
    return json.substr(begin, i - begin);
  }

  // POST {graph}/.../attachments: a fileAttachment (Outlook) or taskFileAttachment
  // (To Do) with the whole file as base64 contentBytes (PROTOCOL.md O3, T4).
  void post_attachment(const rangeup::request_view& req) {
    ++posts;
    if (!attachment()) return violation("POST .../attachments for a flavor without attachments", 405);
    if (!bearer_accepted(req, "POST attachment without the bearer token")) return;
    if (!cfg_.expect_single_url.empty() && req.url != cfg_.expect_single_url) return violation("wrong POST URL", 400);
    if (header(req, "Content-Type") != "application/json") return violation("POST attachment Content-Type", 400);
    if (!header(req, "Content-Range").empty()) return violation("POST attachment with a Content-Range", 400);
    if (cfg_.size == 0 ? req.body != rangeup::body_kind::text : req.body != rangeup::body_kind::base64_json)
      return violation("POST attachment body of the wrong kind", 400);
    if (req.body == rangeup::body_kind::base64_json &&
        (req.range.first != 0 || req.range.last + 1 != cfg_.size || req.range.total != cfg_.size))
      return violation("POST attachment body is not the whole file", 400);
    if (req.content_length() > max_post_body) return violation("POST attachment body over 4 MiB", 413);
    const std::string_view want_type =
        cfg_.kind == sim_kind::todo ? "#microsoft.graph.taskFileAttachment" : "#microsoft.graph.fileAttachment";
    if (!cfg_.store_bytes) {  // no source to compare with: the headers only
      bytes_received += cfg_.size;
      complete_item(false, rangeup::quick_xor_hash{}, 0);
      body_len_ = fmt(body_, sizeof body_, "{\"@odata.type\":\"%.*s\",\"id\":\"%s\",\"size\":%llu}",
                      static_cast<int>(want_type.size()), want_type.data(), last_item_id,
                      static_cast<unsigned long long>(cfg_.size));
      return;
    }
    const std::size_t length = static_cast<std::size_t>(req.content_length());
    if (!read_body(req, post_body_.data(), post_body_.size())) return violation("POST attachment body unreadable", 400);
    const std::string_view json(reinterpret_cast<const char*>(post_body_.data()), length);
    if (json.size() < 2 || json.front() != '{' || json.back() != '}') return violation("POST body is not an object", 400);
    bool found = false;
    const std::string_view type = member(json, "@odata.type", found);
    if (!found || type != want_type) return violation("POST attachment of the wrong @odata.type", 400);
    const std::string_view name = member(json, "name", found);
    if (!found || name.empty()) return violation("POST attachment without a name", 400);
    if (!cfg_.expect_name.empty() && name != cfg_.expect_name) return violation("POST attachment name differs", 400);
    const std::string_view content_type = member(json, "contentType", found);
    // Outlook's inline members do not exist on a taskFileAttachment.
    if (cfg_.kind == sim_kind::todo &&
        (json.find("\"isInline\":") != std::string_view::npos || json.find("\"contentId\":") != std::string_view::npos))
      return violation("To Do attachment with Outlook's inline members", 400);
    const std::string_view encoded = member(json, "contentBytes", found);
    if (!found) return violation("POST attachment without contentBytes", 400);
    const std::size_t value_at = static_cast<std::size_t>(encoded.data() - json.data());
    if (json.find("\"contentBytes\"", value_at) != std::string_view::npos)
      return violation("POST attachment with contentBytes twice", 400);
    // Decoded a piece at a time (whole 4-character groups; padding only at
    // the very end) and compared with the source.
    std::uint64_t decoded = 0;
    bool differs = false;
    rangeup::quick_xor_hash hash;
    constexpr std::size_t piece = scratch_size / 3 * 4;
    for (std::size_t at = 0; at < encoded.size() || (at == 0 && encoded.empty());) {
      const std::string_view part = encoded.substr(at, piece);
      const bool last = at + part.size() == encoded.size();
      std::size_t n = 0;
      if (!decode_base64_strict(part, scratch_.data(), scratch_.size(), n, last))
        return violation("contentBytes is not strict base64", 400);
      if (decoded + n > cfg_.size) return violation("contentBytes decode to more than the file", 400);
      if (n != 0 && std::memcmp(scratch_.data(), source_ + decoded, n) != 0) differs = true;
      hash.update(scratch_.data(), n);
      decoded += n;
      at += part.size();
      if (part.empty()) break;
    }
    if (decoded != cfg_.size) return violation("contentBytes decode to another size", 400);
    bytes_received += decoded;
    complete_item(differs, hash, 0);
    body_len_ = fmt(body_, sizeof body_,
                    "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#attachments/$entity\","
                    "\"@odata.type\":\"%.*s\",\"id\":\"%s\",\"lastModifiedDateTime\":\"2024-01-01T00:00:00Z\","
                    "\"name\":\"%.*s\",\"contentType\":\"%.*s\",\"size\":%llu,\"isInline\":false}",
                    static_cast<int>(want_type.size()), want_type.data(), last_item_id,
                    static_cast<int>(name.size() < 300 ? name.size() : 300), name.data(),
                    static_cast<int>(content_type.size() < 100 ? content_type.size() : 100), content_type.data(),
                    static_cast<unsigned long long>(cfg_.size));
  }

  // PUT {graph}/.../content: a drive file of at most 4 MiB in one request, the
  // raw bytes, conflictBehavior named in the query (PROTOCOL.md D7).
  void simple_put(const rangeup::request_view& req) {
    ++content_puts;
    if (cfg_.kind != sim_kind::drive) return violation("PUT .../content for a flavor without it", 405);
    if (!bearer_accepted(req, "PUT .../content without the bearer token")) return;
    if (!cfg_.expect_single_url.empty() && req.url != cfg_.expect_single_url)
      return violation("wrong PUT .../content URL", 400);
    // Addressed by path, the service would replace by default: the client names the behaviour.
    if (path_of(req.url).find(":/content") != std::string_view::npos &&
        query_of(req.url).find("@microsoft.graph.conflictBehavior=") == std::string_view::npos)
      return violation("PUT .../content by path without a conflictBehavior", 400);
    if (header(req, "Content-Type") != "application/octet-stream") return violation("PUT .../content Content-Type", 400);
    if (!header(req, "Content-Range").empty()) return violation("PUT .../content with a Content-Range", 400);
    if (cfg_.size > max_simple_put) return violation("PUT .../content over 4 MiB", 413);
    if (cfg_.size == 0 ? req.body != rangeup::body_kind::none : req.body != rangeup::body_kind::source_range)
      return violation("PUT .../content body of the wrong kind", 400);
    if (req.content_length() != cfg_.size || (cfg_.size != 0 && (req.range.first != 0 || req.range.total != cfg_.size)))
      return violation("PUT .../content body is not the whole file", 400);
    bool differs = false;
    rangeup::quick_xor_hash hash;
    if (cfg_.store_bytes) {
      const receipt got = receive(req, 0, hash);
      if (got == receipt::unreadable) return violation("PUT .../content body unreadable", 400);
      differs = got == receipt::differs;
    }
    bytes_received += cfg_.size;
    complete_item(differs, hash, 0);
  }

  // An item landed (differs: some byte of it is not the source's; hash: of
  // its bytes as received; session 0 = one request).
  void complete_item(bool differs, const rangeup::quick_xor_hash& hash, std::uint32_t session) {
    differs ? ++items_corrupt : ++items_completed;
    std::snprintf(last_item_id, sizeof last_item_id, "ITEM+%u-%u=", session, items_completed + items_corrupt);
    status_ = 201;
    if (attachment()) {
      if (session == 0) return;  // the POST's caller writes the attachment JSON
      if (cfg_.kind == sim_kind::outlook)
        location_len_ = fmt(location_, sizeof location_,
                            "https://outlook.office.com/api/v2.0/Users('u@t')/Messages('AAMk=')/Attachments('%s')",
                            last_item_id);
      else
        location_len_ = fmt(location_, sizeof location_,
                            "https://graph.microsoft.com/beta/users/u/todo/lists/L=/tasks/T=/Attachments/%s",
                            last_item_id);
      return;
    }
    last_item_hash[0] = '\0';
    if (cfg_.store_bytes) (void)hash.finalize_base64(last_item_hash, sizeof last_item_hash);
    if (cfg_.kind == sim_kind::drive)
      drive_item_body();
    else
      body_len_ = fmt(body_, sizeof body_, "{\"id\":\"%s\",\"documentName\":\"doc.pdf\",\"size\":%llu}", last_item_id,
                      static_cast<unsigned long long>(cfg_.size));
  }

  void drive_item_body() {
    body_len_ = fmt(body_, sizeof body_,
                    "{\"id\":\"%s\",\"name\":\"file.bin\",\"size\":%llu,\"file\":{\"mimeType\":\"application/"
                    "octet-stream\",\"hashes\":{\"quickXorHash\":\"%s\"}}}",
                    last_item_id, static_cast<unsigned long long>(cfg_.size), last_item_hash);
  }

  // GET {graph}/.../items/{parent}:/{name}: the driveItem, if one completed.
  void look_up(const rangeup::request_view& req) {
    ++look_ups;
    if (!bearer_accepted(req, "item lookup without the bearer token")) return;
    if (cfg_.kind != sim_kind::drive) return violation("item lookup for a flavor without items", 400);
    if (items_completed + items_corrupt == 0) {
      status_ = 404;
      return json_error("itemNotFound");
    }
    status_ = 200;
    drive_item_body();
  }

  // The flavor's own way of saying what is missing.
  void ranges_body(slot& s) {
    reported_ = &s;
    reported_next_ = s.next;
    char expiry[64];
    format_iso(sim_unix_base_ms + s.expires_ms, expiry, sizeof expiry);
    const auto next = static_cast<unsigned long long>(s.next);
    const auto end = static_cast<unsigned long long>(cfg_.size - 1);
    switch (cfg_.kind) {
      case sim_kind::outlook:
      case sim_kind::todo:  // PascalCase keys and the bare "N" form
        body_len_ = fmt(body_, sizeof body_, "{\"ExpirationDateTime\":\"%s\",\"NextExpectedRanges\":[\"%llu\"]}", expiry,
                        next);
        break;
      case sim_kind::drive:
        body_len_ = fmt(body_, sizeof body_, "{\"expirationDateTime\":\"%s\",\"nextExpectedRanges\":[\"%llu-\"]}", expiry,
                        next);
        break;
      case sim_kind::print:  // closed ranges
        body_len_ = fmt(body_, sizeof body_, "{\"expirationDateTime\":\"%s\",\"nextExpectedRanges\":[\"%llu-%llu\"]}",
                        expiry, next, end);
        break;
    }
  }

  void json_error(const char* code) {
    body_len_ = fmt(body_, sizeof body_, "{\"error\":{\"code\":\"%s\",\"message\":\"simulated %s\"}}", code, code);
  }

  reply& finish(reply& out, fault f) {
    std::size_t len = body_len_;
    if ((f == fault::truncate_body || f == fault::truncate_flagged) && len > 1) len /= 2;
    out.response.status = status_;
    out.response.body = std::string_view(body_, len);
    out.response.body_truncated = f == fault::truncate_flagged && len != body_len_;
    if (f == fault::no_location) location_len_ = 0;  // only an attachment session's final 201 has one
    out.response.location = std::string_view(location_, location_len_);
    out.response.retry_after = std::string_view(retry_after_, retry_after_len_);
    out.response.content_type = body_len_ ? "application/json" : "";
    return out;
  }

  slot& free_slot() {
    slot* best = &slots_[0];
    for (auto& s : slots_) {
      if (!s.live) return s;
      if (s.age < best->age) best = &s;  // all busy: forget the oldest (an orphan)
    }
    return *best;
  }

  static std::string_view header(const rangeup::request_view& req, std::string_view name) {
    for (const auto* h = req.begin_headers(); h != req.end_headers(); ++h)
      if (rangeup::detail::iequals(h->name, name)) return h->value;
    return {};
  }

#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  static std::size_t fmt(char* out, std::size_t cap, const char* f, ...) {
    va_list args;
    va_start(args, f);
    const int n = std::vsnprintf(out, cap, f, args);
    va_end(args);
    return n < 0 ? 0 : static_cast<std::size_t>(n) < cap ? static_cast<std::size_t>(n) : cap - 1;
  }

  static void civil(std::int64_t unix_ms, int& y, unsigned& mo, unsigned& d, unsigned& h, unsigned& mi, unsigned& s,
                    unsigned& wd) {
    std::int64_t secs = unix_ms / 1000;
    std::int64_t days = secs / 86400;
    std::int64_t rem = secs % 86400;
    wd = static_cast<unsigned>((days + 4) % 7);  // 1970-01-01 was a Thursday
    h = static_cast<unsigned>(rem / 3600);
    mi = static_cast<unsigned>(rem % 3600 / 60);
    s = static_cast<unsigned>(rem % 60);
    days += 719468;
    const std::int64_t era = days / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    mo = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yoe + era * 400 + (mo <= 2 ? 1 : 0));
  }

  static void format_iso(std::int64_t unix_ms, char* out, std::size_t cap) {
    int y;
    unsigned mo, d, h, mi, s, wd;
    civil(unix_ms, y, mo, d, h, mi, s, wd);
    std::snprintf(out, cap, "%04d-%02u-%02uT%02u:%02u:%02u.%03u0000Z", y, mo, d, h, mi, s,
                  static_cast<unsigned>(unix_ms % 1000));
  }

 public:
  static std::size_t format_http_date(std::int64_t unix_ms, char* out, std::size_t cap) {
    static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    // Round up: a date names whole seconds, and the wait must not end early.
    unix_ms = (unix_ms + 999) / 1000 * 1000;
    int y;
    unsigned mo, d, h, mi, s, wd;
    civil(unix_ms, y, mo, d, h, mi, s, wd);
    return fmt(out, cap, "%s, %02u %s %04d %02u:%02u:%02u GMT", days[wd], d, months[mo - 1], y, h, mi, s);
  }

 private:
  sim_config cfg_;
  const unsigned char* source_;
  slot slots_[slot_count];
  std::uint32_t session_ids_ = 0;
  std::uint64_t age_ = 0;
  std::vector<unsigned char> scratch_;    // a piece of a body being checked
  std::vector<unsigned char> post_body_;  // a POST's JSON, base64 included
  std::vector<logged_request> log_;
  std::size_t log_size_ = 0;

  std::uint32_t token_generation_ = 0;   // 0: cfg_.token is current
  char tokens_[token_slots][32] = {};
  char last_rejected_[64] = {};  // the last token whose 401 reached the client
  char rejecting_[64] = {};      // the token this request is refused for
  slot* reported_ = nullptr;             // the session whose position this answer reports ...
  std::uint64_t reported_next_ = 0;      // ... and the position

  int status_ = 0;
  char body_[1024] = {};
  std::size_t body_len_ = 0;
  char location_[256] = {};
  std::size_t location_len_ = 0;
  char retry_after_[64] = {};
  std::size_t retry_after_len_ = 0;
};

// ---- fault sources -------------------------------------------------------------
class fault_source {
 public:
  virtual fault next(const rangeup::request_view& req, std::uint32_t index) = 0;

 protected:
  ~fault_source() = default;
};

class no_faults final : public fault_source {
 public:
  fault next(const rangeup::request_view&, std::uint32_t) override { return fault::none; }
};

// Faults at given request indices (0-based, counting every request).
class scripted_faults final : public fault_source {
 public:
  scripted_faults() = default;
  scripted_faults(std::initializer_list<std::pair<std::uint32_t, fault>> list) {
    for (auto& p : list) add(p.first, p.second);
  }
  scripted_faults& add(std::uint32_t index, fault f) {
    if (n_ < 64) items_[n_++] = {index, f};
    return *this;
  }
  fault next(const rangeup::request_view&, std::uint32_t index) override {
    for (std::size_t i = 0; i < n_; ++i)
      if (items_[i].first == index) return items_[i].second;
    return fault::none;
  }

 private:
  std::pair<std::uint32_t, fault> items_[64] = {};
  std::size_t n_ = 0;
};

// Each request faulted with probability percent/100, the kind drawn from the
// enabled set; deterministic per seed.
class random_faults final : public fault_source {
 public:
  random_faults(std::uint64_t seed, unsigned percent) : rng_(seed), percent_(percent) {}
  void enable_only(std::initializer_list<fault> kinds) {
    n_ = 0;
    for (fault f : kinds) kinds_[n_++] = f;
  }
  // Leaves one kind out of the set (e.g. a fatal 507 in schedules that should finish).
  void disable(fault kind) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < n_; ++i)
      if (kinds_[i] != kind) kinds_[kept++] = kinds_[i];
    n_ = kept;
  }
  fault next(const rangeup::request_view& req, std::uint32_t) override {
    if (rng_.next() % 100 >= percent_) return fault::none;
    fault f = kinds_[rng_.next() % n_];
    (void)req;
    return f;
  }

 private:
  rangeup::splitmix64 rng_;
  unsigned percent_;
  fault kinds_[static_cast<int>(fault::count)] = {
      fault::status_500,   fault::status_503,   fault::status_429,    fault::status_429_date, fault::drop_before,
      fault::drop_after,   fault::timeout_after, fault::spurious_416, fault::session_gone,    fault::truncate_body,
      fault::truncate_flagged, fault::status_507, fault::no_location, fault::refused, fault::token_expired};
  std::size_t n_ = 15;
};

// ---- the driver loop -------------------------------------------------------------
struct run_outcome {
  bool done = false;
  bool failed = false;
  bool step_limit = false;
  std::uint32_t steps = 0;
  std::uint32_t requests = 0;
  std::uint32_t token_requests = 0;    // need_token steps answered with the server's current token
  std::uint32_t need_token_breaks = 0; // need_token not followed by a request that carries the bearer
  std::uint32_t token_refreshes = 0;   // the session's progress::token_refreshes at the end
  std::int64_t end_ms = 0;
  rangeup::upload_result result{};
  rangeup::failure failure{};
};

// Runs the session to done/failed on virtual time (each request takes
// latency_ms). The session's wall clock maps virtual 0 to sim_unix_base_ms.
template <class Session>
run_outcome run_upload(Session& s, sim_server& server, fault_source& faults, std::int64_t start_ms = 0,
                       std::uint32_t max_steps = 200000, std::int64_t latency_ms = 5, bool wall_clock = true) {
  run_outcome out;
  std::int64_t now = start_ms;
  if (wall_clock) s.set_wall_clock(rangeup::instant{now}, sim_unix_base_ms + now);
  bool token_given = false;
  for (; out.steps < max_steps; ++out.steps) {
    const rangeup::step st = s.next_step(rangeup::instant{now});
    if (st.what() == rangeup::step::kind::need_token) {
      // The driver's token provider: whatever the server issues now. The
      // session must ask only for a request that carries it.
      if (token_given) ++out.need_token_breaks;  // asked twice without sending
      ++out.token_requests;
      s.set_bearer_token(server.current_token());
      token_given = true;
      continue;
    }
    // After the token: that request, with it (or the end, if a restart budget ran out).
    if (token_given && (st.wait_until() || (st.request() && st.request()->bearer_token.empty()))) ++out.need_token_breaks;
    token_given = false;
    if (const rangeup::request_view* req = st.request()) {
      const fault f = faults.next(*req, out.requests);
      ++out.requests;
      const sim_server::reply r = server.handle(*req, now, f);
      now += latency_ms;
      if (r.transport)
        s.on_transport_error(r.transport, rangeup::instant{now});
      else
        s.on_response(r.response, rangeup::instant{now});
    } else if (const rangeup::instant* until = st.wait_until()) {
      if (until->ms <= now) {  // a wait that does not move time forward would spin
        out.step_limit = true;
        break;
      }
      now = until->ms;
    } else if (const rangeup::upload_result* res = st.done()) {
      out.done = true;
      out.result = *res;
      break;
    } else if (const rangeup::failure* fl = st.failed()) {
      out.failed = true;
      out.failure = *fl;
      break;
    }
  }
  if (!out.done && !out.failed) out.step_limit = true;
  out.token_refreshes = s.progress_info().token_refreshes;
  out.end_ms = now;
  return out;
}

}  // namespace rangeup_test
