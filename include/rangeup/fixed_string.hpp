#pragma once
// Fixed-capacity text storage for URLs, headers and JSON scratch. Appending past
// capacity fails with errc::capacity_exceeded and leaves the string unchanged:
// the core never truncates silently and never allocates.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>

#include "rangeup/error.hpp"

namespace rangeup {

namespace detail {

// Every caller has checked n against the free space. gcc 12 at -O2 still
// reports "writing N bytes into a region of size M" for the branch it cannot
// see is dead (constant-propagated lengths), so silence exactly that here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
inline void copy_checked(char* dst, const char* src, std::size_t n) noexcept {
  if (n != 0) std::memcpy(dst, src, n);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace detail

// The decimal text of an unsigned integer, built right-aligned in place.
class decimal_text {
 public:
  explicit decimal_text(std::uint64_t v) noexcept {
    do {
      buf_[--start_] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
  }
  std::string_view view() const noexcept { return {buf_ + start_, sizeof buf_ - start_}; }

 private:
  char buf_[20];  // UINT64_MAX has 20 digits
  std::size_t start_ = sizeof buf_;
};

// A writer over a caller-owned buffer with a sticky overflow flag: format a
// whole message, then check ok() once.
class text_writer {
 public:
  text_writer(char* buffer, std::size_t capacity) noexcept : buf_(buffer), cap_(capacity) {}

  text_writer& append(std::string_view s) noexcept {
    if (overflow_ || s.size() > cap_ - len_) {
      overflow_ = true;
    } else {
      detail::copy_checked(buf_ + len_, s.data(), s.size());
      len_ += s.size();
    }
    return *this;
  }
  text_writer& append(char c) noexcept { return append(std::string_view(&c, 1)); }
  text_writer& append_decimal(std::uint64_t v) noexcept { return append(decimal_text(v).view()); }

  bool ok() const noexcept { return !overflow_; }
  std::error_code error() const noexcept {
    return overflow_ ? make_error_code(errc::buffer_too_small) : std::error_code{};
  }
  std::size_t size() const noexcept { return len_; }
  std::string_view view() const noexcept { return {buf_, len_}; }

 private:
  char* buf_;
  std::size_t cap_;
  std::size_t len_ = 0;
  bool overflow_ = false;
};

template <std::size_t Capacity>
class fixed_string {
 public:
  static constexpr std::size_t capacity_value = Capacity;

  constexpr fixed_string() noexcept = default;

  std::error_code assign(std::string_view s) noexcept {
    if (s.size() > Capacity) return make_error_code(errc::capacity_exceeded);
    size_ = 0;
    return append(s);
  }
  std::error_code append(std::string_view s) noexcept {
    if (s.size() > Capacity - size_) return make_error_code(errc::capacity_exceeded);
    detail::copy_checked(data_ + size_, s.data(), s.size());
    size_ += s.size();
    data_[size_] = '\0';
    return {};
  }
  std::error_code append(char c) noexcept { return append(std::string_view(&c, 1)); }
  std::error_code append_decimal(std::uint64_t v) noexcept { return append(decimal_text(v).view()); }
  void clear() noexcept {
    size_ = 0;
    data_[0] = '\0';
  }
  // Shortens the string; n greater than size() is ignored.
  void truncate(std::size_t n) noexcept {
    if (n < size_ && n <= Capacity) {  // second test is implied; it keeps gcc's bounds analysis quiet
      size_ = n;
      data_[size_] = '\0';
    }
  }

  // A text_writer over the free space; commit(w) keeps what it wrote if it fit.
  text_writer writer() noexcept { return text_writer(data_ + size_, Capacity - size_); }
  std::error_code commit(const text_writer& w) noexcept {
    if (!w.ok()) {
      data_[size_] = '\0';
      return make_error_code(errc::capacity_exceeded);
    }
    size_ += w.size();
    data_[size_] = '\0';
    return {};
  }

  constexpr std::string_view view() const noexcept { return {data_, size_}; }
  constexpr operator std::string_view() const noexcept { return view(); }  // NOLINT: views are the currency
  constexpr const char* c_str() const noexcept { return data_; }
  constexpr const char* data() const noexcept { return data_; }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool empty() const noexcept { return size_ == 0; }
  static constexpr std::size_t capacity() noexcept { return Capacity; }

  friend bool operator==(const fixed_string& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator!=(const fixed_string& a, std::string_view b) noexcept { return a.view() != b; }

 private:
  char data_[Capacity + 1] = {};
  std::size_t size_ = 0;
};

}  // namespace rangeup
