// The codec column of the integration matrix: the same faulty uploads
// (500, 429, lost response, 416, 404 restart) through rangeup-emulator with
// each codec (built-in, nlohmann, Boost.JSON), for the message and drive
// flavors, over the libcurl transport with the blocking driver. The codec is
// the only variable: it parses every session, error and driveItem body the
// emulator sends, so a codec that misreads one ends in a failed upload, a
// violation or different bytes; the transport matrix is the CLI scripts'.

#include <doctest/doctest.h>

#include <string>

#include "../beast/emulator_cases.hpp"  // emulator targets and report helpers (no Beast in it)
#include "../beast/test_support.hpp"    // test_bytes, sha256_hex
#include "rangeup/curl/transport.hpp"
#include "rangeup/io/blocking_upload.hpp"
#if RANGEUP_TEST_NLOHMANN
#include "rangeup/json/nlohmann_codec.hpp"
#endif
#if RANGEUP_TEST_BOOST_JSON
#include "rangeup/json/boost_json_codec.hpp"
#endif

using namespace rangeup_test;

namespace {

// Every fault kind the brief names, on PUTs 2..8 of a 9-fragment upload; each
// (codec, flavor) pair gets its own emulator so each sees all of them.
const char* const fault_plan = "500@2,429@3,lost@4,416@6,404@8";

template <class Codec, class Flavor>
void upload_through(const Flavor& target_flavor, const std::string& base, const std::string& name) {
  using session_t = rangeup::upload_session<Flavor, typename Flavor::default_planner, rangeup::exponential_backoff, Codec>;
  const std::string data = test_bytes(327680 * 9 - 5, static_cast<std::uint32_t>(name.size() * 7));
  session_t session(target_flavor, rangeup::file_info{name, data.size()}, loopback_session(327680));
  REQUIRE_FALSE(session.init_error());
  session.set_bearer_token("test-token");
  session.set_retry(fast_retry());
  rangeup::curl::transport_options to;
  to.allow_http = true;
  to.request_timeout_ms = 10000;
  rangeup::curl::transport transport(to);
  rangeup::memory_source source(data.data(), data.size());
  const rangeup::upload_outcome out = rangeup::upload(session, transport, source);
  REQUIRE_MESSAGE(out, out.code.message());
  CHECK(out.result.size == data.size());
  CHECK_FALSE(out.result.id.empty());
  CHECK(out.stats.retries >= 3);   // 500, 429, lost
  CHECK(out.stats.restarts == 1);  // 404
  const auto report = emutest::get_report(base);
  CHECK(landed_sha256(report, name) == sha256_hex(data));
  CHECK(counter(report, "faults_injected") == 5);
  CHECK(violation_count(report) == 0);
}

template <class Codec>
void both_flavors(const char* codec) {
  for (const char* flavor : {"message", "drive"}) {
    CAPTURE(std::string(codec));
    CAPTURE(std::string(flavor));
    emutest::emulator_process emu(emulator_args(fault_plan));
    REQUIRE(emu.started());
    const std::string graph = emu.base() + "/v1.0";
    const std::string name = std::string(codec) + "-" + flavor + ".bin";
    if (std::string(flavor) == "message") upload_through<Codec>(outlook_target(graph), emu.base(), name);
    else upload_through<Codec>(drive_target(graph), emu.base(), name);
  }
}

}  // namespace

TEST_CASE("codec matrix: built-in codec, faulty message and drive uploads land byte-exact" * doctest::timeout(60)) {
  both_flavors<rangeup::json::builtin_codec>("builtin");
}

#if RANGEUP_TEST_NLOHMANN
TEST_CASE("codec matrix: nlohmann codec, faulty message and drive uploads land byte-exact" * doctest::timeout(60)) {
  both_flavors<rangeup::json::nlohmann_codec>("nlohmann");
}
#endif

#if RANGEUP_TEST_BOOST_JSON
TEST_CASE("codec matrix: Boost.JSON codec, faulty message and drive uploads land byte-exact" * doctest::timeout(60)) {
  both_flavors<rangeup::json::boost_json_codec>("boostjson");
}
#endif
