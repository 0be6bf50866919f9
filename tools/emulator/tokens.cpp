#include "tokens.hpp"

#include <algorithm>
#include <fstream>

namespace emu {
namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// One token per line; blank lines and # comments skipped.
bool read_tokens(const std::string& path, std::vector<std::string>& out) {
  std::ifstream in(path);
  if (!in) return false;
  for (std::string line; std::getline(in, line);) {
    line = trimmed(line);
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return true;
}

}  // namespace

bool token_policy::configure(std::string& error) const {
  std::vector<std::string> unused;
  if (opt_.tokens_file.empty() || read_tokens(opt_.tokens_file, unused)) return true;
  error = "--tokens-file " + opt_.tokens_file + ": cannot read it";
  return false;
}

bool token_policy::sequence(std::vector<std::string>& out) const {
  if (!opt_.token_list.empty()) {
    out = opt_.token_list;
    return true;
  }
  if (opt_.tokens_file.empty()) return false;
  // Read at every request so that a test can rotate tokens while the emulator
  // runs; an unreadable file (mid-rewrite) accepts nothing.
  (void)read_tokens(opt_.tokens_file, out);
  return true;
}

token_policy::verdict token_policy::check(const std::optional<std::string>& authorization) {
  static const std::string scheme = "Bearer ";
  const std::string auth = authorization.value_or("");
  const std::string token = auth.compare(0, scheme.size(), scheme) == 0 ? auth.substr(scheme.size()) : "";
  if (token.empty()) return verdict::refused;
  std::vector<std::string> valid;
  const bool listed = sequence(valid);  // outside the lock: it may read a file
  const std::lock_guard<std::mutex> lock(mutex_);
  if (expired_.count(token) != 0) {
    ++rejections_;
    return verdict::expired;
  }
  if (listed) {
    // Only the first token of the sequence that has not expired yet: the next
    // one becomes valid when its predecessor expires (a rotation).
    const auto current = std::find_if(valid.begin(), valid.end(), [&](const std::string& t) { return expired_.count(t) == 0; });
    if (current == valid.end() || *current != token) return verdict::refused;
  } else if (!opt_.token.empty() && token != opt_.token) {
    return verdict::refused;
  }
  ++accepted_;
  if (opt_.token_ttl_requests != 0 && ++uses_[token] >= opt_.token_ttl_requests) {
    expired_.insert(token);  // this request still goes through; the next one with it does not
    uses_.erase(token);
  }
  return verdict::accepted;
}

std::uint64_t token_policy::bearer_requests() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return accepted_;
}

std::uint64_t token_policy::rejections() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return rejections_;
}

}  // namespace emu
