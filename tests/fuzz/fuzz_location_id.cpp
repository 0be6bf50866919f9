// libFuzzer target: attachment_id_from_location. Invariants on arbitrary
// Location values: a non-empty id without control characters, never longer
// than the buffer, the same id from a buffer of exactly its size,
// buffer_too_small one byte shorter, and the fixed_string overload agreeing.
// Round trip: any id (without control characters) put into Outlook's
// ".../Attachments('ID')" form (OData-quoted, percent-encoded) or To Do's
// ".../Attachments/ID" form comes back exactly.
#include <rangeup/location_id.hpp>

#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_support.hpp"

using rangeup::errc;

namespace {

void check_arbitrary(std::string_view location, std::size_t capacity) {
  static char big[1 << 16];
  const auto full = rangeup::attachment_id_from_location(location, big, sizeof big);
  if (!full) {
    FUZZ_CHECK(full.error() == errc::malformed_response, "error %s", full.error().message().c_str());
  } else {
    FUZZ_CHECK(*full > 0 && *full <= location.size(), "id length %zu", *full);
    for (std::size_t i = 0; i < *full; ++i) {
      const auto u = static_cast<unsigned char>(big[i]);
      FUZZ_CHECK(u >= 0x20 && u != 0x7f, "control character 0x%02x in the id", u);
    }
    static char exact[1 << 16];
    const auto again = rangeup::attachment_id_from_location(location, exact, *full);
    FUZZ_CHECK(again && *again == *full && std::memcmp(exact, big, *full) == 0, "exact-size buffer differs");
    const auto shorter = rangeup::attachment_id_from_location(location, exact, *full - 1);
    FUZZ_CHECK(!shorter && shorter.error() == errc::buffer_too_small, "short buffer not reported");
  }
  // A small caller buffer: never written past, and consistent with the big one.
  char small[257];
  std::memset(small, 0x5a, sizeof small);
  const auto part = rangeup::attachment_id_from_location(location, small, capacity);
  for (std::size_t i = capacity; i < sizeof small; ++i) FUZZ_CHECK(small[i] == 0x5a, "wrote past the capacity");
  if (part) FUZZ_CHECK(full && *part == *full && std::memcmp(small, big, *part) == 0, "small buffer disagrees");
  if (full && *full <= capacity) FUZZ_CHECK(part, "id fits but was refused");

  rangeup::fixed_string<512> fs;
  const std::error_code ec = rangeup::attachment_id_from_location(location, fs);
  if (full && *full <= 512) {
    FUZZ_CHECK(!ec && fs.view() == std::string_view(big, *full), "fixed_string overload disagrees");
  } else {
    FUZZ_CHECK(ec, "fixed_string overload accepted what the buffer one refused");
  }
}

std::string percent(unsigned char c) {
  static constexpr char hex[] = "0123456789ABCDEF";
  return std::string{'%', hex[c >> 4], hex[c & 15]};
}

void check_round_trip(std::string_view id, bool encode_all) {
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return;
  }
  if (id.empty()) return;
  std::string outlook = "https://outlook.office.com/api/v2.0/Users('a@b.c')/Messages('AAMk')/Attachments('";
  std::string todo = "https://graph.microsoft.com/beta/me/todo/lists/L/tasks/T/attachments/";
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_' || c == '.' || c == '=';
    if (c == '\'' && !encode_all) {
      outlook += "''";
    } else if (c == '%' || !plain || encode_all) {
      outlook += percent(u);
    } else {
      outlook += c;
    }
    todo += (plain && !encode_all) ? std::string(1, c) : percent(u);
  }
  outlook += "')";
  static char out[1 << 16];
  for (const std::string& loc : {outlook, todo}) {
    const auto n = rangeup::attachment_id_from_location(loc, out, sizeof out);
    FUZZ_CHECK(n && std::string_view(out, *n) == id, "id did not round-trip through %s", loc.c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t capacity = size == 0 ? 0 : data[0] % 257;
  check_arbitrary(text, capacity);
  check_round_trip(text, size != 0 && (data[0] & 1));
  return 0;
}
