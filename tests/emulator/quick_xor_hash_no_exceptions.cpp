// Compiled with -fno-exceptions -fno-rtti (see CMakeLists.txt): the header
// must build and work there. No doctest in this TU for that reason.
#include "rangeup/quick_xor_hash.hpp"

bool quick_xor_hash_base64_without_exceptions(const char* text, unsigned long n, char* out, unsigned long cap) noexcept {
  rangeup::quick_xor_hash h;
  h.update(text, n);
  return h.finalize_base64(out, cap).has_value();
}
