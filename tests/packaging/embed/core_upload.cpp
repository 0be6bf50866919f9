// Runs ranges through the core vocabulary the way an upload does. (Replaced by a
// full upload_session run once the session lands in the single header.)
#include <rangeup/rangeup.hpp>

#include <cstring>

#include "embed_check.hpp"

int run_core_upload() {
  const char payload[] = "0123456789abcdef0123456789";
  rangeup::memory_source source(payload, sizeof payload - 1);
  char wire[sizeof payload] = {};
  std::uint64_t next = 0;
  const std::uint64_t total = source.size();
  while (next < total) {
    const std::uint64_t last = next + 9 < total ? next + 9 : total - 1;
    char header[rangeup::content_range_capacity];
    auto n = rangeup::format_content_range({next, last, total}, header, sizeof header);
    if (!n) return 1;
    auto got = source.read_at(next, wire + next, static_cast<std::size_t>(last - next + 1));
    if (!got) return 1;
    auto confirmed = rangeup::parse_byte_range(rangeup::decimal_text(last + 1).view());
    if (!confirmed) return 1;
    next = confirmed->first;
  }
  return std::memcmp(wire, payload, sizeof payload - 1) == 0 ? 0 : 1;
}
