// Every fault kind of --faults, and the seeded --fault-rate.

#include <doctest/doctest.h>

#include "support/emulator_process.hpp"
#include "support/graph_client.hpp"

// Each file in its own namespace: rangeup_emulator_test is a unity build (CMakeLists.txt).
namespace emulator_faults_test_cases {

using namespace emutest;

namespace {

const char* const message_path = "/v1.0/me/messages/M/attachments/createUploadSession";

json attachment(std::size_t size) {
  return {{"AttachmentItem", {{"attachmentType", "file"}, {"name", "f"}, {"size", size}}}};
}

std::string next_range(const std::string& url) {
  const auto j = json::parse(send("GET", url).body, nullptr, false);
  const auto r = j.contains("nextExpectedRanges") ? j["nextExpectedRanges"] : j.value("NextExpectedRanges", json());
  return r.is_array() && !r.empty() ? r[0].get<std::string>() : "";
}

}  // namespace

TEST_CASE("fault plan: 500, 503/429 with Retry-After, drop, lost, 404, slow, 416") {
  emulator_process emu({"--faults", "500@1,503@2,429@3:2,drop@5,lost@6,404@8,slow@9,416@10", "--retry-after", "2",
                        "--slow-ms", "300", "--allow-small-sessions"});
  REQUIRE(emu.started());
  const std::string data = make_data(4000);
  const auto chunk = [&](std::size_t i) { return data.substr(i * 1000, 1000); };
  std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(data.size())));

  CHECK(put_range(url, chunk(0), 0, 4000).status == 500);  // #1
  const auto r503 = put_range(url, chunk(0), 0, 4000);     // #2
  CHECK(r503.status == 503);
  CHECK(r503.header("retry-after") == "2");
  for (int i = 0; i < 2; ++i) {  // #3, #4
    const auto r429 = put_range(url, chunk(0), 0, 4000);
    CHECK(r429.status == 429);
    CHECK(r429.header("retry-after") == "2");
  }
  CHECK(next_range(url) == "0");                          // nothing was stored
  CHECK(put_range(url, chunk(0), 0, 4000).status == 0);   // #5 drop: no response
  CHECK(next_range(url) == "0");
  CHECK(put_range(url, chunk(0), 0, 4000).status == 0);   // #6 lost: stored, no response
  CHECK(next_range(url) == "1000");
  // #7: the client could not know #6 landed; its resend gets 416 with where to
  // continue, and is not held against it as a violation.
  const auto resent = put_range(url, chunk(0), 0, 4000);
  CHECK(resent.status == 416);
  CHECK(resent.body.find("\"1000\"") != std::string::npos);
  CHECK(put_range(url, chunk(1), 1000, 4000).status == 404);  // #8: the session vanished
  CHECK(send("GET", url).status == 404);                      // gone, as the client was told

  url = upload_url_of(create_session(emu.base(), message_path, attachment(data.size())));
  const auto slow = put_range(url, chunk(0), 0, 4000);  // #9
  CHECK(slow.status == 200);
  CHECK(slow.seconds >= 0.28);
  const auto r416 = put_range(url, chunk(1), 1000, 4000);  // #10: 416 with where to continue, nothing stored
  CHECK(r416.status == 416);
  CHECK(r416.body.find("\"1000\"") != std::string::npos);
  CHECK(put_range(url, chunk(1), 1000, 4000).status == 200);
  CHECK(put_range(url, chunk(2), 2000, 4000).status == 200);
  CHECK(put_range(url, chunk(3), 3000, 4000).status == 201);

  const auto report = get_report(emu.base());
  CHECK(report["counters"]["faults_injected"] == 9);
  CHECK(report["counters"]["ranges_already_received"] == 1);
  CHECK(report["violations"].empty());  // every fault left the client blameless
  CHECK(report["counters"]["puts"] == 13);
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
}

TEST_CASE("fault rate: seeded, deterministic, only the configured kinds") {
  const auto run = [](const char* seed) {
    emulator_process emu({"--fault-rate", "0.5", "--seed", seed, "--fault-kinds", "500,429", "--retry-after", "0",
                          "--allow-small-sessions"});
    REQUIRE(emu.started());
    const std::string data = make_data(20 * 100);
    const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(data.size())));
    std::string statuses;
    std::size_t off = 0;
    for (int attempt = 0; attempt < 200 && off < data.size(); ++attempt) {
      const auto r = put_range(url, data.substr(off, 100), off, data.size());
      statuses += std::to_string(r.status) + " ";
      if (r.status / 100 == 2) off += 100;
      else CHECK((r.status == 500 || r.status == 429));
    }
    CHECK(off == data.size());
    return statuses;
  };
  const std::string a = run("7"), b = run("7"), c = run("8");
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a.find("500") != std::string::npos);
  CHECK(a.find("429") != std::string::npos);
}

TEST_CASE("fault plan syntax errors are rejected at startup") {
  for (const char* plan : {"boom@1", "500@0", "500@x", "500", "503@2:0"}) {
    CAPTURE(plan);
    emulator_process emu({"--faults", plan});
    CHECK_FALSE(emu.started());
    CHECK(emu.wait_exit(3000) == 2);
  }
}

TEST_CASE("507 and 501: nothing stored; any later request on that session or target is retry_after_fatal") {
  emulator_process emu({"--faults", "507@1,501@2"});
  REQUIRE(emu.started());
  const std::string data = make_data(3000000);
  const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(data.size())));
  const auto r507 = put_range(url, data, 0, data.size());  // #1
  CHECK(r507.status == 507);
  CHECK(r507.body == R"({"error":{"code":"quotaLimitReached","message":"Insufficient Storage"}})");
  const std::string attachments = "/v1.0/me/messages/M/attachments";
  const json small = {{"@odata.type", "#microsoft.graph.fileAttachment"}, {"name", "s"}, {"contentBytes", base64("abc")}};
  const auto r501 = create_session(emu.base(), attachments, small);  // #2
  CHECK(r501.status == 501);
  CHECK(json::parse(r501.body)["error"]["code"] == "notSupported");
  auto report = get_report(emu.base());
  CHECK(report["files"].empty());
  CHECK(report["violations"].empty());
  CHECK(report["counters"]["faults_injected"] == 2);

  // A client that retries anyway: recorded (the requests themselves are served).
  CHECK(next_range(url) == "0");
  CHECK(put_range(url, data, 0, data.size()).status == 201);
  CHECK(create_session(emu.base(), attachments, small).status == 201);
  CHECK(create_session(emu.base(), "/v1.0/me/messages/OTHER/attachments", small).status == 201);  // another target: fine
  report = get_report(emu.base());
  CHECK(has_violation(report, "retry_after_fatal"));
  CHECK(report["violations"].size() == 3);  // status GET, PUT, POST
}

TEST_CASE("faults on single requests share the numbering with session PUTs") {
  emulator_process emu({"--faults", "drop@1,lost@2,500@3,503@4,429@5,slow@6,404@7,416@8,lost@10", "--retry-after", "3",
                        "--slow-ms", "300"});
  REQUIRE(emu.started());
  const std::string attachments = "/v1.0/me/events/E/attachments";
  const auto post = [&](const std::string& name) {
    return create_session(emu.base(), attachments,
                          {{"@odata.type", "#microsoft.graph.fileAttachment"}, {"name", name}, {"contentBytes", base64(name)}});
  };
  const std::string drive = emu.base() + "/v1.0/me/drive/root:/f.txt:/content";
  const std::vector<std::string> auth = {"Authorization: Bearer t"};
  const auto files = [&] { return get_report(emu.base())["files"].size(); };

  CHECK(post("dropped").status == 0);  // #1: nothing stored, no answer
  CHECK(files() == 0);
  CHECK(post("lost").status == 0);  // #2: stored, no answer
  CHECK(files() == 1);
  CHECK(put_body(drive, "x", auth).status == 500);  // #3
  const auto r503 = put_body(drive, "x", auth);      // #4
  CHECK(r503.status == 503);
  CHECK(r503.header("retry-after") == "3");
  const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(3000000)));
  CHECK(put_range(url, "abc", 0, 3000000).status == 429);  // #5: a session PUT in the same sequence
  const auto slow = post("slow");                          // #6
  CHECK(slow.status == 201);
  CHECK(slow.seconds >= 0.28);
  CHECK(post("gone").status == 404);             // #7: nothing stored
  CHECK(put_body(drive, "x", auth).status == 500);  // #8: 416 has no meaning here, acts as 500
  CHECK(files() == 2);
  CHECK(put_body(drive, "first", auth).status == 201);  // #9
  CHECK(put_body(drive, "second", auth).status == 0);   // #10: lost, stored (replaced)
  const auto item = send("GET", emu.base() + "/v1.0/me/drive/root:/f.txt", auth);
  CHECK(json::parse(item.body)["size"] == 6);

  const auto report = get_report(emu.base());
  CHECK(report["files"].size() == 4);
  CHECK(report["counters"]["faults_injected"] == 9);
  CHECK(report["counters"]["attachment_posts"] == 4);
  CHECK(report["counters"]["simple_puts"] == 5);
  CHECK(report["counters"]["puts"] == 1);
  CHECK(report["violations"].empty());
}

TEST_CASE("--no-location: the final 201 of attachment sessions carries no Location; the file is there") {
  emulator_process emu({"--no-location"});
  REQUIRE(emu.started());
  const std::string data = make_data(3000000, 4);
  const std::string url = upload_url_of(create_session(emu.base(), message_path, attachment(data.size())));
  const auto done = put_range(url, data, 0, data.size());
  CHECK(done.status == 201);
  CHECK(done.header("location").empty());
  const auto todo = create_session(emu.base(), "/v1.0/me/todo/lists/L/tasks/T/attachments/createUploadSession",
                                   {{"attachmentInfo", {{"attachmentType", "file"}, {"name", "t"}, {"size", 3}}}});
  const auto todo_done = put_range(upload_url_of(todo) + "/content", "abc", 0, 3, {"Authorization: Bearer t"});
  CHECK(todo_done.status == 201);
  CHECK(todo_done.header("location").empty());
  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 2);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
  CHECK(report["violations"].empty());
}

}  // namespace emulator_faults_test_cases
