#include "token_source.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "rangeup/error.hpp"
#include "rangeup/io/resume_file.hpp"

extern char** environ;

namespace upload_cli {
namespace {

constexpr std::size_t max_token_text = 64 * 1024;  // an access token is ~2-4 KB
constexpr std::size_t max_stderr_kept = 16 * 1024;

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = trim(text.substr(at, end - at));
    if (!line.empty()) out.push_back(line.size() > 300 ? line.substr(0, 300) + "..." : line);
    at = end + 1;
  }
  return out;
}

struct command_run {
  int spawn_error = 0;  // errno of posix_spawn / pipe, 0 if it ran
  bool timed_out = false;
  bool interrupted = false;
  int status = 0;  // waitpid status
  std::string out, err;
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// `sh -c command` with stdin from /dev/null and stdout/stderr captured, in
// its own process group so that a timeout or Ctrl-C kills all of it (e.g. the
// python under `az`). Ends at `limit` or when `interrupted` is set.
command_run run_command(const std::string& command, std::chrono::milliseconds limit,
                        const std::atomic<bool>& interrupted) {
  command_run r;
  int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  // O_CLOEXEC: a command another thread starts at the same moment must not
  // inherit these ends (its exit would otherwise not close our pipe).
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    r.spawn_error = errno;
    for (int* fd : {&out_pipe[0], &out_pipe[1], &err_pipe[0], &err_pipe[1]}) close_fd(*fd);
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawnattr_init(&attr);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);  // ignored by rangeup-upload; the command gets the usual behaviour
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::string sh = "sh", dash_c = "-c", cmd = command;
  char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  if (spawned != 0) {
    r.spawn_error = spawned;
    close_fd(out_pipe[0]);
    close_fd(err_pipe[0]);
    return r;
  }

  const auto deadline = std::chrono::steady_clock::now() + limit;
  const auto stop_it = [&](bool timeout) {
    r.timed_out = timeout;
    r.interrupted = !timeout;
    ::kill(-pid, SIGKILL);  // the group: sh and whatever it started
    ::kill(pid, SIGKILL);
  };
  bool stopped = false, reaped = false;
  // Read both pipes until the command closes them (it exited, usually), or
  // until it exited and 100 ms passed without output (something it started
  // in the background keeps them open).
  while (out_pipe[0] >= 0 || err_pipe[0] >= 0) {
    if (interrupted.load()) {
      stop_it(false);
      stopped = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      stop_it(true);
      stopped = true;
      break;
    }
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    const int ready = ::poll(fds, 2, 100);  // 100 ms: notice Ctrl-C and the deadline
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0 && ::waitpid(pid, &r.status, WNOHANG) == pid) {
      reaped = true;
      break;
    }
    if (ready <= 0) continue;
    for (int k = 0; k < 2; ++k) {
      int& fd = k == 0 ? out_pipe[0] : err_pipe[0];
      if (fd < 0 || (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buf[4096];
      const ssize_t got = ::read(fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        close_fd(fd);
        continue;
      }
      std::string& into = k == 0 ? r.out : r.err;
      const std::size_t cap = k == 0 ? max_token_text + 1 : max_stderr_kept;
      if (into.size() < cap) into.append(buf, std::min(cap - into.size(), static_cast<std::size_t>(got)));
    }
  }
  close_fd(out_pipe[0]);
  close_fd(err_pipe[0]);
  // The pipes closed, but the command may linger (it closed them itself).
  while (!reaped) {
    const pid_t done = ::waitpid(pid, &r.status, stopped ? 0 : WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) reaped = true;
    if (done == 0) {
      if (interrupted.load() || std::chrono::steady_clock::now() >= deadline) {
        stop_it(!interrupted.load());
        stopped = true;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  return r;
}

}  // namespace

std::string token_source::name() const {
  return !opts_.token_command.empty() ? std::string("--token-command") : "--token-file " + opts_.token_file;
}

std::string token_source::failure() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return failure_;
}

std::error_code token_source::fail(std::string why) {
  const std::lock_guard<std::mutex> lock(mutex_);
  failure_ = std::move(why);
  return make_error_code(rangeup::errc::token_unavailable);
}

std::error_code token_source::fetch(std::string& token) {
  return opts_.token_command.empty() ? from_file(token) : from_command(token);
}

std::error_code token_source::accept(std::string candidate, const char* what, const std::string& detail,
                                     std::string& token) {
  candidate = trim(candidate);
  if (candidate.empty()) return fail(name() + " " + what + " no token" + detail);
  // One header value: whitespace or control bytes inside mean it is not a bare token.
  for (const char c : candidate) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f)
      return fail(name() + " " + what + " more than a token (whitespace or control characters inside)");
  }
  out_.add_secret(candidate);  // before anything could print it
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    repeated_.store(candidate == last_);
    last_ = candidate;
    failure_.clear();
  }
  token = std::move(candidate);
  return {};
}

std::error_code token_source::from_file(std::string& token) {
  std::string text;
  if (const std::error_code ec = rangeup::io::read_small_file(opts_.token_file, text, max_token_text)) {
    out_.add_secret(trim(text));
    return fail(name() + ": cannot read it: " + ec.message());
  }
  return accept(std::move(text), "holds", std::string(), token);
}

std::error_code token_source::from_command(std::string& token) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!failure_.empty()) return make_error_code(rangeup::errc::token_unavailable);  // it failed before
  }
  const command_run r =
      run_command(opts_.token_command, std::chrono::milliseconds(opts_.token_timeout_s * 1000), interrupted_);
  // Whatever it printed may be a token, even when it failed: mask it first.
  const std::string printed = trim(r.out);
  out_.add_secret(printed);
  const std::vector<std::string> err_lines = lines_of(r.err);
  const std::string last_err = err_lines.empty() ? std::string() : ": " + out_.clean(err_lines.back());
  if (r.spawn_error != 0) return fail(name() + ": cannot run /bin/sh: " + std::strerror(r.spawn_error));
  if (r.interrupted) return fail(name() + " interrupted");
  if (r.timed_out)
    return fail(name() + " timed out after " + std::to_string(opts_.token_timeout_s) +
                " s and was killed (see --token-timeout)" + last_err);
  if (WIFSIGNALED(r.status)) return fail(name() + " was killed by signal " + std::to_string(WTERMSIG(r.status)) + last_err);
  if (WIFEXITED(r.status) && WEXITSTATUS(r.status) != 0)
    return fail(name() + " failed with exit status " + std::to_string(WEXITSTATUS(r.status)) + last_err);
  if (r.out.size() > max_token_text) return fail(name() + " printed more than 64 KiB");
  // Its other stderr output (warnings) is passed on, masked, one line each.
  const std::size_t shown = err_lines.size() < 10 ? err_lines.size() : 10;
  for (std::size_t k = 0; k < shown; ++k) out_.err("rangeup-upload: token command: " + err_lines[k]);
  return accept(printed, "printed", last_err, token);
}

}  // namespace upload_cli
