// Every strictness rule: the request is rejected with the documented status,
// the violation is recorded in the report, and the session stays usable.

#include <doctest/doctest.h>

#include <ctime>
#include <thread>

#include "support/emulator_process.hpp"
#include "support/graph_client.hpp"

// Each file in its own namespace: rangeup_emulator_test is a unity build (CMakeLists.txt).
namespace emulator_strict_test_cases {

using namespace emutest;

namespace {

std::string new_message_session(const std::string& base, std::size_t size) {
  return upload_url_of(create_session(base, "/v1.0/me/messages/M/attachments/createUploadSession",
                                      {{"AttachmentItem", {{"attachmentType", "file"}, {"name", "f"}, {"size", size}}}}));
}

std::string new_drive_session(const std::string& base, const std::string& name) {
  return upload_url_of(create_session(base, "/v1.0/me/drive/root:/" + name + ":/createUploadSession", json::object()));
}

http_response put_raw(const std::string& url, const std::string& body, std::vector<std::string> headers) {
  http_request req;
  req.method = "PUT";
  req.url = url;
  req.body = body;
  req.headers = std::move(headers);
  return perform(req);
}

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.fff]Z".
long long parse_time(const std::string& iso) {
  std::tm tm{};
  if (sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(timegm(&tm));
}

}  // namespace

TEST_CASE("strict uploadUrl rules: each violation gets its status and is recorded") {
  emulator_process emu({"--allow-small-sessions"});
  REQUIRE(emu.started());
  const std::string data = make_data(3000);
  const std::string url = new_message_session(emu.base(), data.size());
  REQUIRE(!url.empty());

  CHECK(put_range(url, data.substr(0, 1000), 0, 3000, {"Authorization: Bearer test-token"}).status == 401);
  CHECK(put_raw(url, "abc", {}).status == 400);                                      // no Content-Range
  CHECK(put_raw(url, "abc", {"Content-Range: bytes 0-2"}).status == 400);            // malformed
  CHECK(put_raw(url, "abc", {"Content-Range: bytes 2-0/3000"}).status == 400);       // inverted
  CHECK(put_raw(url, "abc", {"Content-Range: bytes 0-9/3000"}).status == 400);       // Content-Length 3 != 10
  CHECK(put_range(url, data.substr(0, 1000), 0, 2999).status == 400);                // total != declared size
  CHECK(put_range(url, data.substr(1000, 1000), 1000, 3000).status == 400);          // gap: out of order
  const std::string altered = url.substr(0, url.size() - 1) + (url.back() == 'a' ? 'b' : 'a');
  CHECK(put_range(altered, data.substr(0, 1000), 0, 3000).status == 401);
  CHECK(put_range(url.substr(0, url.find('?')), data.substr(0, 1000), 0, 3000).status == 401);  // token missing

  // The session is still at 0 and takes a correct upload; a repeat of a range already received is 416.
  CHECK(put_range(url, data.substr(0, 1000), 0, 3000).status == 200);
  const auto again = put_range(url, data.substr(0, 1000), 0, 3000);
  CHECK(again.status == 416);
  const auto j = json::parse(again.body);
  CHECK((j.value("nextExpectedRanges", json()) == json::array({"1000"}) ||
         j.value("NextExpectedRanges", json()) == json::array({"1000"})));
  CHECK(put_range(url, data.substr(500, 1000), 500, 3000).status == 400);  // partial overlap
  CHECK(put_range(url, data.substr(1000), 1000, 3000).status == 201);

  const auto report = get_report(emu.base());
  for (const char* kind : {"auth_on_upload_url", "content_range_missing", "content_range_invalid", "content_length_mismatch",
                           "total_mismatch", "range_out_of_order", "bad_upload_token", "range_already_received"}) {
    CAPTURE(kind);
    CHECK(has_violation(report, kind));
  }
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
}

TEST_CASE("flavor limits: Outlook 4 MiB cap, drive quantum and 60 MiB cap, size caps at create") {
  emulator_process emu;
  REQUIRE(emu.started());
  const std::size_t four_mib = 4 * 1024 * 1024;
  const std::string url = new_message_session(emu.base(), 10 * 1024 * 1024);
  CHECK(put_range(url, make_data(four_mib + 1), 0, 10 * 1024 * 1024).status == 413);
  CHECK(put_range(url, make_data(four_mib), 0, 10 * 1024 * 1024).status == 200);  // > 4 000 000: recorded, taken

  const std::string drive = new_drive_session(emu.base(), "q.bin");
  CHECK(put_range(drive, make_data(327680 + 1), 0, 2000000).status == 400);  // off the 320 KiB quantum
  CHECK(put_range(drive, make_data(327680), 0, 2000000).status == 202);
  // 60 MiB fragment: announced with Expect: 100-continue, rejected before the body is sent.
  http_request big;
  big.method = "PUT";
  big.url = new_drive_session(emu.base(), "big.bin");
  big.expect_100 = true;
  big.stream_size = 60ull * 1024 * 1024;
  big.produce = [](std::uint64_t, char* out, std::size_t n) { std::fill(out, out + n, 'x'); };
  big.headers = {"Content-Range: bytes 0-" + std::to_string(big.stream_size - 1) + "/100000000"};
  CHECK(perform(big).status == 413);
  CHECK(put_range(drive, make_data(2000000 - 327680), 327680, 2000000).status == 201);  // last may be any size

  const auto attachment = [](std::uint64_t size) {
    return json{{"AttachmentItem", {{"attachmentType", "file"}, {"name", "f"}, {"size", size}}}};
  };
  const std::string path = "/v1.0/me/messages/M/attachments/createUploadSession";
  CHECK(create_session(emu.base(), path, attachment(157286400)).status == 201);
  CHECK(create_session(emu.base(), path, attachment(157286401)).status == 400);
  CHECK(create_session(emu.base(), path, attachment(0)).status == 400);

  const auto report = get_report(emu.base());
  for (const char* kind : {"fragment_too_large", "fragment_off_quantum", "size_out_of_range"}) {
    CAPTURE(kind);
    CHECK(has_violation(report, kind));
  }
}

TEST_CASE("sessions expire after --session-ttl; each fragment extends the expiry") {
  emulator_process emu({"--session-ttl", "2", "--allow-small-sessions"});
  REQUIRE(emu.started());
  const auto created = create_session(emu.base(), "/v1.0/me/messages/M/attachments/createUploadSession",
                                      {{"AttachmentItem", {{"attachmentType", "file"}, {"name", "f"}, {"size", 100}}}});
  const long long now = static_cast<long long>(std::time(nullptr));
  const long long expires = parse_time(json::parse(created.body)["expirationDateTime"]);
  CHECK(expires >= now + 1);
  CHECK(expires <= now + 3);
  const std::string url = upload_url_of(created);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto r = put_range(url, make_data(10), 0, 100);  // extends to now + 2
  REQUIRE(r.status == 200);
  const auto j = json::parse(r.body);
  const auto extended = parse_time(j.value("expirationDateTime", j.value("ExpirationDateTime", std::string())));
  CHECK(extended >= expires + 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // 2.4 s after create, 1.2 s after the fragment
  CHECK(put_range(url, make_data(10), 10, 100).status == 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2300));
  CHECK(put_range(url, make_data(10), 20, 100).status == 404);
  CHECK(send("GET", url).status == 404);
  const auto report = get_report(emu.base());
  CHECK(has_violation(report, "session_expired"));
  CHECK(has_violation(report, "unknown_session"));
}

TEST_CASE("Outlook sessions under 3 000 000 bytes: 400 under 2 097 152, a recorded violation above; --allow-small-sessions") {
  const std::string path = "/v1.0/me/messages/M/attachments/createUploadSession";
  const auto attachment = [](std::uint64_t size) {
    return json{{"AttachmentItem", {{"attachmentType", "file"}, {"name", "f"}, {"size", size}}}};
  };
  {
    emulator_process emu;
    REQUIRE(emu.started());
    const auto small = create_session(emu.base(), path, attachment(2097151));
    CHECK(small.status == 400);
    CHECK(json::parse(small.body)["error"]["code"] == "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize");
    CHECK(get_report(emu.base())["violations"].size() == 1);
    CHECK(has_violation(get_report(emu.base()), "attachment_session_too_small"));
    CHECK(create_session(emu.base(), path, attachment(2097152)).status == 201);  // taken, but recorded
    CHECK(get_report(emu.base())["violations"].size() == 2);
    CHECK(create_session(emu.base(), path, attachment(3000000)).status == 201);
    CHECK(create_session(emu.base(), "/v1.0/me/events/E/attachments/createUploadSession", attachment(5)).status == 400);
    // To Do has no minimum (PROTOCOL.md T1).
    CHECK(create_session(emu.base(), "/v1.0/me/todo/lists/L/tasks/T/attachments/createUploadSession",
                         {{"attachmentInfo", {{"attachmentType", "file"}, {"name", "f"}, {"size", 5}}}})
              .status == 201);
    const auto report = get_report(emu.base());
    CHECK(report["violations"].size() == 3);
    CHECK(report["counters"]["creates"] == 3);
  }
  {
    emulator_process emu({"--allow-small-sessions"});
    REQUIRE(emu.started());
    CHECK(create_session(emu.base(), path, attachment(5)).status == 201);
    CHECK(create_session(emu.base(), path, attachment(2500000)).status == 201);
    CHECK(get_report(emu.base())["violations"].empty());
  }
}

TEST_CASE("Outlook and To Do fragments over 4 000 000 bytes are recorded (and taken up to 4 MiB)") {
  emulator_process emu;
  REQUIRE(emu.started());
  const std::uint64_t total = 9000000;
  const std::string url = new_message_session(emu.base(), total);
  const auto r = put_range(url, make_data(4000001), 0, total);
  CHECK(r.status == 200);
  auto report = get_report(emu.base());
  CHECK(has_violation(report, "fragment_too_large"));
  CHECK(report["violations"].size() == 1);
  CHECK(put_range(url, make_data(4000000), 4000001, total).status == 200);  // exactly 4 000 000: fine
  CHECK(get_report(emu.base())["violations"].size() == 1);

  const auto todo = create_session(emu.base(), "/v1.0/me/todo/lists/L/tasks/T/attachments/createUploadSession",
                                   {{"attachmentInfo", {{"attachmentType", "file"}, {"name", "f"}, {"size", total}}}});
  const std::string todo_content = upload_url_of(todo) + "/content";
  CHECK(put_range(todo_content, make_data(4194304), 0, total, {"Authorization: Bearer t"}).status == 200);
  CHECK(put_range(todo_content, make_data(4194305), 4194304, total, {"Authorization: Bearer t"}).status == 413);
  report = get_report(emu.base());
  CHECK(report["violations"].size() == 3);
}

}  // namespace emulator_strict_test_cases
