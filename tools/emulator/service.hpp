#pragma once
// The emulated Graph service: sessions, stored files, the drive namespace,
// violations and counters, behind one mutex. The HTTP server calls in with
// plain request_head/reply records; handlers are split by job across
// create_handlers.cpp, upload_handlers.cpp and report.cpp.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "digests.hpp"
#include "exchange.hpp"
#include "fault_plan.hpp"
#include "options.hpp"
#include "routes.hpp"

namespace emu {

using sys_clock = std::chrono::system_clock;

struct session {
  std::string id, token;
  flavor fl = flavor::message;
  route where;  // the create route: user and owner ids
  std::string name, content_type;
  std::optional<std::uint64_t> size;  // declared; drive learns it from the first PUT
  std::uint64_t received = 0;         // next expected offset
  // End of the bytes whose answer a "lost" fault withheld: resending them is
  // the client's correct recovery, so their 416 is not a violation.
  std::uint64_t unanswered_until = 0;
  sys_clock::time_point expires;
  bool pascal_case = false;  // Outlook quirk: PascalCase keys in fragment responses
  bool defer_commit = false;
  bool busy = false;  // a PUT is streaming into this session
  std::string conflict = "fail";
  std::string part_path;

  bool all_received() const { return size && received == *size; }
};

struct stored_file {
  std::string id, flavor, name, sha256, quick_xor, path;
  std::uint64_t size = 0;
};

struct drive_item {
  std::string id, name, parent_key, etag, path, quick_xor;
  std::uint64_t size = 0;
};

// An accepted upload PUT: the server streams `length` bytes to `path` at `offset`.
struct put_ticket {
  std::shared_ptr<session> s;
  std::string path;
  std::uint64_t offset = 0, length = 0;
  fault_kind fault = fault_kind::none;
};

struct put_decision {
  std::optional<put_ticket> ticket;
  reply rejection;        // when !ticket
  bool drop_now = false;  // "drop" fault: read the body, store nothing, cut the answer off
};

class service {
 public:
  service(const options& opt, std::string store_dir);

  bool configure_faults(std::string& error) { return faults_.configure(opt_.faults, opt_.fault_rate, opt_.fault_kinds, opt_.seed, error); }
  void set_base_url(std::string base) { base_ = std::move(base); }
  const std::string& base_url() const { return base_; }

  // Every request; requests a stop once --max-requests has been reached.
  void note_request();
  bool stop_requested() const { return stop_.load(); }
  void request_stop() { stop_.store(true); }
  sys_clock::time_point last_request() const;

  // Requests whose (small) body is read whole before handling.
  reply handle(const request_head& head, const route& r, const std::string& body);

  // Upload PUTs, streamed: begin (validate, pick fault), then finish or abort.
  put_decision begin_put(const request_head& head, const route& r);
  reply finish_put(put_ticket& t);
  void abort_put(put_ticket& t);

  reply finish_sink(std::uint64_t bytes);

 private:
  // create_handlers.cpp
  reply create(const request_head& head, const route& r, const std::string& body);
  reply get_drive_item(const request_head& head, const route& r);
  std::optional<reply> check_bearer(const request_head& head);  // a 401 unless the bearer token is right
  reply create_attachment(const route& r, const std::string& body);
  reply create_drive(const request_head& head, const route& r, const std::string& body);
  reply create_print(const route& r, const std::string& body);
  std::shared_ptr<session> new_session(flavor fl, const route& r);  // caller holds mutex_
  std::string upload_url(const session& s) const;

  // upload_handlers.cpp
  reply session_request(const request_head& head, const route& r);
  reply status_reply(const session& s, unsigned status) const;
  std::string next_range_text(const session& s) const;
  reply complete(session& s, const file_digests& d);      // caller holds mutex_
  reply commit_drive(session& s, const file_digests& d);  // caller holds mutex_
  reply drive_item_reply(const drive_item& item, unsigned status) const;
  file_digests digest_part(const session& s) const;       // no lock: the session is busy
  void drop_session(const std::string& id);               // caller holds mutex_
  std::shared_ptr<session> find_live(const route& r, reply& error);  // caller holds mutex_

  // report.cpp
  reply report() const;

  // helpers shared by the handler files; callers hold mutex_
  reply violation(unsigned status, const std::string& kind, const std::string& detail, const char* code = nullptr);
  void count(const char* counter, std::uint64_t n = 1) { counters_[counter] += n; }
  std::string random_hex(std::size_t n);
  std::string stored_path(const std::string& name);

  const options& opt_;
  std::string store_dir_;
  std::string base_;
  fault_plan faults_;

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<session>> sessions_;
  // Sessions that ended by a fault (404, or a lost final answer): the client
  // could not know, so later requests get 404 without a violation.
  std::set<std::string> ended_by_fault_;
  std::vector<stored_file> files_;
  std::map<std::string, drive_item> drive_items_;        // by id
  std::map<std::string, std::string> drive_names_;       // parent_key + "\n" + name -> id
  std::vector<std::pair<std::string, std::string>> violations_;
  std::map<std::string, std::uint64_t> counters_;
  std::mt19937_64 quirks_;  // seeded: which sessions get which quirk
  std::mt19937_64 ids_;
  std::uint64_t sequence_ = 0;
  sys_clock::time_point last_request_;
  std::atomic<bool> stop_{false};
};

// The drive namespace key of a name under a parent (names are case-insensitive).
std::string drive_key(const std::string& parent_key, const std::string& name);

// Flavor limits (DESIGN.md §1).
constexpr std::uint64_t attachment_max_size = 157286400;   // 150 MiB
constexpr std::uint64_t todo_max_size = 26214400;          // 25 MiB
constexpr std::uint64_t attachment_max_fragment = 4194304;  // 4 MiB
constexpr std::uint64_t drive_quantum = 327680;            // 320 KiB
constexpr std::uint64_t drive_max_fragment = 62914560;      // 60 MiB, exclusive

}  // namespace emu
