// Tokens that expire (issue 17): --token-ttl-requests, --token-list,
// --tokens-file. An expired token gets Graph's 401 "Lifetime validation
// failed" (counted in token_rejections, not a violation); the next token of
// the list is accepted from then on; requests to pre-authenticated uploadUrls
// carry no bearer and do not count.

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/emulator_process.hpp"
#include "support/graph_client.hpp"

// Each file in its own namespace: rangeup_emulator_test is a unity build (CMakeLists.txt).
namespace emulator_tokens_test_cases {

using namespace emutest;
namespace fs = std::filesystem;

namespace {

json body_of(const http_response& r) { return json::parse(r.body, nullptr, false); }

http_response drive_create(const std::string& base, const std::string& name, const std::string& token) {
  return create_session(base, "/v1.0/me/drive/root:/" + name + ":/createUploadSession", json::object(), token);
}

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token; }

bool is_expired_answer(const http_response& r) {
  const json b = body_of(r);
  return r.status == 401 && b.is_object() && b["error"]["code"] == "InvalidAuthenticationToken" &&
         b["error"]["message"] == "Lifetime validation failed, the token is expired.";
}

std::uint64_t counter(const json& report, const char* name) { return report["counters"][name].get<std::uint64_t>(); }

}  // namespace

TEST_CASE("--token-ttl-requests with --token-list: N requests per token, then 401 expired, then the next token") {
  emulator_process emu({"--token-ttl-requests", "2", "--token-list", "tok-a,tok-b"});
  REQUIRE(emu.started());
  CHECK(drive_create(emu.base(), "1.bin", "tok-a").status == 200);
  // The next token is not valid before its predecessor expired.
  CHECK(drive_create(emu.base(), "2.bin", "tok-b").status == 401);
  CHECK(drive_create(emu.base(), "3.bin", "tok-a").status == 200);
  CHECK(is_expired_answer(drive_create(emu.base(), "4.bin", "tok-a")));
  CHECK(is_expired_answer(drive_create(emu.base(), "5.bin", "tok-a")));  // expired stays expired
  CHECK(drive_create(emu.base(), "6.bin", "tok-b").status == 200);
  CHECK(drive_create(emu.base(), "7.bin", "stranger").status == 401);
  const json report = get_report(emu.base());
  CHECK(counter(report, "token_rejections") == 2);
  CHECK(counter(report, "bearer_requests") == 3);
  CHECK(counter(report, "creates") == 3);
  // Only the tokens that were never valid are violations.
  REQUIRE(report["violations"].size() == 2);
  CHECK(report["violations"][0]["kind"] == "create_unauthorized");
  CHECK(report["violations"][1]["kind"] == "create_unauthorized");
  // The report never shows a token.
  CHECK(report.dump().find("tok-") == std::string::npos);
}

TEST_CASE("without a list every token lives N bearer requests; pre-authenticated uploadUrls do not count") {
  emulator_process emu({"--token-ttl-requests", "1"});
  REQUIRE(emu.started());
  const std::string data = make_data(1000, 5);
  const auto created = drive_create(emu.base(), "d.bin", "first");
  REQUIRE(created.status == 200);
  const std::string url = upload_url_of(created);
  // PROTOCOL.md D3: fragments go without Authorization: no bearer request, no expiry.
  CHECK(put_range(url, data, 0, data.size()).status == 201);
  json report = get_report(emu.base());
  CHECK(counter(report, "bearer_requests") == 1);
  CHECK(counter(report, "token_rejections") == 0);
  // The create used up "first"; any other token is fine (once).
  CHECK(is_expired_answer(drive_create(emu.base(), "e.bin", "first")));
  CHECK(drive_create(emu.base(), "e.bin", "second").status == 200);
  // Single requests carry the bearer too (PROTOCOL.md D7, T4).
  const auto put = put_body(emu.base() + "/v1.0/me/drive/root:/small.bin:/content", "abc", {bearer("second")});
  CHECK(is_expired_answer(put));
  CHECK(put_body(emu.base() + "/v1.0/me/drive/root:/small.bin:/content", "abc", {bearer("third")}).status == 201);
  report = get_report(emu.base());
  CHECK(counter(report, "token_rejections") == 2);
  CHECK(counter(report, "bearer_requests") == 3);
  CHECK(report["violations"].empty());
  CHECK(report["files"].size() == 2);
}

TEST_CASE("to do: fragments, status GET and DELETE carry the bearer and count; a rejected fragment leaves the session as it was") {
  emulator_process emu({"--token-ttl-requests", "3", "--token-list", "t1,t2"});
  REQUIRE(emu.started());
  const std::string data = make_data(30, 9);
  const auto created = create_session(emu.base(), "/v1.0/me/todo/lists/L/tasks/T/attachments/createUploadSession",
                                      {{"attachmentInfo", {{"attachmentType", "file"}, {"name", "n"}, {"size", 30}}}}, "t1");
  REQUIRE(created.status == 201);
  const std::string url = upload_url_of(created);
  CHECK(put_range(url + "/content", data.substr(0, 10), 0, 30, {bearer("t1")}).status == 200);
  CHECK(send("GET", url, {bearer("t1")}).status == 200);  // the third: t1 expires after it
  const auto refused = put_range(url + "/content", data.substr(10, 10), 10, 30, {bearer("t1")});
  CHECK(is_expired_answer(refused));
  // The same fragment again with the next token: taken where the session was.
  CHECK(put_range(url + "/content", data.substr(10, 10), 10, 30, {bearer("t2")}).status == 200);
  CHECK(put_range(url + "/content", data.substr(20), 20, 30, {bearer("t2")}).status == 201);
  const json report = get_report(emu.base());
  CHECK(counter(report, "token_rejections") == 1);
  CHECK(counter(report, "bearer_requests") == 5);
  CHECK(report["violations"].empty());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
}

TEST_CASE("--tokens-file is read at every request: a test rotates tokens by rewriting it") {
  const fs::path dir = fs::temp_directory_path() / ("rangeup-emu-tokens-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "tokens";
  const auto write = [&](const std::string& text) {
    std::ofstream(dir / "tokens.tmp") << text;
    fs::rename(dir / "tokens.tmp", file);  // atomically, as a test should
  };
  write("# the valid tokens, in order\nfile-1\n");
  {
    emulator_process emu({"--token-ttl-requests", "1", "--tokens-file", file.string()});
    REQUIRE(emu.started());
    CHECK(drive_create(emu.base(), "a", "file-1").status == 200);
    CHECK(is_expired_answer(drive_create(emu.base(), "b", "file-1")));
    write("file-1\nfile-2\n");
    CHECK(drive_create(emu.base(), "b", "file-2").status == 200);
    write("file-3\n");  // replacing the content works too: the first unexpired token
    CHECK(drive_create(emu.base(), "c", "file-3").status == 200);
    const json report = get_report(emu.base());
    CHECK(counter(report, "token_rejections") == 1);
    CHECK(report["violations"].empty());
  }
  {
    emulator_process emu({"--tokens-file", (dir / "absent").string()});
    CHECK_FALSE(emu.started());
    CHECK(emu.wait_exit(3000) == 2);
  }
  {
    emulator_process emu({"--token", "x", "--token-list", "y"});
    CHECK_FALSE(emu.started());
    CHECK(emu.wait_exit(3000) == 2);
  }
  fs::remove_all(dir);
}

}  // namespace emulator_tokens_test_cases
