#pragma once
// Runs rangeup-emulator as a child process for one test: reads the base URL
// from its first stdout line, always stops it (SIGTERM, then SIGKILL).

#include <sys/types.h>

#include <string>
#include <vector>

namespace emutest {

class emulator_process {
 public:
  // Starts RANGEUP_EMULATOR_PATH with `args` plus --port 0 --idle-exit 30.
  explicit emulator_process(std::vector<std::string> args = {});
  ~emulator_process();
  emulator_process(const emulator_process&) = delete;
  emulator_process& operator=(const emulator_process&) = delete;

  bool started() const { return !base_.empty(); }
  const std::string& base() const { return base_; }
  pid_t pid() const { return pid_; }

  // Sends `sig` and waits up to `timeout_ms` for the exit; returns the exit
  // status (WEXITSTATUS) or -1 if it did not exit (then it is killed).
  int stop(int sig, int timeout_ms = 3000);
  // Waits for an exit the emulator decides itself (shutdown, idle, max-requests).
  int wait_exit(int timeout_ms);

  // Peak resident set size (VmHWM) in KiB, or 0 if unavailable.
  long peak_rss_kib() const;

 private:
  pid_t pid_ = -1;
  int exit_status_ = -1;
  std::string base_;
};

}  // namespace emutest
