#pragma once
// What an HTTP reply means, for each request the session sends: one table
// (reply status x request -> what to do, or which errc), so that every status
// is decided in one place and the state machine only carries the decision out.
// docs/PROTOCOL.md's E-rules are the rows; the session's own handlers deal
// with the bodies of the replies the table lets through (reply_action::proceed).
//
//   status            create  single  fragment  status GET  commit  look-up  DELETE
//   2xx expected      proceed proceed proceed   proceed     proceed proceed  cancelled
//   other 2xx         fail    -       -         fail        -       fail     cancelled
//   401 with bearer   refresh_token (once per request; then as without)       cancelled
//   400/405/501       fail    fail    fail      no_status   fail    fail     cancelled
//   401/403/404 (attachment status GET, try_once): no_status (O9)
//   416               fail    fail    resync    fail        fail    fail     cancelled
//   404               fail    fail    gone      gone        gone    absent   cancelled
//   409, final lost   lost_final_conflict (E8)
//   408/429/5xx       retry   retry*  retry     retry       retry   retry    cancelled
//   anything else     fail with the status's errc (E4, E5, E7, E10)
//   * single request: only 429 and 503 are retried; the others may have
//     created the item (maybe_landed, E8).
//
// constexpr throughout: tests/core/reply_table_test.cpp checks rows at compile time.

#include "rangeup/error.hpp"
#include "rangeup/flavors/flavor.hpp"

namespace rangeup {

// The request a reply answers.
enum class request_kind : unsigned char {
  create,          // POST .../createUploadSession (Graph, bearer)
  single_request,  // a small file's one POST .../attachments or PUT .../content (Graph, bearer)
  fragment,        // PUT uploadUrl (or To Do's {uploadUrl}/content)
  status,          // GET uploadUrl
  commit,          // POST uploadUrl after the last byte (deferCommit)
  look_up,         // GET of the item a lost final request may have created (Graph, bearer)
  cancel,          // DELETE uploadUrl
};

enum class reply_action : unsigned char {
  proceed,              // the request's own handling of a success it expects
  retry,                // transient: the same request after the Retry policy's delay (E1)
  maybe_landed,         // a single request answered 408/5xx may have created the item (E8)
  resync,               // 416 to a fragment: find out what arrived (E3)
  session_gone,         // 404 on the uploadUrl: the session ended (E2; after a lost final: E8)
  no_status,            // the attachment status GET is not available here (O9)
  item_absent,          // the look-up's 404: the item does not exist, upload again (D11)
  refresh_token,        // 401 to a request that carried the bearer: a fresh token, the same request once more (E7)
  lost_final_conflict,  // 409 while the completing request went unanswered: probably our own item (E8)
  fail,                 // a typed failure: reply_rule::code
};

// Facts about the request beyond its kind that change a reply's meaning.
struct request_facts {
  bool bearer = false;          // it carried the bearer token
  bool token_refreshed = false; // it is the repeat after a 401 with a fresh token
  status_query status_support = status_query::documented;  // the flavor's status GET
  bool final_unanswered = false;  // a request that may complete the upload went unanswered and
                                  // the flavor may not simply upload again (after_lost_final != restart)
};

struct reply_rule {
  reply_action action = reply_action::fail;
  errc code = errc::unexpected_status;  // the failure for reply_action::fail (and what the others would be)
};

// 408, 429 and the 5xx but 501 and 507 (PROTOCOL.md E1, E4, E5).
constexpr bool is_transient_status(int s) noexcept {
  return s == 408 || s == 429 || (s >= 500 && s <= 599 && s != 501 && s != 507);
}

// The typed error for a status nothing else handles (PROTOCOL.md E4, E5, E7, E10).
constexpr errc error_for_status(int status, request_kind k) noexcept {
  switch (status) {
    case 400: return errc::bad_request;
    case 401: return errc::unauthorized;
    case 403: return errc::forbidden;
    case 404:  // Graph's own URLs name the target; an uploadUrl names the session
      return k == request_kind::create || k == request_kind::single_request || k == request_kind::look_up
                 ? errc::target_not_found
                 : errc::session_not_found;
    case 409: return errc::conflict;
    case 412: return errc::precondition_failed;
    case 413: return errc::payload_too_large;
    case 416: return errc::range_not_satisfiable;
    case 501: return errc::not_supported;
    case 507: return errc::quota_exceeded;
    default: return errc::unexpected_status;
  }
}

constexpr reply_rule classify_reply(request_kind k, int status, const request_facts& f) noexcept {
  using a = reply_action;
  if (k == request_kind::cancel) return {a::fail, errc::cancelled};  // whatever the DELETE got, it ends there (O8, D4, P3)
  if (status >= 200 && status <= 299) {
    switch (k) {
      case request_kind::create:  // 201 (Outlook, To Do) or 200 (drive, print; PROTOCOL.md O1, T1, D1, P1)
        return status == 200 || status == 201 ? reply_rule{a::proceed, {}} : reply_rule{a::fail, errc::unexpected_status};
      case request_kind::status:
      case request_kind::look_up:
        return status == 200 ? reply_rule{a::proceed, {}} : reply_rule{a::fail, errc::unexpected_status};
      default:  // fragment, commit, single request: their handlers tell intermediate from final
        return {a::proceed, {}};
    }
  }
  // The token expired or was revoked: Graph wants a valid one (E7). Asked once
  // per request: a fresh token refused again is not an expiry.
  if (status == 401 && f.bearer && !f.token_refreshed) return {a::refresh_token, errc::unauthorized};
  if (k == request_kind::status) {
    if (status == 400 || status == 405 || status == 501) return {a::no_status, {}};
    // The attachment status GET is undocumented: any refusal, authentication
    // included, only means "no status here" (O9).
    if (f.status_support == status_query::try_once && (status == 401 || status == 403 || status == 404))
      return {a::no_status, {}};
  }
  if (status == 416 && k == request_kind::fragment) return {a::resync, {}};
  if (status == 404) {
    if (k == request_kind::fragment || k == request_kind::status || k == request_kind::commit)
      return {a::session_gone, errc::session_not_found};
    if (k == request_kind::look_up) return {a::item_absent, errc::target_not_found};
  }
  if (status == 409 && f.final_unanswered) return {a::lost_final_conflict, errc::conflict};
  if (is_transient_status(status)) {
    // 429 and 503 say the service did not take the request (E1); after any
    // other, a single request may have created the item.
    if (k == request_kind::single_request && status != 429 && status != 503) return {a::maybe_landed, errc::server_error};
    return {a::retry, status == 429 ? errc::throttled : errc::server_error};
  }
  return {a::fail, error_for_status(status, k)};
}

}  // namespace rangeup
