#pragma once
// Content hashes of a stored file, computed by streaming it from disk.

#include <cstdint>
#include <string>

namespace emu {

struct file_digests {
  std::uint64_t size = 0;
  std::string sha256;        // lowercase hex
  std::string quick_xor;     // base64, as driveItem file.hashes.quickXorHash
};

// Reads the file in bounded chunks; returns false if it cannot be read.
bool digest_file(const std::string& path, file_digests& out);

}  // namespace emu
