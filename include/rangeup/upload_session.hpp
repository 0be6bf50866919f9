#pragma once
// The upload state machine: upload_session<Flavor, Planner, Retry, Codec>.
// Sans-I/O: next_step(now) says what to do (send a request, wait, fetch a
// token, done, failed); the driver does it and reports back with
// on_response / on_transport_error / set_bearer_token. No I/O, no clock
// reads, no allocation, no exceptions.
//
// The session is put together from parts with one job each:
//   - reply_table.hpp: what each reply status means for each request (the
//     E-rules of docs/PROTOCOL.md as one constexpr table);
//   - range_tracker.hpp: what the server has (its nextExpectedRanges, the
//     fragment in flight, fallbacks after a 416, stall counting);
//   - redact.hpp: no credential in a failure's text;
//   - session_options.hpp, detail/session_traits.hpp: the caller's knobs and
//     the policies' optional members;
// and below: the requests it builds and the recovery state, in one struct.
//
// A small file goes as one request where the Flavor offers it (POST
// .../attachments, PUT .../content; docs/PROTOCOL.md O3, T4, D7) unless
// session_options::force_session; everything below applies to that request as
// to a session's last fragment: its lost answer is never repeated blindly.
//
// What it does with each reply (docs/PROTOCOL.md E1-E10; reply_table.hpp):
//  - 5xx, 408, 429, dropped connection, timeout (or any transport error
//    equivalent to condition::transient_failure, error.hpp): the same request
//    again after the Retry policy's delay (Retry-After honoured, capped); when
//    the policy's attempt or time budget is spent: retries_exhausted with the
//    last status. A single request is repeated only after 429/503 or a
//    connection that was never made (condition::not_sent): other failures may
//    have created the item (lost final, below).
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
//  - 401 to a request that carried the bearer token (E7): the token is marked
//    stale and next_step asks for a fresh one (step::need_token); then the
//    same request goes once more — the same range, not a retry of the Retry
//    budget, not a restart; progress::token_refreshes counts it. A second 401
//    in a row to that request is errc::unauthorized (for the attachment
//    status GET, O9's "no status here").
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
// a pre-authenticated uploadUrl (Outlook, drive, print), and those requests
// never wait for one: an Outlook upload whose token was set for the create
// needs none after it, even across a restore.
// The session keeps views: the Flavor's strings, the bearer token (see
// set_bearer_token) and the observer must outlive it; file_info is read by the
// constructor only.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/adaptive_planner.hpp"
#include "rangeup/byte_range.hpp"
#include "rangeup/clock.hpp"
#include "rangeup/codec.hpp"
#include "rangeup/config.hpp"
#include "rangeup/date_time.hpp"
#include "rangeup/detail/session_traits.hpp"
#include "rangeup/error.hpp"
#include "rangeup/file_info.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/flavors/flavor.hpp"
#include "rangeup/http.hpp"
#include "rangeup/json/builtin_codec.hpp"
#include "rangeup/location_id.hpp"
#include "rangeup/planner.hpp"
#include "rangeup/policies.hpp"
#include "rangeup/range_tracker.hpp"
#include "rangeup/redact.hpp"
#include "rangeup/reply_table.hpp"
#include "rangeup/result.hpp"
#include "rangeup/resume_token.hpp"
#include "rangeup/retry.hpp"
#include "rangeup/session_options.hpp"
#include "rangeup/step.hpp"
#include "rangeup/url.hpp"

namespace rangeup {

template <class Flavor, class Planner = typename Flavor::default_planner, class Retry = exponential_backoff,
          class Codec = json::builtin_codec>
class upload_session {
  static_assert(detail::check_policies<Flavor, Planner, Retry, Codec>(), "a policy lacks a member (see above)");

 public:
  using flavor_type = Flavor;
  using planner_type = Planner;
  using retry_type = Retry;
  using codec_type = Codec;

  upload_session(const Flavor& flavor, const file_info& file, const session_options& options = {}) noexcept
      : flavor_(flavor), options_(options), total_(file.size),
        tracker_(file.size, options.max_stalls, flavor.deferred_commit()) {
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

  // ---- the bearer token ------------------------------------------------------
  // The Graph token for the requests that carry it (the create, the single
  // request, the item look-up; To Do's uploadUrl requests). Set it before the
  // first next_step() and it is used without asking; otherwise next_step()
  // returns step::need_token before the first request that needs it, and
  // again after the service rejected it (401). This answers need_token (and
  // clears the stale mark).
  // Lifetime: the session keeps a view, not a copy. The characters must stay
  // alive and unchanged until the next set_bearer_token() call or the end of
  // the session (its destruction), whichever comes first — every request it
  // hands out points at them, and bearer_token() returns them. Call it between
  // requests (when next_step() asked, or before the first), never while a
  // request that carries the token is out.
  void set_bearer_token(std::string_view token) noexcept {
    bearer_ = token;
    token_stale_ = false;
  }
  // A temporary (e.g. a std::string returned by a function) would dangle as
  // soon as the call ends: refused at compile time.
  template <class T, class = std::enable_if_t<!std::is_lvalue_reference<T>::value &&
                                              !std::is_same<std::decay_t<T>, std::string_view>::value &&
                                              !std::is_pointer<std::decay_t<T>>::value>>
  void set_bearer_token(T&& temporary) = delete;
  // The current token. While a need_token asked after a 401 is pending, this
  // is the token the service rejected, so a driver can tell a shared token
  // provider which one is stale.
  std::string_view bearer_token() const noexcept { return bearer_; }
  // True from a 401 to a request that carried the token until set_bearer_token():
  // the session will not send that token again.
  bool token_stale() const noexcept { return token_stale_; }
  // The driver could not get a token (no provider, or it failed): the session
  // fails with ec (errc::token_unavailable when ec is empty) and next_step()
  // then returns failed. When it was asked after a 401, the failure keeps that
  // reply's http_status and server_code (e.g. InvalidAuthenticationToken).
  // Meant as the answer to need_token; ignored while a request is out and
  // after the end.
  void token_unavailable(std::error_code ec) noexcept {
    if (phase_ != phase::ready) return;
    if (!ec) ec = make_error_code(errc::token_unavailable);
    if (token_stale_) return fail(ec, 401, false);  // failure_ still holds the 401's error.code
    fail(ec, 0);
  }

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

  // What to do next. Pure until a request is answered (or a token given):
  // asking again while a request is outstanding returns the same request.
  step next_step(instant now) noexcept {
    switch (phase_) {
      case phase::done: return step::done(&result_);
      case phase::failed: return step::failed(&failure_);
      case phase::awaiting: return step::send(&req_);
      case phase::ready: break;
    }
    if (cancel_requested_) return cancel_step();
    if (rec_.waiting && now < rec_.wait_until) return step::wait(rec_.wait_until);
    rec_.waiting = false;
    if (rec_.next != action::create && session_expired(now)) {
      if (!restart(0)) return step::failed(&failure_);
    }
    // A request that must carry the bearer never goes without a usable one (E7).
    if (carries_bearer(rec_.next) && !token_usable()) return step::need_token();
    rec_.sent_at = now;
    return emit(rec_.next);
  }

  void on_response(const response_view& r, instant now) noexcept {
    if (phase_ != phase::awaiting) return;  // nothing outstanding: a stray call
    phase_ = phase::ready;
    if (rec_.in_flight == action::cancel) return cancelled(r.status);
    if (cancel_requested_) {
      // Keep a freshly created session's URL so the DELETE can clean it up.
      if (rec_.in_flight == action::create && single_ == single_request::none && is_2xx(r.status) &&
          !Codec::parse_session(r.body, doc_) && !check_url(doc_.upload_url.view(), options_.allow_http_loopback))
        (void)set_upload_url(doc_.upload_url.view());
      return;
    }
    if (rec_.in_flight == action::put) {
      // How the link did: a 4xx says nothing about it.
      if (is_2xx(r.status)) report_fragment(now, true);
      else if (r.status >= 500 || r.status == 429) report_fragment(now, false);
    }
    const request_facts f = facts();
    const reply_rule rule = classify_reply(request_kind_of(rec_.in_flight), r.status, f);
    // Whatever becomes of the request (repeated once, O9's "no status here",
    // or unauthorized), the service refused the token: never send it again.
    if (r.status == 401 && f.bearer) {
      token_stale_ = true;
      on_error_status_text(r);  // its error.code stays for token_unavailable()
    }
    if (rule.action != reply_action::refresh_token) rec_.token_refreshed = false;
    switch (rule.action) {
      case reply_action::proceed: return on_success(r, now);
      case reply_action::retry:
        on_error_status_text(r);
        return transient(r.status, r.retry_after, now);
      case reply_action::maybe_landed:
        on_error_status_text(r);
        return single_answer_lost(r.status, now);
      case reply_action::resync:
        rec_.attempt = 0;
        return on_range_not_satisfiable(r);
      case reply_action::session_gone: return session_gone();
      case reply_action::no_status: return status_unavailable();
      case reply_action::item_absent: return (void)restart(404);  // not there: the upload did not finish (D11)
      case reply_action::refresh_token: return token_rejected();
      case reply_action::lost_final_conflict: return lost_final_conflict(r);
      case reply_action::fail: break;
    }
    on_error_status_text(r);
    rec_.attempt = 0;
    fail(make_error_code(rule.code), r.status, false);
  }

  void on_transport_error(std::error_code ec, instant now) noexcept {
    if (phase_ != phase::awaiting) return;
    phase_ = phase::ready;
    if (rec_.in_flight == action::cancel) return cancelled(0);
    if (cancel_requested_) return;
    if (!ec) ec = make_error_code(errc::connection_dropped);
    rec_.token_refreshed = false;
    // A transport's own codes count when they map to the condition (error.hpp).
    if (ec != condition::transient_failure) return fail(ec, 0);
    if (rec_.in_flight == action::create && single_ != single_request::none && ec != condition::not_sent) {
      clear_server_error();
      return single_answer_lost(0, now);
    }
    // The request may have been processed before the connection went: a PUT
    // whose bytes landed is answered 416 when repeated (see apply_fallback).
    if (rec_.in_flight == action::put) {
      tracker_.sent_unanswered();
      report_fragment(now, false);
      if (tracker_.sent_completes()) rec_.final_unanswered = true;
    }
    if (rec_.in_flight == action::commit) rec_.final_unanswered = true;
    clear_server_error();
    transient(0, {}, now);
  }

  // Next step: DELETE uploadUrl if a session exists, then failed{cancelled}.
  // A request in flight is abandoned (its answer is ignored). No effect once
  // done or failed. Works while need_token is pending too: a DELETE that
  // needs the bearer (To Do) and has no usable one is not sent (the session
  // expires on its own).
  // A single request (no session to DELETE) abandoned while out may have
  // created the item: the session then fails with completion_unknown.
  void cancel() noexcept {
    if (phase_ == phase::done || phase_ == phase::failed) return;
    if (phase_ == phase::awaiting && rec_.in_flight == action::create && single_ != single_request::none)
      rec_.final_unanswered = true;
    cancel_requested_ = true;
  }

  // True when this upload is a single request that went out and got no
  // answer (it is out now, or its answer was lost or abandoned): the item may
  // exist. A driver that stops such an upload (cancel, timeout) reports
  // errc::completion_unknown rather than its reason, so nobody uploads again.
  bool may_have_completed() const noexcept {
    return single_ != single_request::none &&
           (rec_.final_unanswered || (phase_ == phase::awaiting && rec_.in_flight == action::create));
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
    st.next_offset = tracker_.next_offset();
    st.has_expiry = rec_.have_expiry;
    st.expires_unix = rec_.expires_unix;
    st.mtime_ns = mtime_ns_;
    st.hash_prefix = hash_prefix_;
    st.upload_url = upload_url_;
    st.final_pending = rec_.final_unanswered || final_request_next();
    return write_resume_token(st, out, capacity);
  }

  // True when the next request is the one that would complete the upload (the
  // last missing bytes, or a deferred commit). A driver that persists resume
  // tokens now and then should persist one now: if the process dies while that
  // request is out, the restored session must know the upload may be complete.
  bool final_request_next() const noexcept {
    if (phase_ != phase::ready || upload_url_.empty()) return false;
    if (rec_.next == action::commit) return true;
    if (rec_.next != action::put) return false;
    if (tracker_.range_count() == 0) return flavor_.deferred_commit();
    auto r = planner_.next(tracker_.ranges(), tracker_.range_count(), total_);
    return r && r->length() == tracker_.missing();
  }

  // Continues the session a token describes instead of creating one. Only
  // before the first next_step(). invalid_resume_token when unreadable;
  // resume_mismatch for another flavor, target, size, mtime or hash prefix.
  // The restored session first asks the server for its status (where the
  // flavor allows) and otherwise continues from the saved offset. The token
  // holds no bearer token: a restored session without one asks (need_token)
  // before its first request that carries it (To Do: that first status GET);
  // one set before or after restore() is used.
  std::error_code restore(std::string_view token, const file_fingerprint& fp) noexcept {
    if (init_error_) return init_error_;
    if (single_ != single_request::none) return errc::resume_mismatch;  // this file goes without a session
    if (phase_ != phase::ready || rec_.next != action::create || !upload_url_.empty() || progress_.retries != 0 ||
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
    start_over();
    if (auto ec = set_upload_url(st.upload_url.view())) return ec;
    rec_.have_expiry = st.has_expiry;
    rec_.expires_unix = st.expires_unix;
    mtime_ns_ = fp.mtime_ns;
    (void)hash_prefix_.assign(fp.hash_prefix.empty() ? st.hash_prefix.view() : fp.hash_prefix);
    tracker_.start_at(st.next_offset);
    note_confirmed();
    rec_.first_status_after_restore = true;
    // Saved just before (or while) the completing request went out: if the
    // session is gone now, that request probably completed it.
    rec_.final_unanswered = st.final_pending;
    rec_.next = action::status;
    return {};
  }

 private:
  enum class action : unsigned char { create, put, status, commit, cancel, look_up };
  enum class phase : unsigned char { ready, awaiting, done, failed };

  // Everything that belongs to one server-side session and the request in
  // flight: where the plan stands, the retry streak, what went unanswered,
  // the session's expiry. A fresh session (restart) and a restored one both
  // begin from `= {}` (start_over(), with the range tracker's reset()), so
  // what they forget cannot drift apart. What outlives a session stays
  // outside: the token and its stale mark, a requested cancel, whether the
  // service answers status GETs, the progress counters.
  struct recovery {
    action next = action::create;       // the request to send next
    action in_flight = action::create;  // the request last handed out (answered or not)
    instant sent_at{};                  // when it was handed out
    bool waiting = false;               // a retry delay runs ...
    instant wait_until{};               // ... until then
    std::uint32_t attempt = 0;          // failures of the current request in a row (the Retry policy's attempt)
    instant streak_start{};             // when the first of them came
    bool final_unanswered = false;      // the request that would finish the upload got no answer (E8)
    bool first_status_after_restore = false;  // the next status answer is news, never a stall
    bool token_refreshed = false;       // the request in `next` repeats one refused with 401 (E7): once
    bool have_expiry = false;           // the session's expirationDateTime is known (C7) ...
    std::int64_t expires_unix = 0;      // ... and is this (unix seconds)
  };

  static constexpr bool is_2xx(int s) noexcept { return s >= 200 && s <= 299; }

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

  // ---- the token -----------------------------------------------------------------
  // Which requests carry the bearer: Graph's own (create, the single request,
  // the look-up) always; uploadUrl requests only where it is a plain Graph URL
  // (To Do, PROTOCOL.md T2, T5), never a pre-authenticated one (O4, D3, D4, P2).
  static constexpr bool carries_bearer(action a) noexcept {
    if (a == action::create || a == action::look_up) return true;
    return detail::upload_auth_of<Flavor>::value == upload_url_auth::bearer;
  }
  bool token_usable() const noexcept { return !bearer_.empty() && !token_stale_; }

  // 401 to a request that carried the token (E7; on_response marked it
  // stale): a fresh token, then the same request once more. Nothing it sent
  // counts as confirmed, so nothing the server confirmed is sent again (a PUT
  // keeps its range).
  void token_rejected() noexcept {
    rec_.token_refreshed = true;
    rec_.next = rec_.in_flight;
    ++progress_.token_refreshes;
    notify();
  }

  // ---- emitting requests -------------------------------------------------------
  step cancel_step() noexcept {
    if (upload_url_.empty()) return fail_step(may_have_completed() ? errc::completion_unknown : errc::cancelled, 0);
    if (carries_bearer(action::cancel) && !token_usable()) {  // To Do's DELETE without a token: abandoned (T5)
      cancelled(0);
      return step::failed(&failure_);
    }
    return emit(action::cancel);
  }

  void emit_single_request() noexcept {
    req_.method = single_ == single_request::post_attachment ? http_method::post : http_method::put;
    req_.url = request_url_.view();
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
        req_.body = body_kind::text;
        req_.text = std::string_view(create_body_, create_body_size_);
        break;
      case action::put: {
        if (tracker_.range_count() == 0) {  // everything is there: only a deferred commit can follow
          if (!flavor_.deferred_commit()) return fail_step(errc::protocol_violation, 0);
          return emit(action::commit);
        }
        auto r = planner_.next(tracker_.ranges(), tracker_.range_count(), total_);
        if (!r) return fail_step(r.error(), 0);
        tracker_.sending(*r);
        auto n = format_content_range(*r, content_range_, sizeof content_range_);
        if (!n) return fail_step(n.error(), 0);
        req_.method = http_method::put;
        req_.url = fragment_url();
        req_.headers[req_.header_count++] = {"Content-Type", "application/octet-stream"};
        req_.headers[req_.header_count++] = {"Content-Range", std::string_view(content_range_, *n)};
        req_.body = body_kind::source_range;
        req_.range = *r;
        progress_.bytes_sent += r->length();
        break;
      }
      case action::status:
        req_.method = http_method::get;
        req_.url = upload_url_.view();
        break;
      case action::commit:
        req_.method = http_method::post;  // body none: the transport sends Content-Length: 0
        req_.url = upload_url_.view();
        break;
      case action::cancel:
        req_.method = http_method::delete_;
        req_.url = upload_url_.view();
        break;
      case action::look_up:
        req_.method = http_method::get;
        req_.url = item_url();
        break;
    }
    req_.bearer_token = carries_bearer(a) ? bearer_ : std::string_view{};
    rec_.in_flight = a;
    phase_ = phase::awaiting;
    return step::send(&req_);
  }

  // ---- responses ---------------------------------------------------------------
  request_kind request_kind_of(action a) const noexcept {
    switch (a) {
      case action::create: return single_ != single_request::none ? request_kind::single_request : request_kind::create;
      case action::put: return request_kind::fragment;
      case action::status: return request_kind::status;
      case action::commit: return request_kind::commit;
      case action::look_up: return request_kind::look_up;
      case action::cancel: return request_kind::cancel;
    }
    return request_kind::cancel;
  }

  // What the reply table needs beyond the request's kind.
  request_facts facts() const noexcept {
    request_facts f;
    f.bearer = !req_.bearer_token.empty();  // req_ is still the request this reply answers
    f.token_refreshed = rec_.token_refreshed;
    f.status_support = Flavor::status;
    f.final_unanswered = rec_.final_unanswered && lost_final_policy() != after_lost_final::restart;
    return f;
  }

  // Tells a learning planner how the last fragment went.
  void report_fragment(instant now, bool ok) noexcept {
    if constexpr (detail::takes_fragment_reports<Planner>::value)
      planner_.on_fragment(fragment_report{tracker_.sent().length(), now - rec_.sent_at, ok});
    else {
      (void)now;
      (void)ok;
    }
  }

  // A success the request expects (reply_action::proceed).
  void on_success(const response_view& r, instant now) noexcept {
    switch (rec_.in_flight) {
      case action::create:
        if (single_ != single_request::none) return on_single_success(r);
        return on_create_success(r, now);
      case action::put: return on_put_success(r);
      case action::status: return on_status_success(r, now);
      case action::commit: return on_commit_success(r);
      case action::look_up: return on_look_up_success(r, now);
      case action::cancel: return;
    }
  }

  void on_create_success(const response_view& r, instant now) noexcept {
    std::error_code ec = r.body_truncated ? make_error_code(errc::malformed_json) : Codec::parse_session(r.body, doc_);
    if (repeat_if_cut_short(ec, r, now)) return;  // an orphan session just expires
    rec_.attempt = 0;
    if (ec) return fail(ec, r.status);
    // An uploadUrl that is not an https URL (or has CR/LF) is the server's
    // fault, not the caller's: malformed_response, never invalid_url (C5).
    if (doc_.upload_url.empty() || check_url(doc_.upload_url.view(), options_.allow_http_loopback) ||
        set_upload_url(doc_.upload_url.view()))
      return fail(errc::malformed_response, r.status);
    note_expiry();
    tracker_.forget_sent();
    if (!doc_.has_ranges) {
      tracker_.start_at(0);  // driveItem may omit nextExpectedRanges: "0-" (C3)
    } else if (auto bad = adopt(doc_.ranges, doc_.range_count, adopt_mode::fresh)) {
      return fail(bad, r.status);
    }
    rec_.next = action::put;
  }

  // The 2xx to the single request (POST attachment / PUT content).
  void on_single_success(const response_view& r) noexcept {
    rec_.attempt = 0;
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
    finish();
  }

  // The single request may have created the item without our learning it:
  // the flavor's after_lost_final policy, as for a session's last fragment.
  void single_answer_lost(int status, instant now) noexcept {
    rec_.final_unanswered = true;
    switch (lost_final_policy()) {
      case after_lost_final::restart: return transient(status, {}, now);  // repeating it is harmless
      case after_lost_final::look_up:
        if (may_look_up()) {
          rec_.attempt = 0;
          rec_.next = action::look_up;
          return;
        }
        break;
      case after_lost_final::report: break;
    }
    fail(make_error_code(errc::completion_unknown), status, false);
  }

  void on_put_success(const response_view& r) noexcept {
    rec_.attempt = 0;
    if (Flavor::is_final_status(r.status) && r.status != Flavor::intermediate_status) {
      // The server says "complete": only believable if this PUT filled the
      // last missing bytes.
      if (!tracker_.sent_completes()) return fail(errc::protocol_violation, r.status);
      return complete(r);
    }
    if (r.status != Flavor::intermediate_status) return fail(errc::unexpected_status, r.status);
    std::error_code ec = r.body_truncated ? make_error_code(errc::malformed_json) : Codec::parse_session(r.body, doc_);
    if (ec) return unreadable_progress(ec, r.status);
    note_expiry();
    if (!doc_.has_ranges) {
      // No ranges: the fragment was taken, the next one follows it.
      const std::uint64_t after = tracker_.sent().last + 1;
      if (after < total_) {
        if (auto bad = adopt_from(after, adopt_mode::after_put)) return fail(bad, r.status);
        rec_.next = action::put;
        return;
      }
      return all_received(r.status);
    }
    if (doc_.range_count == 0) return all_received(r.status);
    if (auto bad = adopt(doc_.ranges, doc_.range_count, adopt_mode::after_put)) return fail(bad, r.status);
    rec_.next = action::put;
  }

  void on_status_success(const response_view& r, instant now) noexcept {
    std::error_code ec = r.body_truncated ? make_error_code(errc::malformed_json) : Codec::parse_session(r.body, doc_);
    if (repeat_if_cut_short(ec, r, now)) return;  // a GET is safe to repeat
    rec_.attempt = 0;
    if (ec) return fail(ec, r.status);
    note_expiry();
    // The first thing the server says after a restore is news, not a
    // stall: the saved offset was only our own record.
    const adopt_mode mode = rec_.first_status_after_restore ? adopt_mode::fresh : adopt_mode::resync;
    rec_.first_status_after_restore = false;
    if (!doc_.has_ranges) return apply_fallback(true);
    if (doc_.range_count == 0) return all_received(r.status);
    if (auto bad = adopt(doc_.ranges, doc_.range_count, mode)) return fail(bad, r.status);
    rec_.next = action::put;
  }

  // The status GET is not available (O9). Learning that says nothing about
  // progress: no stall.
  void status_unavailable() noexcept {
    rec_.attempt = 0;
    status_unsupported_ = true;
    rec_.first_status_after_restore = false;
    apply_fallback(false);
  }

  void on_commit_success(const response_view& r) noexcept {
    rec_.attempt = 0;
    if (!Flavor::is_final_status(r.status)) return fail(errc::unexpected_status, r.status);
    complete(r);
  }

  // GET of the item a lost final request may have created (look_up policy, D11).
  void on_look_up_success(const response_view& r, instant now) noexcept {
    const std::error_code ec =
        r.body_truncated ? make_error_code(errc::malformed_json) : Codec::parse_drive_item(r.body, item_);
    if (repeat_if_cut_short(ec, r, now)) return;  // a GET is safe to repeat
    rec_.attempt = 0;
    if (ec || item_.id.empty()) return fail(errc::malformed_response, r.status);
    // Another size: not what our upload would have created (the item was
    // there before; our final request did not land): upload again, and the
    // service answers what it thinks of the name.
    if (!item_.has_size || item_.size != total_) return (void)restart(404);
    adopt_item(r.status);
  }

  // 409 after a request that may have completed the upload went unanswered
  // (E8): most likely our own item (or that request, still being processed)
  // is in the way. Look before reporting a conflict; where there is nothing
  // to look at, the upload may have completed.
  void lost_final_conflict(const response_view& r) noexcept {
    on_error_status_text(r);
    rec_.attempt = 0;
    if (!may_look_up()) return fail(make_error_code(errc::completion_unknown), r.status, false);
    rec_.next = action::look_up;
  }

  // The uploadUrl's query (Outlook's authtoken=, print's tempauthtoken=): a credential.
  std::string_view upload_url_query() const noexcept {
    const std::string_view url = upload_url_.view();
    const std::size_t q = url.find('?');
    return q == std::string_view::npos ? std::string_view{} : url.substr(q + 1);
  }

  // Keeps the server's error.code and message (never a credential) for the failure (E9).
  void on_error_status_text(const response_view& r) noexcept {
    clear_server_error();
    error_document& e = err_;
    if (!r.body.empty() && !Codec::parse_error(r.body, e)) {
      failure_.server_code = e.code;
      failure_.server_message = e.message;
      // A server may quote the request back; error text must never carry a credential.
      if (quotes_credential(failure_.server_message.view(), known_secrets{bearer_, upload_url_query()}))
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
    if (rec_.attempt == 0) rec_.streak_start = now;
    ++rec_.attempt;
    const std::int64_t hint = retry_after_delay_ms(retry_after, wall_known_, now.ms + wall_offset_ms_);
    const std::int64_t delay = retry_.next_delay(rec_.attempt, now - rec_.streak_start, hint);
    if (delay < 0) return fail(make_error_code(errc::retries_exhausted), status, false);
    ++progress_.retries;
    rec_.wait_until = now + delay;
    rec_.waiting = true;
    rec_.next = rec_.in_flight;
    notify();
  }

  // ---- where the server is: the range tracker's outcomes ----------------------------
  bool status_query_allowed() const noexcept {
    return Flavor::status == status_query::documented || !status_unsupported_;
  }

  // 416: the server holds (some of) this range already (E3). Find out where it is.
  void on_range_not_satisfiable(const response_view& r) noexcept {
    const bool usable = !r.body_truncated && !Codec::parse_session(r.body, doc_) && doc_.has_ranges;
    tracker_.refused(doc_.ranges, usable ? doc_.range_count : 0);
    if (status_query_allowed()) {
      rec_.next = action::status;
      return;
    }
    apply_fallback(true);
  }

  // A 2xx PUT answer whose body cannot be read: the bytes landed, but where
  // the server is now is unknown. Ask (GET), or infer it (apply_fallback).
  void unreadable_progress(std::error_code ec, int status) noexcept {
    if (ec != errc::malformed_json && ec != errc::malformed_response) return fail(ec, status);
    tracker_.unreadable_answer();
    if (status_query_allowed()) {
      rec_.next = action::status;
      return;
    }
    apply_fallback(true);
  }

  void apply_fallback(bool count_stall) noexcept {
    const range_tracker::outcome o = tracker_.apply_fallback(count_stall);
    switch (o.next) {
      case range_tracker::move::fail: return fail(o.error, 0);
      case range_tracker::move::all_received: return all_received(0);
      case range_tracker::move::put: break;
    }
    note_confirmed();
    rec_.next = action::put;
  }

  std::error_code adopt(const byte_range* ranges, std::size_t count, adopt_mode mode) noexcept {
    if (auto ec = tracker_.adopt(ranges, count, mode)) return ec;
    // rec_.final_unanswered stays: a session that is alive now may still be
    // completed by that request, which may be on its way yet.
    note_confirmed();
    return {};
  }
  std::error_code adopt_from(std::uint64_t first, adopt_mode mode) noexcept {
    if (auto ec = tracker_.adopt_from(first, mode)) return ec;
    note_confirmed();
    return {};
  }

  // The server has every byte but did not finish: commit if deferred, else
  // the server broke the protocol.
  void all_received(int status) noexcept {
    tracker_.all_received();
    note_confirmed();
    if (!flavor_.deferred_commit()) return fail(errc::protocol_violation, status);
    rec_.next = action::commit;
  }

  void note_confirmed() noexcept {
    const std::uint64_t confirmed = tracker_.confirmed();
    if (confirmed > progress_.confirmed_bytes) {
      progress_.confirmed_bytes = confirmed;
      notify();
    }
  }

  void note_expiry() noexcept {
    if (doc_.expiration_date_time.empty()) return;
    auto t = parse_iso8601(doc_.expiration_date_time.view());
    if (!t) return;  // unreadable: the session just learns about expiry from a 404
    rec_.have_expiry = true;
    rec_.expires_unix = *t;
  }

  bool session_expired(instant now) const noexcept {
    if (!wall_known_ || !rec_.have_expiry || upload_url_.empty()) return false;
    return now.ms + wall_offset_ms_ + options_.expiry_margin_ms >= rec_.expires_unix * 1000;
  }

  // ---- the end ------------------------------------------------------------------
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
        rec_.final_unanswered = true;
        rec_.next = action::look_up;
        return;
      }
      return fail(errc::malformed_response, r.status);
    }
    // A service that stored a different number of bytes did not store ours (D10).
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
    tracker_.all_received();
    rec_.final_unanswered = false;
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

  // 404 on uploadUrl: the session ended (E2). A fresh one, unless the request
  // that would have finished the upload went unanswered: then it most likely
  // ended because that request completed it (E8).
  void session_gone() noexcept {
    if (!rec_.final_unanswered || lost_final_policy() == after_lost_final::restart) return (void)restart(404);
    if (!may_look_up()) return fail(errc::completion_unknown, 404);
    rec_.attempt = 0;
    rec_.next = action::look_up;
  }

  // Forgets the server-side session: its URL, what it had, the recovery state.
  void start_over() noexcept {
    upload_url_.clear();
    tracker_.reset();
    rec_ = {};
  }

  // A fresh session from byte 0 (404 on uploadUrl, expiry). False when the
  // restart budget is spent (the session has then failed).
  bool restart(int status) noexcept {
    if (progress_.restarts >= options_.max_restarts) {
      fail(errc::restarts_exhausted, status);
      return false;
    }
    ++progress_.restarts;
    start_over();  // rec_.next = create
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

  // The upload's, across sessions.
  std::string_view bearer_;
  bool token_stale_ = false;        // the service refused bearer_ (401); set_bearer_token() clears it
  phase phase_ = phase::ready;
  bool cancel_requested_ = false;
  bool status_unsupported_ = false; // the attachment status GET is not available (O9)
  bool wall_known_ = false;
  std::int64_t wall_offset_ms_ = 0;

  // The server-side session's (start_over() resets both).
  range_tracker tracker_;
  recovery rec_{};

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
