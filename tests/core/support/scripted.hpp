#pragma once
// A scripted fake transport for hand-written exchanges: take the session's
// next request, check it, feed it the response the test chooses.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <ostream>  // doctest prints std::error_code values

#include <string>
#include <string_view>

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
  rangeup::body_kind body = rangeup::body_kind::none;
  rangeup::content_range range{};
  std::uint64_t content_length = 0;
  std::size_t header_count = 0;
};

template <class Session>
sent_request expect_request(Session& s, std::int64_t now = 0) {
  const rangeup::step st = s.next_step(rangeup::instant{now});
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
  out.body = r.body;
  out.range = r.range;
  out.content_length = r.content_length();
  out.header_count = r.header_count;
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
