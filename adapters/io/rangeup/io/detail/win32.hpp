#pragma once
// Windows helpers shared by rangeup::io's file source and resume files (this
// header is included on Windows only): <windows.h> without its min/max macros,
// UTF-8 file names as UTF-16 (long absolute paths get the \\?\ prefix),
// Win32 errors as std::error_code, FILETIME as Unix nanoseconds, and a
// security descriptor that grants access to the current user only.

#if !defined(_WIN32)
#error "rangeup/io/detail/win32.hpp is for Windows builds only"
#endif

// <windows.h> defines min and max as macros unless NOMINMAX is defined; that
// would break std::min/std::max in every header included after this one. Both
// macros are set only for this include, and only when the user had not.
#if !defined(NOMINMAX)
#define NOMINMAX
#define RANGEUP_IO_UNDEF_NOMINMAX
#endif
#if !defined(WIN32_LEAN_AND_MEAN)
#define WIN32_LEAN_AND_MEAN
#define RANGEUP_IO_UNDEF_WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#if defined(RANGEUP_IO_UNDEF_NOMINMAX)
#undef NOMINMAX
#undef RANGEUP_IO_UNDEF_NOMINMAX
#endif
#if defined(RANGEUP_IO_UNDEF_WIN32_LEAN_AND_MEAN)
#undef WIN32_LEAN_AND_MEAN
#undef RANGEUP_IO_UNDEF_WIN32_LEAN_AND_MEAN
#endif

#if defined(_MSC_VER)
#pragma comment(lib, "advapi32.lib")  // OpenProcessToken, InitializeAcl, ...
#endif

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace rangeup {
namespace io {
namespace detail {

// UTF-8 → UTF-16 for the W functions. False (with GetLastError() set, e.g.
// ERROR_NO_UNICODE_TRANSLATION) when the text is not valid UTF-8.
inline bool utf8_to_wide(std::string_view utf8, std::wstring& out) {
  out.clear();
  if (utf8.empty()) return true;
  if (utf8.size() > static_cast<std::size_t>(INT_MAX)) {
    ::SetLastError(ERROR_FILENAME_EXCED_RANGE);
    return false;
  }
  const int in_len = static_cast<int>(utf8.size());
  const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), in_len, nullptr, 0);
  if (n <= 0) return false;
  out.resize(static_cast<std::size_t>(n));
  return ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(), in_len, &out[0], n) == n;
}

// An absolute path of MAX_PATH characters or more only opens with the "\\?\"
// prefix (which also turns off the '/' → '\' translation, so that is done here).
// Shorter and relative paths are passed as they are.
inline void extend_long_path(std::wstring& p) {
  if (p.size() < MAX_PATH) return;
  const auto sep = [](wchar_t c) { return c == L'\\' || c == L'/'; };
  const bool drive = p.size() >= 3 && p[1] == L':' && sep(p[2]);
  const bool unc = p.size() >= 2 && sep(p[0]) && sep(p[1]);
  if (!drive && !unc) return;
  if (unc && p.size() >= 4 && (p[2] == L'?' || p[2] == L'.') && sep(p[3])) return;  // already \\?\ or \\.\ .
  for (wchar_t& c : p)
    if (c == L'/') c = L'\\';
  if (drive)
    p.insert(0, L"\\\\?\\");
  else
    p.replace(0, 2, L"\\\\?\\UNC\\");
}

inline bool path_to_wide(std::string_view utf8, std::wstring& out, const wchar_t* suffix = nullptr) {
  if (!utf8_to_wide(utf8, out)) return false;
  if (suffix) out += suffix;
  extend_long_path(out);
  return true;
}

// Win32 error → std::error_code: the common file errors as std::errc (so
// callers compare them as on POSIX), anything else in std::system_category().
inline std::error_code win32_error(DWORD e) noexcept {
  switch (e) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH:
    case ERROR_BAD_NET_NAME:
      return std::make_error_code(std::errc::no_such_file_or_directory);
    case ERROR_ACCESS_DENIED:
    case ERROR_LOCK_VIOLATION:
      return std::make_error_code(std::errc::permission_denied);
    case ERROR_SHARING_VIOLATION:
      return std::make_error_code(std::errc::device_or_resource_busy);
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
      return std::make_error_code(std::errc::file_exists);
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL:
      return std::make_error_code(std::errc::no_space_on_device);
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
      return std::make_error_code(std::errc::not_enough_memory);
    case ERROR_INVALID_NAME:
    case ERROR_BAD_PATHNAME:
    case ERROR_INVALID_PARAMETER:
    case ERROR_NO_UNICODE_TRANSLATION:
      return std::make_error_code(std::errc::invalid_argument);
    case ERROR_FILENAME_EXCED_RANGE:
      return std::make_error_code(std::errc::filename_too_long);
    case ERROR_WRITE_PROTECT:
      return std::make_error_code(std::errc::read_only_file_system);
    case ERROR_DIRECTORY:
      return std::make_error_code(std::errc::not_a_directory);
    default:
      return {static_cast<int>(e), std::system_category()};
  }
}

inline std::error_code last_win32_error() noexcept { return win32_error(::GetLastError()); }

// FILETIME (100 ns ticks since 1601-01-01 UTC) → nanoseconds since 1970-01-01.
inline std::int64_t filetime_to_unix_ns(const FILETIME& ft) noexcept {
  const std::uint64_t ticks = (std::uint64_t{ft.dwHighDateTime} << 32) | ft.dwLowDateTime;
  constexpr std::int64_t epoch_ticks = 116444736000000000;  // 1970-01-01 in FILETIME ticks
  return (static_cast<std::int64_t>(ticks) - epoch_ticks) * 100;
}

// A security descriptor whose DACL has one entry, full access for the user
// this process runs as, and is protected (the directory's inheritable entries
// are not added). The Windows counterpart of mode 0600: the file holds an
// uploadUrl, which is a credential. Like root on POSIX, an administrator can
// still take ownership of the file.
class owner_only_security {
 public:
  owner_only_security() noexcept = default;
  owner_only_security(const owner_only_security&) = delete;
  owner_only_security& operator=(const owner_only_security&) = delete;

  // 0 on success, else the Win32 error.
  DWORD init() noexcept {
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return ::GetLastError();
    DWORD len = 0;
    const BOOL got = ::GetTokenInformation(token, TokenUser, user_, sizeof user_, &len);
    const DWORD token_error = got ? 0 : ::GetLastError();
    ::CloseHandle(token);
    if (!got) return token_error;
    PSID sid = reinterpret_cast<TOKEN_USER*>(user_)->User.Sid;
    PACL acl = reinterpret_cast<PACL>(acl_);
    if (!::InitializeAcl(acl, sizeof acl_, ACL_REVISION) ||
        !::AddAccessAllowedAce(acl, ACL_REVISION, FILE_ALL_ACCESS, sid) ||
        !::InitializeSecurityDescriptor(&descriptor_, SECURITY_DESCRIPTOR_REVISION) ||
        !::SetSecurityDescriptorDacl(&descriptor_, TRUE, acl, FALSE) ||
        !::SetSecurityDescriptorControl(&descriptor_, SE_DACL_PROTECTED, SE_DACL_PROTECTED))
      return ::GetLastError();
    attributes_.nLength = sizeof attributes_;
    attributes_.lpSecurityDescriptor = &descriptor_;
    attributes_.bInheritHandle = FALSE;
    return 0;
  }

  SECURITY_ATTRIBUTES* attributes() noexcept { return &attributes_; }
  PSID user() noexcept { return reinterpret_cast<TOKEN_USER*>(user_)->User.Sid; }

 private:
  alignas(void*) unsigned char user_[sizeof(TOKEN_USER) + SECURITY_MAX_SID_SIZE] = {};
  alignas(DWORD) unsigned char acl_[sizeof(ACL) + sizeof(ACCESS_ALLOWED_ACE) + SECURITY_MAX_SID_SIZE] = {};
  SECURITY_DESCRIPTOR descriptor_{};
  SECURITY_ATTRIBUTES attributes_{};
};

}  // namespace detail
}  // namespace io
}  // namespace rangeup
