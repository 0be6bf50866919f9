// Transient failures from a transport of your own (include/rangeup/error.hpp,
// rangeup::condition): an engine's own std::error_code is retried when it is
// equivalent to condition::transient_failure — rangeup's codes, std::errc
// ones, or a custom category that maps itself there — and fails the upload
// at once otherwise. condition::not_sent makes even a small file's one POST
// safe to repeat.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <ostream>  // doctest prints std::error_code values

#include <string>
#include <system_error>

#include "core/support/scripted.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace condition_test_cases {

using namespace rangeup_test;
using rangeup::condition;
using rangeup::errc;

namespace {

// A game engine's HTTP client, with its own error codes.
enum class engine_error { socket_reset = 1, dns_failed = 2, certificate = 3, busy = 4 };

// Maps its codes through default_error_condition (the usual way).
class engine_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "engine.http"; }
  std::string message(int v) const override { return "engine error " + std::to_string(v); }
  std::error_condition default_error_condition(int v) const noexcept override {
    switch (static_cast<engine_error>(v)) {
      case engine_error::socket_reset: return rangeup::make_error_condition(condition::transient_failure);
      case engine_error::dns_failed: return rangeup::make_error_condition(condition::not_sent);
      case engine_error::busy: return std::errc::connection_refused;  // through std::errc also works
      default: return std::error_condition(v, *this);
    }
  }
};
const std::error_category& engine_category() {
  static const engine_category_impl c;
  return c;
}
std::error_code make(engine_error e) { return {static_cast<int>(e), engine_category()}; }

// Another way: overriding equivalent() (for codes that mean several things).
class lib_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "lib.net"; }
  std::string message(int) const override { return "lib error"; }
  bool equivalent(int v, const std::error_condition& c) const noexcept override {
    return v == 7 && c == rangeup::make_error_condition(condition::transient_failure);
  }
};
const std::error_category& lib_category() {
  static const lib_category_impl c;
  return c;
}

const rangeup::outlook_attachment outlook_target{"https://graph.microsoft.com/v1.0", "",
                                                 rangeup::outlook_attachment::parent_kind::message, "AAMk="};
rangeup::session_options forced() {
  rangeup::session_options o;
  o.chunk_size = 100;
  o.force_session = true;
  return o;
}
constexpr std::string_view created = R"({"uploadUrl":"https://up.example/s/1?authtoken=x","nextExpectedRanges":["0-"]})";

}  // namespace

TEST_CASE("condition: which codes are transient, and which were never sent") {
  // rangeup's own.
  CHECK(make_error_code(errc::connection_dropped) == condition::transient_failure);
  CHECK(make_error_code(errc::timeout) == condition::transient_failure);
  CHECK(make_error_code(errc::connection_failed) == condition::transient_failure);
  CHECK(make_error_code(errc::connection_failed) == condition::not_sent);
  CHECK(make_error_code(errc::connection_dropped) != condition::not_sent);
  CHECK(make_error_code(errc::tls_error) != condition::transient_failure);
  CHECK(make_error_code(errc::redirect_refused) != condition::transient_failure);
  CHECK(make_error_code(errc::response_too_large) != condition::transient_failure);
  // The operating system's.
  CHECK(std::make_error_code(std::errc::connection_reset) == condition::transient_failure);
  CHECK(std::make_error_code(std::errc::timed_out) == condition::transient_failure);
  CHECK(std::make_error_code(std::errc::connection_refused) == condition::not_sent);
  CHECK(std::make_error_code(std::errc::connection_refused) == condition::transient_failure);
  CHECK(std::make_error_code(std::errc::permission_denied) != condition::transient_failure);
  // A custom category's.
  CHECK(make(engine_error::socket_reset) == condition::transient_failure);
  CHECK(make(engine_error::socket_reset) != condition::not_sent);
  CHECK(make(engine_error::dns_failed) == condition::not_sent);
  CHECK(make(engine_error::dns_failed) == condition::transient_failure);  // not_sent implies transient
  CHECK(make(engine_error::busy) == condition::transient_failure);
  CHECK(make(engine_error::certificate) != condition::transient_failure);
  CHECK(std::error_code(7, lib_category()) == condition::transient_failure);
  CHECK(std::error_code(8, lib_category()) != condition::transient_failure);
  CHECK(std::string(rangeup::condition_category().name()) == "rangeup.condition");
  CHECK_FALSE(rangeup::make_error_condition(condition::not_sent).message().empty());
}

TEST_CASE("a custom transport's transient code is retried; any other fails the upload at once with that code") {
  rangeup::upload_session<rangeup::outlook_attachment> s(outlook_target, {"a.bin", 300}, forced());
  s.set_bearer_token("tok");
  expect_create(s, created);
  auto put = expect_request(s);
  s.on_transport_error(make(engine_error::socket_reset), rangeup::instant{0});
  const rangeup::step w = s.next_step(rangeup::instant{0});
  REQUIRE(w.wait_until());
  CHECK(s.progress_info().retries == 1);
  CHECK(expect_request(s, w.wait_until()->ms).content_range == put.content_range);  // the same PUT
  s.on_transport_error(std::error_code(7, lib_category()), rangeup::instant{w.wait_until()->ms});
  const rangeup::step w2 = s.next_step(rangeup::instant{w.wait_until()->ms});
  REQUIRE(w2.wait_until());
  expect_request(s, w2.wait_until()->ms);
  s.on_transport_error(make(engine_error::certificate), rangeup::instant{w2.wait_until()->ms});
  const auto* f = expect_failed(s, w2.wait_until()->ms);
  CHECK(f->code == make(engine_error::certificate));  // the engine's own code, as it was
  CHECK(f->http_status == 0);
}

TEST_CASE("a small file's POST: repeated after a code that says it was never sent; 'maybe landed' otherwise") {
  // not_sent: the service cannot have attached it (PROTOCOL.md E8).
  rangeup::upload_session<rangeup::outlook_attachment> a(outlook_target, {"small.txt", 10});
  a.set_bearer_token("tok");
  CHECK(expect_request(a).method == rangeup::http_method::post);
  a.on_transport_error(make(engine_error::dns_failed), rangeup::instant{0});
  const rangeup::step w = a.next_step(rangeup::instant{0});
  REQUIRE(w.wait_until());
  CHECK(expect_request(a, w.wait_until()->ms).method == rangeup::http_method::post);
  CHECK(a.may_have_completed());  // it is out again

  // Transient but maybe processed: an attachment is never posted twice.
  rangeup::upload_session<rangeup::outlook_attachment> b(outlook_target, {"small.txt", 10});
  b.set_bearer_token("tok");
  expect_request(b);
  b.on_transport_error(make(engine_error::socket_reset), rangeup::instant{0});
  const auto* f = expect_failed(b);
  CHECK(f->code == errc::completion_unknown);
}

}  // namespace condition_test_cases
