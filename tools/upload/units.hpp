#pragma once
// Byte counts and durations as people type and read them: "10M", "320KiB",
// "59 MiB", "1:05".

#include <cstdint>
#include <optional>
#include <string>

namespace upload_cli {

// Parses a non-negative byte count with an optional binary suffix:
// K, KB, KiB = 1024; M, MB, MiB = 1024²; G, GB, GiB = 1024³ (case-insensitive).
// nullopt on anything else or on overflow.
std::optional<std::uint64_t> parse_bytes(const std::string& text);

// Parses a plain non-negative decimal integer.
std::optional<std::uint64_t> parse_count(const std::string& text);

// "512 B", "4.0 KiB", "63.9 MiB", "1.50 GiB".
std::string format_bytes(double bytes);

// "0:07", "12:34", "1:02:03".
std::string format_duration(double seconds);

}  // namespace upload_cli
