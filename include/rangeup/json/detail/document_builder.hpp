#pragma once
// Internal to rangeup's JSON codecs (rangeup/json/detail/): not public API, may change.
// Turns a stream of JSON events into session/error/driveItem documents: the
// one place that knows which members matter. Every codec (built-in scanner,
// nlohmann SAX, Boost.JSON basic_parser) feeds it, so they agree by design.
//
// Rules (the same for every codec):
//  - keys match ASCII-case-insensitively; unknown members and whatever they
//    hold (objects/arrays of any shape) are ignored;
//  - duplicate keys: the last one wins, nested objects included;
//  - null means "absent" for every member;
//  - a member of the wrong type -> malformed_response, a top level that is not
//    an object -> malformed_response; a nextExpectedRanges element that is not
//    a string -> malformed_response, a string that parse_byte_range rejects (or
//    longer than max_range_text) -> malformed_range, more than
//    max_expected_ranges -> capacity_exceeded;
//  - parse_error needs an "error" object at the top level (else
//    malformed_response); its code and message are optional (empty);
//  - uploadUrl longer than RANGEUP_MAX_URL_LENGTH -> url_too_long; any other
//    string longer than its field -> capacity_exceeded, except error.message,
//    which is cut at a UTF-8 boundary (display only);
//  - the first such error in document order is reported, but only if the
//    whole input is valid JSON: syntax errors (malformed_json) win.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <system_error>

#include "rangeup/codec.hpp"
#include "rangeup/json/detail/utf8.hpp"

namespace rangeup::json {

// Longest nextExpectedRanges element considered ("18446744073709551615-..." is 41).
inline constexpr std::size_t max_range_text = 64;

// A string handed to the builder. The built-in scanner decodes into a bounded
// scratch buffer; when a string is longer it passes the first bytes with
// truncated = true. Every limit below is smaller than that buffer, so the
// outcome never depends on which codec produced the event.
struct string_event {
  std::string_view text;
  bool truncated = false;
};

inline constexpr std::size_t builder_scratch_capacity =
    (RANGEUP_MAX_URL_LENGTH > 1024 ? RANGEUP_MAX_URL_LENGTH : 1024) + 1;

inline bool key_equals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

class document_builder {
 public:
  explicit document_builder(session_document& d) noexcept : session_(&d), root_(slot::session_root) { d = {}; }
  explicit document_builder(error_document& d) noexcept : errdoc_(&d), root_(slot::error_root) { d = {}; }
  explicit document_builder(drive_item_document& d) noexcept : item_(&d), root_(slot::item_root) { d = {}; }

  void on_object_begin() noexcept { begin(kind::object); }
  void on_array_begin() noexcept { begin(kind::array); }
  void on_object_end() noexcept { end(); }
  void on_array_end() noexcept { end(); }
  void on_key(string_event key) noexcept {
    if (skip_ == 0 && depth_ > 0) pending_ = key.truncated ? slot::none : child(path_[depth_ - 1], key.text);
  }
  void on_string(string_event s) noexcept { scalar(kind::string, s, 0); }
  void on_number(bool is_u64, std::uint64_t value) noexcept { scalar(is_u64 ? kind::u64 : kind::other, {}, value); }
  void on_bool() noexcept { scalar(kind::other, {}, 0); }
  void on_null() noexcept { scalar(kind::null, {}, 0); }

  // The outcome once the input was fully scanned without a syntax error.
  std::error_code result() const noexcept {
    if (!status_ && root_ == slot::error_root && !has_error_object_) return make_error_code(errc::malformed_response);
    return status_;
  }

 private:
  enum class slot : unsigned char {
    none,  // ignored
    session_root, upload_url, expiration, ranges,
    error_root, error_object, code, message,
    item_root, id, name, size, file, hashes, quick_xor_hash,
  };
  enum class kind : unsigned char { object, array, string, u64, other, null };

  // Which member of `parent` a key names.
  static slot child(slot parent, std::string_view key) noexcept {
    switch (parent) {
      case slot::session_root:
        if (key_equals(key, "uploadUrl")) return slot::upload_url;
        if (key_equals(key, "expirationDateTime")) return slot::expiration;
        if (key_equals(key, "nextExpectedRanges")) return slot::ranges;
        return slot::none;
      case slot::error_root: return key_equals(key, "error") ? slot::error_object : slot::none;
      case slot::error_object:
        if (key_equals(key, "code")) return slot::code;
        if (key_equals(key, "message")) return slot::message;
        return slot::none;
      case slot::item_root:
        if (key_equals(key, "id")) return slot::id;
        if (key_equals(key, "name")) return slot::name;
        if (key_equals(key, "size")) return slot::size;
        if (key_equals(key, "file")) return slot::file;
        return slot::none;
      case slot::file: return key_equals(key, "hashes") ? slot::hashes : slot::none;
      case slot::hashes: return key_equals(key, "quickXorHash") ? slot::quick_xor_hash : slot::none;
      default: return slot::none;
    }
  }

  void fail(errc e) noexcept {
    if (!status_) status_ = make_error_code(e);
  }

  // The slot the next value fills, consuming the pending key.
  slot target() noexcept {
    if (depth_ == 0) return root_;
    if (path_[depth_ - 1] == slot::ranges) return slot::ranges;  // an element
    const slot s = pending_;
    pending_ = slot::none;
    return s;
  }

  void begin(kind k) noexcept {
    if (skip_ > 0) {
      ++skip_;
      return;
    }
    const bool element = depth_ > 0 && path_[depth_ - 1] == slot::ranges;
    const slot s = target();
    const bool wanted_object = s == slot::session_root || s == slot::error_root || s == slot::item_root ||
                               s == slot::error_object || s == slot::file || s == slot::hashes;
    const bool wanted_array = s == slot::ranges && !element;
    if (s == slot::none || (k == kind::object ? !wanted_object : !wanted_array)) {
      if (s != slot::none) fail(errc::malformed_response);
      skip_ = 1;
      return;
    }
    // Entering a member resets it: with duplicate keys the last one wins whole.
    clear(s);
    if (s == slot::ranges) session_->has_ranges = true;
    if (s == slot::error_object) has_error_object_ = true;
    RANGEUP_ASSERT(depth_ < sizeof path_ / sizeof path_[0]);  // known paths: at most item/file/hashes
    path_[depth_++] = s;
  }

  void end() noexcept {
    if (skip_ > 0) {
      --skip_;
    } else if (depth_ > 0) {
      --depth_;
    }
    pending_ = slot::none;
  }

  // Forgets what a member held (null, or a repeated object member).
  void clear(slot s) noexcept {
    switch (s) {
      case slot::upload_url: session_->upload_url.clear(); break;
      case slot::expiration: session_->expiration_date_time.clear(); break;
      case slot::ranges:
        session_->range_count = 0;
        session_->has_ranges = false;
        break;
      case slot::error_object:
        errdoc_->code.clear();
        errdoc_->message.clear();
        has_error_object_ = false;
        break;
      case slot::code: errdoc_->code.clear(); break;
      case slot::message: errdoc_->message.clear(); break;
      case slot::id: item_->id.clear(); break;
      case slot::name: item_->name.clear(); break;
      case slot::size: item_->size = 0; item_->has_size = false; break;
      case slot::file:
      case slot::hashes:
      case slot::quick_xor_hash: item_->quick_xor_hash.clear(); break;
      default: break;
    }
  }

  template <class FixedString>
  void store(FixedString& field, string_event s, errc overflow) noexcept {
    if (s.truncated || field.assign(s.text)) {
      field.clear();
      fail(overflow);
    }
  }

  void scalar(kind k, string_event s, std::uint64_t value) noexcept {
    if (skip_ > 0) return;
    const bool element = depth_ > 0 && path_[depth_ - 1] == slot::ranges;
    const slot t = target();
    if (t == slot::none) return;
    if (element) return add_range(k, s);
    if (depth_ == 0) return fail(errc::malformed_response);  // top level is not an object
    if (k == kind::null) return clear(t);
    switch (t) {
      case slot::upload_url:
      case slot::expiration:
      case slot::code:
      case slot::message:
      case slot::id:
      case slot::name:
      case slot::quick_xor_hash:
        if (k != kind::string) return fail(errc::malformed_response);
        return store_string(t, s);
      case slot::size:
        if (k != kind::u64) return fail(errc::malformed_response);
        item_->size = value;
        item_->has_size = true;
        return;
      default:  // an object/array member (or the top level) given a scalar
        return fail(errc::malformed_response);
    }
  }

  void store_string(slot t, string_event s) noexcept {
    switch (t) {
      case slot::upload_url: return store(session_->upload_url, s, errc::url_too_long);
      case slot::expiration: return store(session_->expiration_date_time, s, errc::capacity_exceeded);
      case slot::code: return store(errdoc_->code, s, errc::capacity_exceeded);
      case slot::message:  // display text: cut rather than fail
        errdoc_->message.assign(utf8_prefix(s.text, errdoc_->message.capacity()));
        return;
      case slot::id: return store(item_->id, s, errc::capacity_exceeded);
      case slot::name: return store(item_->name, s, errc::capacity_exceeded);
      case slot::quick_xor_hash: return store(item_->quick_xor_hash, s, errc::capacity_exceeded);
      default: return;
    }
  }

  void add_range(kind k, string_event s) noexcept {
    if (k != kind::string) return fail(errc::malformed_response);
    if (s.truncated || s.text.size() > max_range_text) return fail(errc::malformed_range);
    const auto r = parse_byte_range(s.text);
    if (!r) return fail(errc::malformed_range);
    if (session_->range_count == max_expected_ranges) return fail(errc::capacity_exceeded);
    session_->ranges[session_->range_count++] = *r;
  }

  session_document* session_ = nullptr;
  error_document* errdoc_ = nullptr;
  drive_item_document* item_ = nullptr;
  slot root_;
  slot path_[4] = {};   // the known containers we are in
  std::size_t depth_ = 0;
  std::size_t skip_ = 0;  // > 0 inside an ignored (or rejected) container
  slot pending_ = slot::none;
  bool has_error_object_ = false;  // parse_error needs {"error": {...}}
  std::error_code status_;
};

// The three parse_* members of a Codec, given an Impl with
// `template <class Document> static std::error_code parse(std::string_view, Document&) noexcept`.
template <class Impl>
struct document_parsers {
  static std::error_code parse_session(std::string_view json, session_document& out) noexcept {
    return Impl::parse(json, out);
  }
  static std::error_code parse_error(std::string_view json, error_document& out) noexcept {
    return Impl::parse(json, out);
  }
  static std::error_code parse_drive_item(std::string_view json, drive_item_document& out) noexcept {
    return Impl::parse(json, out);
  }
};

}  // namespace rangeup::json
