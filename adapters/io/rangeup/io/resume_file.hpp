#pragma once
// Crash-safe small state files (the CLI's --resume FILE): a write goes to a
// temporary file in the same directory (mode 0600: it holds an uploadUrl, which
// is a credential), is fsync'ed, then renamed over the target, and the
// directory is fsync'ed. A reader sees the old content or the new, never a mix.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace rangeup {
namespace io {

namespace detail {

inline bool write_all(int fd, const char* p, std::size_t n) noexcept {
  while (n != 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

inline std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace detail

// Replaces `path` atomically with `content`. Returns a std::errc-style code.
inline std::error_code write_file_atomically(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd;
  do fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return {errno, std::generic_category()};
  int err = 0;
  if (::fchmod(fd, 0600) != 0 || !detail::write_all(fd, content.data(), content.size()) || ::fsync(fd) != 0)
    err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return {err, std::generic_category()};
  }
  // Make the rename itself durable.
  const int dir = ::open(detail::directory_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    (void)::fsync(dir);
    ::close(dir);
  }
  return {};
}

// Reads a whole small file (up to max_size bytes). A missing file yields
// std::errc::no_such_file_or_directory so callers can start fresh.
inline std::error_code read_small_file(const std::string& path, std::string& out, std::size_t max_size = 1 << 20) {
  out.clear();
  int fd;
  do fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return {errno, std::generic_category()};
  char buf[4096];
  while (true) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      return {e, std::generic_category()};
    }
    if (got == 0) break;
    if (out.size() + static_cast<std::size_t>(got) > max_size) {
      ::close(fd);
      return std::make_error_code(std::errc::file_too_large);
    }
    out.append(buf, static_cast<std::size_t>(got));
  }
  ::close(fd);
  return {};
}

}  // namespace io
}  // namespace rangeup
