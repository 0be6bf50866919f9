#pragma once
// Where rangeup-upload's bearer token comes from (README, "Tokens"):
//   --token-env NAME   (default GRAPH_TOKEN) read once at start; a 401 ends the upload
//   --token-file FILE  read when a token is needed, again after a 401
//   --token-command C  `sh -c C`, its trimmed stdout; run again after a 401
// The file and command sources sit behind one rangeup::io::token_cache for
// the whole run, so uploads that hit the same expiry cause one refresh. A
// token never appears in a message: every token (and whatever a failed
// command printed on stdout) is handed to output::add_secret before anything
// else can print it.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <system_error>

#include "options.hpp"
#include "output.hpp"

namespace upload_cli {

class token_source {
 public:
  token_source(const options& opts, output& out, const std::atomic<bool>& interrupted)
      : opts_(opts), out_(out), interrupted_(interrupted) {}

  // A fresh token (the io::token_cache fetch function); errc::token_unavailable
  // with failure() set when there is none. A failed command is not run again:
  // every later fetch fails the same way (a run of many files does not wait
  // for a broken `az` once per file).
  std::error_code fetch(std::string& token);

  // One line naming the source and why it gave no token (never the token).
  std::string failure() const;
  // The last refresh returned the token it had before (the file was not
  // rotated, the command printed the same token): why a 401 persisted.
  bool repeated() const { return repeated_.load(); }
  // "--token-file FILE" / "--token-command"
  std::string name() const;

 private:
  std::error_code fail(std::string why);
  std::error_code from_file(std::string& token);
  std::error_code from_command(std::string& token);
  // Checks a candidate token: non-empty, no whitespace or control characters
  // inside. `detail` ends the failure message (e.g. the command's last stderr line).
  std::error_code accept(std::string candidate, const char* what, const std::string& detail, std::string& token);

  const options& opts_;
  output& out_;
  const std::atomic<bool>& interrupted_;
  mutable std::mutex mutex_;
  std::string failure_;       // sticky for the command
  std::string last_;          // the last token given
  std::atomic<bool> repeated_{false};
};

}  // namespace upload_cli
