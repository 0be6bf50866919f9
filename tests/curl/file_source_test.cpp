// rangeup::io::file_source: pread at 64-bit offsets, short read at the end,
// change detection (size, mtime), errors on missing files and directories.

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through it
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "rangeup/io/file_source.hpp"

using rangeup::errc;

namespace {

struct temp_file {
  std::string path;
  explicit temp_file(const std::string& content) {
    char p[] = "/tmp/rangeup-fs-XXXXXX";
    const int fd = mkstemp(p);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    close(fd);
    path = p;
  }
  ~temp_file() { unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("reads ranges and a short tail") {
  temp_file f("0123456789");
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(f.path.c_str()));
  CHECK(s.size() == 10);
  char buf[16] = {};
  auto r = s.read_at(3, buf, 4);
  REQUIRE(r);
  CHECK(*r == 4);
  CHECK(std::string(buf, 4) == "3456");
  r = s.read_at(8, buf, 16);
  REQUIRE(r);
  CHECK(*r == 2);
  CHECK(std::string(buf, 2) == "89");
  r = s.read_at(10, buf, 4);
  REQUIRE(r);
  CHECK(*r == 0);
  r = s.read_at(11, buf, 4);
  CHECK_FALSE(r);
}

TEST_CASE("offsets beyond 4 GiB work on a sparse file") {
  temp_file f("");
  const int fd = ::open(f.path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  const off_t at = (off_t{5} << 30) + 7;
  REQUIRE(pwrite(fd, "xyz", 3, at) == 3);
  close(fd);
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(f.path.c_str()));
  CHECK(s.size() == static_cast<std::uint64_t>(at) + 3);
  char buf[4] = {};
  auto r = s.read_at(static_cast<std::uint64_t>(at) - 1, buf, 4);
  REQUIRE(r);
  CHECK(*r == 4);
  CHECK(buf[0] == '\0');
  CHECK(std::string(buf + 1, 3) == "xyz");
}

TEST_CASE("a file that grows, shrinks or is rewritten mid-upload is reported as source_changed") {
  temp_file f(std::string(1000, 'a'));
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(f.path.c_str()));
  char buf[8];
  REQUIRE(s.read_at(0, buf, 8));
  SUBCASE("grows") {
    const int fd = ::open(f.path.c_str(), O_WRONLY | O_APPEND);
    REQUIRE(write(fd, "b", 1) == 1);
    close(fd);
  }
  SUBCASE("shrinks") { REQUIRE(truncate(f.path.c_str(), 10) == 0); }
  SUBCASE("same size, new mtime") {
    timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
    REQUIRE(utimensat(AT_FDCWD, f.path.c_str(), times, 0) == 0);
  }
  auto r = s.read_at(8, buf, 8);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::source_changed);
  CHECK(s.check_unchanged() == errc::source_changed);
}

TEST_CASE("open errors are typed") {
  rangeup::io::file_source s;
  CHECK(s.open("/nonexistent/rangeup/file") == errc::source_read_failed);
  CHECK(s.os_error() == ENOENT);
  CHECK(s.open("/tmp") == errc::invalid_argument);
  CHECK_FALSE(s.is_open());
}

TEST_CASE("the descriptor is close-on-exec and moves with the object") {
  temp_file f("abc");
  rangeup::io::file_source a;
  REQUIRE_FALSE(a.open(f.path.c_str()));
  CHECK((fcntl(a.native_handle(), F_GETFD) & FD_CLOEXEC) != 0);
  rangeup::io::file_source b(std::move(a));
  CHECK_FALSE(a.is_open());
  REQUIRE(b.is_open());
  char c;
  REQUIRE(b.read_at(2, &c, 1));
  CHECK(c == 'c');
}
