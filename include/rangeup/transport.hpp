#pragma once
// The Transport and Source requirements: what a driver needs from the thing
// that moves bytes (libcurl, Beast, your engine's HTTP client) and from the
// thing that holds them (a file, memory). Plus the request checks every
// transport applies before anything reaches the wire, written once here.
// No I/O in this header.
//
// ---- Source --------------------------------------------------------------------
//   s: a Source; cs: a const Source; off: std::uint64_t; out: char*; n: std::size_t
//
//   expression             | type                                | meaning
//   -----------------------+-------------------------------------+---------------------------------------
//   cs.size()              | convertible to std::uint64_t        | bytes in the upload; must not change
//                          |                                     | while the upload runs
//   s.read_at(off, out, n) | convertible to result<std::size_t>  | copies up to n bytes from offset off into
//                          |                                     | out; fewer than n only at the end, 0 at or
//                          |                                     | past it; the same offset may be read again
//                          |                                     | (a resent range); an error is
//                          |                                     | errc::source_read_failed (or another errc)
// memory_source (http.hpp) is the trivial one; io::file_source reads a file;
// source_ref (source_ref.hpp) refers to any of them with one type, for a
// transport that is not a template.
//
// ---- Transport (blocking) ------------------------------------------------------
//   t: a Transport; req: const request_view&; s: a Source lvalue;
//   fn: bool (*)(void* context, std::uint64_t sent, std::uint64_t total) noexcept; ctx: void*
//
//   expression                   | type                                 | meaning
//   -----------------------------+--------------------------------------+----------------------------------
//   t.perform(req, s)            | convertible to result<response_view> | sends req and waits for the final
//                                |                                      | response; the body is read from s
//                                |                                      | as below; the views in the
//                                |                                      | response stay valid until the
//                                |                                      | next perform
//   t.set_send_progress(fn, ctx) | (optional) any                       | while a body goes out, call
//                                |                                      | fn(ctx, body bytes sent, total);
//                                |                                      | false aborts the request, which
//                                |                                      | fails with errc::cancelled. A
//                                |                                      | driver installs it to cancel and
//                                |                                      | time out mid-request; fn null:
//                                |                                      | none
// rangeup::curl::transport and rangeup::beast::transport meet it; is_transport_v<T, S>,
// require_transport<T, S>() and (C++20) the concept transport<T, S> check it.
//
// ---- What perform must do with a request_view (http.hpp) ----------------------
//  - Refuse, before sending a byte, a request that check_request() (below)
//    faults: the rules are the same for every transport. validate_request()
//    gives the error code (errc::invalid_url / errc::invalid_argument).
//  - url: apply the transport's URL policy (https; http only to a loopback host
//    when the caller allowed it: rangeup::check_url) and never follow a
//    redirect: a 3xx is errc::redirect_refused.
//  - headers[0, header_count): send each as given. The transport itself derives
//    Host, Content-Length (always req.content_length(), also 0 for a POST or PUT
//    without body; never chunked) and Authorization: "Authorization: Bearer
//    <bearer_token>" when bearer_token is non-empty and NO Authorization header
//    at all when it is empty (a pre-authenticated uploadUrl carries its own
//    credential; sending the Graph token there leaks it).
//  - body: body_kind::none sends no body; every other kind is the bytes
//    rangeup::read_request_body(req, s, offset, buf, n) gives (request_body.hpp):
//    text, a source range, or base64_json (JSON text, base64 of a source range,
//    JSON suffix) streamed a piece at a time, so no body is ever held whole. A
//    source that ends early is errc::source_changed; a source's own error is
//    passed on as it is.
//  - never resend a body by itself on a new connection (say a kept-alive one was
//    closed under it): report the failure; the session decides whether the range
//    may have landed.
//  - response_view: status is the final status (skip 1xx); location,
//    retry_after and content_type are those headers' values (empty when absent);
//    body holds at most a cap (64 KiB is what the session needs; the built-in
//    transports make it an option) and body_truncated says more came. A body
//    or header far over the cap may fail with errc::response_too_large.
//
// ---- Failures ---------------------------------------------------------------------
// perform returns an error only when there is no final response; any HTTP
// status is a response, which the session judges. With an error code the
// session repeats the same request after the Retry policy's delay when the code
// is equivalent to rangeup::condition::transient_failure (error.hpp):
// errc::connection_failed, errc::connection_dropped, errc::timeout, the std::errc
// connection and time-out codes, or a code of your engine's own category that
// maps itself there. A request that may complete the upload (a small file's one
// request, the last range) is not repeated blindly: only a code equivalent to
// condition::not_sent (errc::connection_failed: no connection was made, nothing
// was sent) lets it go again at once; otherwise the session first finds out
// whether it landed. Every other code fails the upload at once: errc::tls_error,
// errc::invalid_url, errc::insecure_url, errc::redirect_refused,
// errc::response_too_large, errc::malformed_response, errc::cancelled,
// errc::source_read_failed, errc::source_changed, errc::invalid_argument
// (check_request).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/config.hpp"
#include "rangeup/detection.hpp"
#include "rangeup/error.hpp"
#include "rangeup/http.hpp"
#include "rangeup/request_body.hpp"
#include "rangeup/result.hpp"
#include "rangeup/url.hpp"

namespace rangeup {

// ---- request checks ------------------------------------------------------------------

// What check_request found wrong with a request.
enum class request_fault : unsigned char {
  none,
  bad_url,           // empty, or a space, control character or NUL in it
  too_many_headers,  // header_count > max_request_headers
  bad_header_name,   // empty, or not an HTTP token (CR, LF, NUL, ':', space, ... in it)
  bad_header_value,  // CR, LF, NUL or another control character but tab in it
  reserved_header,   // a header the transport derives or owns (see is_reserved_header)
  body_not_allowed,  // a body on GET or DELETE
  bad_bearer_token,  // not an RFC 6750 b64token (letters, digits, - . _ ~ + /, then '='s)
  bad_range,         // a body that reads the source: first > last, or (with its size) past the source's end
};

constexpr const char* describe(request_fault f) noexcept {
  switch (f) {
    case request_fault::none: return "acceptable request";
    case request_fault::bad_url: return "refusing an empty URL or one with spaces or control characters";
    case request_fault::too_many_headers: return "more request headers than max_request_headers";
    case request_fault::bad_header_name: return "request header name not allowed";
    case request_fault::bad_header_value: return "request header value with a line break or control character";
    case request_fault::reserved_header: return "request header not allowed (the transport sets it)";
    case request_fault::body_not_allowed: return "GET/DELETE with a body";
    case request_fault::bad_bearer_token: return "malformed bearer token";
    case request_fault::bad_range: return "request range lies outside the source";
  }
  return "malformed request";
}

// The error a transport reports for a fault (f != none).
constexpr errc request_error(request_fault f) noexcept {
  return f == request_fault::bad_url ? errc::invalid_url : errc::invalid_argument;
}

namespace detail {

// RFC 9110 tchar.
constexpr bool is_token_char(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~"))
    if (c == t) return true;
  return false;
}

constexpr bool is_control(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

constexpr bool is_header_name(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(c)) return false;
  return true;
}

constexpr bool is_header_value(std::string_view s) noexcept {
  for (char c : s)
    if (is_control(c) && c != '\t') return false;
  return true;
}

// RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
constexpr bool is_b64token(std::string_view s) noexcept {
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!plain) break;
  }
  if (i == 0) return false;
  for (; i < s.size(); ++i)
    if (s[i] != '=') return false;
  return true;
}

constexpr bool is_url_text(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s)
    if (is_control(c) || c == ' ') return false;
  return true;
}

}  // namespace detail

// Headers a request_view must not carry: the transport derives them
// (Authorization from bearer_token, Content-Length from the body, Host from the
// URL, Transfer-Encoding, Expect) or they manage the connection, which is the
// transport's (Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade),
// or they are a credential for someone else (Proxy-Authorization).
constexpr bool is_reserved_header(std::string_view name) noexcept {
  for (std::string_view r : {"authorization", "content-length", "host", "transfer-encoding", "expect", "connection",
                             "keep-alive", "proxy-connection", "te", "trailer", "upgrade", "proxy-authorization"})
    if (detail::iequals(name, r)) return true;
  return false;
}

// The request rules every transport applies before sending (the URL policy
// itself, https or loopback http, is the transport's: rangeup::check_url).
// Without the source's size, the range is only checked for first <= last.
constexpr request_fault check_request(const request_view& r) noexcept {
  if (!detail::is_url_text(r.url)) return request_fault::bad_url;
  if (r.header_count > max_request_headers) return request_fault::too_many_headers;
  for (std::size_t i = 0; i < r.header_count; ++i) {
    const header_field& h = r.headers[i];
    if (!detail::is_header_name(h.name)) return request_fault::bad_header_name;
    if (!detail::is_header_value(h.value)) return request_fault::bad_header_value;
    if (is_reserved_header(h.name)) return request_fault::reserved_header;
  }
  if (r.body != body_kind::none && (r.method == http_method::get || r.method == http_method::delete_))
    return request_fault::body_not_allowed;
  if (!r.bearer_token.empty() && !detail::is_b64token(r.bearer_token)) return request_fault::bad_bearer_token;
  if (r.reads_source() && r.range.first > r.range.last) return request_fault::bad_range;
  return request_fault::none;
}

// The same, and a body that reads the source must lie inside its source_size bytes.
constexpr request_fault check_request(const request_view& r, std::uint64_t source_size) noexcept {
  const request_fault f = check_request(r);
  if (f != request_fault::none) return f;
  if (r.reads_source() && r.range.last >= source_size) return request_fault::bad_range;
  return request_fault::none;
}

// check_request as an error code: empty, errc::invalid_url or errc::invalid_argument.
inline std::error_code validate_request(const request_view& r) noexcept {
  const request_fault f = check_request(r);
  return f == request_fault::none ? std::error_code{} : make_error_code(request_error(f));
}
inline std::error_code validate_request(const request_view& r, std::uint64_t source_size) noexcept {
  const request_fault f = check_request(r, source_size);
  return f == request_fault::none ? std::error_code{} : make_error_code(request_error(f));
}

// ---- the Source and Transport requirements -----------------------------------------------
namespace detail {
template <class S>
using source_size_t = decltype(std::declval<const S&>().size());
template <class S>
using source_read_at_t = decltype(std::declval<S&>().read_at(std::uint64_t{}, std::declval<char*>(), std::size_t{}));
template <class T, class S>
using transport_perform_t =
    decltype(std::declval<T&>().perform(std::declval<const request_view&>(), std::declval<S&>()));
}  // namespace detail

template <class S>
struct source_requirements {
  static constexpr bool size = detail::is_detected_convertible_v<std::uint64_t, detail::source_size_t, S>;
  static constexpr bool read_at = detail::is_detected_convertible_v<result<std::size_t>, detail::source_read_at_t, S>;
  static constexpr bool value = size && read_at;
};

template <class S>
struct is_source : std::bool_constant<source_requirements<S>::value> {};
template <class S>
inline constexpr bool is_source_v = is_source<S>::value;

template <class S>
constexpr bool require_source() noexcept {
  using r = source_requirements<S>;
  static_assert(r::size, "Source must have: std::uint64_t size() const");
  static_assert(r::read_at,
                "Source must have: result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n)");
  return r::value;
}

// S: the Source type the transport is handed (memory_source when not named).
template <class T, class S = memory_source>
struct transport_requirements {
  static constexpr bool perform =
      detail::is_detected_convertible_v<result<response_view>, detail::transport_perform_t, T, S>;
  static constexpr bool value = perform;
};

template <class T, class S = memory_source>
struct is_transport : std::bool_constant<transport_requirements<T, S>::value> {};
template <class T, class S = memory_source>
inline constexpr bool is_transport_v = is_transport<T, S>::value;

template <class T, class S = memory_source>
constexpr bool require_transport() noexcept {
  using r = transport_requirements<T, S>;
  static_assert(r::perform, "Transport must have: result<response_view> perform(const request_view&, Source&)");
  return r::value;
}

#if RANGEUP_HAS_CONCEPTS
template <class S>
concept source = source_requirements<S>::size && source_requirements<S>::read_at;

template <class T, class S = memory_source>
concept transport = transport_requirements<T, S>::perform;
#endif

}  // namespace rangeup
