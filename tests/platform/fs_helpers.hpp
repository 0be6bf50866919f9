#pragma once
// Test-side file helpers for POSIX and Windows (tests/platform): a temporary
// directory, files with UTF-8 names, sparse files, and what the OS says about
// a file (allocated bytes, owner-only access). Windows code uses the W
// functions with names converted from UTF-8, independently of rangeup's own
// conversion.

#include <cstdint>
#include <string>
#include <vector>

#if defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <winioctl.h>
#else
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>
#endif

namespace platform_test {

// "résumé-файл.bin" in UTF-8 (Latin-1 and Cyrillic letters: not in one ANSI code page).
constexpr const char* non_ascii_name = "r\xc3\xa9sum\xc3\xa9-\xd1\x84\xd0\xb0\xd0\xb9\xd0\xbb.bin";

#if defined(_WIN32)
inline std::wstring wide(const std::string& utf8) {
  if (utf8.empty()) return {};
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring w(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), &w[0], n);
  return w;
}
inline std::string narrow(const std::wstring& w) {
  if (w.empty()) return {};
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0, nullptr, nullptr);
  std::string s(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), &s[0], n, nullptr, nullptr);
  return s;
}
// The \\?\ form of an absolute path, for names over MAX_PATH.
inline std::wstring extended(const std::string& utf8) {
  std::wstring w = wide(utf8);
  for (wchar_t& c : w)
    if (c == L'/') c = L'\\';
  return L"\\\\?\\" + w;
}
#endif

// A fresh directory, removed (with the files in it) at the end of the test.
class temp_dir {
 public:
  temp_dir() {
#if defined(_WIN32)
    wchar_t base[MAX_PATH + 1];
    const DWORD n = ::GetTempPathW(MAX_PATH + 1, base);
    for (unsigned i = 0; n != 0; ++i) {
      std::wstring p = std::wstring(base, n) + L"rangeup-platform-" + std::to_wstring(::GetCurrentProcessId()) + L"-" +
                       std::to_wstring(i);
      if (::CreateDirectoryW(p.c_str(), nullptr)) {
        path_ = narrow(p);
        break;
      }
      if (::GetLastError() != ERROR_ALREADY_EXISTS || i > 1000) break;
    }
#else
    const char* tmp = std::getenv("TMPDIR");
    std::string t = std::string(tmp && *tmp ? tmp : "/tmp") + "/rangeup-platform-XXXXXX";
    std::vector<char> buf(t.begin(), t.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data())) path_ = buf.data();
#endif
  }
  ~temp_dir() { remove_tree(path_); }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + sep + name; }

#if defined(_WIN32)
  static constexpr const char* sep = "\\";
#else
  static constexpr const char* sep = "/";
#endif

  // Names of the entries (not . and ..), as UTF-8.
  static std::vector<std::string> list(const std::string& dir) {
    std::vector<std::string> names;
#if defined(_WIN32)
    WIN32_FIND_DATAW fd;
    const HANDLE h = ::FindFirstFileW((extended(dir) + L"\\*").c_str(), &fd);
    if (h == INVALID_HANDLE_VALUE) return names;
    do {
      const std::wstring n = fd.cFileName;
      if (n != L"." && n != L"..") names.push_back(narrow(n));
    } while (::FindNextFileW(h, &fd));
    ::FindClose(h);
#else
    DIR* d = ::opendir(dir.c_str());
    if (!d) return names;
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
#endif
    return names;
  }

  static void remove_tree(const std::string& dir) {
    if (dir.empty()) return;
    for (const std::string& n : list(dir)) {
      const std::string p = dir + sep + n;
#if defined(_WIN32)
      if (!::DeleteFileW(extended(p).c_str())) remove_tree(p);
#else
      if (::unlink(p.c_str()) != 0) remove_tree(p);
#endif
    }
#if defined(_WIN32)
    ::RemoveDirectoryW(extended(dir).c_str());
#else
    ::rmdir(dir.c_str());
#endif
  }

 private:
  std::string path_;
};

inline bool make_dir(const std::string& path) {
#if defined(_WIN32)
  return ::CreateDirectoryW(extended(path).c_str(), nullptr) != 0;
#else
  return ::mkdir(path.c_str(), 0700) == 0;
#endif
}

// Creates or replaces a file with `content`.
inline bool write_file(const std::string& path, const std::string& content) {
#if defined(_WIN32)
  const HANDLE h = ::CreateFileW(extended(path).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                                 nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  DWORD written = 0;
  const bool ok = content.empty() ||
                  (::WriteFile(h, content.data(), static_cast<DWORD>(content.size()), &written, nullptr) &&
                   written == content.size());
  return ::CloseHandle(h) && ok;
#else
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  return ::close(fd) == 0 && ok;
#endif
}

inline bool append_file(const std::string& path, const std::string& content) {
#if defined(_WIN32)
  const HANDLE h = ::CreateFileW(extended(path).c_str(), FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                 OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  DWORD written = 0;
  const bool ok = ::WriteFile(h, content.data(), static_cast<DWORD>(content.size()), &written, nullptr) &&
                  written == content.size();
  return ::CloseHandle(h) && ok;
#else
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  return ::close(fd) == 0 && ok;
#endif
}

inline bool truncate_file(const std::string& path, std::uint64_t size) {
#if defined(_WIN32)
  const HANDLE h = ::CreateFileW(extended(path).c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                 OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  LARGE_INTEGER at;
  at.QuadPart = static_cast<LONGLONG>(size);
  const bool ok = ::SetFilePointerEx(h, at, nullptr, FILE_BEGIN) && ::SetEndOfFile(h);
  return ::CloseHandle(h) && ok;
#else
  return ::truncate(path.c_str(), static_cast<off_t>(size)) == 0;
#endif
}

// Sets the last-write time to 2001-09-09T01:46:40Z, keeping the content.
inline bool set_old_mtime(const std::string& path) {
#if defined(_WIN32)
  const HANDLE h = ::CreateFileW(extended(path).c_str(), FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                 nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  const std::uint64_t ticks = 116444736000000000ULL + 1000000000ULL * 10000000ULL;
  FILETIME ft;
  ft.dwLowDateTime = static_cast<DWORD>(ticks & 0xffffffffu);
  ft.dwHighDateTime = static_cast<DWORD>(ticks >> 32);
  const bool ok = ::SetFileTime(h, nullptr, nullptr, &ft) != 0;
  return ::CloseHandle(h) && ok;
#else
  timespec times[2] = {{0, UTIME_OMIT}, {1000000000, 0}};
  return ::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0;
#endif
}

// A file of `offset + data.size()` bytes: a hole, then `data`. On Windows the
// file is marked sparse first (FSCTL_SET_SPARSE); POSIX file systems leave
// unwritten ranges unallocated by themselves.
inline bool write_sparse(const std::string& path, std::uint64_t offset, const std::string& data) {
#if defined(_WIN32)
  const HANDLE h = ::CreateFileW(extended(path).c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS,
                                 FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) return false;
  DWORD returned = 0;
  bool ok = ::DeviceIoControl(h, FSCTL_SET_SPARSE, nullptr, 0, nullptr, 0, &returned, nullptr) != 0;
  LARGE_INTEGER at;
  at.QuadPart = static_cast<LONGLONG>(offset);
  DWORD written = 0;
  ok = ok && ::SetFilePointerEx(h, at, nullptr, FILE_BEGIN) &&
       ::WriteFile(h, data.data(), static_cast<DWORD>(data.size()), &written, nullptr) && written == data.size();
  return ::CloseHandle(h) && ok;
#else
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset)) == static_cast<ssize_t>(data.size());
  return ::close(fd) == 0 && ok;
#endif
}

// Bytes the file occupies on disk (less than its size when it is sparse);
// UINT64_MAX when the OS cannot say. Windows: the smaller of
// GetCompressedFileSizeW (what Windows documents for sparse files) and the
// handle's FileStandardInfo.AllocationSize (what Wine fills from the host's
// st_blocks; its GetCompressedFileSizeW returns the file size).
inline std::uint64_t allocated_bytes(const std::string& path) {
#if defined(_WIN32)
  std::uint64_t best = UINT64_MAX;
  DWORD high = 0;
  const DWORD low = ::GetCompressedFileSizeW(extended(path).c_str(), &high);
  if (low != INVALID_FILE_SIZE || ::GetLastError() == NO_ERROR) best = (std::uint64_t{high} << 32) | low;
  const HANDLE h = ::CreateFileW(extended(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                                 OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h != INVALID_HANDLE_VALUE) {
    FILE_STANDARD_INFO info{};
    if (::GetFileInformationByHandleEx(h, FileStandardInfo, &info, sizeof info) && info.AllocationSize.QuadPart >= 0 &&
        static_cast<std::uint64_t>(info.AllocationSize.QuadPart) < best)
      best = static_cast<std::uint64_t>(info.AllocationSize.QuadPart);
    ::CloseHandle(h);
  }
  return best;
#else
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return UINT64_MAX;
  return static_cast<std::uint64_t>(st.st_blocks) * 512;
#endif
}

#if defined(_WIN32)
// Wine exports wine_get_version from its ntdll; Windows does not.
inline bool running_under_wine() {
  const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  return ntdll && ::GetProcAddress(ntdll, "wine_get_version") != nullptr;
}

inline bool is_current_user(PSID sid) {
  HANDLE token = nullptr;
  if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
  alignas(void*) unsigned char user[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE];
  DWORD len = 0;
  const BOOL got = ::GetTokenInformation(token, TokenUser, user, sizeof user, &len);
  ::CloseHandle(token);
  return got && ::EqualSid(sid, reinterpret_cast<TOKEN_USER*>(user)->User.Sid);
}

// "owner-only" when the DACL is protected and has one ACE, allowing the
// current user. Wine does not keep the DACL it was given: it maps it to Unix
// mode bits and shows a DACL made from them, always with an entry for
// LocalSystem; under Wine the check is that nobody but the user (and
// LocalSystem) is allowed anything, which is what the mode bits can say.
inline std::string describe_dacl(PACL acl, SECURITY_DESCRIPTOR_CONTROL control) {
  if (!acl) return "no DACL: everyone has access";
  const bool wine = running_under_wine();
  if (!wine && (control & SE_DACL_PROTECTED) == 0) return "DACL not protected (inherits)";
  int user_aces = 0;
  for (DWORD i = 0; i < acl->AceCount; ++i) {
    void* ace = nullptr;
    if (!::GetAce(acl, i, &ace)) return "GetAce failed";
    const auto* allowed = static_cast<const ACCESS_ALLOWED_ACE*>(ace);
    if (allowed->Header.AceType != ACCESS_ALLOWED_ACE_TYPE) continue;  // denials take nothing away from owner-only
    PSID sid = const_cast<DWORD*>(&allowed->SidStart);
    if (is_current_user(sid)) {
      ++user_aces;
      continue;
    }
    if (wine && ::IsWellKnownSid(sid, WinLocalSystemSid)) continue;
    return "an ACE allows another SID";
  }
  if (user_aces != 1) return std::to_string(user_aces) + " ACEs for the user";
  if (!wine && acl->AceCount != 1) return std::to_string(acl->AceCount) + " ACEs";
  return "owner-only";
}
#endif

// What the OS says about who may open the file: "owner-only" when only its
// owner may (POSIX: mode 0600; Windows: see describe_dacl), else a
// description of what was found.
inline std::string access_of(const std::string& path) {
#if defined(_WIN32)
  DWORD needed = 0;
  const std::wstring w = extended(path);
  ::GetFileSecurityW(w.c_str(), DACL_SECURITY_INFORMATION, nullptr, 0, &needed);
  if (needed == 0) return "GetFileSecurityW failed: " + std::to_string(::GetLastError());
  std::vector<unsigned char> sd(needed);
  if (!::GetFileSecurityW(w.c_str(), DACL_SECURITY_INFORMATION, sd.data(), needed, &needed))
    return "GetFileSecurityW failed: " + std::to_string(::GetLastError());
  BOOL present = FALSE, defaulted = FALSE;
  PACL acl = nullptr;
  if (!::GetSecurityDescriptorDacl(sd.data(), &present, &acl, &defaulted)) return "no DACL";
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  ::GetSecurityDescriptorControl(sd.data(), &control, &revision);
  return describe_dacl(present ? acl : nullptr, control);
#else
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "stat failed";
  if ((st.st_mode & 0777) != 0600) return "mode " + std::to_string(st.st_mode & 0777);
  return "owner-only";
#endif
}

}  // namespace platform_test
