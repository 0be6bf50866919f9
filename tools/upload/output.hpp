#pragma once
// Everything rangeup-upload prints goes through here, so that no bearer token
// and no uploadUrl credential can reach stdout or stderr: each line is passed
// through rangeup::redact (rangeup/redact.hpp) and the token's own text is masked as well.

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace upload_cli {

class output {
 public:
  // A secret to mask wherever it appears from now on (every bearer token the
  // run gets, and whatever a failed --token-command printed). Thread-safe.
  void add_secret(const std::string& secret);

  // Returns line with credentials removed.
  std::string clean(const std::string& line) const;

  // Writes one cleaned line (a '\n' is added) to stdout / stderr.
  void out(const std::string& line);
  void err(const std::string& line);
  // Writes cleaned text to stderr without a newline (progress bar redraws).
  void err_raw(const std::string& text);

 private:
  void write(std::FILE* f, const std::string& text);
  mutable std::mutex secrets_mutex_;
  std::vector<std::string> secrets_;
  std::mutex mutex_;
};

}  // namespace upload_cli
