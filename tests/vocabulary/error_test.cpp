#include <doctest/doctest.h>

#include <string>
#include <system_error>

#include "rangeup/error.hpp"
#include "rangeup/result.hpp"

using rangeup::errc;

TEST_CASE("errc converts to std::error_code in the rangeup category") {
  std::error_code ec = errc::conflict;
  CHECK(ec.category() == rangeup::category());
  CHECK(std::string(ec.category().name()) == "rangeup");
  CHECK(ec.message() == "conflict (409)");
  CHECK(ec == errc::conflict);
  CHECK(ec != errc::forbidden);
  CHECK(ec != std::make_error_code(std::errc::invalid_argument));
}

TEST_CASE("every errc value has its own message") {
  // Walk the whole enum: a value added without a message falls to the default text.
  for (int v = static_cast<int>(errc::invalid_argument); v <= static_cast<int>(errc::not_supported); ++v) {
    INFO("errc value " << v);
    CHECK(rangeup::category().message(v) != "unknown rangeup error");
  }
  CHECK(rangeup::category().message(0) == "unknown rangeup error");
}

TEST_CASE("507 and 501 have their own fatal codes (docs/PROTOCOL.md E4, E5)") {
  std::error_code quota = errc::quota_exceeded;
  CHECK(quota.message() == "insufficient storage: the quota is used up (507)");
  std::error_code unsupported = errc::not_supported;
  CHECK(unsupported.message() == "the service does not support this request (501)");
  CHECK(quota != unsupported);
  CHECK(!rangeup::is_transient(errc::quota_exceeded));
  CHECK(!rangeup::is_transient(errc::not_supported));
}

TEST_CASE("transient errors are the retryable ones") {
  CHECK(rangeup::is_transient(errc::server_error));
  CHECK(rangeup::is_transient(errc::throttled));
  CHECK(rangeup::is_transient(errc::connection_dropped));
  CHECK(rangeup::is_transient(errc::timeout));
  CHECK(!rangeup::is_transient(errc::conflict));
  CHECK(!rangeup::is_transient(errc::unauthorized));
  CHECK(!rangeup::is_transient(errc::integrity_mismatch));
}

TEST_CASE("result<T> holds a value or an error") {
  rangeup::result<int> ok = 7;
  CHECK(ok);
  CHECK(*ok == 7);
  CHECK(ok.value_or(1) == 7);
  rangeup::result<int> bad = errc::malformed_json;
  CHECK(!bad);
  CHECK(bad.error() == errc::malformed_json);
  CHECK(bad.value_or(1) == 1);
}
