#pragma once
// Deterministic test content, the same for every test and the emulator
// harness (no dependencies).

#include <cstddef>
#include <cstdint>
#include <string>

namespace rangeup_test {

// n deterministic, incompressible bytes (xorshift from `seed`).
inline std::string test_bytes(std::size_t n, std::uint32_t seed = 1) {
  std::string s(n, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  // Through a pointer: string iterators are function calls in the -O0 test
  // programs (a tenth of the emulator test's CPU under ASan went to them).
  char* out = &s[0];
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(x & 0xff);
  }
  return s;
}

}  // namespace rangeup_test
