// Concurrency and memory: 8 sessions at once; a 200 MiB upload in 4 MiB
// ranges with the emulator's peak RSS bounded; the sink endpoint.

#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <thread>

#include "support/emulator_process.hpp"
#include "support/graph_client.hpp"
#include "support/sanitizers.hpp"

// Each file in its own namespace: rangeup_emulator_test is a unity build (CMakeLists.txt).
namespace emulator_load_test_cases {

using namespace emutest;

namespace {

// Byte i of the big upload; cheap, position-dependent, not periodic in 4 MiB.
void fill(std::uint64_t offset, char* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t x = offset + i;
    out[i] = static_cast<char>((x * 2654435761u) >> 13 ^ (x >> 22));
  }
}

// The emulator is built with the same flags as this test. Under AddressSanitizer
// its RSS also holds shadow memory and the quarantine of freed blocks (gcc 12 at
// -O0: ~83 MiB for this upload), so the bound there only proves that the 200 MiB
// are not held in memory; without ASan it is the real budget.
#ifdef RANGEUP_TEST_UNDER_ASAN
constexpr long rss_bound_kib = 160 * 1024;
#else
constexpr long rss_bound_kib = 64 * 1024;
#endif

}  // namespace

TEST_CASE("8 concurrent sessions upload interleaved and all land intact") {
  emulator_process emu({"--threads", "2"});
  REQUIRE(emu.started());
  std::vector<std::string> data(8), failures(8);
  std::vector<std::thread> threads;
  for (unsigned k = 0; k < 8; ++k) {
    data[k] = make_data(3 * 1024 * 1024 + k * 1000, k + 1);
    threads.emplace_back([&, k] {
      const auto created = create_session(emu.base(), "/v1.0/me/messages/M" + std::to_string(k) + "/attachments/createUploadSession",
                                          {{"AttachmentItem", {{"attachmentType", "file"}, {"name", "f" + std::to_string(k)}, {"size", data[k].size()}}}});
      const auto responses = upload_all(upload_url_of(created), data[k], 1024 * 1024);
      if (responses.empty() || responses.back().status != 201) failures[k] = "session " + std::to_string(k) + " failed";
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) CHECK(f.empty());
  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 8);
  for (const auto& f : report["files"]) {
    const auto k = std::stoul(f["name"].get<std::string>().substr(1));
    CHECK(f["sha256"] == sha256_hex(data[k]));
  }
  CHECK(report["violations"].empty());
}

TEST_CASE("200 MiB in 4 MiB ranges streams to disk with bounded memory") {
  emulator_process emu;
  REQUIRE(emu.started());
  const std::uint64_t total = 200ull * 1024 * 1024, chunk = 4ull * 1024 * 1024;
  // printDocument: no size cap and no quantum, so exact 4 MiB ranges are valid.
  const auto created = create_session(emu.base(), "/v1.0/print/printers/P/jobs/J/documents/D/createUploadSession",
                                      {{"properties", {{"documentName", "big.bin"}, {"contentType", "application/octet-stream"}, {"size", total}}}});
  const std::string url = upload_url_of(created);
  REQUIRE(!url.empty());
  EVP_MD_CTX* sha = EVP_MD_CTX_new();
  EVP_DigestInit_ex(sha, EVP_sha256(), nullptr);
  std::vector<char> buf(chunk);
  long last_status = 0;
  for (std::uint64_t off = 0; off < total; off += chunk) {
    fill(off, buf.data(), chunk);
    EVP_DigestUpdate(sha, buf.data(), chunk);
    http_request req;
    req.method = "PUT";
    req.url = url;
    req.expect_100 = true;  // exercise the 100-continue path on the big ones
    req.stream_size = chunk;
    req.produce = [&](std::uint64_t at, char* out, std::size_t n) { std::copy_n(buf.data() + at, n, out); };
    req.headers = {"Content-Range: bytes " + std::to_string(off) + "-" + std::to_string(off + chunk - 1) + "/" + std::to_string(total)};
    last_status = perform(req).status;
    if (last_status / 100 != 2) break;
  }
  unsigned char md[32];
  unsigned len = 0;
  EVP_DigestFinal_ex(sha, md, &len);
  EVP_MD_CTX_free(sha);
  static constexpr char hex[] = "0123456789abcdef";
  std::string expected;
  for (unsigned i = 0; i < len; ++i) expected += {hex[md[i] >> 4], hex[md[i] & 15]};

  CHECK(last_status == 201);
  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["size"] == total);
  CHECK(report["files"][0]["sha256"] == expected);
  const long peak_kib = emu.peak_rss_kib();
  MESSAGE("emulator peak RSS (VmHWM) after 200 MiB: " << peak_kib << " KiB");
  CHECK(peak_kib > 0);
  CHECK(peak_kib < rss_bound_kib);
}

TEST_CASE("sink discards and counts") {
  emulator_process emu;
  REQUIRE(emu.started());
  http_request req;
  req.method = "PUT";
  req.url = emu.base() + "/_emulator/sink";
  req.stream_size = 32ull * 1024 * 1024;
  req.produce = [](std::uint64_t, char* out, std::size_t n) { std::fill(out, out + n, 's'); };
  const auto r = perform(req);
  CHECK(r.status == 200);
  CHECK(json::parse(r.body)["bytes"] == req.stream_size);
  CHECK(get_report(emu.base())["counters"]["sink_bytes"] == req.stream_size);
}

}  // namespace emulator_load_test_cases
