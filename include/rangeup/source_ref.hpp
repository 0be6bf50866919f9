#pragma once
// source_ref: a non-owning reference to any Source (rangeup/transport.hpp's
// requirement), itself a Source, with one type. Why: a transport that is not
// a template (a virtual interface in your engine, a function in another
// translation unit) can take a source_ref, and a template transport can hand
// its heavy I/O machinery one Source type instead of one per upload type —
// Beast's composed write operations were instantiated once per session type,
// which cost minutes of compile time per translation unit.
//
// Two pointers; copy it freely. The referenced source must outlive every use.

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "rangeup/result.hpp"

namespace rangeup {

class source_ref {
 public:
  template <class Source, std::enable_if_t<!std::is_same_v<std::remove_cv_t<Source>, source_ref>, int> = 0>
  explicit source_ref(Source& source) noexcept  // Source may be const when its read_at is
      : source_(const_cast<void*>(static_cast<const void*>(&source))), calls_(&calls_for<Source>) {}

  std::uint64_t size() const noexcept { return calls_->size(source_); }
  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) const noexcept {
    return calls_->read_at(source_, offset, out, n);
  }

 private:
  struct calls {
    std::uint64_t (*size)(const void*) noexcept;
    result<std::size_t> (*read_at)(void*, std::uint64_t, char*, std::size_t) noexcept;
  };

  template <class Source>
  static constexpr calls calls_for{
      [](const void* s) noexcept -> std::uint64_t { return static_cast<const Source*>(s)->size(); },
      [](void* s, std::uint64_t offset, char* out, std::size_t n) noexcept -> result<std::size_t> {
        return static_cast<Source*>(s)->read_at(offset, out, n);
      }};

  void* source_;
  const calls* calls_;
};

}  // namespace rangeup
