#pragma once
// The emulated Graph service: sessions, stored files, the drive namespace,
// violations and counters, behind one mutex. The HTTP server calls in with
// plain request_head/reply records; handlers are split by job across
// create_handlers.cpp, upload_handlers.cpp and report.cpp.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
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
#include "tokens.hpp"

namespace emu {

using sys_clock = std::chrono::system_clock;

struct session {
  std::string id, token;  // token: empty for To Do (its uploadUrl is a plain Graph URL, PROTOCOL.md T1)
  flavor fl = flavor::message;
  route where;  // the create route: version, user and owner ids
  std::string name, content_type, content_id;
  bool is_inline = false;
  std::optional<std::uint64_t> size;  // declared; drive learns it from the first PUT
  std::uint64_t received = 0;         // next expected offset
  // End of the bytes whose answer a "lost" fault withheld: resending them is
  // the client's correct recovery, so their 416 is not a violation.
  std::uint64_t unanswered_until = 0;
  sys_clock::time_point expires;
  bool pascal_case = false;  // PascalCase keys in fragment responses (Outlook quirk, To Do always)
  bool defer_commit = false;
  bool busy = false;  // a PUT is streaming into this session
  std::string conflict = "fail";
  std::string part_path;

  bool all_received() const { return size && received == *size; }
};

struct stored_file {
  stored_file(std::string id_, std::string flavor_, std::string name_, const file_digests& d, std::string path_)
      : id(std::move(id_)), flavor(std::move(flavor_)), name(std::move(name_)), sha256(d.sha256), quick_xor(d.quick_xor),
        path(std::move(path_)), size(d.size) {}
  std::string id, flavor, name, sha256, quick_xor, path;
  std::uint64_t size = 0;
  const char* via = "session";            // "session", "post" (attachment POST) or "put" (drive PUT .../content)
  std::string content_type, content_id;  // empty: not given
  bool is_inline = false;
};

struct drive_item {
  std::string id, name, parent_key, etag, path, quick_xor;
  std::uint64_t size = 0;
};

// What an upload request is: a session fragment (PUT on an uploadUrl), a
// drive simple upload (PUT .../content) or an attachment POST.
enum class upload_kind { fragment, simple_put, attachment_post };

// True for the requests that take a fault number and carry file bytes.
bool is_upload_request(const route& r, const std::string& method);

// An accepted upload request. fragment / simple_put: the server streams
// `length` bytes to `path` at `offset`. attachment_post: the server reads the
// body (at most `length` bytes) into memory.
struct put_ticket {
  upload_kind kind = upload_kind::fragment;
  std::shared_ptr<session> s;  // fragment
  route where;                 // simple_put / attachment_post
  std::string path;
  std::uint64_t offset = 0, length = 0;
  fault_kind fault = fault_kind::none;
  // Fault "hold": the body goes to a private file (`path`, from offset 0; an
  // attachment POST's to memory) and nothing changes until apply_held.
  bool held = false;
  bool in_memory() const { return kind == upload_kind::attachment_post; }
};

// An upload request's place in the fault sequence, fixed when it arrives.
struct upload_number {
  std::uint64_t index = 0;
  fault_kind fault = fault_kind::none;
};

// Called (once, from any thread) when a waiting request may go on.
using waker = std::function<void()>;

struct put_decision {
  std::optional<put_ticket> ticket;
  reply rejection;        // when !ticket
  bool drop_now = false;  // "drop" fault: read the body, store nothing, cut the answer off
  // The session has a held request: the waker given was registered; then
  // call resume_upload with `number`.
  bool waits = false;
  upload_number number;
};

class service {
 public:
  service(const options& opt, std::string store_dir);

  bool configure_faults(std::string& error) { return faults_.configure(opt_.faults, opt_.fault_rate, opt_.fault_kinds, opt_.seed, error); }
  bool configure_tokens(std::string& error) const { return tokens_.configure(error); }
  void set_base_url(std::string base) { base_ = std::move(base); }
  const std::string& base_url() const { return base_; }

  // Every request; requests a stop once --max-requests has been reached.
  void note_request();
  bool stop_requested() const { return stop_.load(); }
  void request_stop() { stop_.store(true); }
  sys_clock::time_point last_request() const;

  // Requests whose (small) body is read whole before handling.
  reply handle(const request_head& head, const route& r, const std::string& body);

  // Upload requests (is_upload_request): begin (number, pick fault, validate
  // the head), then finish_put (streamed kinds) / finish_post (attachment
  // POST, with its body), body_too_large, or abort_put. A fragment PUT to a
  // session with a held request waits (`waits`): `wake` runs once the held
  // request took effect, then resume_upload decides as begin_upload would.
  put_decision begin_upload(const request_head& head, const route& r, const waker& wake);
  put_decision resume_upload(const request_head& head, const route& r, const upload_number& n, const waker& wake);
  reply finish_put(put_ticket& t);
  reply finish_post(put_ticket& t, const std::string& body);
  reply body_too_large(put_ticket& t);  // an attachment POST body outgrew its cap while read
  void abort_put(put_ticket& t);

  // held_requests.cpp, fault "hold": a held ticket's request takes effect
  // after hold_ms() as if it had just arrived (validated again, stored), and
  // requests waiting for it go on. The server stays up while holds are pending
  // (--idle-exit) and drops the waiters when it stops.
  reply apply_held(put_ticket& held, const request_head& head, const route& r, const std::string& body);
  unsigned hold_ms() const { return opt_.slow_ms; }
  bool holds_pending() const;
  void drop_waiters();

  reply finish_sink(std::uint64_t bytes);

 private:
  // create_handlers.cpp
  reply create(const request_head& head, const route& r, const std::string& body);
  reply get_drive_item(const request_head& head, const route& r);
  // The bearer of a Graph request (tokens.hpp): accepted, expired or refused.
  token_policy::verdict authorize(const request_head& head) { return tokens_.check(head.authorization); }
  // The 401 for a bearer that was not accepted: "expired" as Graph says it,
  // otherwise a violation of `kind`. Caller holds mutex_.
  reply refuse_bearer(token_policy::verdict v, const request_head& head, const char* kind);
  std::optional<reply> check_bearer(const request_head& head);  // a 401 unless the bearer token is right
  reply create_attachment(const route& r, const std::string& body);
  reply create_drive(const request_head& head, const route& r, const std::string& body);
  reply create_print(const route& r, const std::string& body);
  std::shared_ptr<session> new_session(flavor fl, const route& r);  // caller holds mutex_
  std::string upload_url(const session& s) const;
  // Drive: the item an upload to r would overwrite (nullptr: none); an update
  // by id takes the item's parent and name into `where`. False: unknown item id.
  bool drive_target(const route& r, route& where, const drive_item*& existing) const;  // caller holds mutex_
  std::optional<reply> check_preconditions(const request_head& head, const drive_item* existing) const;

  // single_handlers.cpp: attachment POST and drive PUT .../content
  put_decision begin_single(const request_head& head, const route& r);
  reply finish_simple_put(put_ticket& t);

  // single_handlers.cpp (continued): the checks of an arrived (or, replay, a
  // held) single request; caller holds mutex_
  put_decision admit_single(const request_head& head, const route& r, fault_kind fault, bool replay);

  // upload_handlers.cpp
  put_decision begin_fragment(const request_head& head, const route& r, const waker& wake);
  // After numbering: wait for a held request, apply the fault, admit; caller holds mutex_
  put_decision fragment_arrived(const request_head& head, const route& r, const upload_number& n, const waker& wake);
  // The checks of a fragment PUT, and its ticket (held for "hold"); replay: a
  // held request taking effect. Caller holds mutex_.
  put_decision admit_fragment(const request_head& head, const route& r, fault_kind fault, bool replay);
  reply session_request(const request_head& head, const route& r);
  reply status_reply(const session& s, unsigned status) const;
  std::string next_range_text(const session& s) const;
  reply complete(session& s, const file_digests& d);      // caller holds mutex_
  reply commit_drive(session& s, const file_digests& d);  // caller holds mutex_
  // Stores part_path as `name` under where (conflict: fail/replace/rename) and
  // answers the driveItem; on 404/409 part_path is left to the caller.
  reply store_drive_item(const route& where, const std::string& name, const std::string& conflict,
                         const std::string& part_path, const file_digests& d, const char* via);  // caller holds mutex_
  reply drive_item_reply(const drive_item& item, unsigned status) const;
  file_digests digest_part(const session& s) const;       // no lock: the session is busy
  void drop_session(const std::string& id);               // caller holds mutex_
  std::shared_ptr<session> find_live(const route& r, reply& error);  // caller holds mutex_

  // held_requests.cpp; callers hold mutex_ (hold_begin/hold_end) or not (release_hold)
  void hold_begin(const std::string& session_id);  // empty: a single request
  bool must_wait(const std::string& session_id, const waker& wake);  // registers wake if so
  std::vector<waker> hold_end(const std::string& session_id);  // the waiters to wake (after unlocking)
  void release_hold(put_ticket& held);  // drops the private body, wakes the waiters
  std::string new_part_file(const char* prefix);  // an empty file under parts/

  // report.cpp
  reply report(const route& r) const;

  // helpers shared by the handler files; callers hold mutex_
  reply violation(unsigned status, const std::string& kind, const std::string& detail, const char* code = nullptr);
  void record(const std::string& kind, const std::string& detail);  // a violation that is answered normally
  reply fault_status(fault_kind fault, std::uint64_t index);  // 500/503/429/507/501 (and 416 of a single request as 500)
  void count(const char* counter, std::uint64_t n = 1) { counters_[counter] += n; }
  std::string random_hex(std::size_t n);
  std::string stored_path(const std::string& name);

  const options& opt_;
  std::string store_dir_;
  std::string base_;
  fault_plan faults_;
  token_policy tokens_{opt_};

  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<session>> sessions_;
  // Sessions that ended by a fault (404, or a final request whose answer was
  // lost or delayed, or that was held): the client could not know, so later
  // requests get 404 without a violation (PROTOCOL.md E8).
  std::set<std::string> ended_by_fault_;
  // Fault "hold": per session id, its held request count and the fragment
  // PUTs waiting for them; every pending hold (singles too) for --idle-exit.
  struct hold_entry {
    unsigned held = 0;
    std::vector<waker> waiters;
  };
  std::map<std::string, hold_entry> holds_;
  unsigned pending_holds_ = 0;
  // Sessions (by id) and single-request targets ("METHOD path") answered 507
  // or 501: a later request there is a retry after a fatal status (PROTOCOL.md E4/E5).
  std::set<std::string> fatal_sessions_, fatal_targets_;
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

// Flavor limits (docs/PROTOCOL.md).
constexpr std::uint64_t attachment_max_size = 157286400;           // O2: 150 MiB
constexpr std::uint64_t todo_max_size = 26214400;                  // T1: 25 MiB
constexpr std::uint64_t attachment_session_floor = 2097152;        // O2: below, 400 (the measured minimum)
constexpr std::uint64_t attachment_session_minimum = 3000000;      // O2: below, a violation
constexpr std::uint64_t attachment_fragment_limit = 4000000;       // O5, T2: above, a violation
constexpr std::uint64_t attachment_max_fragment = 4194304;         // 4 MiB: above, 413
constexpr std::uint64_t single_request_max_body = 4194304;         // O3, T4, D7: above, 413
constexpr std::uint64_t drive_quantum = 327680;                    // D2: 320 KiB
constexpr std::uint64_t drive_max_fragment = 62914560;             // D2: 60 MiB, exclusive

}  // namespace emu
