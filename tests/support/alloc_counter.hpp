#pragma once
// Counts calls to the global operator new (all forms) so tests can assert that a
// piece of code performs zero heap allocations. Link `rangeup_alloc_counter`.
// Under AddressSanitizer the replacement is compiled out (ASan owns operator new);
// tests must then check allocation_counting_enabled() and skip the assertion.
#include <cstdint>

namespace rangeup_test {

bool allocation_counting_enabled() noexcept;
std::uint64_t allocation_count() noexcept;

// Number of allocations made since construction (by any thread).
class allocation_scope {
 public:
  allocation_scope() noexcept : start_(allocation_count()) {}
  std::uint64_t count() const noexcept { return allocation_count() - start_; }

 private:
  std::uint64_t start_;
};

}  // namespace rangeup_test
