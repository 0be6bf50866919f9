#pragma once
// rangeup::io::file_source: the bytes of a regular file, read with pread at
// 64-bit offsets. Every read re-checks the file's size and mtime and fails with
// errc::source_changed when someone modified the file mid-upload (the server
// would otherwise receive a mix of two versions).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <system_error>

#include "rangeup/error.hpp"
#include "rangeup/file_info.hpp"
#include "rangeup/result.hpp"

namespace rangeup {
namespace io {

static_assert(sizeof(off_t) >= 8, "rangeup::io needs 64-bit file offsets: build with -D_FILE_OFFSET_BITS=64");

// What identifies one version of a file on this machine.
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

inline file_identity identity_of(const struct stat& st) noexcept {
  file_identity id;
  id.device = static_cast<std::uint64_t>(st.st_dev);
  id.inode = static_cast<std::uint64_t>(st.st_ino);
  id.size = static_cast<std::uint64_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return id;
}

class file_source {
 public:
  file_source() noexcept = default;
  ~file_source() { close(); }
  file_source(file_source&& o) noexcept : fd_(o.fd_), id_(o.id_), os_error_(o.os_error_) { o.fd_ = -1; }
  file_source& operator=(file_source&& o) noexcept {
    if (this != &o) {
      close();
      fd_ = o.fd_;
      id_ = o.id_;
      os_error_ = o.os_error_;
      o.fd_ = -1;
    }
    return *this;
  }
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;

  // Opens a regular file for reading. Errors: source_read_failed (see
  // os_error() for errno), invalid_argument when it is not a regular file.
  std::error_code open(const char* path) noexcept {
    close();
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
    fd_ = fd;
    id_ = identity_of(st);
#ifdef POSIX_FADV_SEQUENTIAL
    (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    return {};
  }

  void close() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool is_open() const noexcept { return fd_ >= 0; }
  std::uint64_t size() const noexcept { return id_.size; }
  const file_identity& identity() const noexcept { return id_; }
  // What a resume token records to recognise this file version later.
  file_fingerprint fingerprint() const noexcept {
    file_fingerprint f;
    f.size = id_.size;
    f.mtime_ns = id_.mtime_ns;
    return f;
  }
  int native_handle() const noexcept { return fd_; }
  // errno of the last failure, 0 when the failure was not an OS error.
  int os_error() const noexcept { return os_error_; }

  // source_changed when the open file no longer has the size/mtime it had
  // when opened; source_read_failed when it cannot even be examined.
  std::error_code check_unchanged() noexcept {
    if (fd_ < 0) return make_error_code(errc::source_read_failed);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return os_fail(errno);
    if (identity_of(st) != id_) {
      os_error_ = 0;
      return make_error_code(errc::source_changed);
    }
    return {};
  }

  // Reads up to n bytes at offset (fewer only at the end of the file).
  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
    // One fstat per read (libcurl asks for ≤ its send buffer at a time), so a
    // change is seen within one buffer of happening.
    if (const std::error_code ec = check_unchanged()) return ec;
    if (offset > id_.size) return errc::source_read_failed;
    const std::uint64_t left = id_.size - offset;
    if (n > left) n = static_cast<std::size_t>(left);
    std::size_t done = 0;
    while (done < n) {
      const ssize_t got = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
      if (got < 0) {
        if (errno == EINTR) continue;
        return os_fail(errno);
      }
      if (got == 0) {  // EOF before the size we saw: truncated behind our back
        os_error_ = 0;
        return errc::source_changed;
      }
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

 private:
  std::error_code os_fail(int e) noexcept {
    os_error_ = e;
    return make_error_code(errc::source_read_failed);
  }

  int fd_ = -1;
  file_identity id_{};
  int os_error_ = 0;
};

}  // namespace io
}  // namespace rangeup
