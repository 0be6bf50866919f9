#pragma once
// result<T>: a value or a std::error_code. The core's return type in place of
// exceptions. T must be default-constructible and cheap to copy.

#include <system_error>
#include <type_traits>
#include <utility>

#include "rangeup/config.hpp"
#include "rangeup/error.hpp"

namespace rangeup {

template <class T>
class [[nodiscard]] result {
  static_assert(std::is_default_constructible<T>::value, "result<T> needs a default-constructible T");

 public:
  constexpr result(const T& value) noexcept(std::is_nothrow_copy_constructible<T>::value)  // NOLINT: implicit by design
      : value_(value) {}
  constexpr result(T&& value) noexcept(std::is_nothrow_move_constructible<T>::value)  // NOLINT
      : value_(std::move(value)) {}
  result(std::error_code error) noexcept : error_(error) { RANGEUP_ASSERT(error); }  // NOLINT
  result(errc error) noexcept : error_(make_error_code(error)) {}                    // NOLINT

  constexpr bool has_value() const noexcept { return !error_; }
  constexpr explicit operator bool() const noexcept { return has_value(); }
  std::error_code error() const noexcept { return error_; }

  // Precondition: has_value(). Checked by RANGEUP_ASSERT only.
  T& value() & noexcept { RANGEUP_ASSERT(has_value()); return value_; }
  const T& value() const& noexcept { RANGEUP_ASSERT(has_value()); return value_; }
  T& operator*() & noexcept { return value(); }
  const T& operator*() const& noexcept { return value(); }
  T* operator->() noexcept { return &value(); }
  const T* operator->() const noexcept { return &value(); }

  T value_or(T fallback) const noexcept { return has_value() ? value_ : fallback; }

 private:
  T value_{};
  std::error_code error_{};
};

}  // namespace rangeup
