// rangeup::io::write_file_atomically / read_small_file on every platform
// preset: content, replacement, owner-only access (POSIX mode 0600; Windows a
// protected DACL for the current user), no temporary file left, UTF-8 names,
// typed errors.

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through it
#include <string>

#include "platform/fs_helpers.hpp"
#include "rangeup/io/resume_file.hpp"

using namespace platform_test;

namespace {

std::string pid_suffix() {
#if defined(_WIN32)
  return ".tmp." + std::to_string(::GetCurrentProcessId());
#else
  return ".tmp." + std::to_string(::getpid());
#endif
}

}  // namespace

TEST_CASE("a resume file is written, replaced and read back, owner-only, with no temporary file left") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("state");
  std::string got;
  CHECK(rangeup::io::read_small_file(path, got) == std::errc::no_such_file_or_directory);
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, "first"));
  REQUIRE_FALSE(rangeup::io::read_small_file(path, got));
  CHECK(got == "first");
  CHECK(access_of(path) == "owner-only");
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, "second, longer"));
  REQUIRE_FALSE(rangeup::io::read_small_file(path, got));
  CHECK(got == "second, longer");
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, "3"));  // shorter: no stale tail
  REQUIRE_FALSE(rangeup::io::read_small_file(path, got));
  CHECK(got == "3");
  CHECK(access_of(path) == "owner-only");
  const auto names = temp_dir::list(dir.path());
  REQUIRE(names.size() == 1);
  CHECK(names[0] == "state");
  CHECK(rangeup::io::read_small_file(path, got, 0) == std::errc::file_too_large);
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, ""));
  REQUIRE_FALSE(rangeup::io::read_small_file(path, got));
  CHECK(got.empty());
}

TEST_CASE("a large resume file is read back whole") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("big-state");
  std::string content;
  for (int i = 0; content.size() < 100000; ++i) content += std::to_string(i) + ',';
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, content));
  std::string got;
  REQUIRE_FALSE(rangeup::io::read_small_file(path, got));
  CHECK(got == content);
  CHECK(rangeup::io::read_small_file(path, got, content.size() - 1) == std::errc::file_too_large);
}

TEST_CASE("a temporary file left by a crashed run is replaced, not reused with its access rights") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("state");
  const std::string stale = path + pid_suffix();
  REQUIRE(write_file(stale, "stale content that is longer"));
  CHECK(access_of(stale) != "owner-only");
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, "fresh"));
  std::string got;
  REQUIRE_FALSE(rangeup::io::read_small_file(path, got));
  CHECK(got == "fresh");
  CHECK(access_of(path) == "owner-only");
  CHECK(temp_dir::list(dir.path()).size() == 1);
}

TEST_CASE("a UTF-8 resume file name outside ASCII") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file(non_ascii_name);
  REQUIRE_FALSE(rangeup::io::write_file_atomically(path, "token"));
  const auto names = temp_dir::list(dir.path());
  REQUIRE(names.size() == 1);
  CHECK(names[0] == non_ascii_name);
  std::string got;
  REQUIRE_FALSE(rangeup::io::read_small_file(path, got));
  CHECK(got == "token");
}

TEST_CASE("a write into a missing directory fails without creating anything") {
  temp_dir dir;
  REQUIRE(dir.ok());
  const std::string path = dir.file("missing") + temp_dir::sep + "x";
  CHECK(rangeup::io::write_file_atomically(path, "y") == std::errc::no_such_file_or_directory);
  CHECK(temp_dir::list(dir.path()).empty());
  std::string got;
  CHECK(rangeup::io::read_small_file(path, got) == std::errc::no_such_file_or_directory);
}

#if defined(_WIN32)
TEST_CASE("Windows: a name that is not UTF-8 is refused") {
  temp_dir dir;
  REQUIRE(dir.ok());
  CHECK(rangeup::io::write_file_atomically(dir.file("bad\xc3("), "y") == std::errc::invalid_argument);
  CHECK(temp_dir::list(dir.path()).empty());
}
#endif

#if defined(_WIN32)
TEST_CASE("Windows: the resume file's security descriptor: one ACE, the current user, protected") {
  // Checked in memory, where Wine keeps it as given (on disk it keeps only
  // what Unix mode bits can say; see describe_dacl).
  rangeup::io::detail::owner_only_security security;
  REQUIRE(security.init() == 0);
  SECURITY_ATTRIBUTES* sa = security.attributes();
  REQUIRE(sa->nLength == sizeof(SECURITY_ATTRIBUTES));
  CHECK_FALSE(sa->bInheritHandle);
  PSECURITY_DESCRIPTOR sd = sa->lpSecurityDescriptor;
  REQUIRE(::IsValidSecurityDescriptor(sd));
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  REQUIRE(::GetSecurityDescriptorControl(sd, &control, &revision));
  CHECK((control & SE_DACL_PROTECTED) != 0);
  BOOL present = FALSE, defaulted = FALSE;
  PACL acl = nullptr;
  REQUIRE(::GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted));
  REQUIRE(present);
  REQUIRE(acl != nullptr);
  CHECK(acl->AceCount == 1);
  void* ace = nullptr;
  REQUIRE(::GetAce(acl, 0, &ace));
  const auto* allowed = static_cast<const ACCESS_ALLOWED_ACE*>(ace);
  CHECK(allowed->Header.AceType == ACCESS_ALLOWED_ACE_TYPE);
  CHECK(allowed->Mask == FILE_ALL_ACCESS);
  CHECK(is_current_user(const_cast<DWORD*>(&allowed->SidStart)));
}
#endif
