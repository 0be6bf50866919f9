#include "units.hpp"

#include <cctype>
#include <cstdio>

namespace upload_cli {

std::optional<std::uint64_t> parse_count(const std::string& text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::optional<std::uint64_t> parse_bytes(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  const auto number = parse_count(text.substr(0, i));
  if (!number) return std::nullopt;
  std::string suffix;
  for (std::size_t k = i; k < text.size(); ++k)
    if (text[k] != ' ') suffix += static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])));
  unsigned shift = 0;
  if (suffix.empty() || suffix == "b") shift = 0;
  else if (suffix == "k" || suffix == "kb" || suffix == "kib") shift = 10;
  else if (suffix == "m" || suffix == "mb" || suffix == "mib") shift = 20;
  else if (suffix == "g" || suffix == "gb" || suffix == "gib") shift = 30;
  else return std::nullopt;
  if (*number > (UINT64_MAX >> shift)) return std::nullopt;
  return *number << shift;
}

std::string format_bytes(double bytes) {
  static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024.0 && u < 4) {
    bytes /= 1024.0;
    ++u;
  }
  char out[32];
  if (u == 0) std::snprintf(out, sizeof out, "%.0f B", bytes);
  else std::snprintf(out, sizeof out, bytes < 10 ? "%.2f %s" : "%.1f %s", bytes, units[u]);
  return out;
}

std::string format_duration(double seconds) {
  if (seconds < 0 || seconds > 359999) return "--:--";
  const auto s = static_cast<unsigned>(seconds + 0.5);
  char out[32];
  if (s >= 3600) std::snprintf(out, sizeof out, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(out, sizeof out, "%u:%02u", s / 60, s % 60);
  return out;
}

}  // namespace upload_cli
