// Microsoft's own example exchanges (exchanges.hpp) replayed against the core:
// for each flavor, the session must send exactly the documented requests —
// method, URL, Authorization or not, Content-Type, Content-Range,
// Content-Length, JSON body — and accept the documented answers, ending with
// the documented id. Every codec available in the build writes the bodies.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <rangeup/rangeup.hpp>

#include <cstdint>
#include <ostream>  // doctest prints std::error_code values
#include <string>
#include <string_view>

#if defined(RANGEUP_TEST_NLOHMANN)
#include <rangeup/nlohmann_json/codec.hpp>
#endif
#if defined(RANGEUP_TEST_BOOST_JSON)
#include <rangeup/boost_json/codec.hpp>
#endif

#include "protocol/exchanges.hpp"

using rangeup::errc;

namespace {

constexpr std::string_view token = "doc-example-token";
constexpr std::string_view graph_v1 = "https://graph.microsoft.com/v1.0";
constexpr std::string_view graph_beta = "https://graph.microsoft.com/beta";
constexpr std::uint64_t page_fragment = 2097152;  // the Outlook / To Do pages' first range

// ---- small helpers -------------------------------------------------------------------

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded: the pages show ids raw ('=', '{', '@'), rangeup escapes them.
std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Strict RFC 4648 base64 (padding required); "!" marks invalid input.
std::string base64_decoded(std::string_view s) {
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (s.size() % 4 != 0) return "!";
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 4) {
    unsigned v = 0;
    int pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = s[i + k];
      if (c == '=' && i + 4 == s.size() && k >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      const std::size_t at = alphabet.find(c);
      if (at == std::string_view::npos || pad != 0) return "!";
      v = (v << 6) | static_cast<unsigned>(at);
    }
    out += static_cast<char>((v >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((v >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(v & 0xff);
  }
  return out;
}

std::string_view header_of(const rangeup::request_view& r, std::string_view name) {
  for (const auto* h = r.begin_headers(); h != r.end_headers(); ++h)
    if (rangeup::detail::iequals(h->name, name)) return h->value;
  return {};
}

std::string content_range_text(const rangeup::content_range& r) {
  return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" + std::to_string(r.total);
}

nlohmann::json parsed(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) FAIL_CHECK("not JSON: " << text);
  return j;
}

// The whole body of a request, read the way a transport streams it (in odd-sized
// pieces, so base64 groups straddle the reads).
std::string materialised_body(const rangeup::request_view& r, std::string_view file) {
  rangeup::memory_source src(file.data(), file.size());
  std::string out;
  char piece[7];
  for (;;) {
    const auto got = rangeup::read_request_body(r, src, out.size(), piece, sizeof piece);
    REQUIRE_MESSAGE(got.has_value(), "read_request_body failed");
    if (*got == 0) break;
    out.append(piece, *got);
  }
  return out;
}

// ---- the checks -----------------------------------------------------------------------

// The request the core sent is the one the page shows.
void check_request(const rangeup::request_view& r, const protocol::request& want, std::string_view file) {
  CHECK(rangeup::method_name(r.method) == rangeup::method_name(want.method));
  if (want.match == protocol::url_match::verbatim)
    CHECK(r.url == want.url);
  else
    CHECK(percent_decoded(r.url) == percent_decoded(want.url));

  // Authorization: the transport sends "Bearer <token>" exactly when bearer_token is set.
  CHECK(!r.bearer_token.empty() == want.authorization);
  if (want.authorization) CHECK(r.bearer_token == token);
  CHECK(header_of(r, "Authorization").empty());

  CHECK(header_of(r, "Content-Type") == want.content_type);
  CHECK(header_of(r, "Content-Range") == want.content_range);
  const std::size_t headers = (want.content_type.empty() ? 0U : 1U) + (want.content_range.empty() ? 0U : 1U);
  CHECK(r.header_count == headers);

  switch (want.kind) {
    case protocol::payload::none:
      CHECK(r.body == rangeup::body_kind::none);
      CHECK(r.content_length() == 0);
      break;
    case protocol::payload::json:
      REQUIRE(r.body == rangeup::body_kind::text);
      CHECK(r.content_length() == r.text.size());
      CHECK(parsed(r.text) == parsed(want.json));
      break;
    case protocol::payload::bytes:
      REQUIRE(r.body == rangeup::body_kind::source_range);
      CHECK(r.content_length() == want.content_length);
      if (!want.content_range.empty()) {
        CHECK(content_range_text(r.range) == want.content_range);
      } else {  // the whole file in one request (simple upload)
        CHECK(r.range.first == 0);
        CHECK(r.range.total == want.content_length);
      }
      break;
    case protocol::payload::base64_json: {
      REQUIRE(r.body == rangeup::body_kind::base64_json);
      const std::string text = materialised_body(r, file);
      CHECK(text.size() == r.content_length());
      const nlohmann::json sent = parsed(text);
      CHECK(sent == parsed(want.json));
      REQUIRE(sent.is_object());
      REQUIRE(sent.contains("contentBytes"));
      REQUIRE(sent["contentBytes"].is_string());
      CHECK(base64_decoded(sent["contentBytes"].get<std::string>()) == file);
      break;
    }
  }
}

rangeup::response_view as_response(const protocol::response& res) {
  rangeup::response_view r;
  r.status = res.status;
  r.location = res.location;
  r.body = res.body;
  r.content_type = res.body.empty() ? "" : "application/json";
  return r;
}

// Drives the session through the page's steps. `file` is the upload's bytes
// where a request body embeds them (small-file POST); empty otherwise.
template <class Session, std::size_t N>
void replay(Session& s, const protocol::step (&steps)[N], std::string_view file = {}) {
  std::int64_t now = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const protocol::step& st = steps[i];
    CAPTURE(i);
    if (st.req.cancel_first) s.cancel();
    const rangeup::step next = s.next_step(rangeup::instant{now});
    REQUIRE_MESSAGE(next.request() != nullptr,
                    "expected request " << i << ", got step kind " << static_cast<int>(next.what())
                                        << (next.failed() ? " " + next.failed()->code.message() : std::string()));
    check_request(*next.request(), st.req, file);
    if (st.res.status == 0) return;  // the page stops here
    s.on_response(as_response(st.res), rangeup::instant{now});
    now += 10;
  }
}

template <class Session>
const rangeup::upload_result& expect_done(Session& s, std::string_view id, int status, bool simple) {
  const rangeup::step st = s.next_step(rangeup::instant{1000000});
  REQUIRE_MESSAGE(st.done() != nullptr, "expected done, got step kind "
                                            << static_cast<int>(st.what())
                                            << (st.failed() ? " " + st.failed()->code.message() : std::string()));
  const rangeup::upload_result& r = *st.done();
  CHECK(r.id.view() == id);
  CHECK(r.http_status == status);
  CHECK(r.simple_request == simple);
  CHECK_FALSE(r.id_unknown);
  CHECK(s.progress_info().confirmed_bytes == s.progress_info().total_bytes);
  return r;
}

template <class Session>
void expect_cancelled(Session& s) {
  const rangeup::step st = s.next_step(rangeup::instant{1000000});
  REQUIRE(st.failed() != nullptr);
  CHECK(st.failed()->code == errc::cancelled);
}

// A planner that cuts where the page's examples cut (the drive and print pages
// show fragment sizes their own rules or rangeup's defaults would not pick).
template <class Cuts>
struct page_planner {
  std::error_code configure(std::uint64_t /*total*/, std::uint64_t /*chunk*/) noexcept { return {}; }
  std::uint64_t chunk_size() const noexcept { return UINT64_MAX; }
  rangeup::result<rangeup::content_range> next(const rangeup::byte_range* ranges, std::size_t count,
                                               std::uint64_t total) const noexcept {
    if (count == 0) return errc::protocol_violation;
    const std::uint64_t first = ranges[0].first;
    std::uint64_t chunk = total - first;
    for (std::uint64_t cut : Cuts::at) {
      if (cut > first) {
        chunk = cut - first;
        break;
      }
    }
    return rangeup::first_fragment(ranges, count, total, chunk);
  }
};
struct drive_page_cuts {
  static constexpr std::uint64_t at[] = {26, 101};
};
struct print_page_cuts {
  static constexpr std::uint64_t at[] = {72797, 4533312};
};

rangeup::outlook_attachment outlook(rangeup::outlook_attachment::parent_kind parent, std::string_view id) {
  rangeup::outlook_attachment f;
  f.graph_base = graph_v1;
  f.parent = parent;
  f.parent_id = id;
  return f;
}

rangeup::todo_attachment todo(std::string_view base, std::string_view list, std::string_view task) {
  rangeup::todo_attachment f;
  f.graph_base = base;
  f.list_id = list;
  f.task_id = task;
  return f;
}

// The drive page's target: {itemID}:/largefile.dat, conflictBehavior rename.
rangeup::drive_item drive_page_target() {
  rangeup::drive_item d;
  d.graph_base = graph_v1;
  d.parent_id = "{itemID}";
  d.conflict_behavior = rangeup::drive_item::conflict::rename;
  return d;
}

rangeup::print_document print_page_target() {
  rangeup::print_document p;
  p.graph_base = graph_v1;
  p.printer_id = "{printerId}";
  p.job_id = "{printJobId}";
  p.document_id = "{printDocumentId}";
  return p;
}

rangeup::session_options chunked(std::uint64_t chunk) {
  rangeup::session_options o;
  o.chunk_size = chunk;
  return o;
}

rangeup::session_options forced_session() {
  rangeup::session_options o;
  o.force_session = true;
  return o;
}

using message = rangeup::outlook_attachment::parent_kind;

}  // namespace

// ---- Outlook ------------------------------------------------------------------------------

TEST_CASE_TEMPLATE_DEFINE("Outlook: the pages' exchanges", Codec, outlook_id) {
  SUBCASE("message session (Attach large files to Outlook messages or events, Steps 1-3)") {
    rangeup::upload_session<rangeup::outlook_attachment, rangeup::attachment_planner, rangeup::exponential_backoff, Codec>
        s(outlook(message::message, "AAMkADI5MAAIT3drCAAA="), rangeup::file_info{"flower", 3483322},
          chunked(page_fragment));
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::outlook_message_session);
    expect_done(s, "AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=", 201, false);
  }
  SUBCASE("event session (same page, the event examples)") {
    rangeup::upload_session<rangeup::outlook_attachment, rangeup::attachment_planner, rangeup::exponential_backoff, Codec>
        s(outlook(message::event, "AAMkADU5CCmSAAA="), rangeup::file_info{"flower", 3483322}, chunked(page_fragment));
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::outlook_event_session);
    expect_done(s, "AAMkADU5CCmSAAANZAlYPeyQByv7Y=", 201, false);
  }
  SUBCASE("cancel (same page, Alternative: Cancel the upload session)") {
    rangeup::upload_session<rangeup::outlook_attachment, rangeup::attachment_planner, rangeup::exponential_backoff, Codec>
        s(outlook(message::message, "AAMkADI5MAAIT3drCAAA="), rangeup::file_info{"flower", 3483322},
          chunked(page_fragment));
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::outlook_message_cancel);
    expect_cancelled(s);
  }
  SUBCASE("inline attachment create, then the first fragment (attachment: createUploadSession, Example 2)") {
    rangeup::upload_session<rangeup::outlook_attachment, rangeup::attachment_planner, rangeup::exponential_backoff, Codec>
        s(outlook(message::message, "AAMkAGUwNjQ4ZjIxLTQ3Y2YtNDViMi1iZjc4LTMA="),
          rangeup::file_info{"scenary", 7208534, {}, true, "my_inline_picture"});
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::outlook_inline_create);
  }
  SUBCASE("small file on a message: one POST (Add attachment, Example (file attachment))") {
    const std::string file = base64_decoded(protocol::message_post_bytes_base64);
    REQUIRE(file.size() == 10);
    rangeup::upload_session<rangeup::outlook_attachment, rangeup::attachment_planner, rangeup::exponential_backoff, Codec>
        s(outlook(message::message, "AAMkpsDRVK"), rangeup::file_info{"smile", file.size()});
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::outlook_message_post, file);
    expect_done(s, "AAMkADNkN2R", 201, true);
  }
  SUBCASE("small file on an event: one POST (Add attachment (event), Example (file attachment))") {
    const std::string file = base64_decoded(protocol::event_post_bytes_base64);
    REQUIRE(file == "mac and cheese today");
    rangeup::upload_session<rangeup::outlook_attachment, rangeup::attachment_planner, rangeup::exponential_backoff, Codec>
        s(outlook(message::event, "AAMkAGI1AAAt9AHjAAA="), rangeup::file_info{"menu.txt", file.size()});
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::outlook_event_post, file);
    expect_done(s, "AAMkAGI1AAAt9AHjAAABEgAQAEdBogju-MJEu6Ngg-1_W0g=", 201, true);
  }
}

// ---- To Do ----------------------------------------------------------------------------------

TEST_CASE_TEMPLATE_DEFINE("To Do: the pages' exchanges", Codec, todo_id) {
  using session =
      rangeup::upload_session<rangeup::todo_attachment, rangeup::attachment_planner, rangeup::exponential_backoff, Codec>;
  SUBCASE("session: PUT {uploadUrl}/content with the bearer (Attach large files to a To Do task, Steps 1-3)") {
    session s(todo(graph_beta, "AAMDiFkfh=", "AAMkADliMm="), rangeup::file_info{"flower", 3483322}, chunked(page_fragment));
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::todo_session);
    expect_done(s, "AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=", 201, false);
  }
  SUBCASE("cancel (same page, Alternative Step: Cancel the upload session)") {
    session s(todo(graph_beta, "AAMDiFkfh=", "AAMkADliMm="), rangeup::file_info{"flower", 3483322}, chunked(page_fragment));
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::todo_cancel);
    expect_cancelled(s);
  }
  SUBCASE("small file: one POST (Create taskFileAttachment, Example)") {
    const std::string file = base64_decoded(protocol::todo_post_bytes_base64);
    REQUIRE(file.size() == 9);
    session s(todo(graph_v1, "AAMkpsDRVK=", "AAKdfjhgsjhgJ="), rangeup::file_info{"smile", file.size(), "image/gif"});
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::todo_post, file);
    expect_done(s, "AAMkADNkN2R", 201, true);
  }
}

// ---- driveItem ---------------------------------------------------------------------------------

TEST_CASE_TEMPLATE_DEFINE("driveItem: the pages' exchanges", Codec, drive_id) {
  using session = rangeup::upload_session<rangeup::drive_item, rangeup::drive_planner, rangeup::exponential_backoff, Codec>;
  SUBCASE("session with the page's fragments (driveItem: createUploadSession)") {
    rangeup::upload_session<rangeup::drive_item, page_planner<drive_page_cuts>, rangeup::exponential_backoff, Codec> s(
        drive_page_target(), rangeup::file_info{"largefile.dat", 128}, forced_session());
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::drive_session);
    const rangeup::upload_result& r = expect_done(s, "912310013A123", 201, false);
    CHECK(r.name.view() == "largefile.vhd");
    CHECK(r.size == 128);
  }
  SUBCASE("session with rangeup's planner: one fragment (same page)") {
    session s(drive_page_target(), rangeup::file_info{"largefile.dat", 128}, forced_session());
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::drive_session_one_fragment);
    expect_done(s, "912310013A123", 201, false);
  }
  SUBCASE("deferCommit: a session even for 128 bytes, then POST uploadUrl (same page, Completing a file)") {
    rangeup::drive_item d = drive_page_target();
    d.defer_commit = true;
    session s(d, rangeup::file_info{"largefile.dat", 128});
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::drive_defer_commit);
    expect_done(s, "912310013A123", 201, false);
  }
  SUBCASE("cancel (same page, Cancel the upload session)") {
    session s(drive_page_target(), rangeup::file_info{"largefile.dat", 128}, forced_session());
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::drive_cancel);
    expect_cancelled(s);
  }
  SUBCASE("simple upload of a new file (Upload or replace the contents of a driveItem, Example (upload a new file))") {
    rangeup::drive_item d;
    d.graph_base = graph_v1;
    d.root_path = "FolderA/FileB.txt";
    session s(d, rangeup::file_info{"FileB.txt", protocol::simple_put_content.size()});
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::drive_simple_put);
    const rangeup::upload_result& r = expect_done(s, "0123456789abc", 201, true);
    CHECK(r.name.view() == "FileB.txt");
    CHECK(r.size == 35);
  }
  SUBCASE("simple upload replacing an item by id (same page, Example (updating an existing file))") {
    rangeup::drive_item d;
    d.graph_base = graph_v1;
    d.item_id = "{item-id}";
    session s(d, rangeup::file_info{"FileB.txt", protocol::simple_put_content.size()});
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::drive_simple_put_by_id);
    expect_done(s, "0123456789abc", 201, true);
  }
}

// ---- Universal Print ------------------------------------------------------------------------------

TEST_CASE_TEMPLATE_DEFINE("print: the pages' exchanges", Codec, print_id) {
  using session = rangeup::upload_session<rangeup::print_document, page_planner<print_page_cuts>,
                                          rangeup::exponential_backoff, Codec>;
  const rangeup::file_info pdf{"TestFile.pdf", 4533322, "application/pdf"};
  SUBCASE("session (printDocument: createUploadSession; Upload documents using the Universal Print API)") {
    session s(print_page_target(), pdf);
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::print_session);
    const rangeup::upload_result& r = expect_done(s, "9001bcd9-e36a-4f51-bfc6-140c3ad7f9f7", 201, false);
    CHECK(r.size == 4533322);
  }
  SUBCASE("416, then the status GET with two ranges (same page, Remarks; Get the upload session)") {
    session s(print_page_target(), pdf);
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::print_resync);
  }
  SUBCASE("cancel (same page, Cancel the upload session)") {
    session s(print_page_target(), pdf);
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, protocol::print_cancel);
    expect_cancelled(s);
  }
}

#define RANGEUP_PROTOCOL_INVOKE(codec)                \
  TEST_CASE_TEMPLATE_INVOKE(outlook_id, codec);       \
  TEST_CASE_TEMPLATE_INVOKE(todo_id, codec);          \
  TEST_CASE_TEMPLATE_INVOKE(drive_id, codec);         \
  TEST_CASE_TEMPLATE_INVOKE(print_id, codec)

RANGEUP_PROTOCOL_INVOKE(rangeup::json::builtin_codec);
#if defined(RANGEUP_TEST_NLOHMANN)
RANGEUP_PROTOCOL_INVOKE(rangeup::json::nlohmann_codec);
#endif
#if defined(RANGEUP_TEST_BOOST_JSON)
RANGEUP_PROTOCOL_INVOKE(rangeup::json::boost_json_codec);
#endif

// ---- the size rules around the pages' examples ------------------------------------------------

namespace {

// The first request for an upload of `size` bytes: its method, the URL's last
// path segment(s) and its body kind.
template <class Flavor>
rangeup::request_view first_request(const Flavor& f, const rangeup::file_info& file,
                                    const rangeup::session_options& o = {}) {
  rangeup::upload_session<Flavor> s(f, file, o);
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token(token);
  const rangeup::step st = s.next_step(rangeup::instant{0});
  REQUIRE(st.request() != nullptr);
  rangeup::request_view r = *st.request();
  r.url = {};  // points into the session, which ends here
  r.text = {};
  r.suffix = {};
  for (auto& h : r.headers) h = {};
  return r;
}

template <class Flavor>
std::string first_url(const Flavor& f, const rangeup::file_info& file, const rangeup::session_options& o = {}) {
  rangeup::upload_session<Flavor> s(f, file, o);
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token(token);
  const rangeup::step st = s.next_step(rangeup::instant{0});
  REQUIRE(st.request() != nullptr);
  return std::string(st.request()->url);
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

TEST_CASE("O2/O3, T4: attachments under 3 000 000 bytes go by POST, from 3 000 000 by session") {
  const auto msg = outlook(message::message, "AAMkADI5MAAIT3drCAAA=");
  const auto task = todo(graph_v1, "AAMkpsDRVK=", "AAKdfjhgsjhgJ=");
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2999999}}) {
    CAPTURE(size);
    const rangeup::request_view r = first_request(msg, rangeup::file_info{"flower", size});
    CHECK(r.method == rangeup::http_method::post);
    // A 0-byte file has no bytes to encode: its JSON may be plain text.
    CHECK((r.body == rangeup::body_kind::base64_json || (size == 0 && r.body == rangeup::body_kind::text)));
    // O3: the body stays under the measured ~4 MiB request cap.
    CHECK(r.content_length() < 4194304);
    CHECK(ends_with(first_url(msg, rangeup::file_info{"flower", size}), "/attachments"));
    CHECK(ends_with(first_url(task, rangeup::file_info{"flower", size}), "/attachments"));
  }
  CHECK(ends_with(first_url(msg, rangeup::file_info{"flower", 3000000}), "/attachments/createUploadSession"));
  CHECK(ends_with(first_url(task, rangeup::file_info{"flower", 3000000}), "/attachments/createUploadSession"));
  // An option forces a session for any size but 0 (a session cannot carry 0 bytes, D9).
  CHECK(ends_with(first_url(msg, rangeup::file_info{"flower", 1}, forced_session()), "/attachments/createUploadSession"));
}

TEST_CASE("O3: a 0-byte attachment is a POST with empty contentBytes") {
  rangeup::upload_session<rangeup::outlook_attachment> s(outlook(message::message, "AAMkpsDRVK"),
                                                        rangeup::file_info{"empty.txt", 0, "text/plain"});
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token(token);
  const rangeup::step st = s.next_step(rangeup::instant{0});
  REQUIRE(st.request() != nullptr);
  const std::string text = materialised_body(*st.request(), {});
  CHECK(text.size() == st.request()->content_length());
  const nlohmann::json sent = parsed(text);
  CHECK(sent == parsed(R"({"@odata.type":"#microsoft.graph.fileAttachment","name":"empty.txt","contentType":"text/plain","contentBytes":""})"));
}

TEST_CASE("D7, D9: drive files up to 4 MiB (0 included) go by PUT …/content, larger by session") {
  rangeup::drive_item d;
  d.graph_base = graph_v1;
  d.root_path = "FolderA/FileB.txt";
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{4194304}}) {
    CAPTURE(size);
    const rangeup::request_view r = first_request(d, rangeup::file_info{"FileB.txt", size});
    CHECK(r.method == rangeup::http_method::put);
    CHECK(r.content_length() == size);
    CHECK(ends_with(percent_decoded(first_url(d, rangeup::file_info{"FileB.txt", size})),
                    ":/content?@microsoft.graph.conflictBehavior=fail"));
  }
  CHECK(ends_with(first_url(d, rangeup::file_info{"FileB.txt", 4194305}), ":/createUploadSession"));
}

TEST_CASE("O5, T2: attachment fragments above 4 000 000 bytes are a usage error; P1: print needs a content type") {
  rangeup::upload_session<rangeup::outlook_attachment> o(outlook(message::message, "m"),
                                                        rangeup::file_info{"flower", 9000000}, chunked(4000001));
  CHECK(o.init_error() == errc::invalid_chunk_size);
  rangeup::upload_session<rangeup::todo_attachment> t(todo(graph_v1, "l", "t"), rangeup::file_info{"flower", 9000000},
                                                     chunked(4000001));
  CHECK(t.init_error() == errc::invalid_chunk_size);
  rangeup::upload_session<rangeup::print_document> p(print_page_target(), rangeup::file_info{"TestFile.pdf", 10});
  CHECK(p.init_error() == errc::invalid_argument);
  // P1/P2: print is always a session, even for one byte.
  CHECK(ends_with(first_url(print_page_target(), rangeup::file_info{"TestFile.pdf", 1, "application/pdf"}),
                  "/createUploadSession"));
}

TEST_CASE("P2: print requests stay \"less than 10 MB\" in both readings (at most 9 999 999 bytes)") {
  const rangeup::file_info pdf{"TestFile.pdf", 30000000, "application/pdf"};
  rangeup::upload_session<rangeup::print_document> at_cap(print_page_target(), pdf, chunked(9999999));
  CHECK_FALSE(at_cap.init_error());
  rangeup::upload_session<rangeup::print_document> over(print_page_target(), pdf, chunked(10000000));
  CHECK(over.init_error() == errc::invalid_chunk_size);
}

// O4/O9, T5: after a 416 the session asks the (undocumented) status of an
// attachment session: To Do's plain Graph uploadUrl with the bearer, Outlook's
// pre-authenticated one without it.
TEST_CASE("O9, T5: the attachment status GET carries the bearer for To Do only") {
  using protocol::put_fragment;
  using protocol::to_upload_url;
  SUBCASE("To Do") {
    static constexpr protocol::step steps[] = {
        protocol::todo_create,
        {put_fragment(protocol::todo_upload_content_url, true, "bytes 0-2097151/3483322", 2097152),
         protocol::answer(416, "")},
        {to_upload_url(rangeup::http_method::get, protocol::todo_upload_url, true), {}},
    };
    rangeup::upload_session<rangeup::todo_attachment> s(todo(graph_beta, "AAMDiFkfh=", "AAMkADliMm="),
                                                       rangeup::file_info{"flower", 3483322}, chunked(page_fragment));
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, steps);
  }
  SUBCASE("Outlook") {
    static constexpr protocol::step steps[] = {
        protocol::message_create,
        {put_fragment(protocol::message_upload_url, false, "bytes 0-2097151/3483322", 2097152), protocol::answer(416, "")},
        {to_upload_url(rangeup::http_method::get, protocol::message_upload_url, false), {}},
    };
    rangeup::upload_session<rangeup::outlook_attachment> s(outlook(message::message, "AAMkADI5MAAIT3drCAAA="),
                                                          rangeup::file_info{"flower", 3483322}, chunked(page_fragment));
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token(token);
    replay(s, steps);
  }
}
