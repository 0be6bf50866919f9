#pragma once
// One FILE → TARGET upload: opens the file, builds the session for the
// target's flavor, handles --resume, runs rangeup::upload over libcurl and
// turns the outcome into an exit code and one-line error.

#include <atomic>
#include <cstdint>
#include <string>

#include "options.hpp"
#include "output.hpp"
#include "progress_display.hpp"
#include "rangeup/io/rate_limiter.hpp"

namespace upload_cli {

// Exit codes (DESIGN.md §3.1).
enum exit_code : int { exit_ok = 0, exit_usage = 2, exit_rejected = 3, exit_network = 4, exit_local_io = 5 };

struct job_result {
  int exit = exit_ok;
  std::string error;          // one line, without the "rangeup-upload: <file>: " prefix
  std::string id, name;
  std::uint64_t size = 0;
  std::uint64_t bytes_sent = 0;
  std::uint32_t retries = 0, restarts = 0;
  double seconds = 0;
  bool already_done = false;  // --resume file recorded a finished upload
  std::string quick_xor_hash;  // local QuickXorHash (base64) of the bytes sent; empty with --no-verify
  bool integrity_checked = false;  // compared with the service's hash (drive targets)
};

job_result run_job(const options& opts, const job_spec& job, const std::string& token, job_progress& progress,
                   const std::atomic<bool>& interrupted, output& out, rangeup::io::rate_limiter* limit);

}  // namespace upload_cli
