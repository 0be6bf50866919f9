// The simulated server's own strictness: the core tests only mean something
// if it refuses what the service (docs/PROTOCOL.md) would refuse. Each case
// hands it one request a careless client could send.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <string>
#include <vector>

#include "support/sim_server.hpp"
#include "support/strict_base64.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace sim_server_test_cases {

using namespace rangeup_test;

namespace {

std::vector<unsigned char> decoded(std::string_view text, bool& ok) {
  std::vector<unsigned char> out(text.size());
  std::size_t n = 0;
  ok = decode_base64_strict(text, out.data(), out.size(), n);
  out.resize(ok ? n : 0);
  return out;
}

rangeup::request_view graph_request(rangeup::http_method m, std::string_view url, std::string_view content_type) {
  rangeup::request_view r;
  r.method = m;
  r.url = url;
  r.bearer_token = "test-token";
  r.headers[r.header_count++] = {"Content-Type", content_type};
  return r;
}

}  // namespace

TEST_CASE("strict base64: the canonical padded encoding only") {
  bool ok = false;
  CHECK(decoded("", ok).empty());
  CHECK(ok);
  CHECK(decoded("TWFu", ok) == std::vector<unsigned char>{'M', 'a', 'n'});
  CHECK(decoded("TWE=", ok) == std::vector<unsigned char>{'M', 'a'});
  CHECK(decoded("TQ==", ok) == std::vector<unsigned char>{'M'});
  CHECK(decoded("+/+/", ok) == std::vector<unsigned char>{0xfb, 0xff, 0xbf});
  for (const char* bad : {"TQ", "TQ=", "TWE", "TQ==TQ==", "T===", "=QQQ", "TR==", "TWF=", "TW-_", "TW\nFu", "TWFu ",
                          "TW=u"}) {
    CAPTURE(bad);
    decoded(bad, ok);
    CHECK_FALSE(ok);
  }
  // In pieces: padding only in the final piece.
  unsigned char out[8];
  std::size_t n = 0;
  CHECK(decode_base64_strict("TWFu", out, sizeof out, n, false));
  CHECK_FALSE(decode_base64_strict("TQ==", out, sizeof out, n, false));
  CHECK_FALSE(decode_base64_strict("TWFuTWFu", out, 5, n));  // no room
}

TEST_CASE("the simulated server refuses what the service would") {
  const std::vector<unsigned char> bytes(100, 'x');
  {  // an attachment session for a small file (PROTOCOL.md O2)
    sim_server server(sim_defaults(sim_kind::outlook, 100), bytes.data());
    rangeup::request_view r = graph_request(rangeup::http_method::post,
                                            "https://graph.microsoft.com/v1.0/me/messages/m/attachments/createUploadSession",
                                            "application/json");
    r.body = rangeup::body_kind::text;
    r.text = R"({"AttachmentItem":{"attachmentType":"file","name":"a","size":100}})";
    const auto reply = server.handle(r, 0, fault::none);
    CHECK(reply.response.status == 400);
    CHECK(server.violations == 1);
    CHECK(reply.response.body.find("ErrorAttachmentSizeShouldNotBeLessThanMinimumSize") != std::string_view::npos);
  }
  {  // a POST whose contentBytes are not strict base64, or of another size
    for (const char* body : {R"({"@odata.type":"#microsoft.graph.fileAttachment","name":"a","contentBytes":"eHh4"})",
                             R"({"@odata.type":"#microsoft.graph.fileAttachment","name":"a","contentBytes":"eHh4e"})",
                             R"({"@odata.type":"#microsoft.graph.taskFileAttachment","name":"a","contentBytes":""})",
                             R"({"@odata.type":"#microsoft.graph.fileAttachment","contentBytes":""})"}) {
      CAPTURE(body);
      sim_server server(sim_defaults(sim_kind::outlook, 3), bytes.data());
      rangeup::request_view r =
          graph_request(rangeup::http_method::post, "https://graph.microsoft.com/v1.0/me/messages/m/attachments", "application/json");
      r.body = rangeup::body_kind::text;
      r.text = body;
      server.handle(r, 0, fault::none);
      CHECK(server.violations == 1);
      CHECK(server.items_completed == 0);
    }
  }
  {  // the bearer on an Outlook uploadUrl; none on To Do's; a To Do fragment not at /content (T2, O4)
    for (const sim_kind kind : {sim_kind::outlook, sim_kind::todo}) {
      sim_config cfg = sim_defaults(kind, 100);
      cfg.small_attachment_sessions = true;
      sim_server server(cfg, bytes.data());
      rangeup::request_view create = graph_request(
          rangeup::http_method::post, "https://graph.microsoft.com/v1.0/me/messages/m/attachments/createUploadSession",
          "application/json");
      create.body = rangeup::body_kind::text;
      create.text = R"({"AttachmentItem":{"attachmentType":"file","name":"a","size":100}})";
      const auto created = server.handle(create, 0, fault::none);
      REQUIRE(created.response.status == 201);
      const std::string body(created.response.body);
      const std::size_t at = body.find("\"uploadUrl\":\"") + 13;
      const std::string url = body.substr(at, body.find('"', at) - at);
      CHECK((url.find("authtoken=") != std::string::npos) == (kind == sim_kind::outlook));
      rangeup::request_view put = graph_request(rangeup::http_method::put, url, "application/octet-stream");
      put.headers[put.header_count++] = {"Content-Range", "bytes 0-99/100"};
      put.body = rangeup::body_kind::source_range;
      put.range = {0, 99, 100};
      if (kind == sim_kind::todo) put.bearer_token = {};
      server.handle(put, 0, fault::none);
      CHECK(server.violations == 1);
      if (kind == sim_kind::todo) {
        put.bearer_token = "test-token";  // with the bearer, but to the uploadUrl itself
        server.handle(put, 0, fault::none);
        CHECK(server.violations == 2);
        const std::string content = url + "/content";
        put.url = content;
        CHECK(server.handle(put, 0, fault::none).response.status == 201);
        CHECK(server.items_completed == 1);
      }
    }
  }
  {  // a drive PUT .../content by path without a conflictBehavior (the service would replace)
    sim_server server(sim_defaults(sim_kind::drive, 100), bytes.data());
    rangeup::request_view r = graph_request(rangeup::http_method::put,
                                            "https://graph.microsoft.com/v1.0/me/drive/items/p:/a.bin:/content",
                                            "application/octet-stream");
    r.body = rangeup::body_kind::source_range;
    r.range = {0, 99, 100};
    server.handle(r, 0, fault::none);
    CHECK(server.violations == 1);
    r.url = "https://graph.microsoft.com/v1.0/me/drive/items/p:/a.bin:/content?@microsoft.graph.conflictBehavior=fail";
    CHECK(server.handle(r, 0, fault::none).response.status == 201);
    CHECK(server.items_completed == 1);
  }
  {  // an attachment fragment over 4 000 000 bytes (O5)
    CHECK(sim_defaults(sim_kind::outlook, 1).max_chunk == 4000000);
    CHECK(sim_defaults(sim_kind::todo, 1).max_chunk == 4000000);
  }
}

}  // namespace sim_server_test_cases
