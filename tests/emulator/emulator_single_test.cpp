// Uploads that are one request: POST .../attachments with base64
// contentBytes (PROTOCOL.md O3, T4) and the drive simple upload PUT
// .../content (D7); what landed is checked against the report.

#include <doctest/doctest.h>

#include "support/emulator_process.hpp"
#include "support/graph_client.hpp"

// Each file in its own namespace: rangeup_emulator_test is a unity build (CMakeLists.txt).
namespace emulator_single_test_cases {

using namespace emutest;

namespace {

json body_of(const http_response& r) { return json::parse(r.body, nullptr, false); }

json find_file(const json& report, const std::string& id) {
  for (const auto& f : report["files"])
    if (f["id"] == id) return f;
  return json();
}

json file_attachment(const std::string& name, const std::string& data) {
  return {{"@odata.type", "#microsoft.graph.fileAttachment"},
          {"name", name},
          {"contentType", "text/plain"},
          {"contentBytes", base64(data)}};
}

const char* const message_attachments = "/v1.0/me/messages/AAMk=/attachments";

}  // namespace

TEST_CASE("attachment POST: 201 attachment JSON, stored like a session upload with contentType/isInline/contentId") {
  emulator_process emu;
  REQUIRE(emu.started());
  // Up to the 3 000 000-byte switch, and 0 bytes.
  for (const std::size_t size : {std::size_t{2999999}, std::size_t{1}, std::size_t{0}}) {
    CAPTURE(size);
    const std::string data = make_data(size, 5);
    const auto r = create_session(emu.base(), message_attachments, file_attachment("note.txt", data));
    REQUIRE(r.status == 201);
    const auto j = body_of(r);
    CHECK(j["@odata.type"] == "#microsoft.graph.fileAttachment");
    CHECK(j["name"] == "note.txt");
    CHECK(j["contentType"] == "text/plain");
    CHECK(j["size"] == size);
    CHECK(j["isInline"] == false);
    const auto file = find_file(get_report(emu.base()), j["id"]);
    REQUIRE(file.is_object());
    CHECK(file["flavor"] == "message");
    CHECK(file["via"] == "post");
    CHECK(file["size"] == size);
    CHECK(file["sha256"] == sha256_hex(data));
    CHECK(file["contentType"] == "text/plain");
  }

  // An inline image on an event, under /users/{id} and /beta.
  json inline_image = file_attachment("logo.png", "PNG bytes");
  inline_image["contentType"] = "image/png";
  inline_image["isInline"] = true;
  inline_image["contentId"] = "logo@mail";
  const auto r = create_session(emu.base(), "/beta/users/u1/events/EV/attachments", inline_image);
  REQUIRE(r.status == 201);
  CHECK(body_of(r)["isInline"] == true);
  const auto file = find_file(get_report(emu.base()), body_of(r)["id"]);
  CHECK(file["flavor"] == "event");
  CHECK(file["quickXorHash"].get<std::string>().size() == 28);
  CHECK(file["isInline"] == true);
  CHECK(file["contentId"] == "logo@mail");

  // To Do: taskFileAttachment, no isInline in the answer (PROTOCOL.md T4).
  const json task_file = {{"@odata.type", "#microsoft.graph.taskFileAttachment"}, {"name", "t.bin"}, {"contentBytes", base64("todo")}};
  const auto t = create_session(emu.base(), "/v1.0/me/todo/lists/L/tasks/T/attachments", task_file);
  REQUIRE(t.status == 201);
  CHECK(body_of(t)["@odata.type"] == "#microsoft.graph.taskFileAttachment");
  CHECK(!body_of(t).contains("isInline"));
  CHECK(body_of(t)["contentType"].is_null());
  // A file attachment on a task, or a task attachment on a message, is the wrong type.
  CHECK(create_session(emu.base(), "/v1.0/me/todo/lists/L/tasks/T/attachments", file_attachment("x", "x")).status == 400);
  json wrong = task_file;
  CHECK(create_session(emu.base(), message_attachments, wrong).status == 400);
  wrong.erase("@odata.type");
  CHECK(create_session(emu.base(), message_attachments, wrong).status == 400);

  const auto report = get_report(emu.base());
  CHECK(report["counters"]["attachment_posts"] == 8);
  CHECK(report["counters"]["creates"] == 0);
  CHECK(report["files"].size() == 5);
  CHECK(report["violations"].size() == 3);
  CHECK(has_violation(report, "attachment_bad_request"));
}

TEST_CASE("attachment POST: strict base64, name required, bearer required, body over 4 MiB is 413") {
  emulator_process emu({"--token", "tk"});
  REQUIRE(emu.started());
  const auto post = [&](json body, const std::string& token = "tk") {
    return create_session(emu.base(), message_attachments, body, token);
  };
  for (const char* bad : {"aGVsbG8", "aGVs bG8=", "aGVsbG8==", "aGV=bG8=", "aGVsbG-_", "aGVsbG8=\n", "====", "a==="}) {
    CAPTURE(bad);
    json body = file_attachment("f", "");
    body["contentBytes"] = bad;
    const auto r = post(body);
    CHECK(r.status == 400);
  }
  CHECK(has_violation(get_report(emu.base()), "attachment_bad_base64"));
  json no_name = file_attachment("", "abc");
  CHECK(post(no_name).status == 400);
  no_name.erase("name");
  CHECK(post(no_name).status == 400);
  json no_bytes = file_attachment("f", "abc");
  no_bytes.erase("contentBytes");
  CHECK(post(no_bytes).status == 400);
  json bad_inline = file_attachment("f", "abc");
  bad_inline["isInline"] = "yes";
  CHECK(post(bad_inline).status == 400);

  const auto missing = post(file_attachment("f", "abc"), "");
  CHECK(missing.status == 401);
  CHECK(body_of(missing)["error"]["code"] == "InvalidAuthenticationToken");
  CHECK(post(file_attachment("f", "abc"), "wrong").status == 401);
  CHECK(has_violation(get_report(emu.base()), "bearer_unauthorized"));

  // 3 200 000 bytes encode to a body over 4 MiB.
  const auto big = post(file_attachment("big.bin", make_data(3200000)));
  CHECK(big.status == 413);
  CHECK(has_violation(get_report(emu.base()), "attachment_post_too_large"));
  // The same connection-level rule without Content-Length (chunked).
  http_request chunked;
  chunked.method = "POST";
  chunked.url = emu.base() + message_attachments;
  const std::string text = file_attachment("big.bin", make_data(3200000)).dump();
  chunked.stream_size = text.size();
  chunked.produce = [&](std::uint64_t at, char* out, std::size_t n) { text.copy(out, n, at); };
  chunked.headers = {"Authorization: Bearer tk", "Transfer-Encoding: chunked", "Content-Type: application/json"};
  CHECK(perform(chunked).status == 413);

  // A body just under the cap is fine, and 3 000 000+ bytes are fine for the service.
  const std::string data = make_data(3100000, 2);
  const auto ok = post(file_attachment("ok.bin", data));
  CHECK(ok.status == 201);
  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
  CHECK(report["files"][0]["size"] == 3100000);
}

TEST_CASE("drive simple PUT: new 201, replace 200 (the default), fail 409, rename, 0 bytes, look-up, report") {
  emulator_process emu;
  REQUIRE(emu.started());
  const std::vector<std::string> auth = {"Authorization: Bearer t"};
  const std::string url = emu.base() + "/v1.0/me/drive/items/PARENT:/small.txt:/content";
  const std::string data = make_data(4194304, 3);  // exactly 4 MiB: the largest simple upload
  const auto created = put_body(url, data, auth);
  REQUIRE(created.status == 201);
  const auto item = body_of(created);
  CHECK(item["name"] == "small.txt");
  CHECK(item["size"] == data.size());
  CHECK(created.header("etag") == item["eTag"]);
  auto report = get_report(emu.base());
  auto file = find_file(report, item["id"]);
  REQUIRE(file.is_object());
  CHECK(file["via"] == "put");
  CHECK(file["sha256"] == sha256_hex(data));
  CHECK(item["file"]["hashes"]["quickXorHash"] == file["quickXorHash"]);
  // The existing look-up finds it.
  const auto found = send("GET", emu.base() + "/v1.0/me/drive/items/PARENT:/small.txt:", auth);
  CHECK(found.status == 200);
  CHECK(body_of(found)["id"] == item["id"]);

  // No conflictBehavior: PUT's documented default replaces.
  const auto replaced = put_body(url, "second", auth);
  CHECK(replaced.status == 200);
  CHECK(body_of(replaced)["id"] == item["id"]);
  CHECK(body_of(replaced)["size"] == 6);
  const auto explicit_replace = put_body(url + "?@microsoft.graph.conflictBehavior=replace", "third", auth);
  CHECK(explicit_replace.status == 200);
  const auto fail = put_body(url + "?%40microsoft.graph.conflictBehavior=fail", "fourth", auth);
  CHECK(fail.status == 409);
  CHECK(body_of(fail)["error"]["code"] == "nameAlreadyExists");
  const auto renamed = put_body(url + "?@microsoft.graph.conflictBehavior=rename", "fifth", auth);
  CHECK(renamed.status == 201);
  CHECK(body_of(renamed)["name"] == "small 1.txt");
  CHECK(put_body(url + "?@microsoft.graph.conflictBehavior=keep", "x", auth).status == 400);

  // 0 bytes, under root and under /drives/{id}.
  const auto empty = put_body(emu.base() + "/v1.0/drives/D1/root:/Folder/empty.txt:/content", "", auth);
  CHECK(empty.status == 201);
  CHECK(body_of(empty)["size"] == 0);
  CHECK(send("GET", emu.base() + "/v1.0/me/drive/root:/Folder/empty.txt", auth).status == 200);
  // /users/{id}/drive and an update by item id (no conflict behaviour applies).
  const std::string by_id = emu.base() + "/beta/users/u1/drive/items/" + item["id"].get<std::string>() + "/content";
  const auto updated = put_body(by_id + "?@microsoft.graph.conflictBehavior=fail", "by id", auth);
  CHECK(updated.status == 200);
  CHECK(body_of(updated)["id"] == item["id"]);
  CHECK(body_of(updated)["name"] == "small.txt");
  CHECK(put_body(emu.base() + "/v1.0/me/drive/items/nope/content", "x", auth).status == 404);

  report = get_report(emu.base());
  CHECK(report["counters"]["simple_puts"] == 9);
  CHECK(report["counters"]["creates"] == 0);
  CHECK(report["files"].size() == 6);
  CHECK(report["violations"].size() == 1);  // the bad conflictBehavior
}

TEST_CASE("drive simple PUT: bearer required, over 4 MiB is 413, If-Match / If-None-Match, --corrupt-hash") {
  emulator_process emu({"--corrupt-hash"});
  REQUIRE(emu.started());
  const std::vector<std::string> auth = {"Authorization: Bearer t"};
  const std::string url = emu.base() + "/v1.0/me/drive/root:/p.bin:/content";
  CHECK(put_body(url, "abc").status == 401);
  const auto big = put_body(url, make_data(4194305), auth);
  CHECK(big.status == 413);
  auto report = get_report(emu.base());
  CHECK(has_violation(report, "bearer_unauthorized"));
  CHECK(has_violation(report, "simple_upload_too_large"));
  CHECK(report["files"].empty());

  CHECK(put_body(url, "abc", {"Authorization: Bearer t", "If-Match: *"}).status == 412);  // nothing to match yet
  const auto created = put_body(url, "abc", {"Authorization: Bearer t", "If-None-Match: *"});
  REQUIRE(created.status == 201);
  const std::string etag = body_of(created)["eTag"];
  CHECK(put_body(url, "abcd", {"Authorization: Bearer t", "If-None-Match: *"}).status == 412);
  CHECK(put_body(url, "abcd", {"Authorization: Bearer t", "If-Match: \"{other},1\""}).status == 412);
  const auto matched = put_body(url, "abcd", {"Authorization: Bearer t", "If-Match: " + etag});
  CHECK(matched.status == 200);
  report = get_report(emu.base());
  REQUIRE(report["files"].size() == 2);
  // --corrupt-hash: the answer's hash is wrong, the report keeps the true one.
  CHECK(body_of(matched)["file"]["hashes"]["quickXorHash"] != report["files"][1]["quickXorHash"]);
  CHECK(report["files"][1]["sha256"] == sha256_hex("abcd"));
}

}  // namespace emulator_single_test_cases
