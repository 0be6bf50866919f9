// Every endpoint and flavor end to end, as a protocol-correct client drives
// them; what landed is checked against the report (size, sha256, quickXorHash).

#include <doctest/doctest.h>

#include "support/emulator_process.hpp"
#include "support/graph_client.hpp"

// Each file in its own namespace: rangeup_emulator_test is a unity build (CMakeLists.txt).
namespace emulator_flavors_test_cases {

using namespace emutest;

namespace {

json body_of(const http_response& r) { return json::parse(r.body, nullptr, false); }

// The one key of an Outlook fragment response, in either casing.
json key(const json& j, const char* camel, const char* pascal) { return j.contains(camel) ? j[camel] : j.value(pascal, json()); }

json find_file(const json& report, const std::string& id) {
  for (const auto& f : report["files"])
    if (f["id"] == id) return f;
  return json();
}

// The id in Outlook's ".../Attachments('ID')" or To Do's ".../Attachments/ID".
std::string attachment_id(const std::string& location) {
  if (const auto at = location.find("Attachments('"); at != std::string::npos)
    return location.substr(at + 13, location.find("')", at + 13) - at - 13);
  const auto at = location.find("/Attachments/");
  return at == std::string::npos ? "" : location.substr(at + 13);
}

const std::string bearer = "Authorization: Bearer test-token";

json attachment(const char* key_name, const std::string& name, std::size_t size) {
  return {{key_name, {{"attachmentType", "file"}, {"name", name}, {"size", size}, {"contentType", "application/octet-stream"}}}};
}

}  // namespace

TEST_CASE("outlook message and event attachments: 200 bare ranges, final 201 + Location, sha256 in report") {
  emulator_process emu;
  REQUIRE(emu.started());
  struct target {
    const char* path;
    const char* entity;
  };
  for (const target t : {target{"/v1.0/me/messages/AAMkMSG=/attachments/createUploadSession", "/Messages('AAMkMSG=')"},
                         target{"/beta/users/alice@contoso.test/events/EV1/attachments/createUploadSession",
                                "Users('alice@contoso.test')/Events('EV1')"}}) {
    CAPTURE(t.path);
    const std::string data = make_data(9 * 1024 * 1024 + 5);
    const auto created = create_session(emu.base(), t.path, attachment("AttachmentItem", "flower.bin", data.size()));
    REQUIRE(created.status == 201);
    const auto session = body_of(created);
    CHECK(session["nextExpectedRanges"] == json::array({"0-"}));
    CHECK(session["expirationDateTime"].get<std::string>().back() == 'Z');
    const std::string url = upload_url_of(created);
    CHECK(url.find(emu.base() + "/upload/") == 0);
    CHECK(url.find("?authtoken=") != std::string::npos);

    const auto responses = upload_all(url, data, 4 * 1024 * 1024);
    REQUIRE(responses.size() == 3);
    for (std::size_t i = 0; i < 2; ++i) {
      CHECK(responses[i].status == 200);
      const auto j = body_of(responses[i]);
      CHECK(key(j, "nextExpectedRanges", "NextExpectedRanges") == json::array({std::to_string((i + 1) * 4 * 1024 * 1024)}));
      CHECK(!key(j, "expirationDateTime", "ExpirationDateTime").is_null());
    }
    const auto& last = responses.back();
    CHECK(last.status == 201);
    CHECK(last.body.empty());
    const std::string location = last.header("location");
    CHECK(location.find(emu.base() + "/api/v2.0/") == 0);
    CHECK(location.find(t.entity) != std::string::npos);
    const auto file = find_file(get_report(emu.base()), attachment_id(location));
    REQUIRE(file.is_object());
    CHECK(file["size"] == data.size());
    CHECK(file["sha256"] == sha256_hex(data));
    CHECK(file["name"] == "flower.bin");
    // The session is gone once complete.
    CHECK(send("GET", url).status == 404);
  }
}

TEST_CASE("outlook quirks are seeded: PascalCase keys on some sessions, camelCase on others") {
  emulator_process emu({"--seed", "3"});
  REQUIRE(emu.started());
  int pascal = 0, camel = 0;
  for (int i = 0; i < 12; ++i) {
    const auto created = create_session(emu.base(), "/v1.0/me/messages/M/attachments/createUploadSession",
                                        attachment("AttachmentItem", "a", 3000000));
    const auto r = put_range(upload_url_of(created), "12345", 0, 3000000);
    REQUIRE(r.status == 200);
    const auto j = body_of(r);
    pascal += j.contains("NextExpectedRanges") && j["NextExpectedRanges"] == json::array({"5"});
    camel += j.contains("nextExpectedRanges") && j["nextExpectedRanges"] == json::array({"5"});
  }
  CHECK(pascal > 0);
  CHECK(camel > 0);
  CHECK(pascal + camel == 12);
}

TEST_CASE("to do task attachments: attachmentInfo, 25 MiB cap, Graph uploadUrl, PUT .../content with bearer, 200 then 201") {
  emulator_process emu;
  REQUIRE(emu.started());
  const std::string path = "/v1.0/me/todo/lists/L1/tasks/T1/attachments/createUploadSession";
  CHECK(create_session(emu.base(), path, attachment("attachmentInfo", "big", 26214401)).status == 400);
  CHECK(create_session(emu.base(), path, attachment("AttachmentItem", "x", 10)).status == 400);
  const std::string data = make_data(5 * 1024 * 1024, 7);
  const auto created = create_session(emu.base(), path, attachment("attachmentInfo", "notes.txt", data.size()));
  REQUIRE(created.status == 201);
  // PROTOCOL.md T1: a plain Graph URL under the create's version and user, no token.
  const std::string url = upload_url_of(created);
  CHECK(url.find(emu.base() + "/v1.0/me/todo/lists/L1/tasks/T1/attachmentSessions/") == 0);
  CHECK(url.find('?') == std::string::npos);
  // T2: fragments of at most 4 000 000 bytes to {uploadUrl}/content with the bearer.
  const auto first = put_range(url + "/content", data.substr(0, 4000000), 0, data.size(), {bearer});
  CHECK(first.status == 200);
  CHECK(body_of(first)["NextExpectedRanges"] == json::array({"4000000"}));  // T3: PascalCase
  CHECK(!body_of(first)["ExpirationDateTime"].is_null());
  const auto last = put_range(url + "/content", data.substr(4000000), 4000000, data.size(), {bearer});
  CHECK(last.status == 201);
  const std::string location = last.header("location");
  CHECK(location.find(emu.base() + "/v1.0/me/todo/lists/L1/tasks/T1/Attachments/") == 0);  // slash form
  const auto report = get_report(emu.base());
  const auto file = find_file(report, attachment_id(location));
  REQUIRE(file.is_object());
  CHECK(file["flavor"] == "todo");
  CHECK(file["via"] == "session");
  CHECK(file["sha256"] == sha256_hex(data));
  CHECK(report["violations"].size() == 2);  // only the two refused creates
}

TEST_CASE("to do: /users/{id} and /beta are kept in the uploadUrl; the bearer is required on /content, GET and DELETE") {
  emulator_process emu({"--token", "tk"});
  REQUIRE(emu.started());
  const auto created = create_session(emu.base(), "/beta/users/u%401/todo/lists/L%3D/tasks/T2/attachments/createUploadSession",
                                      attachment("attachmentInfo", "n", 20), "tk");
  REQUIRE(created.status == 201);
  const std::string url = upload_url_of(created);
  CHECK(url.find(emu.base() + "/beta/users/u@1/todo/lists/L=/tasks/T2/attachmentSessions/") == 0);
  const std::string data = make_data(20, 3);
  const auto ok = std::vector<std::string>{"Authorization: Bearer tk"};

  const auto missing = put_range(url + "/content", data.substr(0, 10), 0, 20);
  CHECK(missing.status == 401);
  CHECK(body_of(missing)["error"]["code"] == "InvalidAuthenticationToken");
  CHECK(put_range(url + "/content", data.substr(0, 10), 0, 20, {"Authorization: Bearer wrong"}).status == 401);
  CHECK(send("GET", url).status == 401);
  CHECK(send("DELETE", url).status == 401);
  // A PUT to the uploadUrl itself is not where To Do takes bytes.
  CHECK(put_range(url, data.substr(0, 10), 0, 20, ok).status == 405);
  auto report = get_report(emu.base());
  CHECK(has_violation(report, "todo_missing_bearer"));
  CHECK(has_violation(report, "todo_put_without_content"));
  CHECK(report["violations"].size() == 5);

  // Nothing above moved the session; with the bearer everything works.
  CHECK(put_range(url + "/content", data.substr(0, 10), 0, 20, ok).status == 200);
  const auto status = send("GET", url, ok);
  CHECK(status.status == 200);
  CHECK(body_of(status)["NextExpectedRanges"] == json::array({"10"}));
  // An altered uploadUrl (another task) is no session.
  std::string other = url;
  other.replace(other.find("/T2/"), 4, "/T3/");
  CHECK(put_range(other + "/content", data.substr(10), 10, 20, ok).status == 404);
  const auto last = put_range(url + "/content", data.substr(10), 10, 20, ok);
  CHECK(last.status == 201);
  CHECK(last.header("location").find(emu.base() + "/beta/users/u@1/todo/lists/L=/tasks/T2/Attachments/") == 0);
  report = get_report(emu.base());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
}

TEST_CASE("driveItem: 202 open ranges, driveItem JSON with quickXorHash, conflicts fail/rename/replace") {
  emulator_process emu({"--seed", "5"});
  REQUIRE(emu.started());
  const std::string path = "/v1.0/me/drive/items/PARENT1:/report.pdf:/createUploadSession";
  const std::string data = make_data(3 * 327680 + 1000, 9);
  const auto created = create_session(emu.base(), path, json::object());
  REQUIRE(created.status == 200);
  const auto responses = upload_all(upload_url_of(created), data, 2 * 327680);
  REQUIRE(responses.size() == 2);
  CHECK(responses[0].status == 202);
  CHECK(body_of(responses[0])["nextExpectedRanges"] == json::array({std::to_string(2 * 327680) + "-"}));
  CHECK(responses[1].status == 201);
  const auto item = body_of(responses[1]);
  CHECK(item["name"] == "report.pdf");
  CHECK(item["size"] == data.size());
  const auto file = find_file(get_report(emu.base()), item["id"]);
  REQUIRE(file.is_object());
  CHECK(file["sha256"] == sha256_hex(data));
  CHECK(item["file"]["hashes"]["quickXorHash"] == file["quickXorHash"]);

  const auto upload_again = [&](const json& body) {
    const auto c = create_session(emu.base(), path, body);
    REQUIRE(c.status == 200);
    return put_range(upload_url_of(c), "tiny", 0, 4);
  };
  const auto fail = upload_again({{"item", {{"@microsoft.graph.conflictBehavior", "fail"}}}});
  CHECK(fail.status == 409);
  CHECK(body_of(fail)["error"]["code"] == "nameAlreadyExists");
  CHECK(upload_again(json::object()).status == 409);  // fail is the default
  const auto renamed = upload_again({{"item", {{"@microsoft.graph.conflictBehavior", "rename"}}}});
  CHECK(renamed.status == 201);
  CHECK(body_of(renamed)["name"] == "report 1.pdf");
  const auto renamed2 = upload_again({{"item", {{"@microsoft.graph.conflictBehavior", "rename"}}}});
  CHECK(body_of(renamed2)["name"] == "report 2.pdf");
  const auto replaced = upload_again({{"item", {{"@microsoft.graph.conflictBehavior", "replace"}}}});
  CHECK(replaced.status == 200);
  CHECK(body_of(replaced)["id"] == item["id"]);
  CHECK(body_of(replaced)["size"] == 4);

  // Some seeded create responses omit nextExpectedRanges (clients treat it as "0-").
  int without = 0;
  for (int i = 0; i < 9; ++i)
    without += !body_of(create_session(emu.base(), "/v1.0/me/drive/root:/x" + std::to_string(i) + ":/createUploadSession",
                                       json::object()))
                    .contains("nextExpectedRanges");
  CHECK(without > 0);
  CHECK(without < 9);
}

TEST_CASE("driveItem: root path, deferCommit POST, update by id, If-Match / If-None-Match") {
  emulator_process emu;
  REQUIRE(emu.started());
  const std::string path = "/beta/users/u1/drive/root:/Folder%20A/notes.txt:/createUploadSession";
  const std::string data = make_data(700000, 11);
  const auto created = create_session(emu.base(), path, {{"deferCommit", true}});
  REQUIRE(created.status == 200);
  const std::string url = upload_url_of(created);
  const auto responses = upload_all(url, data, 327680);
  CHECK(responses.back().status == 202);  // deferred: no item yet
  CHECK(body_of(responses.back())["nextExpectedRanges"] == json::array());
  const auto committed = send("POST", url);
  CHECK(committed.status == 201);
  const auto item = body_of(committed);
  CHECK(item["name"] == "notes.txt");
  CHECK(find_file(get_report(emu.base()), item["id"])["sha256"] == sha256_hex(data));
  const std::string etag = item["eTag"];

  // Preconditions against the existing item.
  CHECK(create_session(emu.base(), path, json::object(), "test-token", {"If-None-Match: *"}).status == 412);
  CHECK(create_session(emu.base(), path, json::object(), "test-token", {"If-Match: \"{nope},1\""}).status == 412);
  const auto matched = create_session(emu.base(), path, {{"item", {{"@microsoft.graph.conflictBehavior", "replace"}}}},
                                      "test-token", {"If-Match: " + etag});
  CHECK(matched.status == 200);
  CHECK(create_session(emu.base(), "/v1.0/me/drive/root:/new.txt:/createUploadSession", json::object(), "test-token",
                       {"If-None-Match: *"})
            .status == 200);

  // Update by id, via /drives/{drive-id}/items/{item-id}/createUploadSession.
  const std::string by_id = "/v1.0/drives/D1/items/" + item["id"].get<std::string>() + "/createUploadSession";
  const auto update = create_session(emu.base(), by_id, json::object());
  REQUIRE(update.status == 200);
  const auto done = put_range(upload_url_of(update), "new content", 0, 11);
  CHECK(done.status == 200);
  CHECK(body_of(done)["id"] == item["id"]);
  CHECK(create_session(emu.base(), "/v1.0/drives/D1/items/missing/createUploadSession", json::object()).status == 404);
}

TEST_CASE("printDocument: closed ranges, tempauthtoken, 202 then 201") {
  emulator_process emu;
  REQUIRE(emu.started());
  const std::string data = make_data(3000, 13);
  const auto created =
      create_session(emu.base(), "/v1.0/print/printers/P1/jobs/J1/documents/D1/createUploadSession",
                     {{"properties", {{"documentName", "doc.pdf"}, {"contentType", "application/pdf"}, {"size", data.size()}}}});
  REQUIRE(created.status == 200);
  CHECK(body_of(created)["nextExpectedRanges"] == json::array({"0-2999"}));
  const std::string url = upload_url_of(created);
  CHECK(url.find("?tempauthtoken=") != std::string::npos);
  const auto responses = upload_all(url, data, 1000);
  CHECK(responses[0].status == 202);
  CHECK(body_of(responses[0])["nextExpectedRanges"] == json::array({"1000-2999"}));
  CHECK(responses[2].status == 201);
  CHECK(body_of(responses[2])["documentName"] == "doc.pdf");
  const auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["flavor"] == "print");
  CHECK(report["files"][0]["sha256"] == sha256_hex(data));
}

TEST_CASE("printDocument: /print/shares route; contentType is required") {
  emulator_process emu;
  REQUIRE(emu.started());
  const auto props = [](const char* content_type) {
    json p = {{"documentName", "doc.pdf"}, {"size", 100}};
    if (content_type) p["contentType"] = content_type;
    return json{{"properties", p}};
  };
  const std::string shares = "/v1.0/print/shares/S1/jobs/J1/documents/D1/createUploadSession";
  const auto created = create_session(emu.base(), shares, props("application/pdf"));
  REQUIRE(created.status == 200);
  const std::string data = make_data(100, 17);
  const auto done = put_range(upload_url_of(created), data, 0, 100);
  CHECK(done.status == 201);
  CHECK(body_of(done)["id"] == "D1");
  CHECK(body_of(done)["contentType"] == "application/pdf");
  auto report = get_report(emu.base());
  REQUIRE(report["files"].size() == 1);
  CHECK(report["files"][0]["contentType"] == "application/pdf");
  CHECK(report["violations"].empty());

  // PROTOCOL.md P1: without (or with an empty) contentType the create is refused.
  const auto missing = create_session(emu.base(), "/v1.0/print/printers/P/jobs/J/documents/D/createUploadSession", props(nullptr));
  CHECK(missing.status == 400);
  CHECK(create_session(emu.base(), shares, props("")).status == 400);
  report = get_report(emu.base());
  CHECK(has_violation(report, "print_content_type_missing"));
  CHECK(report["counters"]["creates"] == 1);
}

TEST_CASE("GET status for every flavor, DELETE cancels, --outlook-status 0 gives 405 for Outlook only") {
  for (const bool outlook_status : {true, false}) {
    emulator_process emu({"--outlook-status", outlook_status ? "1" : "0", "--allow-small-sessions"});
    REQUIRE(emu.started());
    struct flavor_case {
      std::string path;
      json body;
      bool outlook;
      std::size_t first;  // length of the first fragment, of 2 * first bytes
      std::string expected_range;
    };
    const std::size_t q = 327680;  // drive fragments must be multiples of 320 KiB
    const flavor_case cases[] = {
        {"/v1.0/me/messages/M/attachments/createUploadSession", attachment("AttachmentItem", "a", 20), true, 10, "10"},
        {"/v1.0/me/events/E/attachments/createUploadSession", attachment("AttachmentItem", "a", 20), true, 10, "10"},
        {"/v1.0/me/todo/lists/L/tasks/T/attachments/createUploadSession", attachment("attachmentInfo", "a", 20), false, 10,
         "10"},
        {"/v1.0/me/drive/root:/s.bin:/createUploadSession", json::object(), false, q, std::to_string(q) + "-"},
        {"/v1.0/print/printers/P/jobs/J/documents/D/createUploadSession",
         {{"properties", {{"documentName", "d"}, {"contentType", "x"}, {"size", 20}}}}, false, 10, "10-19"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.path);
      CAPTURE(outlook_status);
      const bool todo = c.path.find("/todo/") != std::string::npos;
      const std::vector<std::string> auth = todo ? std::vector<std::string>{bearer} : std::vector<std::string>{};
      const std::string url = upload_url_of(create_session(emu.base(), c.path, c.body));
      const std::string put_url = todo ? url + "/content" : url;
      const std::string data = make_data(2 * c.first);
      REQUIRE(put_range(put_url, data.substr(0, c.first), 0, data.size(), auth).status / 100 == 2);
      const auto status = send("GET", url, auth);
      if (c.outlook && !outlook_status) {
        CHECK(status.status == 405);
      } else {
        CHECK(status.status == 200);
        const auto j = body_of(status);
        CHECK(key(j, "nextExpectedRanges", "NextExpectedRanges") == json::array({c.expected_range}));
      }
      CHECK(send("DELETE", url, auth).status == 204);
      CHECK(send("GET", url, auth).status == 404);
      CHECK(put_range(put_url, data.substr(c.first), c.first, data.size(), auth).status == 404);
    }
  }
}

TEST_CASE("create needs a bearer token; --token accepts exactly that token") {
  emulator_process emu({"--token", "s3cret"});
  REQUIRE(emu.started());
  const std::string path = "/v1.0/me/messages/M/attachments/createUploadSession";
  const auto body = attachment("AttachmentItem", "a", 3000000);
  const auto missing = create_session(emu.base(), path, body, "");
  CHECK(missing.status == 401);
  CHECK(body_of(missing)["error"]["code"] == "InvalidAuthenticationToken");
  CHECK(create_session(emu.base(), path, body, "wrong").status == 401);
  CHECK(create_session(emu.base(), path, body, "s3cret").status == 201);
  const auto report = get_report(emu.base());
  CHECK(has_violation(report, "create_unauthorized"));
  CHECK(report["counters"]["creates"] == 1);
}

}  // namespace emulator_flavors_test_cases
