#pragma once
// Crash-safe small state files (the CLI's --resume FILE): a write goes to a
// temporary file in the same directory, readable and writable by the owner
// only (it holds an uploadUrl, which is a credential), is flushed to disk,
// then replaces the target in one step. A reader sees the old content or the
// new, never a mix.
//   POSIX:   mode 0600, fsync, rename, then fsync of the directory.
//   Windows: a protected DACL granting the current user only (see
//            detail::owner_only_security), FlushFileBuffers, then
//            MoveFileExW(MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH).
//            File names are UTF-8.

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#if defined(_WIN32)
#include "rangeup/io/detail/win32.hpp"
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#endif

namespace rangeup {
namespace io {

namespace detail {

#if defined(_WIN32)

// Closes a HANDLE when it goes out of scope.
class scoped_handle {
 public:
  explicit scoped_handle(HANDLE h) noexcept : h_(h) {}
  ~scoped_handle() { reset(); }
  scoped_handle(const scoped_handle&) = delete;
  scoped_handle& operator=(const scoped_handle&) = delete;
  HANDLE get() const noexcept { return h_; }
  bool valid() const noexcept { return h_ != INVALID_HANDLE_VALUE; }
  // Closes now; false when CloseHandle failed.
  bool reset() noexcept {
    const bool ok = !valid() || ::CloseHandle(h_) != 0;
    h_ = INVALID_HANDLE_VALUE;
    return ok;
  }

 private:
  HANDLE h_;
};

inline bool write_all(HANDLE h, const char* p, std::size_t n) noexcept {
  constexpr std::size_t max_chunk = std::size_t{1} << 30;
  while (n != 0) {
    DWORD written = 0;
    if (!::WriteFile(h, p, static_cast<DWORD>(n < max_chunk ? n : max_chunk), &written, nullptr)) return false;
    p += written;
    n -= written;
  }
  return true;
}

#else

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

#endif

}  // namespace detail

#if defined(_WIN32)

// Replaces `path` atomically with `content`. Returns a std::errc-style code
// (Win32 errors without a std::errc equivalent are in std::system_category()).
inline std::error_code write_file_atomically(const std::string& path, std::string_view content) {
  std::wstring target;
  std::wstring tmp;
  const std::wstring suffix = L".tmp." + std::to_wstring(::GetCurrentProcessId());
  if (!detail::path_to_wide(path, target) || !detail::path_to_wide(path, tmp, suffix.c_str()))
    return detail::last_win32_error();
  detail::owner_only_security security;
  if (const DWORD e = security.init()) return detail::win32_error(e);
  // A temporary file left by a crashed process with the same id would keep
  // its old security descriptor if reopened: it is removed and made anew.
  (void)::DeleteFileW(tmp.c_str());
  detail::scoped_handle file(::CreateFileW(tmp.c_str(), GENERIC_WRITE, 0, security.attributes(), CREATE_NEW,
                                           FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) return detail::last_win32_error();
  DWORD err = 0;
  if (!detail::write_all(file.get(), content.data(), content.size()) || !::FlushFileBuffers(file.get()))
    err = ::GetLastError();
  if (!file.reset() && err == 0) err = ::GetLastError();
  // MOVEFILE_WRITE_THROUGH: returns once the rename is on disk (the POSIX
  // side's directory fsync).
  if (err == 0 && !::MoveFileExW(tmp.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
    err = ::GetLastError();
  if (err != 0) {
    (void)::DeleteFileW(tmp.c_str());
    return detail::win32_error(err);
  }
  return {};
}

// Reads a whole small file (up to max_size bytes). A missing file yields
// std::errc::no_such_file_or_directory so callers can start fresh.
inline std::error_code read_small_file(const std::string& path, std::string& out, std::size_t max_size = 1 << 20) {
  out.clear();
  std::wstring name;
  if (!detail::path_to_wide(path, name)) return detail::last_win32_error();
  detail::scoped_handle file(::CreateFileW(name.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                           nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file.valid()) return detail::last_win32_error();
  char buf[4096];
  while (true) {
    DWORD got = 0;
    if (!::ReadFile(file.get(), buf, sizeof buf, &got, nullptr)) {
      const DWORD e = ::GetLastError();
      if (e == ERROR_HANDLE_EOF) break;
      return detail::win32_error(e);
    }
    if (got == 0) break;
    if (out.size() + got > max_size) return std::make_error_code(std::errc::file_too_large);
    out.append(buf, got);
  }
  return {};
}

#else

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

#endif

}  // namespace io
}  // namespace rangeup
