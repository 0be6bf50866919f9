#pragma once
// A scripted fake transport for hand-written exchanges: take the session's
// next request, check it, feed it the response the test chooses.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <ostream>  // doctest prints std::error_code values

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rangeup_test {

inline rangeup::response_view reply(int status, std::string_view body = {}, std::string_view location = {},
                                    std::string_view retry_after = {}) {
  rangeup::response_view r;
  r.status = status;
  r.body = body;
  r.location = location;
  r.retry_after = retry_after;
  r.content_type = body.empty() ? "" : "application/json";
  return r;
}

inline std::string_view header_of(const rangeup::request_view& req, std::string_view name) {
  for (const auto* h = req.begin_headers(); h != req.end_headers(); ++h)
    if (rangeup::detail::iequals(h->name, name)) return h->value;
  return {};
}

// The next step must be a request; returns a copy of what matters in it.
struct sent_request {
  rangeup::http_method method = rangeup::http_method::get;
  std::string url;
  std::string bearer;
  std::string content_range;
  std::string content_type;
  std::string text;
  std::string suffix;  // base64_json: the JSON after the base64
  std::vector<std::pair<std::string, std::string>> headers;
  rangeup::body_kind body = rangeup::body_kind::none;
  rangeup::content_range range{};
  std::uint64_t content_length = 0;
  std::size_t header_count = 0;

  // The value of a header (ASCII case-insensitive name), "" when absent.
  std::string header(std::string_view name) const {
    for (const auto& h : headers)
      if (rangeup::detail::iequals(h.first, name)) return h.second;
    return {};
  }
  bool has_header(std::string_view name) const {
    for (const auto& h : headers)
      if (rangeup::detail::iequals(h.first, name)) return true;
    return false;
  }
};

// The token a scripted driver gives a session that asks for its first one
// (need_token before any token was set), as a driver with a token at hand
// would. A need_token after a 401 is never answered here: the tests about
// tokens answer it themselves.
inline constexpr std::string_view first_token = "tok";

template <class Session>
sent_request expect_request(Session& s, std::int64_t now = 0) {
  rangeup::step st = s.next_step(rangeup::instant{now});
  if (st.what() == rangeup::step::kind::need_token && s.bearer_token().empty() && !s.token_stale()) {
    s.set_bearer_token(first_token);
    st = s.next_step(rangeup::instant{now});
  }
  sent_request out;
  if (!st.request()) {
    FAIL_CHECK("expected a request, step kind " << static_cast<int>(st.what())
                                                << (st.failed() ? st.failed()->code.message() : std::string()));
    return out;
  }
  const rangeup::request_view& r = *st.request();
  out.method = r.method;
  out.url = std::string(r.url);
  out.bearer = std::string(r.bearer_token);
  out.content_range = std::string(header_of(r, "Content-Range"));
  out.content_type = std::string(header_of(r, "Content-Type"));
  out.text = std::string(r.text);
  out.suffix = std::string(r.suffix);
  for (const auto* h = r.begin_headers(); h != r.end_headers(); ++h)
    out.headers.emplace_back(std::string(h->name), std::string(h->value));
  out.body = r.body;
  out.range = r.range;
  out.content_length = r.content_length();
  out.header_count = r.header_count;
  return out;
}

// The whole body of a request as a transport sends it: read through
// read_request_body in pieces of `piece` bytes from the given source bytes.
inline std::string body_of(const rangeup::request_view& req, const unsigned char* source, std::uint64_t size,
                           std::size_t piece = 4096) {
  rangeup::memory_source src(source, size);
  std::string out(static_cast<std::size_t>(req.content_length()), '\0');
  std::uint64_t at = 0;
  std::error_code failed;
  while (at < out.size()) {
    const std::size_t want = static_cast<std::size_t>(out.size() - at < piece ? out.size() - at : piece);
    const auto got = rangeup::read_request_body(req, src, at, &out[static_cast<std::size_t>(at)], want);
    if (!got) failed = got.error();
    if (!got || *got != want) break;  // fewer only at the end of the body
    at += *got;
  }
  CHECK_MESSAGE(at == out.size(), "the body ended at " << at << " of " << out.size() << ": " << failed.message());
  return out;
}

// Creates the session with a canned 201/200 answer.
template <class Session>
sent_request expect_create(Session& s, std::string_view body, int status = 201, std::int64_t now = 0) {
  sent_request req = expect_request(s, now);
  CHECK(req.method == rangeup::http_method::post);
  CHECK(req.body == rangeup::body_kind::text);
  s.on_response(reply(status, body), rangeup::instant{now});
  return req;
}

template <class Session>
const rangeup::failure* expect_failed(Session& s, std::int64_t now = 0) {
  const rangeup::step st = s.next_step(rangeup::instant{now});
  REQUIRE_MESSAGE(st.failed() != nullptr, "expected failed, got step kind " << static_cast<int>(st.what()));
  return st.failed();
}

}  // namespace rangeup_test
