#pragma once
// A simulated strict Graph upload-session server, in process and on virtual
// time, plus fault sources and a driver loop that runs an upload_session
// against it. Reusable by any test suite: include it and link nothing.
//
// The server is strict like the emulator: it rejects (and counts as a
// violation) Authorization on uploadUrl requests, a create without a token,
// Content-Range / Content-Length / Content-Type mistakes, fragments over the
// flavor's cap or off its quantum, and (with a 416) ranges past a gap. It
// stores each session's bytes, so a completed item can be compared with the
// source byte for byte. After construction it never allocates (the zero
// allocation test runs whole uploads through it).

#include <rangeup/quick_xor_hash.hpp>
#include <rangeup/rangeup.hpp>

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
  count
};

inline const char* fault_name(fault f) {
  static const char* names[] = {"none",        "500",           "503",          "429",          "429-date",
                                "drop-before", "drop-after",    "timeout-after", "spurious-416", "session-gone",
                                "truncate",    "truncate-flag"};
  return names[static_cast<int>(f)];
}

constexpr std::int64_t sim_unix_base_ms = 1700000000000;  // virtual ms 0 = this unix time

struct sim_config {
  sim_kind kind = sim_kind::outlook;
  std::uint64_t size = 0;
  std::uint64_t max_chunk = 4 * 1024 * 1024;  // largest fragment accepted
  std::uint64_t quantum = 1;                  // fragments (but the last) are multiples of this
  bool status_get = true;                     // attachments: does GET uploadUrl answer? (drive/print: always)
  bool ranges_in_416 = false;                 // 416 bodies carry nextExpectedRanges
  bool omit_create_ranges = false;            // drive: create response without nextExpectedRanges
  bool defer_commit = false;                  // drive: wait for POST uploadUrl after the last byte
  bool store_bytes = true;                    // false: only offsets (huge sizes)
  std::int64_t lifetime_ms = 3600000;         // a session dies this long after creation
  std::uint64_t retry_after_s = 1;
  std::string_view expect_create_url;         // checked when non-empty
  std::string_view token = "test-token";
  std::string_view upload_host = "https://upload.sim.test";
};

// A configuration with the flavor's strict limits: attachments at most 4 MiB
// per fragment, driveItem multiples of 320 KiB below 60 MiB, print below 10 MiB.
inline sim_config sim_defaults(sim_kind kind, std::uint64_t size) {
  sim_config c;
  c.kind = kind;
  c.size = size;
  if (kind == sim_kind::drive) {
    c.max_chunk = 60 * 1024 * 1024 - 1;
    c.quantum = 327680;
  }
  if (kind == sim_kind::print) c.max_chunk = 10 * 1024 * 1024 - 1;
  return c;
}

struct logged_request {
  rangeup::http_method method = rangeup::http_method::get;
  bool to_upload_url = false;
  bool had_bearer = false;
  std::uint64_t first = 0, last = 0;
  int status = 0;  // 0 = transport error
  fault injected = fault::none;
};

class sim_server {
 public:
  struct reply {
    std::error_code transport;
    rangeup::response_view response;
  };

  static constexpr std::size_t slot_count = 4;
  static constexpr std::size_t log_capacity = 8192;

  sim_server(const sim_config& c, const unsigned char* source) : cfg_(c), source_(source) {
    for (auto& s : slots_)
      if (cfg_.store_bytes) s.bytes.assign(static_cast<std::size_t>(cfg_.size), 0);
    log_.resize(log_capacity);
  }

  reply handle(const rangeup::request_view& req, std::int64_t now_ms, fault f) {
    reply out;
    status_ = 0;
    body_len_ = 0;
    location_len_ = 0;
    retry_after_len_ = 0;
    logged_request& entry = log_[log_size_ % log_capacity];
    ++log_size_;
    entry = {};
    entry.method = req.method;
    entry.had_bearer = !req.bearer_token.empty();
    entry.injected = f;
    if (req.body == rangeup::body_kind::source_range) {
      entry.first = req.range.first;
      entry.last = req.range.last;
    }
    slot* s = find_slot(req.url);
    entry.to_upload_url = s != nullptr || std::string_view(req.url).substr(0, cfg_.upload_host.size()) == cfg_.upload_host;

    if (f == fault::drop_before) {
      out.transport = rangeup::errc::connection_dropped;
      return out;
    }
    if (f == fault::status_500 || f == fault::status_503 || f == fault::status_429 || f == fault::status_429_date) {
      status_ = f == fault::status_500 ? 500 : f == fault::status_503 ? 503 : 429;
      json_error(f == fault::status_500 ? "generalException" : f == fault::status_503 ? "serviceNotAvailable"
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
    if (f == fault::spurious_416 && s && s->live && req.method == rangeup::http_method::put) {
      status_ = 416;
      if (cfg_.ranges_in_416)
        ranges_body(*s);
      else
        json_error("invalidRange");
      entry.status = status_;
      return finish(out, f);
    }

    process(req, now_ms, s);
    entry.status = status_;
    if (f == fault::drop_after) out.transport = rangeup::errc::connection_dropped;
    if (f == fault::timeout_after) out.transport = rangeup::errc::timeout;
    if (out.transport) entry.status = 0;
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
  std::uint32_t look_ups = 0;  // GETs of the driveItem by path (after a lost final answer)
  std::uint64_t bytes_received = 0;

  std::size_t log_size() const { return log_size_ < log_capacity ? log_size_ : log_capacity; }
  const logged_request& log(std::size_t i) const { return log_[i % log_capacity]; }
  std::size_t live_sessions() const {
    std::size_t n = 0;
    for (auto& s : slots_) n += s.live ? 1 : 0;
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
    std::int64_t expires_ms = 0;
    bool awaiting_commit = false;
    std::uint64_t age = 0;
    std::vector<unsigned char> bytes;
    char url[128] = {};
  };

  bool attachment() const { return cfg_.kind == sim_kind::outlook || cfg_.kind == sim_kind::todo; }

  slot* find_slot(std::string_view url) {
    for (auto& s : slots_)
      if (s.url[0] != '\0' && url == std::string_view(s.url)) return &s;
    return nullptr;
  }

  void violation(const char* what, int status) {
    ++violations;
    std::snprintf(last_violation, sizeof last_violation, "%s", what);
    status_ = status;
    json_error("invalidRequest");
  }

  void process(const rangeup::request_view& req, std::int64_t now_ms, slot* s) {
    if (s == nullptr) {
      if (std::string_view(req.url).substr(0, cfg_.upload_host.size()) == cfg_.upload_host) {
        // An uploadUrl of a session this server never had or already forgot.
        if (!req.bearer_token.empty()) return violation("Authorization sent to an uploadUrl", 401);
        status_ = 404;
        return json_error("itemNotFound");
      }
      if (req.method == rangeup::http_method::get) return look_up(req);
      return create(req, now_ms);
    }
    if (!req.bearer_token.empty()) return violation("Authorization sent to an uploadUrl", 401);
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

  void create(const rangeup::request_view& req, std::int64_t now_ms) {
    ++creates;
    if (req.method != rangeup::http_method::post) return violation("create is not a POST", 405);
    if (req.bearer_token != cfg_.token) return violation("create without the bearer token", 401);
    if (!cfg_.expect_create_url.empty() && req.url != cfg_.expect_create_url) return violation("wrong create URL", 400);
    if (req.body != rangeup::body_kind::text || header(req, "Content-Type") != "application/json")
      return violation("create body is not JSON", 400);
    char size_text[40];
    std::snprintf(size_text, sizeof size_text, "\"size\":%llu", static_cast<unsigned long long>(cfg_.size));
    if (cfg_.kind != sim_kind::drive && std::string_view(req.text).find(size_text) == std::string_view::npos)
      return violation("create body without the right size", 400);
    slot& s = free_slot();
    s.live = true;
    s.id = ++session_ids_;
    s.next = 0;
    s.awaiting_commit = false;
    s.expires_ms = now_ms + cfg_.lifetime_ms;
    s.age = ++age_;
    // The URL carries its credential and characters a careless client would mangle.
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
    // Store the bytes the transport reads from the source for this range.
    if (cfg_.store_bytes)
      std::memcpy(s.bytes.data() + parsed->first, source_ + req.range.first, static_cast<std::size_t>(req.range.length()));
    bytes_received += parsed->length();
    s.next = parsed->last + 1;
    if (s.next < cfg_.size) {
      status_ = attachment() ? 200 : 202;
      return ranges_body(s);
    }
    if (cfg_.kind == sim_kind::drive && cfg_.defer_commit) {
      s.awaiting_commit = true;
      status_ = 202;
      body_len_ = fmt(body_, sizeof body_, "{\"expirationDateTime\":\"2030-01-01T00:00:00Z\",\"nextExpectedRanges\":[]}");
      return;
    }
    finish_item(s);
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
    finish_item(s);
  }

  void finish_item(slot& s) {
    s.live = false;
    const bool ok = !cfg_.store_bytes || std::memcmp(s.bytes.data(), source_, static_cast<std::size_t>(cfg_.size)) == 0;
    ok ? ++items_completed : ++items_corrupt;
    std::snprintf(last_item_id, sizeof last_item_id, "ITEM+%u-%u=", s.id, items_completed + items_corrupt);
    status_ = 201;
    if (attachment()) {
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
    if (cfg_.store_bytes) {
      rangeup::quick_xor_hash h;
      h.update(s.bytes.data(), static_cast<std::size_t>(cfg_.size));
      (void)h.finalize_base64(last_item_hash, sizeof last_item_hash);
    }
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
    if (req.bearer_token != cfg_.token) return violation("item lookup without the bearer token", 401);
    if (cfg_.kind != sim_kind::drive) return violation("item lookup for a flavor without items", 400);
    if (items_completed + items_corrupt == 0) {
      status_ = 404;
      return json_error("itemNotFound");
    }
    status_ = 200;
    drive_item_body();
  }

  // The flavor's own way of saying what is missing.
  void ranges_body(const slot& s) {
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
  std::vector<logged_request> log_;
  std::size_t log_size_ = 0;

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
  fault next(const rangeup::request_view& req, std::uint32_t) override {
    if (rng_.next() % 100 >= percent_) return fault::none;
    fault f = kinds_[rng_.next() % n_];
    (void)req;
    return f;
  }

 private:
  rangeup::splitmix64 rng_;
  unsigned percent_;
  fault kinds_[static_cast<int>(fault::count)] = {fault::status_500,  fault::status_503,   fault::status_429,
                                                  fault::status_429_date, fault::drop_before, fault::drop_after,
                                                  fault::timeout_after, fault::spurious_416, fault::session_gone,
                                                  fault::truncate_body, fault::truncate_flagged};
  std::size_t n_ = 11;
};

// ---- the driver loop -------------------------------------------------------------
struct run_outcome {
  bool done = false;
  bool failed = false;
  bool step_limit = false;
  std::uint32_t steps = 0;
  std::uint32_t requests = 0;
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
  for (; out.steps < max_steps; ++out.steps) {
    const rangeup::step st = s.next_step(rangeup::instant{now});
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
  out.end_ms = now;
  return out;
}

}  // namespace rangeup_test
