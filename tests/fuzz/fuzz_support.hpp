#pragma once
// Shared by the libFuzzer targets: a failed invariant aborts with a message
// (libFuzzer then saves the input as a crash), a front-to-back reader of the
// fuzzer's bytes, and document summaries that compare with ==.

#include <rangeup/codec.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#define FUZZ_CHECK(cond, ...)                                                           \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "\nFUZZ INVARIANT FAILED at %s:%d: %s\n  ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                                \
      std::fprintf(stderr, "\n");                                                       \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace rangeup_fuzz {

// Consumes the input from the front, so seed files read in order; past the
// end every read yields zeros / empty strings.
class byte_reader {
 public:
  byte_reader(const std::uint8_t* data, std::size_t size) noexcept : p_(data), n_(size) {}

  bool empty() const noexcept { return n_ == 0; }
  std::size_t remaining() const noexcept { return n_; }
  std::uint8_t u8() noexcept {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  std::uint16_t u16() noexcept { return static_cast<std::uint16_t>(u8() << 8 | u8()); }
  std::uint64_t u64() noexcept {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | u8();
    return v;
  }
  std::string_view bytes(std::size_t count) noexcept {
    if (count > n_) count = n_;
    std::string_view s(reinterpret_cast<const char*>(p_), count);
    p_ += count;
    n_ -= count;
    return s;
  }
  // One length byte, then that many bytes.
  std::string_view short_string() noexcept { return bytes(u8()); }
  std::string_view rest() noexcept { return bytes(n_); }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

inline std::string describe(const rangeup::session_document& d) {
  std::string s = "url=" + std::string(d.upload_url.view()) + " exp=" + std::string(d.expiration_date_time.view());
  s += d.has_ranges ? " ranges=" : " ranges=~";
  for (std::size_t i = 0; i < d.range_count; ++i) {
    s += std::to_string(d.ranges[i].first) + "-";
    if (!d.ranges[i].open_ended) s += std::to_string(d.ranges[i].last);
    s += ",";
  }
  return s;
}
inline std::string describe(const rangeup::error_document& d) {
  return "code=" + std::string(d.code.view()) + " message=" + std::string(d.message.view());
}
inline std::string describe(const rangeup::drive_item_document& d) {
  return "id=" + std::string(d.id.view()) + " name=" + std::string(d.name.view()) +
         " size=" + (d.has_size ? std::to_string(d.size) : "-") + " qxh=" + std::string(d.quick_xor_hash.view());
}

// What a codec made of one input: the error, or the document's summary.
struct parsed {
  std::string ec;
  std::string doc;
  bool operator==(const parsed& o) const { return ec == o.ec && doc == o.doc; }
};

enum class parser_kind : std::uint8_t { session, error, item };

template <class Codec>
parsed parse_with(parser_kind k, std::string_view json) {
  parsed out;
  const auto run = [&](auto& doc, std::error_code ec) {
    out.ec = ec ? std::string(ec.category().name()) + ":" + std::to_string(ec.value()) : "ok";
    if (!ec) out.doc = describe(doc);
  };
  switch (k) {
    case parser_kind::session: {
      static rangeup::session_document d;  // large: keep it off the stack
      run(d, Codec::parse_session(json, d));
      break;
    }
    case parser_kind::error: {
      static rangeup::error_document d;
      run(d, Codec::parse_error(json, d));
      break;
    }
    case parser_kind::item: {
      static rangeup::drive_item_document d;
      run(d, Codec::parse_drive_item(json, d));
      break;
    }
  }
  return out;
}

}  // namespace rangeup_fuzz
