#include "fault_plan.hpp"

#include <sstream>

namespace emu {
namespace {

struct kind_name {
  fault_kind kind;
  const char* name;
};
constexpr kind_name kind_names[] = {
    {fault_kind::http_500, "500"}, {fault_kind::http_503, "503"},    {fault_kind::http_429, "429"},
    {fault_kind::drop, "drop"},    {fault_kind::lost, "lost"},       {fault_kind::vanish_404, "404"},
    {fault_kind::slow, "slow"},    {fault_kind::http_416, "416"},    {fault_kind::http_507, "507"},
    {fault_kind::http_501, "501"},  {fault_kind::hold, "hold"},
};

bool parse_count(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = std::stoull(s);
  return out > 0;
}

}  // namespace

std::optional<fault_kind> parse_fault_kind(const std::string& text) {
  for (const auto& k : kind_names)
    if (text == k.name) return k.kind;
  return std::nullopt;
}

const char* fault_name(fault_kind k) {
  for (const auto& n : kind_names)
    if (n.kind == k) return n.name;
  return "none";
}

bool fault_plan::configure(const std::string& plan, double rate, const std::vector<std::string>& kinds,
                           std::uint64_t seed, std::string& error) {
  std::stringstream in(plan);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty()) continue;
    const auto at = item.find('@');
    const auto colon = item.find(':', at == std::string::npos ? 0 : at);
    std::uint64_t n = 0, count = 1;
    const auto kind = at == std::string::npos ? std::nullopt : parse_fault_kind(item.substr(0, at));
    const bool ok = kind && parse_count(item.substr(at + 1, colon == std::string::npos ? std::string::npos
                                                                                        : colon - at - 1),
                                        n) &&
                    (colon == std::string::npos || parse_count(item.substr(colon + 1), count));
    if (!ok) {
      error = "bad fault '" + item + "' (want KIND@N or KIND@N:COUNT)";
      return false;
    }
    for (std::uint64_t i = 0; i < count; ++i) planned_[n + i] = *kind;
  }
  for (const auto& k : kinds) {
    const auto kind = parse_fault_kind(k);
    if (!kind || *kind == fault_kind::hold) {
      error = "bad fault kind '" + k + "'" + (kind ? " (hold is for --faults only)" : "");
      return false;
    }
    kinds_.push_back(*kind);
  }
  rate_ = rate;
  rng_.seed(seed ^ 0x9e3779b97f4a7c15ull);
  return true;
}

fault_kind fault_plan::next_put(std::uint64_t& put_index) {
  std::lock_guard<std::mutex> lock(mutex_);
  put_index = ++puts_;
  // Always draw, so a plan entry does not shift the random sequence.
  const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  const auto pick = kinds_.empty() ? 0 : std::uniform_int_distribution<std::size_t>(0, kinds_.size() - 1)(rng_);
  if (const auto it = planned_.find(put_index); it != planned_.end()) return it->second;
  if (rate_ > 0.0 && draw < rate_ && !kinds_.empty()) return kinds_[pick];
  return fault_kind::none;
}

}  // namespace emu
