#include "support/emulator_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace emutest {

emulator_process::emulator_process(std::vector<std::string> args) {
  args.insert(args.begin(), {RANGEUP_EMULATOR_PATH, "--port", "0", "--idle-exit", "30"});
  int out[2];
  if (pipe(out) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  // Read the first line (the base URL), waiting at most 10 s.
  std::string line;
  pollfd p{out[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos && poll(&p, 1, 10000) > 0) {
    char buf[256];
    const auto n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);  // later output would get EPIPE; the emulator prints nothing more
  if (line.find('\n') != std::string::npos) base_ = line.substr(0, line.find('\n'));
}

emulator_process::~emulator_process() {
  if (pid_ > 0 && exit_status_ < 0) stop(SIGTERM);
}

int emulator_process::wait_exit(int timeout_ms) {
  if (pid_ <= 0) return -1;
  if (exit_status_ >= 0) return exit_status_;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_status_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

int emulator_process::stop(int sig, int timeout_ms) {
  if (pid_ <= 0) return -1;
  if (exit_status_ >= 0) return exit_status_;
  kill(pid_, sig);
  const int rc = wait_exit(timeout_ms);
  if (rc < 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_status_ = 137;
  }
  return rc;
}

long emulator_process::peak_rss_kib() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace emutest
