#pragma once
// Which fault, if any, the N-th upload request gets (session PUTs, attachment
// POSTs and drive PUT .../content share one sequence): an explicit plan
// ("503@3,429@5:2,drop@9") and/or a seeded random rate. Thread-safe.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace emu {

enum class fault_kind { none, http_500, http_503, http_429, http_507, http_501, drop, lost, vanish_404, slow, http_416, hold };

std::optional<fault_kind> parse_fault_kind(const std::string& text);
const char* fault_name(fault_kind k);

class fault_plan {
 public:
  // Returns false with a message in `error` on a malformed plan or kind list
  // ("hold" is for plans only: a random hold would stall whole test runs).
  bool configure(const std::string& plan, double rate, const std::vector<std::string>& kinds, std::uint64_t seed,
                 std::string& error);

  // Numbers the upload request (1-based) and decides its fault.
  fault_kind next_put(std::uint64_t& put_index);

 private:
  std::mutex mutex_;
  std::map<std::uint64_t, fault_kind> planned_;
  double rate_ = 0.0;
  std::vector<fault_kind> kinds_;
  std::mt19937_64 rng_;
  std::uint64_t puts_ = 0;
};

}  // namespace emu
