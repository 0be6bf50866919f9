// rangeup::io::write_file_atomically / read_small_file: content, mode 0600,
// replacement, no temp files left behind, missing file reported.

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through it
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "rangeup/io/resume_file.hpp"

TEST_CASE("atomic write creates 0600 files, replaces content and leaves no temp file") {
  char dir[] = "/tmp/rangeup-resume-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  const std::string path = std::string(dir) + "/state";
  std::string got;
  CHECK(rangeup::io::read_small_file(path, got) == std::errc::no_such_file_or_directory);
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, "first"));
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, "second, longer"));
  REQUIRE_FALSE(rangeup::io::read_small_file(path, got));
  CHECK(got == "second, longer");
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  int entries = 0;
  DIR* d = opendir(dir);
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') ++entries;
  closedir(d);
  CHECK(entries == 1);
  CHECK(rangeup::io::read_small_file(path, got, 3) == std::errc::file_too_large);
  unlink(path.c_str());
  rmdir(dir);
}

TEST_CASE("a write into a missing directory fails without creating anything") {
  CHECK(rangeup::io::write_file_atomically("/nonexistent-dir-rangeup/x", "y"));
}
