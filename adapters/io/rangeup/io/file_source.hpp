#pragma once
// rangeup::io::file_source: the bytes of a regular file, read at 64-bit offsets
// (POSIX: pread; Windows: ReadFile with the offset in an OVERLAPPED). Every
// read re-checks the file's size and mtime and fails with errc::source_changed
// when someone modified the file mid-upload (the server would otherwise
// receive a mix of two versions).
//
// File names are bytes on POSIX and UTF-8 on Windows (opened with CreateFileW;
// absolute names longer than MAX_PATH work too). On Windows the file is opened
// with FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, so, as on POSIX,
// other programs may still write, rename or delete it: writes are detected by
// the size/mtime check. NTFS may update the last-write time of a file written
// through another handle only when that handle is flushed or closed, so a
// same-size rewrite is seen once the writer has closed the file (a size change
// is seen at once).

#include <cstddef>
#include <cstdint>
#include <system_error>

#if defined(_WIN32)
#include <string>

#include "rangeup/io/detail/win32.hpp"
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#endif

#include "rangeup/error.hpp"
#include "rangeup/file_info.hpp"
#include "rangeup/result.hpp"

namespace rangeup {
namespace io {

#if !defined(_WIN32)
static_assert(sizeof(off_t) >= 8, "rangeup::io needs 64-bit file offsets: build with -D_FILE_OFFSET_BITS=64");
#endif

// What identifies one version of a file on this machine. On Windows: the
// volume serial number, the 64-bit file index, the size and the last-write
// time (100 ns resolution).
struct file_identity {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // nanoseconds since the epoch

  friend bool operator==(const file_identity& a, const file_identity& b) noexcept {
    return a.device == b.device && a.inode == b.inode && a.size == b.size && a.mtime_ns == b.mtime_ns;
  }
  friend bool operator!=(const file_identity& a, const file_identity& b) noexcept { return !(a == b); }
};

#if defined(_WIN32)
inline file_identity identity_of(const BY_HANDLE_FILE_INFORMATION& info) noexcept {
  file_identity id;
  id.device = info.dwVolumeSerialNumber;
  id.inode = (std::uint64_t{info.nFileIndexHigh} << 32) | info.nFileIndexLow;
  id.size = (std::uint64_t{info.nFileSizeHigh} << 32) | info.nFileSizeLow;
  id.mtime_ns = detail::filetime_to_unix_ns(info.ftLastWriteTime);
  return id;
}
#else
inline file_identity identity_of(const struct stat& st) noexcept {
  file_identity id;
  id.device = static_cast<std::uint64_t>(st.st_dev);
  id.inode = static_cast<std::uint64_t>(st.st_ino);
  id.size = static_cast<std::uint64_t>(st.st_size);
#if defined(__APPLE__)
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtimespec.tv_sec) * 1000000000 + st.st_mtimespec.tv_nsec;
#else
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
#endif
  return id;
}
#endif

class file_source {
 public:
#if defined(_WIN32)
  using native_handle_type = HANDLE;
#else
  using native_handle_type = int;
#endif

  file_source() noexcept = default;
  ~file_source() { close(); }
  file_source(file_source&& o) noexcept : h_(o.h_), id_(o.id_), os_error_(o.os_error_) { o.h_ = invalid_handle(); }
  file_source& operator=(file_source&& o) noexcept {
    if (this != &o) {
      close();
      h_ = o.h_;
      id_ = o.id_;
      os_error_ = o.os_error_;
      o.h_ = invalid_handle();
    }
    return *this;
  }
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;

  // Opens a regular file for reading (path: UTF-8 on Windows). Errors:
  // source_read_failed (see os_error()), invalid_argument when it is not a
  // regular file (a directory, a device, a pipe) or, on Windows, when the name
  // is not valid UTF-8.
  std::error_code open(const char* path) noexcept {
    close();
    return open_native(path);
  }

  void close() noexcept {
    if (h_ != invalid_handle()) {
#if defined(_WIN32)
      ::CloseHandle(h_);
#else
      ::close(h_);
#endif
    }
    h_ = invalid_handle();
  }

  bool is_open() const noexcept { return h_ != invalid_handle(); }
  std::uint64_t size() const noexcept { return id_.size; }
  const file_identity& identity() const noexcept { return id_; }
  // What a resume token records to recognise this file version later.
  file_fingerprint fingerprint() const noexcept {
    file_fingerprint f;
    f.size = id_.size;
    f.mtime_ns = id_.mtime_ns;
    return f;
  }
  // The file descriptor (POSIX) or HANDLE (Windows); still owned by this object.
  native_handle_type native_handle() const noexcept { return h_; }
  // The OS error of the last failure (errno on POSIX, GetLastError() on
  // Windows), 0 when the failure was not an OS error.
  int os_error() const noexcept { return os_error_; }

  // source_changed when the open file no longer has the size/mtime it had
  // when opened; source_read_failed when it cannot even be examined.
  std::error_code check_unchanged() noexcept {
    if (!is_open()) return make_error_code(errc::source_read_failed);
    file_identity now;
    if (const std::error_code ec = examine(now)) return ec;
    if (now != id_) {
      os_error_ = 0;
      return make_error_code(errc::source_changed);
    }
    return {};
  }

  // Reads up to n bytes at offset (fewer only at the end of the file).
  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
    // One stat per read (libcurl asks for ≤ its send buffer at a time), so a
    // change is seen within one buffer of happening.
    if (const std::error_code ec = check_unchanged()) return ec;
    if (offset > id_.size) return errc::source_read_failed;
    const std::uint64_t left = id_.size - offset;
    if (n > left) n = static_cast<std::size_t>(left);
    std::size_t done = 0;
    while (done < n) {
      std::size_t got = 0;
      if (const std::error_code ec = read_some(offset + done, out + done, n - done, got)) return ec;
      if (got == 0) {  // EOF before the size we saw: truncated behind our back
        os_error_ = 0;
        return errc::source_changed;
      }
      done += got;
    }
    return done;
  }

 private:
  static native_handle_type invalid_handle() noexcept {
#if defined(_WIN32)
    return INVALID_HANDLE_VALUE;
#else
    return -1;
#endif
  }

  std::error_code os_fail(int e) noexcept {
    os_error_ = e;
    return make_error_code(errc::source_read_failed);
  }

#if defined(_WIN32)
  std::error_code open_native(const char* path) noexcept {
    std::wstring wide;
    if (!detail::path_to_wide(path, wide)) {
      os_error_ = static_cast<int>(::GetLastError());
      return make_error_code(errc::invalid_argument);
    }
    const HANDLE h = ::CreateFileW(wide.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                   nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_SEQUENTIAL_SCAN, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
      const DWORD e = ::GetLastError();
      // A directory cannot be opened without FILE_FLAG_BACKUP_SEMANTICS.
      const DWORD attributes = ::GetFileAttributesW(wide.c_str());
      if (e == ERROR_ACCESS_DENIED && attributes != INVALID_FILE_ATTRIBUTES &&
          (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
        os_error_ = 0;
        return make_error_code(errc::invalid_argument);
      }
      return os_fail(static_cast<int>(e));
    }
    BY_HANDLE_FILE_INFORMATION info;
    if (::GetFileType(h) != FILE_TYPE_DISK || !::GetFileInformationByHandle(h, &info) ||
        (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
      ::CloseHandle(h);
      os_error_ = 0;
      return make_error_code(errc::invalid_argument);
    }
    h_ = h;
    id_ = identity_of(info);
    return {};
  }

  std::error_code examine(file_identity& id) noexcept {
    BY_HANDLE_FILE_INFORMATION info;
    if (!::GetFileInformationByHandle(h_, &info)) return os_fail(static_cast<int>(::GetLastError()));
    id = identity_of(info);
    return {};
  }

  // One ReadFile at an explicit offset: on a handle opened without
  // FILE_FLAG_OVERLAPPED it completes before returning.
  std::error_code read_some(std::uint64_t offset, char* out, std::size_t n, std::size_t& got) noexcept {
    constexpr std::size_t max_chunk = std::size_t{1} << 30;  // a DWORD count, kept well below 4 GiB
    OVERLAPPED at{};
    at.Offset = static_cast<DWORD>(offset & 0xffffffffu);
    at.OffsetHigh = static_cast<DWORD>(offset >> 32);
    DWORD read = 0;
    if (!::ReadFile(h_, out, static_cast<DWORD>(n < max_chunk ? n : max_chunk), &read, &at)) {
      const DWORD e = ::GetLastError();
      if (e != ERROR_HANDLE_EOF) return os_fail(static_cast<int>(e));
      read = 0;
    }
    got = read;
    return {};
  }
#else
  std::error_code open_native(const char* path) noexcept {
    int fd;
    do fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return os_fail(errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const int e = errno;
      ::close(fd);
      return os_fail(e);
    }
    if (!S_ISREG(st.st_mode)) {
      ::close(fd);
      os_error_ = 0;
      return make_error_code(errc::invalid_argument);
    }
    h_ = fd;
    id_ = identity_of(st);
#ifdef POSIX_FADV_SEQUENTIAL
    (void)::posix_fadvise(h_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return {};
  }

  std::error_code examine(file_identity& id) noexcept {
    struct stat st {};
    if (::fstat(h_, &st) != 0) return os_fail(errno);
    id = identity_of(st);
    return {};
  }

  std::error_code read_some(std::uint64_t offset, char* out, std::size_t n, std::size_t& got) noexcept {
    while (true) {
      const ssize_t r = ::pread(h_, out, n, static_cast<off_t>(offset));
      if (r >= 0) {
        got = static_cast<std::size_t>(r);
        return {};
      }
      if (errno != EINTR) return os_fail(errno);
    }
  }
#endif

  native_handle_type h_ = invalid_handle();
  file_identity id_{};
  int os_error_ = 0;
};

}  // namespace io
}  // namespace rangeup
