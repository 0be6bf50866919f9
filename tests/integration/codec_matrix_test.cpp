// The codec column of the integration matrix: the same faulty uploads
// (500, 429, lost response, 416, 404 restart) through rangeup-emulator with
// each codec (built-in, nlohmann, Boost.JSON), for the message and drive
// flavors, over the libcurl transport with the blocking driver; and the same
// small files as one request (the codec writes the attachment POST's JSON
// around the streamed base64, and reads its 201 and the drive PUT's
// driveItem). The codec is the only variable: a codec that misreads or
// miswrites a body ends in a failed upload, a violation or different bytes;
// the transport matrix is the CLI scripts'.

#include <doctest/doctest.h>

#include <string>

#include "support/emulator_cases.hpp"  // emulator targets and report helpers (no Beast in it)
#include "support/test_data.hpp"        // test_bytes, sha256_hex
#include "rangeup/curl/transport.hpp"
#include "rangeup/io/blocking_upload.hpp"
#if RANGEUP_TEST_NLOHMANN
#include "rangeup/nlohmann_json/codec.hpp"
#endif
#if RANGEUP_TEST_BOOST_JSON
#include "rangeup/boost_json/codec.hpp"
#endif

using namespace rangeup_test;

namespace {

// Every fault kind the brief names, on PUTs 2..8 of a 13-fragment upload
// (over 4 MiB: a session for both flavors); each (codec, flavor) pair gets its
// own emulator so each sees all of them.
const char* const fault_plan = "500@2,429@3,lost@4,416@6,404@8";
constexpr std::size_t session_size = 327680 * 13 - 5;

// One upload with Codec through the blocking curl driver; requires success.
template <class Codec, class Flavor>
rangeup::upload_outcome upload_with(const Flavor& target_flavor, const rangeup::file_info& info, const std::string& data,
                                    const rangeup::session_options& options) {
  using session_t = rangeup::upload_session<Flavor, typename Flavor::default_planner, rangeup::exponential_backoff, Codec>;
  session_t session(target_flavor, info, options);
  REQUIRE_FALSE(session.init_error());
  session.set_bearer_token("test-token");
  session.set_retry(fast_retry());
  rangeup::curl::transport_options to;
  to.allow_http = true;
  to.request_timeout_ms = 10000;
  rangeup::curl::transport transport(to);
  rangeup::memory_source source(data.data(), data.size());
  rangeup::upload_outcome out = rangeup::upload(session, transport, source);
  REQUIRE_MESSAGE(out, out.code.message());
  return out;
}

template <class Codec, class Flavor>
void upload_through(const Flavor& target_flavor, const std::string& base, const std::string& name) {
  const std::string data = test_bytes(session_size, static_cast<std::uint32_t>(name.size() * 7));
  const rangeup::upload_outcome out =
      upload_with<Codec>(target_flavor, rangeup::file_info{name, data.size()}, data, loopback_session(327680));
  CHECK(out.result.size == data.size());
  CHECK_FALSE(out.result.id.empty());
  CHECK(out.stats.retries >= 3);   // 500, 429, lost
  CHECK(out.stats.restarts == 1);  // 404
  const auto report = emutest::get_report(base);
  CHECK(landed_sha256(report, name) == sha256_hex(data));
  CHECK(landed_via(report, name) == "session");
  CHECK(counter(report, "faults_injected") == 5);
  CHECK(violation_count(report) == 0);
}

// The report's entry for `name` (null if none).
emutest::json landed(const emutest::json& report, const std::string& name) {
  for (const auto& f : report.value("files", emutest::json::array()))
    if (f.value("name", "") == name) return f;
  return nullptr;
}

// A small file as one request: an inline attachment POST whose name needs
// JSON escaping (message), a taskFileAttachment POST (To Do), a drive PUT
// .../content. "503@1,429@3": the first two requests are refused and sent
// again, so each body kind is streamed twice.
template <class Codec, class Flavor>
void single_request(const Flavor& target_flavor, const rangeup::file_info& info, const std::string& data,
                    const std::string& base) {
  CAPTURE(std::string(info.name));
  const rangeup::upload_outcome out = upload_with<Codec>(target_flavor, info, data, loopback_session());
  CHECK(out.result.simple_request);
  CHECK(out.result.size == data.size());
  CHECK_FALSE(out.result.id.empty());
  const auto entry = landed(emutest::get_report(base), std::string(info.name));
  REQUIRE(entry.is_object());
  CHECK(entry.value("sha256", "") == sha256_hex(data));
  CHECK(entry.value("id", "") == std::string(out.result.id.view()));
  if (!info.content_type.empty()) CHECK(entry.value("contentType", "") == std::string(info.content_type));
  CHECK(entry.value("isInline", false) == info.is_inline);
  if (!info.content_id.empty()) CHECK(entry.value("contentId", "") == std::string(info.content_id));
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

template <class Codec>
void small_files(const char* codec) {
  CAPTURE(std::string(codec));
  emutest::emulator_process emu(emulator_args("503@1,429@3"));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  const std::string prefix = codec;
  const std::string inline_name = prefix + " \"logo\" \\ \xc3\xbc.png";  // a quote, a backslash, UTF-8
  const std::string data = test_bytes(100003, 77);  // 100003: base64 ends in padding
  single_request<Codec>(outlook_target(graph), rangeup::file_info{inline_name, data.size(), "image/png", true, "logo-1"},
                        data, emu.base());
  single_request<Codec>(todo_target(graph), rangeup::file_info{prefix + "-task.txt", data.size(), "text/plain"}, data,
                        emu.base());
  single_request<Codec>(drive_target(graph), rangeup::file_info{prefix + "-small.bin", data.size()}, data, emu.base());
  const auto report = emutest::get_report(emu.base());
  CHECK(counter(report, "attachment_posts") == 4);  // 503, then again; 429, then again
  CHECK(counter(report, "simple_puts") == 1);
  CHECK(counter(report, "creates") == 0);
  CHECK(violation_count(report) == 0);
}

}  // namespace

TEST_CASE("codec matrix: built-in codec, faulty message and drive uploads land byte-exact" * doctest::timeout(60)) {
  both_flavors<rangeup::json::builtin_codec>("builtin");
}
TEST_CASE("codec matrix: built-in codec, small files as one request" * doctest::timeout(60)) {
  small_files<rangeup::json::builtin_codec>("builtin");
}

#if RANGEUP_TEST_NLOHMANN
TEST_CASE("codec matrix: nlohmann codec, faulty message and drive uploads land byte-exact" * doctest::timeout(60)) {
  both_flavors<rangeup::json::nlohmann_codec>("nlohmann");
}
TEST_CASE("codec matrix: nlohmann codec, small files as one request" * doctest::timeout(60)) {
  small_files<rangeup::json::nlohmann_codec>("nlohmann");
}
#endif

#if RANGEUP_TEST_BOOST_JSON
TEST_CASE("codec matrix: Boost.JSON codec, faulty message and drive uploads land byte-exact" * doctest::timeout(60)) {
  both_flavors<rangeup::json::boost_json_codec>("boostjson");
}
TEST_CASE("codec matrix: Boost.JSON codec, small files as one request" * doctest::timeout(60)) {
  small_files<rangeup::json::boost_json_codec>("boostjson");
}
#endif
