// The blocking Beast transport under rangeup::upload against rangeup-emulator:
// every flavor, small files as one request, the error rows of docs/PROTOCOL.md (E1-E10),
// 416 resync, https.

#include <doctest/doctest.h>

#include <string>

#include "support/emulator_cases.hpp"
#include "rangeup/beast/transport.hpp"
#include "rangeup/io/blocking_upload.hpp"
#include "support/test_data.hpp"

using namespace rangeup_test;

namespace {

rangeup::beast::transport_options http_options() {
  rangeup::beast::transport_options o;
  o.allow_http = true;
  o.connect_timeout = std::chrono::milliseconds(5000);
  o.io_timeout = std::chrono::milliseconds(10000);
  return o;
}

struct upload_check {
  rangeup::upload_outcome outcome;
  std::uint64_t connections = 0;
};

upload_check upload_sync(flavor_kind k, const std::string& graph, const std::string& name, const std::string& data,
                         std::uint64_t chunk, const rangeup::beast::transport_options& topts,
                         bool force_session = false) {
  upload_check out;
  rangeup::beast::transport transport(topts);
  rangeup::memory_source source(data.data(), data.size());
  rangeup::upload_options uopts;
  uopts.timeout_ms = 60000;
  with_session(k, graph, name, data.size(), chunk, force_session, [&](auto& session) {
    out.outcome = rangeup::upload(session, transport, source, uopts);
  });
  out.connections = transport.connections_opened();
  return out;
}

}  // namespace

TEST_CASE("every flavor uploads through the Beast transport with one kept-alive connection" * doctest::timeout(60)) {
  // --allow-small-sessions for the forced one-byte Outlook session; every item
  // checks how it arrived, so an unforced small session would still fail.
  emutest::emulator_process emu(emulator_args({}, true));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  struct item {
    flavor_kind kind;
    std::size_t size;
    std::uint64_t chunk;
    bool force_session;
    const char* via;  // how the emulator must have received it
  };
  const item items[] = {
      {flavor_kind::outlook, 5 * 1024 * 1024 + 1, 0, false, "session"},     // 4 000 000 + the rest (default chunk)
      {flavor_kind::todo, 3 * 1024 * 1024, 1024 * 1024, false, "session"},  // exactly three chunks
      {flavor_kind::drive, 327680 * 3 + 7, 327680, true, "session"},        // quantum-sized fragments and a 7-byte tail
      {flavor_kind::print, 2 * 1024 * 1024 + 11, 0, false, "session"},
      {flavor_kind::outlook, 1, 0, true, "session"},                        // a single byte, in a session
      {flavor_kind::outlook, 2, 0, false, "post"},                          // small: one POST (PROTOCOL.md O3)
      {flavor_kind::todo, 3, 0, false, "post"},                             // small: one POST (T4)
      {flavor_kind::drive, 327680 * 3 + 7, 327680, false, "put"},           // <= 4 MiB: one PUT (D7)
  };
  unsigned seed = 10;
  for (const auto& it : items) {
    const std::string name =
        std::string(flavor_label(it.kind)) + "-" + std::to_string(it.size) + "-" + it.via + ".bin";
    CAPTURE(name);
    const std::string data = test_bytes(it.size, ++seed);
    auto r = upload_sync(it.kind, graph, name, data, it.chunk, http_options(), it.force_session);
    REQUIRE_MESSAGE(!r.outcome.code, r.outcome.code.message());
    CHECK_FALSE(r.outcome.result.id.empty());
    CHECK(r.outcome.result.size == it.size);
    CHECK(r.outcome.result.simple_request == (std::string(it.via) != "session"));
    CHECK(r.connections == 1);
    const auto report = emutest::get_report(emu.base());
    CHECK(landed_sha256(report, name) == sha256_hex(data));
    CHECK(landed_via(report, name) == it.via);
    CHECK(violation_count(report) == 0);
  }
}

TEST_CASE("faults: 503, 429, drop, lost, 404 are retried or restarted; 416 resyncs" * doctest::timeout(90)) {
  struct fault_case {
    std::string plan;
    flavor_kind kind;
    std::uint32_t retries;   // at least
    std::uint32_t restarts;  // exactly
  };
  const fault_case cases[] = {
      {"503@2,429@3:2", flavor_kind::outlook, 3, 0},
      {"drop@2,lost@4", flavor_kind::outlook, 2, 0},
      {"404@3", flavor_kind::drive, 0, 1},
      {"416@3", flavor_kind::outlook, 0, 0},
      {"416@2,drop@4", flavor_kind::drive, 1, 0},
      {"500@1,lost@2,503@5", flavor_kind::print, 3, 0},
      {"404@3", flavor_kind::todo, 0, 1},  // the new session's {uploadUrl}/content (PROTOCOL.md T2, E2)
  };
  for (const auto& c : cases) {
    CAPTURE(c.plan);
    emutest::emulator_process emu(emulator_args(c.plan));
    REQUIRE(emu.started());
    const std::string graph = emu.base() + "/v1.0";
    // Session faults: >= 3 000 000 bytes so that Outlook uses a session (PROTOCOL.md O2);
    // the driveItem (<= 4 MiB) is forced into one (D7).
    const std::string data = test_bytes(327680 * 10 + 5, 77);
    const std::string name = std::string("fault-") + flavor_label(c.kind) + ".bin";
    auto r = upload_sync(c.kind, graph, name, data, 327680, http_options(), true);
    REQUIRE_MESSAGE(!r.outcome.code, r.outcome.code.message());
    CHECK(r.outcome.result.size == data.size());
    CHECK(r.outcome.stats.retries >= c.retries);
    CHECK(r.outcome.stats.restarts == c.restarts);
    const auto report = emutest::get_report(emu.base());
    CHECK(landed_sha256(report, name) == sha256_hex(data));
    CHECK(counter(report, "faults_injected") >= 1);
    CHECK(violation_count(report) == 0);
  }
}

TEST_CASE("https to the emulator with a CA file; refused without it" * doctest::timeout(60)) {
  const std::string dir = make_certificate("localhost", "IP:127.0.0.1,DNS:localhost");
  REQUIRE_FALSE(dir.empty());
  {
    emutest::emulator_process emu({"--retry-after", "0", "--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"});
    REQUIRE(emu.started());
    REQUIRE(emu.base().rfind("https://", 0) == 0);
    const std::string graph = emu.base() + "/v1.0";
    const std::string data = test_bytes(1024 * 1024 + 3, 5);

    rangeup::beast::transport_options trusted;
    trusted.ca_file = dir + "/cert.pem";
    // A forced session: several requests over one kept-alive TLS connection.
    auto ok = upload_sync(flavor_kind::drive, graph, "tls.bin", data, 327680, trusted, true);
    REQUIRE_MESSAGE(!ok.outcome.code, ok.outcome.code.message());
    CHECK(ok.connections == 1);

    auto refused = upload_sync(flavor_kind::drive, graph, "tls-untrusted.bin", data, 327680, {}, true);
    CHECK(refused.outcome.code == rangeup::errc::tls_error);
    auto again = upload_sync(flavor_kind::outlook, graph, "tls2.bin", data, 0, trusted);  // one POST (O3)
    REQUIRE_MESSAGE(!again.outcome.code, again.outcome.code.message());
    CHECK(again.outcome.result.simple_request);

    // The report over the same verified https, read with the Beast transport.
    rangeup::beast::transport t(trusted);
    rangeup::request_view get;
    const std::string url = emu.base() + "/_emulator/report";
    get.url = url;
    auto res = t.perform(get);
    REQUIRE(res.has_value());
    REQUIRE_FALSE(res->body_truncated);
    const auto report = emutest::json::parse(res->body, nullptr, false);
    CHECK(landed_sha256(report, "tls.bin") == sha256_hex(data));
    CHECK(landed_sha256(report, "tls2.bin") == sha256_hex(data));
    CHECK(landed_sha256(report, "tls-untrusted.bin").empty());
    CHECK(violation_count(report) == 0);
  }
  remove_directory(dir);
}
