// The conformance suite: the same vectors, truncations, mutations and create
// bodies against builtin_codec and each adapter available in this build.

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "codec_test_support.hpp"
#include "rangeup/json/builtin_codec.hpp"
#include "rangeup/rangeup.hpp"
#include "support/test_budget.hpp"
#include "vectors.hpp"

#ifdef RANGEUP_TEST_NLOHMANN
#include <nlohmann/json.hpp>

#include "rangeup/nlohmann_json/codec.hpp"
#endif
#ifdef RANGEUP_TEST_BOOST_JSON
#include "rangeup/boost_json/codec.hpp"
#endif

using namespace codec_vectors;
using rangeup::errc;
using rangeup::json_member;

static_assert(rangeup::is_json_codec_v<rangeup::json::builtin_codec>, "builtin_codec models Codec");
#ifdef RANGEUP_TEST_NLOHMANN
static_assert(rangeup::is_json_codec_v<rangeup::json::nlohmann_codec>, "nlohmann_codec models Codec");
#endif
#ifdef RANGEUP_TEST_BOOST_JSON
static_assert(rangeup::is_json_codec_v<rangeup::json::boost_json_codec>, "boost_json_codec models Codec");
#endif

namespace {

// The truncation and mutation sweeps visit every byte position natively;
// under ASan or emulation (support/test_budget.hpp; each nlohmann parse error
// is a thrown exception, slow there) every 4th: memory errors and byte order
// do not depend on the position count, and the sanitizer build's fuzzers
// compare the adapters with the built-in codec on random inputs too.
std::size_t position_step() { return rangeup_test::reduced_sweeps() ? 4 : 1; }

const std::vector<vector>& table() {
  static const std::vector<vector> v = all();
  return v;
}

std::string printable(std::string_view s) {
  std::string out;
  for (const char c : s.substr(0, 160)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 0xF];
    } else {
      out += c;
    }
  }
  return s.size() > 160 ? out + "... (" + std::to_string(s.size()) + " bytes)" : out;
}

std::string show(const outcome& o) {
  std::string s = o.ec ? o.ec.message() : "ok";
  for (const auto& f : o.fields) s += " | " + printable(f);
  return s;
}

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("conformance vectors", Codec, vectors_id) {
  REQUIRE(table().size() > 150);
  for (const vector& v : table()) {
    const outcome got = run<Codec>(v.fn, v.json);
    const outcome want = expected(v);
    INFO(v.name, ": ", printable(v.json));
    INFO("got ", show(got), "; want ", show(want));
    CHECK(got == want);
  }
}

// Every proper prefix of a valid document lacks at least its closing '}'.
TEST_CASE_TEMPLATE_DEFINE("valid documents truncated at every byte", Codec, prefix_id) {
  std::size_t checked = 0;
  const std::size_t step = position_step();
  for (const vector& v : table()) {
    if (v.expected != ok) continue;
    const std::size_t close = v.json.rfind('}');
    REQUIRE(close != std::string::npos);
    for (std::size_t n = 0; n < close; n += step) {
      const outcome got = run<Codec>(v.fn, std::string_view(v.json).substr(0, n));
      if (got.ec != rangeup::make_error_code(errc::malformed_json)) {
        FAIL_CHECK(v.name, " prefix of ", n, " bytes: ", show(got));
      }
      ++checked;
    }
  }
  CHECK(checked > 10000 / step);
}

namespace {

// Outlook's body around one file name.
rangeup::create_body outlook_body(const json_member (&members)[3]) { return {"AttachmentItem", members, 3, nullptr, 0}; }

template <class Codec>
rangeup::result<std::string> write_with(const rangeup::create_body& body, std::size_t capacity = 4096) {
  std::vector<char> buffer(capacity);
  const auto r = Codec::write_create_body(body, buffer.data(), buffer.size());
  if (!r) return r.error();
  return std::string(buffer.data(), *r);
}

}  // namespace

TEST_CASE_TEMPLATE_DEFINE("create bodies: names needing escaping", Codec, names_id) {
  for (const name_vector& n : names()) {
    INFO(n.label, ": ", printable(n.name));
    const json_member members[3] = {json_member::string("attachmentType", "file"), json_member::string("name", n.name),
                                    json_member::integer("size", 3483322)};
    const auto r = write_with<Codec>(outlook_body(members));
    if (n.expected != ok) {
      CHECK(r.error() == rangeup::make_error_code(n.expected));
      // Refusal wins over a buffer that is also too small.
      CHECK(write_with<Codec>(outlook_body(members), 3).error() == rangeup::make_error_code(n.expected));
      continue;
    }
    REQUIRE(r.has_value());
    if (std::is_same<Codec, rangeup::json::builtin_codec>::value) CHECK(*r == n.builtin_body);
#ifdef RANGEUP_TEST_NLOHMANN
    // Round trip through an independent parser: the members come back intact.
    const auto j = nlohmann::ordered_json::parse(*r);
    CHECK(j.size() == 1);
    CHECK(j.at("AttachmentItem").size() == 3);
    CHECK(j.at("AttachmentItem").at("attachmentType") == "file");
    CHECK(j.at("AttachmentItem").at("name").template get<std::string>() == n.name);
    CHECK(j.at("AttachmentItem").at("size").template get<std::uint64_t>() == 3483322u);
#endif
    // Exactly enough room works; one byte less is buffer_too_small.
    CHECK(write_with<Codec>(outlook_body(members), r->size()).has_value());
    CHECK(write_with<Codec>(outlook_body(members), r->size() - 1).error() == rangeup::make_error_code(errc::buffer_too_small));
  }
}

TEST_CASE_TEMPLATE_DEFINE("create bodies: every flavor's shape", Codec, bodies_id) {
  const json_member drive_item[] = {json_member::string("@microsoft.graph.conflictBehavior", "rename"),
                                    json_member::string("name", "big.bin")};
  const json_member defer[] = {json_member::boolean("deferCommit", true)};
  const json_member print[] = {json_member::string("documentName", "r\xc3\xa9port.pdf"),
                               json_member::string("contentType", "application/pdf"),
                               json_member::integer("size", UINT64_MAX)};
  const json_member flat[] = {json_member::boolean("isInline", false), json_member::integer("size", 0)};
  struct shape {
    const char* label;
    rangeup::create_body body;
    std::string builtin;
  } shapes[] = {
      {"driveItem + deferCommit", {"item", drive_item, 2, defer, 1},
       R"({"item":{"@microsoft.graph.conflictBehavior":"rename","name":"big.bin"},"deferCommit":true})"},
      {"printDocument", {"properties", print, 3, nullptr, 0},
       "{\"properties\":{\"documentName\":\"r\xc3\xa9port.pdf\",\"contentType\":\"application/pdf\",\"size\":18446744073709551615}}"},
      {"empty wrapper", {"", flat, 2, defer, 1}, R"({"isInline":false,"size":0,"deferCommit":true})"},
      {"wrapper without members", {"item", nullptr, 0, nullptr, 0}, R"({"item":{}})"},
      {"nothing", {}, "{}"},
  };
  for (const shape& s : shapes) {
    INFO(s.label);
    const auto r = write_with<Codec>(s.body);
    REQUIRE(r.has_value());
    if (std::is_same<Codec, rangeup::json::builtin_codec>::value) CHECK(*r == s.builtin);
#ifdef RANGEUP_TEST_NLOHMANN
    CHECK(nlohmann::ordered_json::parse(*r) == nlohmann::ordered_json::parse(s.builtin));
#endif
  }
  // Shape errors are the caller's bug, reported the same way by every codec.
  const rangeup::create_body missing_members{"item", nullptr, 2, nullptr, 0};
  CHECK(write_with<Codec>(missing_members).error() == rangeup::make_error_code(errc::invalid_argument));
  const rangeup::create_body bad_wrapper{"it\xffm", drive_item, 2, nullptr, 0};
  CHECK(write_with<Codec>(bad_wrapper).error() == rangeup::make_error_code(errc::invalid_argument));
  const json_member bad_key[] = {json_member::string("na\xc3me", "x")};
  CHECK(write_with<Codec>({"", bad_key, 1, nullptr, 0}).error() == rangeup::make_error_code(errc::invalid_argument));
  char one;
  CHECK(Codec::write_create_body({}, nullptr, 0).error() == rangeup::make_error_code(errc::buffer_too_small));
  CHECK(Codec::write_create_body({}, &one, 1).error() == rangeup::make_error_code(errc::buffer_too_small));
  CHECK(Codec::write_create_body({}, nullptr, 5).error() == rangeup::make_error_code(errc::invalid_argument));
}

// The small-file POST (docs/PROTOCOL.md O3, T4): every codec writes the
// attachment JSON with an empty "contentBytes" exactly once, compact, so the
// session can stream the base64 into it; the whole body stays valid JSON for
// every name the create bodies accept.
TEST_CASE_TEMPLATE_DEFINE("small-file POST bodies: one empty contentBytes slot, valid JSON around the base64", Codec,
                          post_body_id) {
  constexpr std::string_view slot = "\"contentBytes\":\"\"";
  for (const name_vector& n : names()) {
    INFO(n.label, ": ", printable(n.name));
    const rangeup::file_info f{n.name, 3, "image/png", true, "cid@1"};
    std::vector<char> buffer(4096);
    const auto r = rangeup::detail::attachment_post_body<Codec>("#microsoft.graph.fileAttachment", f, true, buffer.data(),
                                                                buffer.size());
    if (n.expected != ok || n.name.empty()) {  // an attachment needs a name
      CHECK_FALSE(r.has_value());
      continue;
    }
    REQUIRE(r.has_value());
    const std::string body(buffer.data(), *r);
    const std::size_t at = body.find(slot);
    REQUIRE(at != std::string::npos);
    CHECK(body.find(slot, at + 1) == std::string::npos);
    // The session as a transport sees it: the text, the base64 of the file, the suffix.
    using session = rangeup::upload_session<rangeup::outlook_attachment, rangeup::attachment_planner,
                                            rangeup::exponential_backoff, Codec>;
    const rangeup::outlook_attachment target{"https://graph.microsoft.com/v1.0", "",
                                             rangeup::outlook_attachment::parent_kind::message, "m"};
    session s(target, f);
    REQUIRE_FALSE(s.init_error());
    s.set_bearer_token("tok");  // the POST carries the bearer: without one the session asks (need_token)
    const rangeup::step st = s.next_step(rangeup::instant{0});
    REQUIRE(st.request());
    CHECK(st.request()->body == rangeup::body_kind::base64_json);
    CHECK(std::string(st.request()->text) + std::string(st.request()->suffix) == body.substr(0, at + slot.size() - 1) + "\"" +
                                                                                  body.substr(at + slot.size()));
    const unsigned char bytes[3] = {0xfb, 0xff, 0x00};
    rangeup::memory_source source(bytes, sizeof bytes);
    std::string sent(static_cast<std::size_t>(st.request()->content_length()), '\0');
    const auto n_read = rangeup::read_request_body(*st.request(), source, 0, &sent[0], sent.size());
    REQUIRE(n_read);
    CHECK(*n_read == sent.size());
    CHECK(sent.find("\"contentBytes\":\"+/8A\"") != std::string::npos);
#ifdef RANGEUP_TEST_NLOHMANN
    const auto j = nlohmann::ordered_json::parse(sent);
    CHECK(j.at("@odata.type") == "#microsoft.graph.fileAttachment");
    CHECK(j.at("name").template get<std::string>() == n.name);
    CHECK(j.at("contentType") == "image/png");
    CHECK(j.at("isInline") == true);
    CHECK(j.at("contentId") == "cid@1");
    CHECK(j.at("contentBytes") == "+/8A");
    CHECK(j.size() == 6);
#endif
  }
  // To Do's taskFileAttachment: no inline members even when the file has them.
  const rangeup::file_info f{"notes.txt", 1, {}, true, "cid"};
  char out[512];
  const auto r = rangeup::detail::attachment_post_body<Codec>("#microsoft.graph.taskFileAttachment", f, false, out, sizeof out);
  REQUIRE(r.has_value());
  const std::string body(out, *r);
  CHECK(body.find("isInline") == std::string::npos);
  CHECK(body.find("contentId") == std::string::npos);
  CHECK(body.find("contentType") == std::string::npos);
  CHECK(body.find(slot) != std::string::npos);
  if (std::is_same<Codec, rangeup::json::builtin_codec>::value)
    CHECK(body == R"({"@odata.type":"#microsoft.graph.taskFileAttachment","name":"notes.txt","contentBytes":""})");
}

// Differential check: adapters must agree with the built-in codec not only on
// the table but on inputs nobody wrote down. Each valid vector is mutated at
// every byte (replaced by a syntax-relevant byte, deleted, duplicated).
TEST_CASE_TEMPLATE_DEFINE("adapter agrees with builtin on mutated vectors", Codec, differential_id) {
  static constexpr char replacements[] = {'\0', '"', '\\', '{', '}', '[', ']', ',', ':', '0', '1', '-', '+', 'e', '.', ' ',
                                          'u', 'n', 'x', '\x1f', '\x7f', '\x80', '\xbf', '\xc3', '\xed', '\xf4', '\xff'};
  std::size_t compared = 0, disagreements = 0;
  const std::size_t step = position_step();
  for (const vector& v : table()) {
    if (v.expected != ok || v.json.size() > 600) continue;
    const auto compare = [&](const std::string& input) {
      const outcome want = run<rangeup::json::builtin_codec>(v.fn, input);
      const outcome got = run<Codec>(v.fn, input);
      ++compared;
      if (!(got == want) && ++disagreements <= 20) {
        FAIL_CHECK(v.name, ": ", printable(input), "\n  adapter ", show(got), "\n  builtin ", show(want));
      }
    };
    for (std::size_t i = 0; i < v.json.size(); i += step) {
      for (const char c : replacements) {
        std::string m = v.json;
        m[i] = c;
        compare(m);
      }
      compare(v.json.substr(0, i) + v.json.substr(i + 1));
      compare(v.json.substr(0, i + 1) + v.json.substr(i));
    }
  }
  MESSAGE(compared, " mutated inputs compared");
  CHECK(disagreements == 0);
  CHECK(compared > 100000 / step);
}

TEST_CASE_TEMPLATE_INVOKE(vectors_id, rangeup::json::builtin_codec);
TEST_CASE_TEMPLATE_INVOKE(prefix_id, rangeup::json::builtin_codec);
TEST_CASE_TEMPLATE_INVOKE(names_id, rangeup::json::builtin_codec);
TEST_CASE_TEMPLATE_INVOKE(bodies_id, rangeup::json::builtin_codec);
TEST_CASE_TEMPLATE_INVOKE(post_body_id, rangeup::json::builtin_codec);
#ifdef RANGEUP_TEST_NLOHMANN
TEST_CASE_TEMPLATE_INVOKE(vectors_id, rangeup::json::nlohmann_codec);
TEST_CASE_TEMPLATE_INVOKE(prefix_id, rangeup::json::nlohmann_codec);
TEST_CASE_TEMPLATE_INVOKE(names_id, rangeup::json::nlohmann_codec);
TEST_CASE_TEMPLATE_INVOKE(bodies_id, rangeup::json::nlohmann_codec);
TEST_CASE_TEMPLATE_INVOKE(post_body_id, rangeup::json::nlohmann_codec);
TEST_CASE_TEMPLATE_INVOKE(differential_id, rangeup::json::nlohmann_codec);
#endif
#ifdef RANGEUP_TEST_BOOST_JSON
TEST_CASE_TEMPLATE_INVOKE(vectors_id, rangeup::json::boost_json_codec);
TEST_CASE_TEMPLATE_INVOKE(prefix_id, rangeup::json::boost_json_codec);
TEST_CASE_TEMPLATE_INVOKE(names_id, rangeup::json::boost_json_codec);
TEST_CASE_TEMPLATE_INVOKE(bodies_id, rangeup::json::boost_json_codec);
TEST_CASE_TEMPLATE_INVOKE(post_body_id, rangeup::json::boost_json_codec);
TEST_CASE_TEMPLATE_INVOKE(differential_id, rangeup::json::boost_json_codec);
#endif
