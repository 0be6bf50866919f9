// rangeup::io::file_source on every platform preset (POSIX, Windows under
// Wine, i386, s390x): reads at 64-bit offsets of a sparse file over 4 GiB,
// UTF-8 file names, change detection, typed open errors.

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <ostream>  // doctest prints std::error_code through it
#include <string>
#include <utility>

#include "platform/fs_helpers.hpp"
#include "rangeup/io/file_source.hpp"

using rangeup::errc;
using namespace platform_test;

TEST_CASE("reads ranges and a short tail") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("digits.txt");
  REQUIRE(write_file(path, "0123456789"));
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(path.c_str()));
  CHECK(s.size() == 10);
  CHECK(s.fingerprint().size == 10);
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
  CHECK_FALSE(s.read_at(11, buf, 4));
}

TEST_CASE("a sparse file over 4 GiB: size, reads at offsets above 4 GiB, nothing written in the hole") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("sparse.bin");
  const std::uint64_t at = (std::uint64_t{5} << 30) + 7;  // 5 GiB + 7
  REQUIRE(write_sparse(path, at, "xyz"));
  // The hole stays a hole: the test must not write 5 GiB to the disk.
  const std::uint64_t on_disk = allocated_bytes(path);
  CHECK(on_disk < (std::uint64_t{64} << 20));
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(path.c_str()));
  CHECK(s.size() == at + 3);
  CHECK(s.fingerprint().size == at + 3);
  char buf[8];
  std::memset(buf, 'u', sizeof buf);
  auto r = s.read_at(at - 1, buf, sizeof buf);  // crosses from the hole into the data, ends at EOF
  REQUIRE(r);
  CHECK(*r == 4);
  CHECK(buf[0] == '\0');
  CHECK(std::string(buf + 1, 3) == "xyz");
  // Just above 4 GiB, where a 32-bit offset would wrap to 0..7.
  std::memset(buf, 'u', sizeof buf);
  r = s.read_at((std::uint64_t{1} << 32) + 1, buf, sizeof buf);
  REQUIRE(r);
  CHECK(*r == sizeof buf);
  CHECK(std::string(buf, sizeof buf) == std::string(sizeof buf, '\0'));
  // The last byte, then nothing.
  r = s.read_at(at + 2, buf, sizeof buf);
  REQUIRE(r);
  CHECK(*r == 1);
  CHECK(buf[0] == 'z');
  r = s.read_at(at + 3, buf, sizeof buf);
  REQUIRE(r);
  CHECK(*r == 0);
  CHECK(s.read_at(at + 4, buf, sizeof buf).error() == errc::source_read_failed);
}

TEST_CASE("a UTF-8 file name outside ASCII opens the file of that name") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file(non_ascii_name);
  REQUIRE(write_file(path, "contents"));
  // The name on disk is exactly that name (Windows: the UTF-16 of it, not an
  // ANSI code page reading of the UTF-8 bytes).
  const auto names = temp_dir::list(dir.path());
  REQUIRE(names.size() == 1);
  CHECK(names[0] == non_ascii_name);
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(path.c_str()));
  CHECK(s.size() == 8);
  char buf[8];
  REQUIRE(s.read_at(0, buf, sizeof buf));
  CHECK(std::string(buf, 8) == "contents");
}

TEST_CASE("a file that grows, shrinks or is rewritten mid-upload is reported as source_changed") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("changing.bin");
  REQUIRE(write_file(path, std::string(1000, 'a')));
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(path.c_str()));
  char buf[8];
  REQUIRE(s.read_at(0, buf, 8));
  CHECK_FALSE(s.check_unchanged());
  SUBCASE("grows") { REQUIRE(append_file(path, "b")); }
  SUBCASE("shrinks") { REQUIRE(truncate_file(path, 10)); }
  SUBCASE("same size, new mtime") { REQUIRE(set_old_mtime(path)); }
  auto r = s.read_at(8, buf, 8);
  REQUIRE_FALSE(r);
  CHECK(r.error() == errc::source_changed);
  CHECK(s.check_unchanged() == errc::source_changed);
  CHECK(s.os_error() == 0);
}

TEST_CASE("open errors are typed") {
  temp_dir dir;
  REQUIRE(dir.ok());
  rangeup::io::file_source s;
  CHECK(s.open(dir.file("missing").c_str()) == errc::source_read_failed);
  CHECK(s.os_error() != 0);
#if defined(_WIN32)
  CHECK(s.os_error() == ERROR_FILE_NOT_FOUND);
  CHECK(s.open(dir.file("no-dir\\x").c_str()) == errc::source_read_failed);
  CHECK(s.os_error() == ERROR_PATH_NOT_FOUND);
  // Not UTF-8: refused before any file is touched.
  CHECK(s.open(dir.file("bad\xff\xfe").c_str()) == errc::invalid_argument);
  CHECK(s.os_error() == ERROR_NO_UNICODE_TRANSLATION);
#else
  CHECK(s.os_error() == ENOENT);
#endif
  CHECK(s.open(dir.path().c_str()) == errc::invalid_argument);  // a directory
  CHECK_FALSE(s.is_open());
}

TEST_CASE("the handle is not inherited, moves with the object and closes once") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("abc");
  REQUIRE(write_file(path, "abc"));
  rangeup::io::file_source a;
  REQUIRE_FALSE(a.open(path.c_str()));
  const rangeup::io::file_source::native_handle_type h = a.native_handle();
  // A CLI that runs --token-command must not hand it the open upload file.
#if defined(_WIN32)
  DWORD flags = 0;
  REQUIRE(GetHandleInformation(h, &flags));
  CHECK((flags & HANDLE_FLAG_INHERIT) == 0);
#else
  CHECK((fcntl(h, F_GETFD) & FD_CLOEXEC) != 0);
#endif
  rangeup::io::file_source b(std::move(a));
  CHECK_FALSE(a.is_open());
  REQUIRE(b.is_open());
  CHECK(b.native_handle() == h);
  char c;
  REQUIRE(b.read_at(2, &c, 1));
  CHECK(c == 'c');
  rangeup::io::file_source d;
  d = std::move(b);
  CHECK_FALSE(b.is_open());
  REQUIRE(d.read_at(0, &c, 1));
  CHECK(c == 'a');
  d.close();
  CHECK_FALSE(d.is_open());
  CHECK(d.check_unchanged() == errc::source_read_failed);
}

#if defined(_WIN32)
TEST_CASE("Windows: an absolute name longer than MAX_PATH opens (\\\\?\\ prefix)") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string sub = dir.file(std::string(150, 'd'));
  REQUIRE(make_dir(sub));
  const std::string path = sub + "\\" + std::string(150, 'f') + ".bin";
  REQUIRE(path.size() > MAX_PATH);
  REQUIRE(write_file(path, "long"));
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(path.c_str()));
  CHECK(s.size() == 4);
  // Forward slashes too (translated before the prefix is added).
  std::string slashed = path;
  for (char& ch : slashed)
    if (ch == '\\') ch = '/';
  REQUIRE_FALSE(s.open(slashed.c_str()));
  CHECK(s.size() == 4);
}

TEST_CASE("Windows: other programs may still read, write, rename and delete the open file") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("shared.bin");
  REQUIRE(write_file(path, "shared"));
  rangeup::io::file_source s;
  REQUIRE_FALSE(s.open(path.c_str()));
  REQUIRE(append_file(path, "!"));  // FILE_SHARE_WRITE
  CHECK(s.check_unchanged() == errc::source_changed);
  CHECK(::MoveFileExW(extended(path).c_str(), extended(dir.file("renamed.bin")).c_str(), 0) != 0);  // FILE_SHARE_DELETE
}
#endif
