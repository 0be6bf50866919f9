// Fault "hold" (a request read whole, held --slow-ms, then applied as if it
// had just arrived) and sessions completed by a request whose answer the
// client never got ("slow" like "lost"): docs/PROTOCOL.md E8.

#include <signal.h>

#include <chrono>
#include <functional>
#include <thread>

#include <doctest/doctest.h>

#include "support/emulator_process.hpp"
#include "support/graph_client.hpp"

// Each file in its own namespace: rangeup_emulator_test is a unity build (CMakeLists.txt).
namespace emulator_hold_test_cases {

using namespace emutest;

namespace {

const char* const message_path = "/v1.0/me/messages/M/attachments/createUploadSession";

json attachment(std::size_t size) {
  return {{"AttachmentItem", {{"attachmentType", "file"}, {"name", "f"}, {"size", size}}}};
}

std::string next_range_of(const http_response& r) {
  const auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object()) return "";
  const auto ranges = j.contains("nextExpectedRanges") ? j["nextExpectedRanges"] : j.value("NextExpectedRanges", json());
  return ranges.is_array() && !ranges.empty() ? ranges[0].get<std::string>() : "";
}

std::uint64_t counter(const std::string& base, const char* name) {
  return get_report(base)["counters"].value(name, std::uint64_t{0});
}

// Polls `done` every 20 ms for at most `ms`.
bool eventually(const std::function<bool()>& done, int ms = 5000) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// A PUT whose client gives up (closes the connection) after `ms`: from the
// server's side, a client killed while its request was out.
http_response put_and_leave(const std::string& url, const std::string& data, std::uint64_t first, std::uint64_t total,
                            long ms) {
  auto req = range_request(url, data, first, total);
  req.timeout_ms = ms;
  return perform(req);
}

}  // namespace

TEST_CASE("hold: while the last fragment is held the status is the old one; a resend waits, then 404, no violation") {
  emulator_process emu({"--faults", "hold@2", "--slow-ms", "1000", "--allow-small-sessions"});
  REQUIRE(emu.started());
  const std::string data = make_data(2000, 7);
  const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(data.size())));
  REQUIRE(put_range(url, data.substr(0, 1000), 0, 2000).status == 200);  // #1

  http_response held;
  std::thread sender([&] { held = put_range(url, data.substr(1000), 1000, 2000); });  // #2, held
  REQUIRE(eventually([&] { return counter(emu.base(), "faults_injected") == 1; }));
  // Held: nothing stored, the session as before, answered at once.
  const auto status = send("GET", url);
  CHECK(status.status == 200);
  CHECK(next_range_of(status) == "1000");
  CHECK(status.seconds < 0.5);
  CHECK(counter(emu.base(), "completed") == 0);
  // A resumed client resends the range: it waits for the held request (no
  // concurrent_fragment 409), which completes the session; then 404.
  const auto resent = put_range(url, data.substr(1000), 1000, 2000);  // #3
  sender.join();
  CHECK(held.status == 201);
  CHECK(held.seconds >= 0.9);
  CHECK(resent.status == 404);
  CHECK(resent.seconds >= 0.3);  // it waited
  CHECK(send("GET", url).status == 404);

  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
  CHECK(report["counters"]["faults_injected"] == 1);
  CHECK(report["counters"]["puts"] == 3);
  CHECK(report["violations"].empty());
}

TEST_CASE("hold: a resend of the range a held fragment stored waits, then 416 without violation") {
  emulator_process emu({"--faults", "hold@1", "--slow-ms", "800", "--allow-small-sessions"});
  REQUIRE(emu.started());
  const std::string data = make_data(3000, 8);
  const auto chunk = [&](std::size_t i) { return data.substr(i * 1000, 1000); };
  const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(data.size())));

  http_response held;
  std::thread sender([&] { held = put_range(url, chunk(0), 0, 3000); });  // #1, held
  REQUIRE(eventually([&] { return counter(emu.base(), "faults_injected") == 1; }));
  CHECK(next_range_of(send("GET", url)) == "0");
  const auto resent = put_range(url, chunk(0), 0, 3000);  // #2: waits
  sender.join();
  CHECK(held.status == 200);
  CHECK(next_range_of(held) == "1000");
  CHECK(resent.status == 416);
  CHECK(next_range_of(resent) == "1000");
  CHECK(put_range(url, chunk(1), 1000, 3000).status == 200);
  CHECK(put_range(url, chunk(2), 2000, 3000).status == 201);

  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
  CHECK(report["counters"]["ranges_already_received"] == 1);
  CHECK(report["violations"].empty());
}

TEST_CASE("hold: the held request of a client that is gone still takes effect (session and single request)") {
  emulator_process emu({"--faults", "hold@1,hold@2", "--slow-ms", "800"});
  REQUIRE(emu.started());
  const std::vector<std::string> auth = {"Authorization: Bearer t"};
  const std::string data = make_data(2000, 9);
  const auto created = create_session(emu.base(), "/v1.0/me/drive/root:/held.bin:/createUploadSession",
                                      {{"item", {{"@microsoft.graph.conflictBehavior", "fail"}}}}, "t");
  const std::string url = upload_url_of(created);
  REQUIRE_FALSE(url.empty());
  CHECK(put_and_leave(url, data, 0, data.size(), 200).status == 0);  // #1: the client left
  CHECK(counter(emu.base(), "completed") == 0);                        // still held
  CHECK(send("GET", emu.base() + "/v1.0/me/drive/root:/held.bin", auth).status == 404);
  REQUIRE(eventually([&] { return counter(emu.base(), "completed") == 1; }));
  const auto item = send("GET", emu.base() + "/v1.0/me/drive/root:/held.bin", auth);
  CHECK(item.status == 200);
  CHECK(json::parse(item.body)["size"] == 2000);
  CHECK(send("GET", url).status == 404);  // completed by the held request: no violation

  // #2: an attachment POST, its client gone before the hold ends.
  http_request post;
  post.method = "POST";
  post.url = emu.base() + "/v1.0/me/messages/M/attachments";
  post.headers = {"Content-Type: application/json", "Authorization: Bearer t"};
  post.body = json{{"@odata.type", "#microsoft.graph.fileAttachment"}, {"name", "p"}, {"contentBytes", base64("post")}}.dump();
  post.timeout_ms = 200;
  CHECK(perform(post).status == 0);
  CHECK(counter(emu.base(), "completed") == 1);
  REQUIRE(eventually([&] { return counter(emu.base(), "completed") == 2; }));

  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 2);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
  CHECK(report["files"][1]["sha256"] == sha256_hex("post"));
  CHECK(report["counters"]["faults_injected"] == 2);
  CHECK(report["violations"].empty());
}

TEST_CASE("slow: a session completed by a request whose client is gone; later requests get 404 without violation") {
  emulator_process emu({"--faults", "slow@2", "--slow-ms", "1000", "--allow-small-sessions"});
  REQUIRE(emu.started());
  const std::string data = make_data(2000, 10);
  const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(data.size())));
  REQUIRE(put_range(url, data.substr(0, 1000), 0, 2000).status == 200);  // #1
  CHECK(put_and_leave(url, data.substr(1000), 1000, 2000, 200).status == 0);  // #2: stored, answer delayed
  CHECK(counter(emu.base(), "completed") == 1);
  // A resumed client cannot know the session ended.
  CHECK(send("GET", url).status == 404);
  CHECK(put_range(url, data.substr(1000), 1000, 2000).status == 404);  // #3
  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
  CHECK(report["violations"].empty());
}

TEST_CASE("hold: --idle-exit waits for a pending hold; SIGTERM during a hold exits at once") {
  {
    emulator_process emu({"--faults", "hold@1", "--slow-ms", "2500", "--idle-exit", "1", "--allow-small-sessions"});
    REQUIRE(emu.started());
    const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(1000)));
    const auto held = put_range(url, make_data(1000), 0, 1000);
    CHECK(held.status == 201);  // the emulator did not go idle under the hold
    CHECK(held.seconds >= 2.4);
    CHECK(emu.wait_exit(5000) == 0);  // then it does
  }
  {
    emulator_process emu({"--faults", "hold@1", "--slow-ms", "60000", "--allow-small-sessions", "--threads", "3"});
    REQUIRE(emu.started());
    const std::string data = make_data(1000);
    const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(1000)));
    http_response held, waiting;
    std::thread a([&] { held = put_range(url, data, 0, 1000); });
    REQUIRE(eventually([&] { return counter(emu.base(), "faults_injected") == 1; }));
    std::thread b([&] { waiting = put_range(url, data, 0, 1000); });
    REQUIRE(eventually([&] { return counter(emu.base(), "puts") == 2; }));
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(emu.stop(SIGTERM, 5000) == 0);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
    a.join();
    b.join();
    CHECK(held.status == 0);
    CHECK(waiting.status == 0);
  }
}

TEST_CASE("hold is for plans only: --fault-kinds hold is refused") {
  emulator_process emu({"--fault-rate", "0.5", "--fault-kinds", "500,hold"});
  CHECK_FALSE(emu.started());
  CHECK(emu.wait_exit(3000) == 2);
}

}  // namespace emulator_hold_test_cases
