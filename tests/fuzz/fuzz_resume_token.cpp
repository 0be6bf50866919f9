// libFuzzer target: the resume token. Invariants:
//  - parse_resume_token on arbitrary bytes: a token it accepts writes back to
//    text that parses to the same state;
//  - upload_session::restore() of arbitrary bytes with a fingerprint that does
//    not match never succeeds;
//  - a state built from the fuzzer's bytes writes, parses back identically,
//    and any single-byte change of the text is refused (except the final
//    newline turning into other trailing whitespace);
//  - save -> restore -> save round-trips on a live session, and restore with
//    another file's fingerprint / name / size is resume_mismatch.
#include <rangeup/rangeup.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_support.hpp"

using rangeup::errc;
using rangeup_fuzz::byte_reader;

namespace {

bool same(const rangeup::resume_state& a, const rangeup::resume_state& b) {
  return a.flavor == b.flavor.view() && a.target == b.target && a.size == b.size && a.next_offset == b.next_offset &&
         a.has_expiry == b.has_expiry && (!a.has_expiry || a.expires_unix == b.expires_unix) &&
         a.mtime_ns == b.mtime_ns && a.hash_prefix == b.hash_prefix.view() && a.upload_url == b.upload_url.view() &&
         a.final_pending == b.final_pending;
}

using outlook_session = rangeup::upload_session<rangeup::outlook_attachment>;
// Resume tokens belong to sessions: small files would otherwise go as one POST.
const rangeup::session_options sessions = [] {
  rangeup::session_options o;
  o.force_session = true;
  return o;
}();
const rangeup::outlook_attachment target{"https://graph.microsoft.com/v1.0", "",
                                         rangeup::outlook_attachment::parent_kind::message, "AAMkAGI2TG93AAA="};

void check_arbitrary(std::string_view token) {
  static rangeup::resume_state st;
  const std::error_code ec = rangeup::parse_resume_token(token, st);
  FUZZ_CHECK(!ec || ec == errc::invalid_resume_token, "error %s", ec.message().c_str());
  if (!ec) {
    static char out[8192];
    const auto n = rangeup::write_resume_token(st, out, sizeof out);
    FUZZ_CHECK(n, "an accepted token does not write back: %s", n.error().message().c_str());
    static rangeup::resume_state again;
    FUZZ_CHECK(!rangeup::parse_resume_token(std::string_view(out, *n), again) && same(st, again),
               "token did not round-trip");
  }
  // A session for a file the token cannot describe (another mtime than the
  // token's, when it has one): restore must fail.
  const std::uint64_t size = ec ? 1000 : st.size;
  if (size > rangeup::outlook_attachment::max_size) return;
  auto s = std::make_unique<outlook_session>(target, rangeup::file_info{"a.bin", size}, sessions);
  const std::int64_t mtime = ec ? 0 : st.mtime_ns ^ 1;
  const std::error_code r = s->restore(token, {size, mtime, {}});
  FUZZ_CHECK(r, "restore accepted a token with a mismatched fingerprint");
}

// A state from the fuzzer's bytes.
void check_written(byte_reader& in) {
  static rangeup::resume_state st;
  st = rangeup::resume_state{};
  const std::uint8_t flags = in.u8();
  (void)st.flavor.assign(in.bytes(in.u8() % 17));
  st.target = in.u64();
  st.size = in.u64();
  st.next_offset = in.u64();
  if ((flags & 1) && st.size < UINT64_MAX) st.next_offset %= st.size + 1;  // mostly parsable
  st.has_expiry = (flags & 2) != 0;
  st.final_pending = (flags & 4) != 0;
  st.expires_unix = static_cast<std::int64_t>(in.u64());
  st.mtime_ns = static_cast<std::int64_t>(in.u64());
  (void)st.hash_prefix.assign(in.bytes(in.u8() % 65));
  (void)st.upload_url.assign(in.bytes(in.u16() % 600));
  const std::uint16_t where = in.u16();
  const std::uint8_t flip = in.u8();

  static char out[8192];
  const auto n = rangeup::write_resume_token(st, out, sizeof out);
  const bool writable = !st.flavor.empty() && rangeup::detail::is_token_safe(st.flavor) && !st.upload_url.empty() &&
                        rangeup::detail::is_token_safe(st.upload_url) && rangeup::valid_hash_prefix(st.hash_prefix);
  FUZZ_CHECK(n.has_value() == writable, "write accepted=%d for writable=%d", n ? 1 : 0, writable ? 1 : 0);
  if (!n) return;
  const std::string_view text(out, *n);
  static rangeup::resume_state back;
  const std::error_code ec = rangeup::parse_resume_token(text, back);
  const bool parsable = st.size != 0 && st.next_offset <= st.size;
  FUZZ_CHECK(!ec == parsable, "parse of a written token: %s", ec ? ec.message().c_str() : "ok");
  if (ec) return;
  FUZZ_CHECK(same(st, back), "written token parsed to another state");

  if (flip == 0) return;
  std::string changed(text);
  const std::size_t at = where % changed.size();
  changed[at] = static_cast<char>(changed[at] ^ flip);
  const bool harmless = at + 1 == changed.size() && (changed[at] == '\r' || changed[at] == ' ');
  const std::error_code mutated = rangeup::parse_resume_token(changed, back);
  FUZZ_CHECK(harmless ? !mutated : mutated == errc::invalid_resume_token, "a changed byte at %zu went unnoticed", at);
}

// A live session: save, restore elsewhere, save again.
void check_session(byte_reader& in) {
  const std::uint64_t size = 1 + in.u64() % rangeup::outlook_attachment::max_size;
  const std::uint64_t next = in.u64() % size;
  const auto mtime = static_cast<std::int64_t>(in.u64());
  const std::string_view hash = (in.u8() & 1) ? "3q2+7w==" : "";
  const rangeup::file_info file{"report.pdf", size};
  const rangeup::file_fingerprint fp{size, mtime, hash};

  auto s = std::make_unique<outlook_session>(target, file, sessions);
  FUZZ_CHECK(!s->init_error(), "init");
  FUZZ_CHECK(!s->set_fingerprint(fp), "fingerprint");
  s->set_bearer_token("SECRET-BEARER");
  rangeup::instant now{0};
  FUZZ_CHECK(s->next_step(now).request() != nullptr, "no create request");
  const std::string body = "{\"uploadUrl\":\"https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/"
                           "AttachmentSessions('s')?authtoken=SECRET-AUTH\",\"expirationDateTime\":"
                           "\"2030-01-01T00:00:00Z\",\"NextExpectedRanges\":[\"" +
                           std::to_string(next) + "\"]}";
  rangeup::response_view r;
  r.status = 201;
  r.body = body;
  s->on_response(r, now);
  static char a[8192];
  const auto na = s->save_resume_token(a, sizeof a);
  FUZZ_CHECK(na, "save failed: %s", na.error().message().c_str());
  const std::string_view token(a, *na);

  auto t = std::make_unique<outlook_session>(target, file, sessions);
  const std::error_code ec = t->restore(token, fp);
  FUZZ_CHECK(!ec, "restore of a saved token failed: %s", ec.message().c_str());
  static char b[8192];
  const auto nb = t->save_resume_token(b, sizeof b);
  FUZZ_CHECK(nb && std::string_view(b, *nb) == token, "save(restore(save)) differs");
  const auto step = t->next_step(now);
  FUZZ_CHECK(step.request() && step.request()->bearer_token.empty() && step.request()->url == s->next_step(now).request()->url,
             "a restored session's first request is not a token-less request to the uploadUrl");

  auto other_mtime = std::make_unique<outlook_session>(target, file, sessions);
  FUZZ_CHECK(other_mtime->restore(token, {size, mtime ^ 1, hash}) == errc::resume_mismatch, "mtime not checked");
  auto other_name = std::make_unique<outlook_session>(target, rangeup::file_info{"report2.pdf", size}, sessions);
  FUZZ_CHECK(other_name->restore(token, fp) == errc::resume_mismatch, "target not checked");
  if (size > 1) {
    auto other_size = std::make_unique<outlook_session>(target, rangeup::file_info{"report.pdf", size - 1}, sessions);
    FUZZ_CHECK(other_size->restore(token, {size - 1, mtime, hash}) == errc::resume_mismatch, "size not checked");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_arbitrary(std::string_view(reinterpret_cast<const char*>(data), size));
  byte_reader in(data, size);
  check_written(in);
  byte_reader again(data, size);
  check_session(again);
  return 0;
}
