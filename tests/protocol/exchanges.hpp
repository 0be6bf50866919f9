#pragma once
// The example exchanges of Microsoft's Graph pages, written down as data
// (docs/PROTOCOL.md, "Sources" names each page's file). protocol_test.cpp
// drives the core through each one and checks that it sends exactly these
// requests and accepts exactly these answers.
//
// Values are the pages' own (ids, names, sizes, uploadUrls, ranges, bodies).
// Where rangeup deliberately sends something the page does not show, the
// request says what rangeup sends and the comment names the rule that says
// why. Where a page leaves a step out ("…" between the first and the last
// fragment), the step is marked "not on the page" and keeps the page's shapes.
//
// URLs the core builds from ids are compared after percent-decoding (rangeup
// encodes '=', '{', '}' in ids; the pages show them raw); URLs the service
// handed out (uploadUrl) are compared byte for byte.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <rangeup/http.hpp>

namespace protocol {

using rangeup::http_method;

enum class url_match : unsigned char {
  decoded,   // a Graph URL the core builds from ids
  verbatim,  // the uploadUrl (or uploadUrl + "/content"): never altered
};

enum class payload : unsigned char {
  none,         // GET, DELETE, deferred commit POST (Content-Length: 0)
  json,         // `json` is the body (compared as JSON, key order free)
  bytes,        // the file's bytes named by Content-Range
  base64_json,  // `json` with "contentBytes" = base64 of the whole file (small-file POST)
};

struct request {
  http_method method = http_method::get;
  std::string_view url;
  url_match match = url_match::decoded;
  bool authorization = false;           // Authorization: Bearer … present
  std::string_view content_type;        // "" = no Content-Type header
  std::string_view content_range;       // "" = no Content-Range header
  std::uint64_t content_length = 0;     // as on the page (json / base64_json: checked against the body)
  payload kind = payload::none;
  std::string_view json;                // payload::json / base64_json
  bool cancel_first = false;            // the caller cancels the upload before this request
};

struct response {
  int status = 0;
  std::string_view location;
  std::string_view body;
};

struct step {
  request req;
  response res;
};

// Builders, so every request spells only what the page shows.
constexpr request post_json(std::string_view url, std::string_view json) {
  request r;
  r.method = http_method::post;
  r.url = url;
  r.authorization = true;
  r.content_type = "application/json";
  r.kind = payload::json;
  r.json = json;
  return r;
}
constexpr request post_base64_json(std::string_view url, std::string_view json) {
  request r = post_json(url, json);
  r.kind = payload::base64_json;
  return r;
}
// A fragment to the uploadUrl (Outlook, drive, print: no Authorization; To Do: with it).
constexpr request put_fragment(std::string_view url, bool authorization, std::string_view content_range,
                               std::uint64_t content_length) {
  request r;
  r.method = http_method::put;
  r.url = url;
  r.match = url_match::verbatim;
  r.authorization = authorization;
  r.content_type = "application/octet-stream";
  r.content_range = content_range;
  r.content_length = content_length;
  r.kind = payload::bytes;
  return r;
}
// The driveItem simple upload: the whole file to a Graph URL, with the bearer.
constexpr request put_content(std::string_view url, std::uint64_t content_length) {
  request r;
  r.method = http_method::put;
  r.url = url;
  r.authorization = true;
  r.content_type = "application/octet-stream";
  r.content_length = content_length;
  r.kind = payload::bytes;
  return r;
}
constexpr request to_upload_url(http_method m, std::string_view url, bool authorization) {
  request r;
  r.method = m;
  r.url = url;
  r.match = url_match::verbatim;
  r.authorization = authorization;
  return r;
}
constexpr request cancel_at(std::string_view url, bool authorization) {
  request r = to_upload_url(http_method::delete_, url, authorization);
  r.cancel_first = true;
  return r;
}
constexpr response answer(int status, std::string_view body_text, std::string_view location = {}) {
  response r;
  r.status = status;
  r.body = body_text;
  r.location = location;
  return r;
}


// ---- Outlook message: upload session ------------------------------------------
// "Attach large files to Outlook messages or events" — Step 1 (Example: Create an
// upload session for a message), Step 2 (Example: First upload to the message),
// Step 3 (Example: Final upload to the message). 3 483 322 bytes in two PUTs of
// the page's 2 097 152-byte fragment.
inline constexpr std::string_view message_upload_url =
    "https://outlook.office.com/api/v2.0/Users('a8e8e219-4931-95c1-b73d-62626fd79c32@72aa88bf-76f0-494f-91ab-"
    "2d7cd730db47')/Messages('AAMkADI5MAAIT3drCAAA=')/AttachmentSessions('AAMkADI5MAAIT3k0tAAA=')?authtoken="
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IktmYUNIUlN6bllHMmNI";

inline constexpr step message_create{
    post_json("https://graph.microsoft.com/v1.0/me/messages/AAMkADI5MAAIT3drCAAA=/attachments/createUploadSession",
              R"({"AttachmentItem":{"attachmentType":"file","name":"flower","size":3483322}})"),
    answer(201,
           R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",)"
           R"("uploadUrl":"https://outlook.office.com/api/v2.0/Users('a8e8e219-4931-95c1-b73d-62626fd79c32@72aa88bf-76f0-494f-91ab-2d7cd730db47')/Messages('AAMkADI5MAAIT3drCAAA=')/AttachmentSessions('AAMkADI5MAAIT3k0tAAA=')?authtoken=eyJhbGciOiJSUzI1NiIsImtpZCI6IktmYUNIUlN6bllHMmNI",)"
           R"("expirationDateTime":"2019-09-25T01:09:30.7671707Z","nextExpectedRanges":["0-"]})")};

inline constexpr step outlook_message_session[] = {
    message_create,
    {put_fragment(message_upload_url, false, "bytes 0-2097151/3483322", 2097152),
     answer(200,
            R"({"@odata.context":"https://outlook.office.com/api/v2.0/$metadata#Users('a8e8e219-4931-95c1-b73d-62626fd79c32%4072aa88bf-76f0-494f-91ab-2d7cd730db47')/Messages('AAMkADI5MAAIT3drCAAA%3D')/AttachmentSessions/$entity",)"
            R"("ExpirationDateTime":"2019-09-25T01:09:30.7671707Z","nextExpectedRanges":["2097152"]})")},
    {put_fragment(message_upload_url, false, "bytes 2097152-3483321/3483322", 1386170),
     answer(201, "",
            "https://outlook.office.com/api/v2.0/Users('a8e8e219-4931-95c1-b73d-62626fd79c32@72aa88bf-76f0-494f-91ab-"
            "2d7cd730db47')/Messages('AAMkADI5MAAIT3drCAAA=')/Attachments('AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=')")},
};

// Same page — Alternative: Cancel the upload session (no Authorization: the URL is pre-authenticated).
inline constexpr step outlook_message_cancel[] = {
    message_create,
    {cancel_at(message_upload_url, false), answer(204, "")},
};

// ---- Outlook event: upload session ----------------------------------------------
// Same page — Example: Create an upload session for an event, First upload to the
// event, Final upload to the event.
inline constexpr std::string_view event_upload_url =
    "https://outlook.office.com/api/v2.0/Users('d3b9214b-dd8b-441d-b7dc-c446c9fa0e69@98a79ebe-74bf-4e07-a017-"
    "7b410848cb32')/Events('AAMkADU5CCmSAAA=')/AttachmentSessions('AAMkADU5RpAACJlCs8AAA=')?authtoken="
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IktmYUNIBtw";

inline constexpr step outlook_event_session[] = {
    {post_json("https://graph.microsoft.com/v1.0/me/events/AAMkADU5CCmSAAA=/attachments/createUploadSession",
               R"({"AttachmentItem":{"attachmentType":"file","name":"flower","size":3483322}})"),
     answer(201,
            R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",)"
            R"("uploadUrl":"https://outlook.office.com/api/v2.0/Users('d3b9214b-dd8b-441d-b7dc-c446c9fa0e69@98a79ebe-74bf-4e07-a017-7b410848cb32')/Events('AAMkADU5CCmSAAA=')/AttachmentSessions('AAMkADU5RpAACJlCs8AAA=')?authtoken=eyJhbGciOiJSUzI1NiIsImtpZCI6IktmYUNIBtw",)"
            R"("expirationDateTime":"2020-02-22T02:46:56.7410786Z","nextExpectedRanges":["0-"]})")},
    {put_fragment(event_upload_url, false, "bytes 0-2097151/3483322", 2097152),
     answer(200,
            R"({"@odata.context":"https://outlook.office.com/api/v2.0/$metadata#Users('d3b9214b-dd8b-441d-b7dc-c446c9fa0e69%4098a79ebe-74bf-4e07-a017-7b410848cb32')/Events('AAMkADU5CCmSAAA%3D')/AttachmentSessions/$entity",)"
            R"("ExpirationDateTime":"2020-02-22T02:46:56.7410786Z","nextExpectedRanges":["2097152"]})")},
    {put_fragment(event_upload_url, false, "bytes 2097152-3483321/3483322", 1386170),
     answer(201, "",
            "https://outlook.office.com/api/v2.0/Users('d3b9214b-dd8b-441d-b7dc-c446c9fa0e69@98a79ebe-74bf-4e07-a017-"
            "7b410848cb32')/Events('AAMkADU5CCmSAAA=')/Attachments('AAMkADU5CCmSAAANZAlYPeyQByv7Y=')")},
};

// ---- Outlook inline attachment: create --------------------------------------------
// "attachment: createUploadSession" — Example 2 (a large in-line attachment). The
// page stops after the create; the next request is rangeup's first fragment by
// O4/O5 (not on the page): at most 4 000 000 bytes, no Authorization.
inline constexpr step outlook_inline_create[] = {
    {post_json("https://graph.microsoft.com/v1.0/me/messages/AAMkAGUwNjQ4ZjIxLTQ3Y2YtNDViMi1iZjc4LTMA=/attachments/createUploadSession",
               R"({"AttachmentItem":{"attachmentType":"file","name":"scenary","size":7208534,"isInline":true,"contentId":"my_inline_picture"}})"),
     answer(201,
            R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",)"
            R"("uploadUrl":"https://outlook.office.com/api/gv1.0/users('a8e8e219-4931-95c1-b73d-62626fd79c32@72aa88bf-76f0-494f-91ab-2d7cd730db47')/messages('AAMkAGUwNjQ4ZjIxLTQ3Y2YtNDViMi1iZjc4LTMA=')/AttachmentSessions('AAMkAGUwNjQ4ZjIxLTAAA=')?authtoken=eyJhbGciOiJSUzI1NiIsImtpZCI6IjFTeXQ1bXdXYVh5UFJ",)"
            R"("expirationDateTime":"2021-12-27T14:20:12.9708933Z","nextExpectedRanges":["0-"]})")},
    {put_fragment("https://outlook.office.com/api/gv1.0/users('a8e8e219-4931-95c1-b73d-62626fd79c32@72aa88bf-76f0-494f-"
                  "91ab-2d7cd730db47')/messages('AAMkAGUwNjQ4ZjIxLTQ3Y2YtNDViMi1iZjc4LTMA=')/AttachmentSessions("
                  "'AAMkAGUwNjQ4ZjIxLTAAA=')?authtoken=eyJhbGciOiJSUzI1NiIsImtpZCI6IjFTeXQ1bXdXYVh5UFJ",
                  false, "bytes 0-3999999/7208534", 4000000),
     {}},
};

// ---- Outlook small files: one POST ---------------------------------------------------
// "Add attachment" (message) — Example (file attachment). The page's contentBytes
// "R0lGODdhEAYEAA7" is not valid base64 (15 characters); the file here is the 10
// bytes whose base64 starts the same way ("GIF87a" + 10 06 04 00).
inline constexpr std::string_view message_post_bytes_base64 = "R0lGODdhEAYEAA==";
inline constexpr step outlook_message_post[] = {
    {post_base64_json("https://graph.microsoft.com/v1.0/me/messages/AAMkpsDRVK/attachments",
                      R"({"@odata.type":"#microsoft.graph.fileAttachment","name":"smile","contentBytes":"R0lGODdhEAYEAA=="})"),
     answer(201,
            R"({"id":"AAMkADNkN2R","lastModifiedDateTime":"2017-01-26T08:48:28Z","name":"smile","contentType":"image/gif",)"
            R"("size":1008,"isInline":false,"contentId":null,"contentLocation":null,"contentBytes":"R0lGODdhEAYEAA7"})")},
};

// "Add attachment" (event) — Example (file attachment). The request's contentBytes
// carries a stray "base64" prefix; the response shows the real value
// ("mac and cheese today", 20 bytes). The answer's size (178) is not the byte count (O10).
inline constexpr std::string_view event_post_bytes_base64 = "bWFjIGFuZCBjaGVlc2UgdG9kYXk=";
inline constexpr step outlook_event_post[] = {
    {post_base64_json("https://graph.microsoft.com/v1.0/me/events/AAMkAGI1AAAt9AHjAAA=/attachments",
                      R"({"@odata.type":"#microsoft.graph.fileAttachment","name":"menu.txt","contentBytes":"bWFjIGFuZCBjaGVlc2UgdG9kYXk="})"),
     answer(201,
            R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('cd209b0b-3f83-4c35-82d2-d88a61820480')/events('AAMkAGI1AAAt9AHjAAA%3D')/attachments/$entity",)"
            R"("@odata.type":"#microsoft.graph.fileAttachment","id":"AAMkAGI1AAAt9AHjAAABEgAQAEdBogju-MJEu6Ngg-1_W0g=",)"
            R"("lastModifiedDateTime":"2017-04-15T03:21:49Z","name":"menu.txt","contentType":"text/plain","size":178,)"
            R"("isInline":false,"contentId":null,"contentLocation":null,"contentBytes":"bWFjIGFuZCBjaGVlc2UgdG9kYXk="})")},
};

// ---- To Do: upload session (beta) ------------------------------------------------------
// "Attach large files to a To Do task" — Step 1 (create), Step 2 (First upload),
// Step 3 (Final upload). The walkthrough's create body also carries
// "@odata.type": "microsoft.graph.attachmentInfo"; the API page's
// ("taskFileAttachment: createUploadSession", Example) does not, nor does rangeup (T1).
// Its PUT examples leave out the Authorization header its table requires (T2).
inline constexpr std::string_view todo_upload_url =
    "https://graph.microsoft.com/beta/users/6f9a2a92-8527-4d64-837e-b5312852f36d/todo/lists/AAMDiFkfh=/tasks/AAMkADliMm="
    "/attachmentSessions/AAMkADliMm=";
inline constexpr std::string_view todo_upload_content_url =
    "https://graph.microsoft.com/beta/users/6f9a2a92-8527-4d64-837e-b5312852f36d/todo/lists/AAMDiFkfh=/tasks/AAMkADliMm="
    "/attachmentSessions/AAMkADliMm=/content";

inline constexpr step todo_create{
    post_json("https://graph.microsoft.com/beta/me/todo/lists/AAMDiFkfh=/tasks/AAMkADliMm=/attachments/createUploadSession",
              R"({"attachmentInfo":{"attachmentType":"file","name":"flower","size":3483322}})"),
    answer(200,
           R"({"@odata.context":"https://graph.microsoft.com/beta/$metadata#microsoft.graph.uploadSession",)"
           R"("uploadUrl":"https://graph.microsoft.com/beta/users/6f9a2a92-8527-4d64-837e-b5312852f36d/todo/lists/AAMDiFkfh=/tasks/AAMkADliMm=/attachmentSessions/AAMkADliMm=",)"
           R"("expirationDateTime":"2022-06-09T10:45:27.4324526Z","nextExpectedRanges":["0-"]})")};

inline constexpr step todo_session[] = {
    todo_create,
    {put_fragment(todo_upload_content_url, true, "bytes 0-2097151/3483322", 2097152),
     answer(200, R"({"ExpirationDateTime":"2022-06-09T10:45:27.4324526Z","NextExpectedRanges":["2097152"]})")},
    {put_fragment(todo_upload_content_url, true, "bytes 2097152-3483321/3483322", 1386170),
     answer(201, "",
            "https://graph.microsoft.com/beta/users/6f9a2a92-8527-4d64-837e-b5312852f36d/todo/lists/AAMDiFkfh=/tasks/"
            "AAMkADliMm=/Attachments/AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=")},
};

// Same page — Alternative Step: Cancel the upload session. The page shows no
// Authorization; the URL carries no credential, so rangeup sends the bearer (T5).
inline constexpr step todo_cancel[] = {
    todo_create,
    {cancel_at(todo_upload_url, true), answer(204, "")},
};

// ---- To Do small file: one POST ---------------------------------------------------------
// "Create taskFileAttachment" — Example. The page's contentBytes "a0b1c76de9f7="
// is not valid base64 (13 characters); the file here is the 9 bytes of "a0b1c76de9f7".
inline constexpr std::string_view todo_post_bytes_base64 = "a0b1c76de9f7";
inline constexpr step todo_post[] = {
    {post_base64_json("https://graph.microsoft.com/v1.0/me/todo/lists/AAMkpsDRVK=/tasks/AAKdfjhgsjhgJ=/attachments",
                      R"({"@odata.type":"#microsoft.graph.taskFileAttachment","name":"smile","contentBytes":"a0b1c76de9f7","contentType":"image/gif"})"),
     answer(201,
            R"({"@odata.type":"#microsoft.graph.taskFileAttachment","id":"AAMkADNkN2R","lastModifiedDateTime":"2017-01-26T08:48:28Z",)"
            R"("name":"smile","contentType":"image/gif","size":1008})")},
};

// ---- driveItem: upload session -------------------------------------------------------------
// "driveItem: createUploadSession" — Create an upload session (Request: {item-path}
// is the body's name "largefile.dat", {itemID} kept as written; Response), Upload
// bytes to the upload session (the first 26 bytes of a 128-byte file, 202
// ["26-"]), Completing a file (the last range 101-127, 201 driveItem). The page's
// body also names the item ("name": "largefile.dat"); rangeup names it in the path
// only (D1). The page's fragments break its own 320 KiB rule (D2); the test replays
// them with a planner cutting at 26 and 101. The middle PUT and its answer are not
// on the page. The page gives the last PUT "Content-Length: 21" for 27 bytes.
inline constexpr std::string_view drive_upload_url = "https://sn3302.up.1drv.com/up/fe6987415ace7X4e1eF866337";
inline constexpr std::string_view drive_item_json = R"({"id":"912310013A123","name":"largefile.vhd","size":128,"file":{}})";
inline constexpr std::string_view drive_session_json =
    R"({"uploadUrl":"https://sn3302.up.1drv.com/up/fe6987415ace7X4e1eF866337","expirationDateTime":"2015-01-29T09:21:55.523Z"})";
inline constexpr std::string_view drive_create_url =
    "https://graph.microsoft.com/v1.0/me/drive/items/{itemID}:/largefile.dat:/createUploadSession";

inline constexpr step drive_create{post_json(drive_create_url, R"({"item":{"@microsoft.graph.conflictBehavior":"rename"}})"),
                                   answer(200, drive_session_json)};

inline constexpr step drive_session[] = {
    drive_create,
    {put_fragment(drive_upload_url, false, "bytes 0-25/128", 26),
     answer(202, R"({"expirationDateTime":"2015-01-29T09:21:55.523Z","nextExpectedRanges":["26-"]})")},
    {put_fragment(drive_upload_url, false, "bytes 26-100/128", 75),  // not on the page
     answer(202, R"({"expirationDateTime":"2015-01-29T09:21:55.523Z","nextExpectedRanges":["101-"]})")},
    {put_fragment(drive_upload_url, false, "bytes 101-127/128", 27), answer(201, drive_item_json)},
};

// The same page with rangeup's own planner (D2): the 128-byte file is one fragment.
inline constexpr step drive_session_one_fragment[] = {
    drive_create,
    {put_fragment(drive_upload_url, false, "bytes 0-127/128", 128), answer(201, drive_item_json)},
};

// Same page — Request body (the example with "rename" and "deferCommit": true) and
// Completing a file (POST uploadUrl, Content-Length: 0 → 201). The answer to the
// last PUT of a deferred session is not on the page (D5: 202, nothing missing).
inline constexpr step drive_defer_commit[] = {
    {post_json(drive_create_url, R"({"item":{"@microsoft.graph.conflictBehavior":"rename"},"deferCommit":true})"),
     answer(200, drive_session_json)},
    {put_fragment(drive_upload_url, false, "bytes 0-127/128", 128),
     answer(202, R"({"expirationDateTime":"2015-01-29T09:21:55.523Z","nextExpectedRanges":[]})")},  // not on the page
    {to_upload_url(http_method::post, drive_upload_url, false), answer(201, drive_item_json)},
};

// Same page — Cancel the upload session.
inline constexpr step drive_cancel[] = {
    drive_create,
    {cancel_at(drive_upload_url, false), answer(204, "")},
};

// ---- driveItem: simple upload ----------------------------------------------------------------
// "Upload or replace the contents of a driveItem" — Example (upload a new file):
// "The contents of the file goes here." (35 bytes) to FolderA/FileB.txt. rangeup
// adds ?@microsoft.graph.conflictBehavior=fail (D8: the PUT default is replace) and
// sends application/octet-stream where the page sends text/plain (D7).
inline constexpr std::string_view simple_put_content = "The contents of the file goes here.";
inline constexpr std::string_view simple_put_item_json = R"({"id":"0123456789abc","name":"FileB.txt","size":35,"file":{}})";
inline constexpr step drive_simple_put[] = {
    {put_content("https://graph.microsoft.com/v1.0/me/drive/root:/FolderA/FileB.txt:/content?@microsoft.graph.conflictBehavior=fail",
                 35),
     answer(201, simple_put_item_json)},
};

// Same page — Example (updating an existing file): PUT /me/drive/items/{item-id}/content
// ({item-id} kept as written; no conflictBehavior for an item addressed by id, D8).
inline constexpr step drive_simple_put_by_id[] = {
    {put_content("https://graph.microsoft.com/v1.0/me/drive/items/{item-id}/content", 35), answer(201, simple_put_item_json)},
};

// ---- Universal Print: upload session ----------------------------------------------------------
// "printDocument: createUploadSession" — Example; "Upload documents using the
// Microsoft Graph Universal Print API" — HTTP request (first 72 797 bytes; the page
// writes "bytes=0-72796/…", rangeup the RFC form its final example uses), HTTP
// response (202 ["72797-4533321"]), Completing a file (the last 10 bytes, 201
// printDocument). The test replays the page's cuts (72 797, 4 533 312); the middle
// PUT and its answer are not on the page.
inline constexpr std::string_view print_upload_url =
    "https://print.print.microsoft.com/uploadSessions/5400be13-5a4e-4c20-be70-90c85bfe5d6e?tempauthtoken={token}";

inline constexpr step print_create{
    post_json("https://graph.microsoft.com/v1.0/print/printers/{printerId}/jobs/{printJobId}/documents/{printDocumentId}/"
              "createUploadSession",
              R"({"properties":{"documentName":"TestFile.pdf","contentType":"application/pdf","size":4533322}})"),
    answer(200,
           R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",)"
           R"("uploadUrl":"https://print.print.microsoft.com/uploadSessions/5400be13-5a4e-4c20-be70-90c85bfe5d6e?tempauthtoken={token}",)"
           R"("expirationDateTime":"2020-10-25T02:19:38.1694207Z","nextExpectedRanges":["0-4533321"]})")};

inline constexpr step print_session[] = {
    print_create,
    {put_fragment(print_upload_url, false, "bytes 0-72796/4533322", 72797),
     answer(202, R"({"expirationDateTime":"2020-10-25T02:19:38.1694207Z","nextExpectedRanges":["72797-4533321"]})")},
    {put_fragment(print_upload_url, false, "bytes 72797-4533311/4533322", 4460515),  // not on the page
     answer(202, R"({"expirationDateTime":"2020-10-25T02:19:38.1694207Z","nextExpectedRanges":["4533312-4533321"]})")},
    {put_fragment(print_upload_url, false, "bytes 4533312-4533321/4533322", 10),
     answer(201,
            R"({"id":"9001bcd9-e36a-4f51-bfc6-140c3ad7f9f7","documentName":"TestFile.pdf","contentType":"application/pdf","size":4533322})")},
};

// Same pages — Remarks (416 for a fragment the server already has; ask the status)
// and Get the upload session (200 with two ranges, the second ending past the last
// byte, C4). The next PUT fills the first missing range exactly; the page stops here.
inline constexpr step print_resync[] = {
    print_create,
    {put_fragment(print_upload_url, false, "bytes 0-72796/4533322", 72797), answer(416, "")},
    {to_upload_url(http_method::get, print_upload_url, false),
     answer(200, R"({"expirationDateTime":"2020-10-25T02:19:38.1694207Z","nextExpectedRanges":["72797-72897","78929-4533322"]})")},
    {put_fragment(print_upload_url, false, "bytes 72797-72897/4533322", 101), {}},
};

// Same page — Cancel the upload session.
inline constexpr step print_cancel[] = {
    print_create,
    {cancel_at(print_upload_url, false), answer(204, "")},
};

}  // namespace protocol
