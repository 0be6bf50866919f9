#pragma once
// rangeup::io::hashing_source: wraps a byte source and computes the
// QuickXorHash of the upload from the bytes the transport reads to send them,
// so a normal upload reads the file once.
//
// It keeps one contiguous hashed span [first, end): the first read starts it,
// reads that reach past `end` extend it (only the new bytes are hashed, so
// retransmits and 416 resyncs that go back never count a byte twice), and a
// read that starts beyond `end` (the server skipped a range) first hashes the
// gap. finish() hashes what no request read: the prefix a resumed upload did
// not send, and any tail a server never asked for. Those bytes are read a
// second time (reread_bytes() counts them); that is unavoidable, since they
// were never in memory in this process. The digest is of the source's bytes,
// which is what the server must have stored; the source itself guards against
// the file changing in between (file_source fails with source_changed).

#include <cstddef>
#include <cstdint>
#include <system_error>

#include "rangeup/error.hpp"
#include "rangeup/quick_xor_hash.hpp"
#include "rangeup/result.hpp"

namespace rangeup {
namespace io {

template <class Source>
class hashing_source {
 public:
  explicit hashing_source(Source& inner) noexcept : inner_(&inner) {}

  std::uint64_t size() const noexcept { return inner_->size(); }

  result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
    if (!started_) {
      started_ = true;
      first_ = end_ = offset;
    }
    if (offset > end_) {
      if (const std::error_code ec = hash_from_source(end_, offset)) return ec;
      end_ = offset;
    }
    result<std::size_t> got = inner_->read_at(offset, out, n);
    if (!got) return got;
    const std::uint64_t stop = offset + *got;
    if (stop > end_ && offset <= end_) {
      const std::uint64_t skip = end_ - offset;
      hash_.update_at(end_, out + skip, static_cast<std::size_t>(*got - skip));
      end_ = stop;
    }
    return got;
  }

  // Hashes the bytes no read covered, then the digest covers the whole source.
  std::error_code finish() noexcept {
    if (!started_) {
      started_ = true;
      first_ = end_ = 0;
    }
    if (const std::error_code ec = hash_from_source(0, first_)) return ec;
    first_ = 0;
    if (const std::error_code ec = hash_from_source(end_, size())) return ec;
    end_ = size();
    return {};
  }

  // Valid after a successful finish().
  const quick_xor_hash& hash() const noexcept { return hash_; }
  std::uint64_t reread_bytes() const noexcept { return reread_; }
  Source& inner() noexcept { return *inner_; }

 private:
  // Reads [from, to) from the source just to hash it.
  std::error_code hash_from_source(std::uint64_t from, std::uint64_t to) noexcept {
    char buf[16384];
    while (from < to) {
      const std::uint64_t left = to - from;
      const std::size_t want = left < sizeof buf ? static_cast<std::size_t>(left) : sizeof buf;
      const result<std::size_t> got = inner_->read_at(from, buf, want);
      if (!got) return got.error();
      if (*got == 0) return make_error_code(errc::source_changed);  // shorter than its size()
      hash_.update_at(from, buf, *got);
      from += *got;
      reread_ += *got;
    }
    return {};
  }

  Source* inner_;
  quick_xor_hash hash_;
  bool started_ = false;
  std::uint64_t first_ = 0;  // hashed span [first_, end_)
  std::uint64_t end_ = 0;
  std::uint64_t reread_ = 0;
};

}  // namespace io
}  // namespace rangeup
