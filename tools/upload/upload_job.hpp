#pragma once
// One FILE → TARGET upload, independent of the transport: prepare_job opens
// the file, builds the session for the target's flavor and handles --resume;
// a runner (runners.hpp: curl, beast, beast-async) executes the prepared job
// with the driver options it gets here; prepared_job::finish turns the
// outcome into an exit code and a one-line error.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "options.hpp"
#include "output.hpp"
#include "progress_display.hpp"
#include "rangeup/adaptive_planner.hpp"
#include "rangeup/flavors/drive_item.hpp"
#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/flavors/print_document.hpp"
#include "rangeup/flavors/todo_attachment.hpp"
#include "rangeup/io/blocking_upload.hpp"
#include "rangeup/io/file_source.hpp"
#include "rangeup/io/rate_limiter.hpp"
#include "rangeup/upload_session.hpp"

namespace upload_cli {

// Exit codes (--help, README).
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
  bool id_unknown = false;      // done, but the service did not return the attachment id (id empty)
  bool simple_request = false;  // sent as one request, without an upload session
  std::string content_type;     // sent with the file (attachments, print); empty for drive targets
  std::uint32_t tokens_fetched = 0;  // times this upload asked the token provider
};

class token_source;

// What every job of one run shares.
struct run_env {
  const options& opts;
  const std::string& token;  // --token-env's token; empty with a provider
  const std::atomic<bool>& interrupted;
  output& out;
  rangeup::io::rate_limiter* limit;  // --limit-rate: one bucket for all files; null = unlimited
  // --token-file / --token-command: one io::token_cache's provider for every
  // file, and the source behind it (why it failed); empty / null with --token-env.
  rangeup::token_provider tokens;
  const token_source* token_from = nullptr;
};

// The session of a prepared job: one alternative per (flavor, planner) the CLI uses.
using session_ptr = std::variant<rangeup::upload_session<rangeup::outlook_attachment>*,
                                 rangeup::upload_session<rangeup::todo_attachment>*,
                                 rangeup::upload_session<rangeup::drive_item>*,
                                 rangeup::upload_session<rangeup::drive_item, rangeup::adaptive_drive_planner>*,
                                 rangeup::upload_session<rangeup::print_document>*>;

class prepared_job {
 public:
  virtual ~prepared_job() = default;
  virtual session_ptr session() noexcept = 0;
  virtual rangeup::io::file_source& source() noexcept = 0;
  // The driver options (cancel flag, timeout, progress, resume checkpoints,
  // token provider, integrity, rate limit); runners translate them for drivers other than rangeup::upload.
  virtual const rangeup::upload_options& driver_options() const noexcept = 0;
  // The job's result from the driver's outcome; transport_detail is the
  // transport's own words for its last failure (libcurl's), or empty.
  virtual job_result finish(const rangeup::upload_outcome& outcome, std::string_view transport_detail) = 0;
};

// Prepares one job; null when it ends before any transfer (bad file, bad
// resume file, finished per the resume file, ...) with *early set.
std::unique_ptr<prepared_job> prepare_job(const run_env& env, const job_spec& job, job_progress& progress,
                                          job_result& early);

}  // namespace upload_cli
