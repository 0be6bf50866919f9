#pragma once
// Where a test program runs, for the exhaustive sweeps that scale their work
// to it. The default preset runs every sweep in full, natively and optimised;
// the others run the part that can still find what they are there for:
//   under_emulation()  qemu-user or Wine (the portability test presets set
//                      RANGEUP_TEST_EMULATED): 4-30x slower, and protocol
//                      logic that the default preset has proved natively
//   under_asan         AddressSanitizer at -O0: ~5x slower (exceptions far
//                      more), there for memory safety, not for more inputs
#include <cstdlib>

#include "support/sanitizers.hpp"

namespace rangeup_test {

inline bool under_emulation() {
  const char* emulated = std::getenv("RANGEUP_TEST_EMULATED");
  return emulated != nullptr && *emulated != '\0' && *emulated != '0';
}

#ifdef RANGEUP_TEST_UNDER_ASAN
inline constexpr bool under_asan = true;
#else
inline constexpr bool under_asan = false;
#endif

// Where the exhaustive sweeps (every fault at every request, every byte
// position) run a reduced set: under emulation or ASan.
inline bool reduced_sweeps() { return under_asan || under_emulation(); }

}  // namespace rangeup_test
