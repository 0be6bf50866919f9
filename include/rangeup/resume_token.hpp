#pragma once
// The resume token: a session's state as checksummed text, so an interrupted
// upload continues in a later process.
//
//   rangeup-resume-v1
//   flavor=outlook
//   target=<16 hex: FNV-1a 64 of the create URL>
//   size=<bytes>
//   next=<first byte the server had not confirmed>
//   expires=<unix seconds, or ->
//   mtime=<file mtime, ns>
//   hash=<optional hash prefix>
//   url=<uploadUrl>
//   final=1          (only when the request that completes the upload may be
//                     on its way: a 404 after the restore then means "maybe
//                     done", not "start again")
//   check=<16 hex: FNV-1a 64 of everything above>
//
// The uploadUrl is a bearer credential for the session: store tokens like
// secrets (a file only the owner can read, mode 0600), never log them.
// The checksum detects corruption, not tampering.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "rangeup/byte_range.hpp"
#include "rangeup/config.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/result.hpp"

namespace rangeup {

// The longest token write_resume_token can produce: the uploadUrl (at most
// RANGEUP_MAX_URL_LENGTH) plus the other lines (under 400 bytes) and the NUL.
// A buffer of this size always holds a live session's token.
inline constexpr std::size_t max_resume_token_size = RANGEUP_MAX_URL_LENGTH + 512;

struct resume_state {
  fixed_string<16> flavor;
  std::uint64_t target = 0;
  std::uint64_t size = 0;
  std::uint64_t next_offset = 0;
  bool has_expiry = false;
  std::int64_t expires_unix = 0;
  std::int64_t mtime_ns = 0;
  fixed_string<64> hash_prefix;
  fixed_string<RANGEUP_MAX_URL_LENGTH> upload_url;
  bool final_pending = false;  // the completing request was next or unanswered when saved
};

inline constexpr std::string_view resume_token_magic = "rangeup-resume-v1";

// FNV-1a, 64 bit: a checksum and a compact target identity, not a MAC.
constexpr std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) noexcept {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

namespace detail {

inline void append_hex64(text_writer& w, std::uint64_t v) noexcept {
  static constexpr char hex[] = "0123456789abcdef";
  char out[16];
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = hex[v & 15];
  w.append(std::string_view(out, 16));
}

inline void append_signed(text_writer& w, std::int64_t v) noexcept {
  if (v < 0) {
    w.append('-');
    w.append_decimal(static_cast<std::uint64_t>(-(v + 1)) + 1);
  } else {
    w.append_decimal(static_cast<std::uint64_t>(v));
  }
}

inline bool parse_hex64(std::string_view s, std::uint64_t& out) noexcept {
  if (s.size() != 16) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  out = v;
  return true;
}

inline bool parse_u64_exact(std::string_view s, std::uint64_t& out) noexcept {
  return take_u64(s, out) && s.empty();
}

inline bool parse_i64_exact(std::string_view s, std::int64_t& out) noexcept {
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  std::uint64_t v = 0;
  if (!parse_u64_exact(s, v)) return false;
  if (negative ? v > static_cast<std::uint64_t>(INT64_MAX) + 1 : v > static_cast<std::uint64_t>(INT64_MAX))
    return false;
  out = negative ? (v == 0 ? 0 : -static_cast<std::int64_t>(v - 1) - 1) : static_cast<std::int64_t>(v);
  return true;
}

constexpr bool is_token_safe(std::string_view s) noexcept {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u == 0x7f) return false;  // no spaces, newlines, controls
  }
  return true;
}

constexpr bool is_hash_prefix_char(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '+' || c == '/' ||
         c == '=' || c == '_' || c == '-';
}

// Takes "key=value\n" from the front of s.
inline bool take_field(std::string_view& s, std::string_view key, std::string_view& value) noexcept {
  const std::size_t nl = s.find('\n');
  if (nl == std::string_view::npos) return false;
  std::string_view line = s.substr(0, nl);
  if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != '=') return false;
  value = line.substr(key.size() + 1);
  s.remove_prefix(nl + 1);
  return true;
}

}  // namespace detail

// Is this a valid hash_prefix for a fingerprint / token?
constexpr bool valid_hash_prefix(std::string_view s) noexcept {
  if (s.size() > 64) return false;
  for (char c : s)
    if (!detail::is_hash_prefix_char(c)) return false;
  return true;
}

// Writes the token into out (NUL-terminated when there is room for it) and
// returns its length. errc::buffer_too_small when it does not fit;
// invalid_argument for values that cannot be written safely.
inline result<std::size_t> write_resume_token(const resume_state& st, char* out, std::size_t capacity) noexcept {
  if (!detail::is_token_safe(st.flavor) || st.flavor.empty() || !detail::is_token_safe(st.upload_url) ||
      st.upload_url.empty() || !valid_hash_prefix(st.hash_prefix))
    return errc::invalid_argument;
  text_writer w(out, capacity);
  w.append(resume_token_magic).append('\n');
  w.append("flavor=").append(st.flavor.view()).append('\n');
  w.append("target=");
  detail::append_hex64(w, st.target);
  w.append("\nsize=").append_decimal(st.size);
  w.append("\nnext=").append_decimal(st.next_offset);
  w.append("\nexpires=");
  if (st.has_expiry)
    detail::append_signed(w, st.expires_unix);
  else
    w.append('-');
  w.append("\nmtime=");
  detail::append_signed(w, st.mtime_ns);
  w.append("\nhash=").append(st.hash_prefix.view());
  w.append("\nurl=").append(st.upload_url.view()).append('\n');
  if (st.final_pending) w.append("final=1\n");
  if (!w.ok()) return errc::buffer_too_small;
  const std::uint64_t sum = fnv1a64(w.view());
  w.append("check=");
  detail::append_hex64(w, sum);
  w.append('\n');
  if (!w.ok() || w.size() >= capacity) return errc::buffer_too_small;  // keep room for the NUL
  out[w.size()] = '\0';
  return w.size();
}

// Parses and verifies a token. Any syntax error, wrong version, bad checksum
// or impossible value is errc::invalid_resume_token.
inline std::error_code parse_resume_token(std::string_view token, resume_state& st) noexcept {
  constexpr auto bad = errc::invalid_resume_token;
  // Tolerate trailing whitespace (editors, CRLF conversion of the last line).
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.remove_suffix(1);
  const std::size_t check_at = token.rfind("\ncheck=");
  if (check_at == std::string_view::npos) return bad;
  std::uint64_t sum = 0;
  if (!detail::parse_hex64(token.substr(check_at + 7), sum)) return bad;
  std::string_view body = token.substr(0, check_at + 1);  // including the '\n'
  if (fnv1a64(body) != sum) return bad;

  std::string_view s = body;
  if (s.substr(0, resume_token_magic.size() + 1) != "rangeup-resume-v1\n") return bad;
  s.remove_prefix(resume_token_magic.size() + 1);
  std::string_view v;
  resume_state r;
  if (!detail::take_field(s, "flavor", v) || v.empty() || !detail::is_token_safe(v) || r.flavor.assign(v)) return bad;
  if (!detail::take_field(s, "target", v) || !detail::parse_hex64(v, r.target)) return bad;
  if (!detail::take_field(s, "size", v) || !detail::parse_u64_exact(v, r.size) || r.size == 0) return bad;
  if (!detail::take_field(s, "next", v) || !detail::parse_u64_exact(v, r.next_offset) || r.next_offset > r.size)
    return bad;
  if (!detail::take_field(s, "expires", v)) return bad;
  r.has_expiry = v != "-";
  if (r.has_expiry && !detail::parse_i64_exact(v, r.expires_unix)) return bad;
  if (!detail::take_field(s, "mtime", v) || !detail::parse_i64_exact(v, r.mtime_ns)) return bad;
  if (!detail::take_field(s, "hash", v) || !valid_hash_prefix(v) || r.hash_prefix.assign(v)) return bad;
  if (!detail::take_field(s, "url", v) || v.empty() || !detail::is_token_safe(v) || r.upload_url.assign(v)) return bad;
  if (detail::take_field(s, "final", v)) {
    if (v != "1") return bad;
    r.final_pending = true;
  }
  if (!s.empty()) return bad;
  st = r;
  return {};
}

}  // namespace rangeup
