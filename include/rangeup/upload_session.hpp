#pragma once
// The upload state machine: upload_session<Flavor, Planner, Retry, Codec>.
// Sans-I/O: next_step(now) says what to do (send a request, wait, done,
// failed); the driver does it and reports back with on_response /
// on_transport_error. No I/O, no clock reads, no allocation, no exceptions.
//
// A small file goes as one request where the Flavor offers it (POST
// .../attachments, PUT .../content; docs/PROTOCOL.md O3, T4, D7) unless
// session_options::force_session; everything below applies to that request as
// to a session's last fragment: its lost answer is never repeated blindly.
//
// What it does with each reply (docs/PROTOCOL.md E1-E7):
//  - 5xx, 408, 429, dropped connection, timeout: the same request again after
//    the Retry policy's delay (Retry-After honoured, capped); when the policy's
//    attempt or time budget is spent: retries_exhausted with the last status.
//    A single request is repeated only after 429/503 or a connection that was
//    never made: other failures may have created the item (lost final, below).
//  - 507 and 501: quota_exceeded / not_supported at once, never retried.
//  - 416 on a PUT ("that range already arrived"): GET uploadUrl for the
//    status (attachment flavors: tried once; a 400/404/405 answer means "not
//    supported", never asked again), else the 416 body's nextExpectedRanges,
//    else the guess that the range arrived (undone when the next range, never
//    sent before, is refused too). Then the upload continues from there.
//  - 404 on uploadUrl, or an expired session (when a wall clock was given):
//    a fresh session from byte 0, at most options.max_restarts times.
//    Except once a request that may complete the upload went unanswered (in
//    this process, or in an earlier one as the resume token says), at any
//    later 404: then the session most likely ended because it completed, and
//    the Flavor's after_lost_final policy decides (look the item up, restart,
//    or fail with completion_unknown) so that no second copy is created.
//  - a final 201 without Location (attachments): done, id unknown (id_unknown).
//  - 400/401/403/409/412/413: a typed failure with the server's error.code.
//  - a server that contradicts itself (ranges past the end, going backwards
//    after a PUT, no progress for options.max_stalls answers in a row):
//    protocol_violation (range_not_satisfiable when it was 416s).
//
// progress::confirmed_bytes is a high-water mark: the most the server ever
// confirmed. After a resync to a lower offset or a restart it stays where it
// was (restarts/retries tell the observer why bytes_sent grows).
//
// The bearer token goes with requests to Graph itself (create, the single
// request, the item look-up) and, where the Flavor's uploadUrl is a plain Graph
// URL (To Do: upload_url_auth::bearer), with every uploadUrl request; never to
// a pre-authenticated uploadUrl (Outlook, drive, print).
// The session keeps views: the Flavor's strings, the bearer token and the
// observer must outlive it; file_info is read by the constructor only.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/byte_range.hpp"
#include "rangeup/clock.hpp"
#include "rangeup/codec.hpp"
#include "rangeup/config.hpp"
#include "rangeup/date_time.hpp"
#include "rangeup/error.hpp"
#include "rangeup/file_info.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/flavors/flavor.hpp"
#include "rangeup/http.hpp"
#include "rangeup/json/builtin_codec.hpp"
#include "rangeup/location_id.hpp"
#include "rangeup/adaptive_planner.hpp"
#include "rangeup/planner.hpp"
#include "rangeup/result.hpp"
#include "rangeup/resume_token.hpp"
#include "rangeup/retry.hpp"
#include "rangeup/step.hpp"
#include "rangeup/url.hpp"

namespace rangeup {

namespace detail {
// Planners that learn from fragment outcomes (adaptive_planner) have on_fragment().
template <class P, class = void>
struct takes_fragment_reports : std::false_type {};
template <class P>
struct takes_fragment_reports<P, std::void_t<decltype(std::declval<P&>().on_fragment(fragment_report{}))>>
    : std::true_type {};
// Flavors that say what to do after a lost final answer (flavor.hpp: after_lost_final).
template <class F, class = void>
struct has_lost_final_policy : std::false_type {};
template <class F>
struct has_lost_final_policy<F, std::void_t<decltype(std::declval<const F&>().lost_final_policy())>>
    : std::true_type {};
template <class F, class = void>
struct has_item_url : std::false_type {};
template <class F>
struct has_item_url<F, std::void_t<decltype(std::declval<const F&>().item_url(std::string_view{}))>>
    : std::true_type {};
}  // namespace detail

struct session_options {
  std::uint64_t chunk_size = 0;       // 0 = the planner's default for the flavor
  bool allow_http_loopback = false;   // accept http:// for 127.0.0.1 / localhost / [::1] only
  std::uint32_t max_restarts = 3;     // fresh sessions after 404 on uploadUrl or expiry
  std::uint32_t max_stalls = 4;       // answers in a row without progress before giving up
  std::int64_t expiry_margin_ms = 0;  // with a wall clock: treat the session as expired this early
  // Always create an upload session, even where the flavor would send a small
  // file as one request (POST attachment / PUT content; see docs/PROTOCOL.md).
  bool force_session = false;
};

template <class Flavor, class Planner = typename Flavor::default_planner, class Retry = exponential_backoff,
          class Codec = json::builtin_codec>
class upload_session {
  static_assert(is_json_codec_v<Codec>, "Codec must model rangeup's codec concept (see codec.hpp)");

 public:
  using flavor_type = Flavor;
  using planner_type = Planner;
  using retry_type = Retry;
  using codec_type = Codec;

  upload_session(const Flavor& flavor, const file_info& file, const session_options& options = {}) noexcept
      : flavor_(flavor), options_(options), total_(file.size) {
    progress_.total_bytes = total_;
    init_error_ = initialise(file);
    if (init_error_) fail(init_error_, 0);
  }
  // Request views point into the session: it stays where it was built.
  upload_session(const upload_session&) = delete;
  upload_session& operator=(const upload_session&) = delete;

  // Bad size, chunk size, URL or name, found before any request. When set,
  // next_step() reports failed with the same code.
  std::error_code init_error() const noexcept { return init_error_; }

  // The Graph token for the requests that carry it (the create, the single
  // request, the item look-up; To Do's uploadUrl requests). Not copied: keep
  // it alive until the session is done or failed.
  void set_bearer_token(std::string_view token) noexcept { bearer_ = token; }
  // A temporary (e.g. a std::string returned by a function) would dangle as
  // soon as the call ends: refused at compile time.
  template <class T, class = std::enable_if_t<!std::is_lvalue_reference<T>::value &&
                                              !std::is_same<std::decay_t<T>, std::string_view>::value &&
                                              !std::is_pointer<std::decay_t<T>>::value>>
  void set_bearer_token(T&& temporary) = delete;
  void set_observer(progress_observer* o) noexcept { observer_ = o; }
  void set_retry(const Retry& r) noexcept { retry_ = r; }
  Retry& retry() noexcept { return retry_; }
  const Planner& planner() const noexcept { return planner_; }

  // Maps the caller's instants to unix time (ms): needed to honour
  // Retry-After HTTP-dates and to notice an expired session before sending.
  // Without it, dates fall back to the backoff and expiry shows up as a 404.
  void set_wall_clock(instant now, std::int64_t unix_ms) noexcept {
    wall_offset_ms_ = unix_ms - now.ms;
    wall_known_ = true;
  }

  // The fingerprint save_resume_token() records (restore() sets it too).
  std::error_code set_fingerprint(const file_fingerprint& fp) noexcept {
    if (fp.size != total_) return errc::resume_mismatch;
    if (!valid_hash_prefix(fp.hash_prefix)) return errc::invalid_argument;
    mtime_ns_ = fp.mtime_ns;
    return hash_prefix_.assign(fp.hash_prefix);
  }

  // What to do next. Pure until a request is answered: asking again while a
  // request is outstanding returns the same request.
  step next_step(instant now) noexcept {
    switch (phase_) {
      case phase::done: return step::done(&result_);
      case phase::failed: return step::failed(&failure_);
      case phase::awaiting: return step::send(&req_);
      case phase::ready: break;
    }
    if (cancel_requested_) {
      if (upload_url_.empty()) return fail_step(may_have_completed() ? errc::completion_unknown : errc::cancelled, 0);
      return emit(action::cancel);
    }
    if (waiting_ && now < wait_until_) return step::wait(wait_until_);
    waiting_ = false;
    if (next_ != action::create && session_expired(now)) {
      if (!restart(0)) return step::failed(&failure_);
    }
    sent_at_ = now;
    return emit(next_);
  }

  void on_response(const response_view& r, instant now) noexcept {
    if (phase_ != phase::awaiting) return;  // nothing outstanding: a stray call
    phase_ = phase::ready;
    if (in_flight_ == action::cancel) return cancelled(r.status);
    if (cancel_requested_) {
      // Keep a freshly created session's URL so the DELETE can clean it up.
      if (in_flight_ == action::create && single_ == single_request::none && is_2xx(r.status) &&
          !Codec::parse_session(r.body, doc_) && !check_url(doc_.upload_url.view(), options_.allow_http_loopback))
        (void)set_upload_url(doc_.upload_url.view());
      return;
    }
    switch (in_flight_) {
      case action::create:
        if (single_ != single_request::none) return on_single_response(r, now);
        return on_create_response(r, now);
      case action::put: return on_put_response(r, now);
      case action::status: return on_status_response(r, now);
      case action::commit: return on_commit_response(r, now);
      case action::look_up: return on_look_up_response(r, now);
      case action::cancel: return;
    }
  }

  void on_transport_error(std::error_code ec, instant now) noexcept {
    if (phase_ != phase::awaiting) return;
    phase_ = phase::ready;
    if (in_flight_ == action::cancel) return cancelled(0);
    if (cancel_requested_) return;
    if (!ec) ec = make_error_code(errc::connection_dropped);
    if (!is_transient_transport(ec)) return fail(ec, 0);
    if (in_flight_ == action::create && single_ != single_request::none && !never_sent(ec)) {
      clear_server_error();
      return single_answer_lost(0, now);
    }
    // The request may have been processed before the connection went: a PUT
    // whose bytes landed is answered 416 when repeated (see apply_fallback).
    if (in_flight_ == action::put) {
      put_unanswered_ = true;
      report_fragment(now, false);
      if (missing_bytes(ranges_, range_count_, total_) == sent_.length()) final_unanswered_ = true;
    }
    if (in_flight_ == action::commit) final_unanswered_ = true;
    clear_server_error();
    transient(0, {}, now);
  }

  // Next step: DELETE uploadUrl if a session exists, then failed{cancelled}.
  // A request in flight is abandoned (its answer is ignored). No effect once
  // done or failed.
  // A single request (no session to DELETE) abandoned while out may have
  // created the item: the session then fails with completion_unknown.
  void cancel() noexcept {
    if (phase_ == phase::done || phase_ == phase::failed) return;
    if (phase_ == phase::awaiting && in_flight_ == action::create && single_ != single_request::none)
      final_unanswered_ = true;
    cancel_requested_ = true;
  }

  // True when this upload is a single request that went out and got no
  // answer (it is out now, or its answer was lost or abandoned): the item may
  // exist. A driver that stops such an upload (cancel, timeout) reports
  // errc::completion_unknown rather than its reason, so nobody uploads again.
  bool may_have_completed() const noexcept {
    return single_ != single_request::none &&
           (final_unanswered_ || (phase_ == phase::awaiting && in_flight_ == action::create));
  }

  const progress& progress_info() const noexcept { return progress_; }
  bool finished() const noexcept { return phase_ == phase::done || phase_ == phase::failed; }

  // ---- resume --------------------------------------------------------------
  // Writes a resume token (see resume_token.hpp; it contains the uploadUrl, a
  // credential: store it 0600). Works mid-upload and after a failure (e.g.
  // retries_exhausted: a later run continues); invalid_argument when there is
  // no session to resume (not created yet, completed, or cancelled).
  result<std::size_t> save_resume_token(char* out, std::size_t capacity) const noexcept {
    if (upload_url_.empty() || phase_ == phase::done) return errc::invalid_argument;
    resume_state st;
    (void)st.flavor.assign(Flavor::flavor_id);
    st.target = target_hash_;
    st.size = total_;
    st.next_offset = range_count_ == 0 ? total_ : ranges_[0].first;
    st.has_expiry = have_expiry_;
    st.expires_unix = expires_unix_;
    st.mtime_ns = mtime_ns_;
    st.hash_prefix = hash_prefix_;
    st.upload_url = upload_url_;
    st.final_pending = final_unanswered_ || final_request_next();
    return write_resume_token(st, out, capacity);
  }

  // True when the next request is the one that would complete the upload (the
  // last missing bytes, or a deferred commit). A driver that persists resume
  // tokens now and then should persist one now: if the process dies while that
  // request is out, the restored session must know the upload may be complete.
  bool final_request_next() const noexcept {
    if (phase_ != phase::ready || upload_url_.empty()) return false;
    if (next_ == action::commit) return true;
    if (next_ != action::put) return false;
    if (range_count_ == 0) return flavor_.deferred_commit();
    auto r = planner_.next(ranges_, range_count_, total_);
    return r && r->length() == missing_bytes(ranges_, range_count_, total_);
  }

  // Continues the session a token describes instead of creating one. Only
  // before the first next_step(). invalid_resume_token when unreadable;
  // resume_mismatch for another flavor, target, size, mtime or hash prefix.
  // The restored session first asks the server for its status (where the
  // flavor allows) and otherwise continues from the saved offset.
  std::error_code restore(std::string_view token, const file_fingerprint& fp) noexcept {
    if (init_error_) return init_error_;
    if (single_ != single_request::none) return errc::resume_mismatch;  // this file goes without a session
    if (phase_ != phase::ready || next_ != action::create || !upload_url_.empty() || progress_.retries != 0 ||
        progress_.bytes_sent != 0 || cancel_requested_)
      return errc::invalid_argument;
    if (!valid_hash_prefix(fp.hash_prefix)) return errc::invalid_argument;
    resume_state st;
    if (auto ec = parse_resume_token(token, st)) return ec;
    if (st.flavor != Flavor::flavor_id || st.target != target_hash_ || st.size != total_ || fp.size != total_ ||
        st.mtime_ns != fp.mtime_ns)
      return errc::resume_mismatch;
    if (!fp.hash_prefix.empty() && !st.hash_prefix.empty() && st.hash_prefix != fp.hash_prefix)
      return errc::resume_mismatch;
    if (st.next_offset >= total_ && !flavor_.deferred_commit()) return errc::invalid_resume_token;
    if (auto ec = check_url(st.upload_url.view(), options_.allow_http_loopback)) return ec;
    if (auto ec = set_upload_url(st.upload_url.view())) return ec;
    have_expiry_ = st.has_expiry;
    expires_unix_ = st.expires_unix;
    mtime_ns_ = fp.mtime_ns;
    (void)hash_prefix_.assign(fp.hash_prefix.empty() ? st.hash_prefix.view() : fp.hash_prefix);
    set_open_range(st.next_offset);
    note_confirmed();
    fallback_count_ = 0;
    fallback_landed_ = false;
    first_status_after_restore_ = true;
    // Saved just before (or while) the completing request went out: if the
    // session is gone now, that request probably completed it.
    final_unanswered_ = st.final_pending;
    next_ = action::status;
    return {};
  }

 private:
  enum class action : unsigned char { create, put, status, commit, cancel, look_up };
  enum class phase : unsigned char { ready, awaiting, done, failed };
  // fresh: a freshly created session's ranges; after_put: a PUT's answer (may not go
  // backwards); resync: a status answer (may); guess: our own inference,
  // never counted as progress.
  enum class adopt_mode : unsigned char { fresh, after_put, resync, guess };

  static constexpr bool is_2xx(int s) noexcept { return s >= 200 && s <= 299; }
  // 507 and 501 are 5xx but fatal (PROTOCOL.md E4, E5).
  static constexpr bool is_transient_status(int s) noexcept {
    return s == 408 || s == 429 || (s >= 500 && s <= 599 && s != 501 && s != 507);
  }

  // The connection was never made: the service cannot have seen the request.
  static bool never_sent(std::error_code ec) noexcept {
    return ec == errc::connection_failed || ec == std::errc::connection_refused;
  }

  static bool is_transient_transport(std::error_code ec) noexcept {
    if (ec.category() == category()) return is_transient(static_cast<errc>(ec.value()));
    return ec == std::errc::connection_reset || ec == std::errc::connection_aborted || ec == std::errc::timed_out ||
           ec == std::errc::broken_pipe || ec == std::errc::connection_refused ||
           ec == std::errc::network_unreachable || ec == std::errc::host_unreachable;
  }

  // ---- construction ----------------------------------------------------------
  std::error_code initialise(const file_info& file) noexcept {
    if (total_ > Flavor::max_size) return errc::size_out_of_range;
    if (auto ec = planner_.configure(total_, options_.chunk_size)) return ec;
    if (auto ec = check_url(flavor_.graph_base, options_.allow_http_loopback)) return ec;
    text_writer w = create_url_.writer();
    if (auto ec = flavor_.create_url(w, file)) return ec;
    if (create_url_.commit(w)) return errc::url_too_long;
    if constexpr (detail::has_single_request<Flavor>::value) {
      if (!options_.force_session) single_ = flavor_.single_request_for(file);
    }
    if (single_ != single_request::none) {
      if (auto ec = prepare_single_request(file)) return ec;
    } else {
      if (total_ == 0) return errc::empty_source;  // a session cannot carry 0 bytes (no Content-Range)
      auto body = flavor_.template create_body<Codec>(file, create_body_, sizeof create_body_);
      if (!body) return body.error() == errc::buffer_too_small ? make_error_code(errc::capacity_exceeded) : body.error();
      create_body_size_ = *body;
    }
    // The target identity in resume tokens: where the session was created, for
    // which name and size.
    target_hash_ = fnv1a64(file.name, fnv1a64("\n", fnv1a64(create_url_.view())));
    target_hash_ ^= total_ * 0x9e3779b97f4a7c15ULL;
    return {};
  }

  // The single request's URL and body. A POST's JSON is written with an
  // empty contentBytes, which splits it into the text before and after the
  // base64 that the transport streams from the source.
  std::error_code prepare_single_request(const file_info& file) noexcept {
    if constexpr (detail::has_single_request<Flavor>::value) {
      request_url_.clear();
      text_writer w = request_url_.writer();
      if (auto ec = flavor_.single_request_url(w, file)) return ec;
      if (request_url_.commit(w)) return errc::url_too_long;
      auto body = flavor_.template single_request_body<Codec>(file, create_body_, sizeof create_body_);
      if (!body) return body.error() == errc::buffer_too_small ? make_error_code(errc::capacity_exceeded) : body.error();
      create_body_size_ = *body;
      if (single_ != single_request::post_attachment) return {};
      constexpr std::string_view slot = "\"contentBytes\":\"";
      const std::string_view json(create_body_, create_body_size_);
      const std::size_t at = json.find(slot);
      // Inside a JSON string every quote is escaped, so this text only occurs as the member itself.
      if (at == std::string_view::npos || json.substr(at + slot.size(), 1) != "\"") return errc::malformed_json;
      base64_at_ = at + slot.size();
      return {};
    } else {
      (void)file;
      return errc::invalid_argument;
    }
  }

  void emit_single_request() noexcept {
    req_.method = single_ == single_request::post_attachment ? http_method::post : http_method::put;
    req_.url = request_url_.view();
    req_.bearer_token = bearer_;
    const content_range all{0, total_ == 0 ? 0 : total_ - 1, total_};
    if (single_ == single_request::post_attachment) {
      req_.headers[req_.header_count++] = {"Content-Type", "application/json"};
      const std::string_view json(create_body_, create_body_size_);
      if (total_ == 0) {
        req_.body = body_kind::text;
        req_.text = json;
      } else {
        req_.body = body_kind::base64_json;
        req_.text = json.substr(0, base64_at_);
        req_.suffix = json.substr(base64_at_);
        req_.range = all;
      }
    } else {
      req_.headers[req_.header_count++] = {"Content-Type", "application/octet-stream"};
      if constexpr (detail::has_single_request<Flavor>::value)
        req_.header_count += flavor_.single_request_headers(req_.headers + req_.header_count,
                                                            max_request_headers - req_.header_count);
      if (total_ != 0) {  // 0 bytes: no body, Content-Length: 0
        req_.body = body_kind::source_range;
        req_.range = all;
      }
    }
    progress_.bytes_sent += total_;
  }

  // The token for a request to the uploadUrl: only where it is a plain Graph URL.
  std::string_view upload_url_bearer() const noexcept {
    return detail::upload_auth_of<Flavor>::value == upload_url_auth::bearer ? bearer_ : std::string_view{};
  }

  // Keeps the uploadUrl (and, for flavors whose fragments go to a path below
  // it, the fragment URL: To Do's {uploadUrl}/content, PROTOCOL.md T2).
  std::error_code set_upload_url(std::string_view url) noexcept {
    if (auto ec = upload_url_.assign(url)) return ec;
    constexpr std::string_view suffix = detail::fragment_suffix_of<Flavor>::value;
    if constexpr (!suffix.empty()) {
      const std::size_t query = url.find('?');
      request_url_.clear();  // writer() appends: a restarted session's URL replaces the old one
      text_writer w = request_url_.writer();
      w.append(url.substr(0, query)).append(suffix);
      if (query != std::string_view::npos) w.append(url.substr(query));
      if (request_url_.commit(w)) return errc::url_too_long;
    }
    return {};
  }
  std::string_view fragment_url() const noexcept {
    return detail::fragment_suffix_of<Flavor>::value.empty() ? upload_url_.view() : request_url_.view();
  }

  // ---- emitting requests -------------------------------------------------------
  step emit(action a) noexcept {
    req_ = request_view{};
    switch (a) {
      case action::create:
        if (single_ != single_request::none) {
          emit_single_request();
          break;
        }
        req_.method = http_method::post;
        req_.url = create_url_.view();
        req_.headers[req_.header_count++] = {"Content-Type", "application/json"};
        req_.header_count += flavor_.create_headers(req_.headers + req_.header_count,
                                                    max_request_headers - req_.header_count);
        req_.bearer_token = bearer_;
        req_.body = body_kind::text;
        req_.text = std::string_view(create_body_, create_body_size_);
        break;
      case action::put: {
        if (range_count_ == 0) {  // everything is there: only a deferred commit can follow
          if (!flavor_.deferred_commit()) return fail_step(errc::protocol_violation, 0);
          return emit(action::commit);
        }
        auto r = planner_.next(ranges_, range_count_, total_);
        if (!r) return fail_step(r.error(), 0);
        if (r->first != sent_.first || r->last != sent_.last) put_unanswered_ = false;
        sent_ = *r;
        auto n = format_content_range(sent_, content_range_, sizeof content_range_);
        if (!n) return fail_step(n.error(), 0);
        req_.method = http_method::put;
        req_.url = fragment_url();
        req_.bearer_token = upload_url_bearer();
        req_.headers[req_.header_count++] = {"Content-Type", "application/octet-stream"};
        req_.headers[req_.header_count++] = {"Content-Range", std::string_view(content_range_, *n)};
        req_.body = body_kind::source_range;
        req_.range = sent_;
        progress_.bytes_sent += sent_.length();
        break;
      }
      case action::status:
        req_.method = http_method::get;
        req_.url = upload_url_.view();
        req_.bearer_token = upload_url_bearer();
        break;
      case action::commit:
        req_.method = http_method::post;  // body none: the transport sends Content-Length: 0
        req_.url = upload_url_.view();
        req_.bearer_token = upload_url_bearer();
        break;
      case action::cancel:
        req_.method = http_method::delete_;
        req_.url = upload_url_.view();
        req_.bearer_token = upload_url_bearer();
        break;
      case action::look_up:  // a Graph request, not an uploadUrl one: it carries the token
        req_.method = http_method::get;
        req_.url = item_url();
        req_.bearer_token = bearer_;
        break;
    }
    in_flight_ = a;
    phase_ = phase::awaiting;
    return step::send(&req_);
  }

  // ---- responses ---------------------------------------------------------------
  // Tells a learning planner how the last fragment went.
  void report_fragment(instant now, bool ok) noexcept {
    if constexpr (detail::takes_fragment_reports<Planner>::value)
      planner_.on_fragment(fragment_report{sent_.length(), now - sent_at_, ok});
    else {
      (void)now;
      (void)ok;
    }
  }

  void on_create_response(const response_view& r, instant now) noexcept {
    if (r.status != 200 && r.status != 201) {
      if (is_2xx(r.status)) return fail(errc::unexpected_status, r.status);
      return on_error_status(r, now, false);
    }
    std::error_code ec = r.body_truncated ? make_error_code(errc::malformed_json) : Codec::parse_session(r.body, doc_);
    if (repeat_if_cut_short(ec, r, now)) return;  // an orphan session just expires
    attempt_ = 0;
    if (ec) return fail(ec, r.status);
    // An uploadUrl that is not an https URL (or has CR/LF) is the server's
    // fault, not the caller's: malformed_response, never invalid_url.
    if (doc_.upload_url.empty() || check_url(doc_.upload_url.view(), options_.allow_http_loopback) ||
        set_upload_url(doc_.upload_url.view()))
      return fail(errc::malformed_response, r.status);
    note_expiry();
    sent_ = {};
    put_unanswered_ = false;
    if (!doc_.has_ranges) {
      set_open_range(0);  // driveItem may omit nextExpectedRanges: "0-"
    } else if (auto bad = adopt(doc_.ranges, doc_.range_count, adopt_mode::fresh)) {
      return fail(bad, r.status);
    }
    next_ = action::put;
  }

  // The answer to the single request (POST attachment / PUT content).
  void on_single_response(const response_view& r, instant now) noexcept {
    if (is_2xx(r.status)) {
      attempt_ = 0;
      if (Flavor::result_kind == final_result::document) return complete(r);  // a driveItem, as after a session
      // 201 with the attachment's JSON. The attachment exists even when the
      // body cannot be read: success with the id unknown, never a second POST.
      result_ = upload_result{};
      result_.http_status = r.status;
      result_.size = total_;
      if (!r.body_truncated && !Codec::parse_drive_item(r.body, item_) && !item_.id.empty()) {
        result_.id = item_.id;
        result_.name = item_.name;
      } else {
        result_.id_unknown = true;
      }
      return finish();
    }
    // 429 and 503 say the service did not take the request (PROTOCOL.md E1);
    // any other transient status may come after it did.
    if (is_transient_status(r.status) && r.status != 429 && r.status != 503) {
      on_error_status_text(r);
      return single_answer_lost(r.status, now);
    }
    on_error_status(r, now, false);
  }

  // The single request may have created the item without our learning it:
  // the flavor's after_lost_final policy, as for a session's last fragment.
  void single_answer_lost(int status, instant now) noexcept {
    final_unanswered_ = true;
    switch (lost_final_policy()) {
      case after_lost_final::restart: return transient(status, {}, now);  // repeating it is harmless
      case after_lost_final::look_up:
        if (may_look_up()) {
          attempt_ = 0;
          next_ = action::look_up;
          return;
        }
        break;
      case after_lost_final::report: break;
    }
    fail(make_error_code(errc::completion_unknown), status, false);
  }

  void on_put_response(const response_view& r, instant now) noexcept {
    if (is_2xx(r.status)) report_fragment(now, true);
    else if (r.status >= 500 || r.status == 429) report_fragment(now, false);
    if (r.status == 416) {
      attempt_ = 0;
      return on_range_not_satisfiable(r);
    }
    if (r.status == 404) return session_gone();
    if (!is_2xx(r.status)) return on_error_status(r, now, true);
    attempt_ = 0;
    if (Flavor::is_final_status(r.status) && r.status != Flavor::intermediate_status) {
      // The server says "complete": only believable if this PUT filled the
      // last missing bytes.
      if (missing_bytes(ranges_, range_count_, total_) != sent_.length())
        return fail(errc::protocol_violation, r.status);
      return complete(r);
    }
    if (r.status != Flavor::intermediate_status) return fail(errc::unexpected_status, r.status);
    std::error_code ec = r.body_truncated ? make_error_code(errc::malformed_json) : Codec::parse_session(r.body, doc_);
    if (ec) return unreadable_progress(ec, r.status);
    note_expiry();
    if (!doc_.has_ranges) {
      // No ranges: the fragment was taken, the next one follows it.
      const std::uint64_t after = sent_.last + 1;
      if (after < total_) {
        if (auto bad = open_range_adopt(after, adopt_mode::after_put)) return fail(bad, r.status);
        next_ = action::put;
        return;
      }
      return all_received(r.status);
    }
    if (doc_.range_count == 0) return all_received(r.status);
    if (auto bad = adopt(doc_.ranges, doc_.range_count, adopt_mode::after_put)) return fail(bad, r.status);
    next_ = action::put;
  }

  void on_status_response(const response_view& r, instant now) noexcept {
    if (r.status == 200) {
      std::error_code ec = r.body_truncated ? make_error_code(errc::malformed_json) : Codec::parse_session(r.body, doc_);
      if (repeat_if_cut_short(ec, r, now)) return;  // a GET is safe to repeat
      attempt_ = 0;
      if (ec) return fail(ec, r.status);
      note_expiry();
      // The first thing the server says after a restore is news, not a
      // stall: the saved offset was only our own record.
      const adopt_mode mode = first_status_after_restore_ ? adopt_mode::fresh : adopt_mode::resync;
      first_status_after_restore_ = false;
      if (!doc_.has_ranges) return apply_fallback();
      if (doc_.range_count == 0) return all_received(r.status);
      if (auto bad = adopt(doc_.ranges, doc_.range_count, mode)) return fail(bad, r.status);
      next_ = action::put;
      return;
    }
    // The attachment status GET is undocumented (PROTOCOL.md O9): any refusal
    // of it, authentication included, only means "no status here".
    const bool unsupported =
        r.status == 400 || r.status == 405 || r.status == 501 ||
        (Flavor::status == status_query::try_once && (r.status == 404 || r.status == 401 || r.status == 403));
    if (unsupported) {
      // Learning that GET is unsupported says nothing about progress: no stall.
      attempt_ = 0;
      status_unsupported_ = true;
      first_status_after_restore_ = false;
      return apply_fallback(false);
    }
    if (r.status == 404) return session_gone();
    on_error_status(r, now, true);
  }

  void on_commit_response(const response_view& r, instant now) noexcept {
    if (r.status == 404) return session_gone();
    if (!is_2xx(r.status)) return on_error_status(r, now, true);
    attempt_ = 0;
    if (!Flavor::is_final_status(r.status)) return fail(errc::unexpected_status, r.status);
    complete(r);
  }

  // GET of the item a lost final request may have created (look_up policy).
  void on_look_up_response(const response_view& r, instant now) noexcept {
    if (r.status == 404) return (void)restart(404);  // not there: the upload did not finish
    if (r.status != 200) return on_error_status(r, now, false);
    const std::error_code ec =
        r.body_truncated ? make_error_code(errc::malformed_json) : Codec::parse_drive_item(r.body, item_);
    if (repeat_if_cut_short(ec, r, now)) return;  // a GET is safe to repeat
    attempt_ = 0;
    if (ec || item_.id.empty()) return fail(errc::malformed_response, r.status);
    // Another size: not what our upload would have created (the item was
    // there before; our final request did not land): upload again, and the
    // service answers what it thinks of the name.
    if (!item_.has_size || item_.size != total_) return (void)restart(404);
    adopt_item(r.status);
  }

  // True when text holds the bearer token, the uploadUrl's query, "Bearer " or
  // an authtoken= / access_token= (ASCII case-insensitive).
  bool quotes_credential(std::string_view text) const noexcept {
    const auto contains = [text](std::string_view needle, bool fold) noexcept {
      if (needle.empty() || needle.size() > text.size()) return false;
      for (std::size_t at = 0; at + needle.size() <= text.size(); ++at) {
        std::size_t k = 0;
        for (; k < needle.size(); ++k) {
          char c = text[at + k];
          if (fold && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          if (c != needle[k]) break;
        }
        if (k == needle.size()) return true;
      }
      return false;
    };
    const std::string_view url = upload_url_.view();
    const std::size_t q = url.find('?');
    return contains(bearer_, false) || (q != std::string_view::npos && contains(url.substr(q + 1), false)) ||
           contains("bearer ", true) || contains("authtoken=", true) || contains("access_token=", true);
  }

  // A status the request cannot succeed with: retry the transient ones, turn
  // the others into a typed failure carrying the server's error.code.
  void on_error_status(const response_view& r, instant now, bool upload_url) noexcept {
    on_error_status_text(r);
    // 409 after a request that may have completed the upload went unanswered:
    // most likely our own item (or that request, still being processed) is in
    // the way. Look before reporting a conflict; where there is nothing to look
    // at, the upload may have completed.
    if (r.status == 409 && final_unanswered_ && lost_final_policy() != after_lost_final::restart) {
      attempt_ = 0;
      if (!may_look_up()) return fail(make_error_code(errc::completion_unknown), r.status, false);
      next_ = action::look_up;
      return;
    }
    if (is_transient_status(r.status)) return transient(r.status, r.retry_after, now);
    attempt_ = 0;
    errc code = errc::unexpected_status;
    switch (r.status) {
      case 501: code = errc::not_supported; break;
      case 507: code = errc::quota_exceeded; break;
      case 400: code = errc::bad_request; break;
      case 401: code = errc::unauthorized; break;
      case 403: code = errc::forbidden; break;
      case 404: code = upload_url ? errc::session_not_found : errc::target_not_found; break;
      case 409: code = errc::conflict; break;
      case 412: code = errc::precondition_failed; break;
      case 413: code = errc::payload_too_large; break;
      case 416: code = errc::range_not_satisfiable; break;
      default: break;
    }
    fail(make_error_code(code), r.status, false);
  }

  // Keeps the server's error.code and message (never a credential) for the failure.
  void on_error_status_text(const response_view& r) noexcept {
    clear_server_error();
    error_document& e = err_;
    if (!r.body.empty() && !Codec::parse_error(r.body, e)) {
      failure_.server_code = e.code;
      failure_.server_message = e.message;
      // A server may quote the request back; error text must never carry a credential.
      if (quotes_credential(failure_.server_message.view()))
        (void)failure_.server_message.assign("<redacted: the message quoted a credential>");
    }
  }

  // A 2xx body that was cut short on the way (unreadable JSON) to a request
  // that is safe to repeat: ask again, like after a transient failure.
  bool repeat_if_cut_short(std::error_code ec, const response_view& r, instant now) noexcept {
    if (ec != errc::malformed_json) return false;
    clear_server_error();
    transient(r.status, r.retry_after, now);
    return true;
  }

  void transient(int status, std::string_view retry_after, instant now) noexcept {
    if (attempt_ == 0) streak_start_ = now;
    ++attempt_;
    const std::int64_t hint = retry_after_delay_ms(retry_after, wall_known_, now.ms + wall_offset_ms_);
    const std::int64_t delay = retry_.next_delay(attempt_, now - streak_start_, hint);
    if (delay < 0) return fail(make_error_code(errc::retries_exhausted), status, false);
    ++progress_.retries;
    wait_until_ = now + delay;
    waiting_ = true;
    next_ = in_flight_;
    notify();
  }

  // 416: the server holds (some of) this range already. Find out where it is.
  void on_range_not_satisfiable(const response_view& r) noexcept {
    fallback_count_ = 0;
    if (!r.body_truncated && !Codec::parse_session(r.body, doc_) && doc_.has_ranges && doc_.range_count > 0 &&
        !validate_ranges(doc_.ranges, doc_.range_count, total_)) {
      for (std::size_t i = 0; i < doc_.range_count; ++i) fallback_ranges_[i] = doc_.ranges[i];
      fallback_count_ = doc_.range_count;
    }
    fallback_landed_ = true;  // 416 means "that range already arrived"
    last_was_416_ = true;
    if (status_query_allowed()) {
      next_ = action::status;
      return;
    }
    apply_fallback();
  }

  // A 2xx PUT answer whose body cannot be read: the bytes landed, but where
  // the server is now is unknown. Ask (GET), or infer it (apply_fallback).
  void unreadable_progress(std::error_code ec, int status) noexcept {
    if (ec != errc::malformed_json && ec != errc::malformed_response) return fail(ec, status);
    last_was_416_ = false;
    fallback_count_ = 0;
    fallback_landed_ = true;
    if (status_query_allowed()) {
      next_ = action::status;
      return;
    }
    apply_fallback();
  }

  bool status_query_allowed() const noexcept {
    return Flavor::status == status_query::documented || !status_unsupported_;
  }

  // Without a status answer: the 416 body's ranges; else, since a 416 (or a
  // 2xx we could not read) means the range arrived, the guess that it did —
  // undone if the range after it is refused too; else the last confirmed
  // position again (a stall). Guesses and stalls are bounded by max_stalls.
  void apply_fallback(bool count_stall = true) noexcept {
    const bool planned_from_current = range_count_ > 0 && sent_.first == ranges_[0].first;
    if (fallback_count_ > 0) {
      if (auto bad = adopt(fallback_ranges_, fallback_count_, adopt_mode::resync)) return fail(bad, 0);
    } else if (range_count_ == 0) {
      return all_received(0);
    } else if (assumed_ && last_was_416_ && !put_unanswered_ && planned_from_current) {
      // The range after a guessed landing, never sent before, was refused:
      // the server cannot hold it, so the guess was wrong.
      if (auto bad = open_range_adopt(assumed_from_, adopt_mode::resync)) return fail(bad, 0);
    } else if (fallback_landed_ && planned_from_current && sent_.last + 1 < total_) {
      const std::uint64_t before = ranges_[0].first;
      // After a 2xx the landing is certain (progress); after a 416 it is a guess.
      const adopt_mode mode = last_was_416_ ? adopt_mode::guess : adopt_mode::after_put;
      if (auto bad = open_range_adopt(sent_.last + 1, mode)) return fail(bad, 0);
      assumed_from_ = before;
      assumed_ = true;
    } else if (fallback_landed_ && planned_from_current && flavor_.deferred_commit()) {
      return all_received(0);  // the last range arrived: commit
    } else if (count_stall && !no_progress()) {
      return;  // nothing to go on but the last position (the final range of an attachment ends here too)
    }
    fallback_landed_ = false;
    next_ = action::put;
  }

  std::error_code open_range_adopt(std::uint64_t first, adopt_mode mode) noexcept {
    const byte_range r{first, 0, true};
    return adopt(&r, 1, mode);
  }

  // The server has every byte but did not finish: commit if deferred, else
  // the server broke the protocol.
  void all_received(int status) noexcept {
    range_count_ = 0;
    note_confirmed();
    if (!flavor_.deferred_commit()) return fail(errc::protocol_violation, status);
    next_ = action::commit;
  }

  // Takes the server's ranges as the plan, after checking them against
  // what it said before.
  std::error_code adopt(const byte_range* ranges, std::size_t count, adopt_mode mode) noexcept {
    assumed_ = false;
    if (auto ec = validate_ranges(ranges, count, total_)) return ec;
    const std::uint64_t first = ranges[0].first;
    const std::uint64_t previous = range_count_ == 0 ? total_ : ranges_[0].first;
    if (mode == adopt_mode::after_put && first < previous) return errc::protocol_violation;
    if (mode == adopt_mode::guess) {
      if (++stalls_ >= options_.max_stalls) return errc::range_not_satisfiable;
    } else if (mode != adopt_mode::fresh) {
      if (first > previous) {
        stalls_ = 0;
        last_was_416_ = false;
      } else {
        if (first < previous && ++regressions_ >= options_.max_stalls) return errc::protocol_violation;
        if (++stalls_ >= options_.max_stalls)
          return last_was_416_ ? errc::range_not_satisfiable : errc::protocol_violation;
      }
    }
    for (std::size_t i = 0; i < count; ++i) ranges_[i] = ranges[i];
    range_count_ = count;
    // final_unanswered_ stays: a session that is alive now may still be
    // completed by that request, which may be on its way yet.
    note_confirmed();
    return {};
  }

  // Nothing learnt: counts towards the stall limit. False when it failed.
  bool no_progress() noexcept {
    if (++stalls_ < options_.max_stalls) return true;
    fail(last_was_416_ ? errc::range_not_satisfiable : errc::protocol_violation, 0);
    return false;
  }

  void set_open_range(std::uint64_t first) noexcept {
    range_count_ = 0;
    if (first < total_) ranges_[range_count_++] = byte_range{first, 0, true};
  }

  void note_confirmed() noexcept {
    const std::uint64_t confirmed = total_ - missing_bytes(ranges_, range_count_, total_);
    if (confirmed > progress_.confirmed_bytes) {
      progress_.confirmed_bytes = confirmed;
      notify();
    }
  }

  void note_expiry() noexcept {
    if (doc_.expiration_date_time.empty()) return;
    auto t = parse_iso8601(doc_.expiration_date_time.view());
    if (!t) return;  // unreadable: the session just learns about expiry from a 404
    have_expiry_ = true;
    expires_unix_ = *t;
  }

  bool session_expired(instant now) const noexcept {
    if (!wall_known_ || !have_expiry_ || upload_url_.empty()) return false;
    return now.ms + wall_offset_ms_ + options_.expiry_margin_ms >= expires_unix_ * 1000;
  }

  void complete(const response_view& r) noexcept {
    if (Flavor::result_kind == final_result::location_id) {
      result_ = upload_result{};
      result_.http_status = r.status;
      result_.size = total_;
      // The attachment exists whatever Location says; without a readable one
      // its id is unknown, which is no reason to upload again (PROTOCOL.md E6).
      if (r.location.empty() || attachment_id_from_location(r.location, result_.id)) {
        result_.id.clear();
        result_.id_unknown = true;
      }
      return finish();
    }
    if (r.body_truncated || Codec::parse_drive_item(r.body, item_) || item_.id.empty()) {
      if (may_look_up()) {  // the item exists but its answer is unreadable: ask for it
        final_unanswered_ = true;
        next_ = action::look_up;
        return;
      }
      return fail(errc::malformed_response, r.status);
    }
    // A service that stored a different number of bytes did not store ours.
    if (item_.has_size && item_.size != total_) return fail(errc::integrity_mismatch, r.status);
    adopt_item(r.status);
  }

  // The final result from a driveItem / printDocument in item_.
  void adopt_item(int status) noexcept {
    result_ = upload_result{};
    result_.http_status = status;
    result_.size = total_;
    result_.id = item_.id;
    result_.name = item_.name;
    result_.quick_xor_hash = item_.quick_xor_hash;
    finish();
  }

  void finish() noexcept {
    result_.simple_request = single_ != single_request::none;
    range_count_ = 0;
    final_unanswered_ = false;
    note_confirmed();
    phase_ = phase::done;
  }

  after_lost_final lost_final_policy() const noexcept {
    if constexpr (detail::has_lost_final_policy<Flavor>::value) return flavor_.lost_final_policy();
    return after_lost_final::report;  // the safe default: never risk a second copy
  }
  bool may_look_up() const noexcept { return lost_final_policy() == after_lost_final::look_up && !item_url().empty(); }
  std::string_view item_url() const noexcept {
    if constexpr (detail::has_item_url<Flavor>::value) return flavor_.item_url(create_url_.view());
    return {};
  }

  // 404 on uploadUrl: the session ended. A fresh one, unless the request
  // that would have finished the upload went unanswered: then it most
  // likely ended because that request completed it.
  void session_gone() noexcept {
    if (!final_unanswered_ || lost_final_policy() == after_lost_final::restart) return (void)restart(404);
    if (!may_look_up()) return fail(errc::completion_unknown, 404);
    attempt_ = 0;
    next_ = action::look_up;
  }

  // A fresh session from byte 0 (404 on uploadUrl, expiry). False when the
  // restart budget is spent (the session has then failed).
  bool restart(int status) noexcept {
    if (progress_.restarts >= options_.max_restarts) {
      fail(errc::restarts_exhausted, status);
      return false;
    }
    ++progress_.restarts;
    final_unanswered_ = false;
    upload_url_.clear();
    have_expiry_ = false;
    range_count_ = 0;
    sent_ = {};
    put_unanswered_ = false;
    fallback_count_ = 0;
    fallback_landed_ = false;
    last_was_416_ = false;
    assumed_ = false;
    stalls_ = 0;
    regressions_ = 0;
    attempt_ = 0;
    waiting_ = false;
    next_ = action::create;
    notify();
    return true;
  }

  void cancelled(int status) noexcept {
    upload_url_.clear();  // deleted (or abandoned): nothing left to resume
    fail(errc::cancelled, status);
  }

  void clear_server_error() noexcept {
    failure_.server_code.clear();
    failure_.server_message.clear();
  }

  void fail(std::error_code ec, int status, bool clear = true) noexcept {
    if (clear) clear_server_error();
    failure_.code = ec;
    failure_.http_status = status;
    phase_ = phase::failed;
  }
  void fail(errc e, int status) noexcept { fail(make_error_code(e), status); }
  step fail_step(std::error_code ec, int status) noexcept {
    fail(ec, status);
    return step::failed(&failure_);
  }
  step fail_step(errc e, int status) noexcept { return fail_step(make_error_code(e), status); }

  void notify() noexcept {
    if (observer_) observer_->on_progress(progress_);
  }

  // ---- state -------------------------------------------------------------------
  Flavor flavor_;
  Planner planner_{};
  Retry retry_{};
  session_options options_;
  std::uint64_t total_ = 0;
  std::error_code init_error_{};
  progress_observer* observer_ = nullptr;
  std::string_view bearer_;

  phase phase_ = phase::ready;
  action next_ = action::create;
  action in_flight_ = action::create;
  bool cancel_requested_ = false;
  bool waiting_ = false;
  instant wait_until_{};
  instant sent_at_{};  // when the request in flight was handed out

  // What the server said: the missing ranges (empty = all received).
  byte_range ranges_[max_expected_ranges] = {};
  std::size_t range_count_ = 0;
  content_range sent_{};           // the last PUT's range
  bool put_unanswered_ = false;    // ... was sent before and got no answer (it may have landed)
  bool final_unanswered_ = false;  // the request that would finish the upload got no answer
  byte_range fallback_ranges_[max_expected_ranges] = {};
  std::size_t fallback_count_ = 0;
  bool fallback_landed_ = false;
  bool status_unsupported_ = false;
  bool last_was_416_ = false;
  bool assumed_ = false;           // ranges_ rest on "the unanswered range landed"
  std::uint64_t assumed_from_ = 0; // where they were before that assumption
  std::uint32_t stalls_ = 0;
  bool first_status_after_restore_ = false;
  std::uint32_t regressions_ = 0;

  // Retry streak.
  std::uint32_t attempt_ = 0;
  instant streak_start_{};

  // Time and expiry.
  bool wall_known_ = false;
  std::int64_t wall_offset_ms_ = 0;
  bool have_expiry_ = false;
  std::int64_t expires_unix_ = 0;

  // Resume identity.
  std::uint64_t target_hash_ = 0;
  std::int64_t mtime_ns_ = 0;
  fixed_string<64> hash_prefix_;

  // Storage the request views point into.
  single_request single_ = single_request::none;  // this file goes as one request
  std::size_t base64_at_ = 0;                      // where a POST's contentBytes go in create_body_
  fixed_string<RANGEUP_MAX_URL_LENGTH> create_url_;
  fixed_string<RANGEUP_MAX_URL_LENGTH> request_url_;  // the single request's, or To Do's {uploadUrl}/content
  char create_body_[RANGEUP_JSON_SCRATCH] = {};
  std::size_t create_body_size_ = 0;
  fixed_string<RANGEUP_MAX_URL_LENGTH> upload_url_;
  char content_range_[content_range_capacity] = {};
  request_view req_{};

  // Parse scratch and outcomes.
  session_document doc_{};
  error_document err_{};
  drive_item_document item_{};
  upload_result result_{};
  failure failure_{};
  progress progress_{};
};

}  // namespace rangeup
