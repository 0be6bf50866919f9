#include <doctest/doctest.h>

#include <memory>

#include "rangeup/byte_range.hpp"
#include "support/alloc_counter.hpp"

namespace {
// Publishing the pointers keeps the optimiser from eliding the new/delete pairs
// (clang does so for unobserved allocations).
void* volatile g_escape = nullptr;
}  // namespace

// The counter must see allocations, or every "0 allocations" assertion elsewhere
// would pass vacuously.
TEST_CASE("the allocation counter counts operator new") {
  if (!rangeup_test::allocation_counting_enabled()) return;  // sanitizer builds own operator new
  rangeup_test::allocation_scope scope;
  auto p = std::make_unique<int>(3);
  auto a = std::make_unique<char[]>(100);
  g_escape = p.get();
  g_escape = a.get();
  CHECK(scope.count() == 2);
}

TEST_CASE("range parsing and formatting allocate nothing") {
  if (!rangeup_test::allocation_counting_enabled()) return;
  rangeup_test::allocation_scope scope;
  char buf[rangeup::content_range_capacity];
  std::uint64_t sum = 0;
  for (int i = 0; i < 100; ++i) {
    sum += rangeup::parse_byte_range("4194304-").value().first;
    sum += rangeup::format_content_range({0, 4194303, 157286400}, buf, sizeof buf).value();
  }
  CHECK(sum > 0);
  CHECK(scope.count() == 0);
}
