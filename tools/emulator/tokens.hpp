#pragma once
// Which bearer tokens the emulated service accepts, and when they expire
// (--token, --token-list, --tokens-file, --token-ttl-requests; README.md,
// "Tokens that expire"). Thread-safe; the service calls it for every Graph
// request that must carry the bearer (never for pre-authenticated uploadUrls).

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "options.hpp"

namespace emu {

class token_policy {
 public:
  enum class verdict {
    accepted,
    expired,  // a token the service accepted before and no longer does: 401 "Lifetime validation failed"
    refused,  // missing, or never valid here: a client bug (a violation)
  };

  explicit token_policy(const options& opt) : opt_(opt) {}

  // Judges the Authorization header of a request; an accepted one counts
  // towards its token's --token-ttl-requests.
  verdict check(const std::optional<std::string>& authorization);

  std::uint64_t bearer_requests() const;  // accepted
  std::uint64_t rejections() const;       // refused as expired

  // --tokens-file must be readable at start (false with error otherwise).
  bool configure(std::string& error) const;

 private:
  // The valid tokens in order (--token-list, or --tokens-file read now); false: any token.
  bool sequence(std::vector<std::string>& out) const;

  const options& opt_;
  mutable std::mutex mutex_;
  std::set<std::string> expired_;
  std::map<std::string, std::uint64_t> uses_;
  std::uint64_t accepted_ = 0, rejections_ = 0;
};

}  // namespace emu
