#pragma once
// Reports heap allocations per benchmark iteration as the "allocs/iter" counter.
// Allocations are counted by the replaced global operator new linked into the
// benchmark (tests/support/alloc_counter.cpp). -1 means counting is compiled
// out (sanitizer builds own operator new).

#include <cstdint>

#include <benchmark/benchmark.h>

#include "support/alloc_counter.hpp"

namespace rangeup_bench {

// Construct right before the timed loop, call report() right after it: the
// count then covers the loop only, not the fixture's setup.
class allocation_meter {
 public:
  allocation_meter() noexcept : start_(rangeup_test::allocation_count()) {}

  void report(benchmark::State& state) const {
    if (!rangeup_test::allocation_counting_enabled()) {
      state.counters["allocs/iter"] = -1;
      return;
    }
    const auto n = static_cast<double>(rangeup_test::allocation_count() - start_);
    state.counters["allocs/iter"] = benchmark::Counter(n, benchmark::Counter::kAvgIterations);
  }

 private:
  std::uint64_t start_;
};

}  // namespace rangeup_bench
