// Fault "hold": an upload request read whole, held --slow-ms, then applied as
// if it had just arrived, whether or not its client is still connected. This
// is how a request from a killed process can still complete an upload after
// a new process resumed it (docs/PROTOCOL.md E8, lost final answer). While it
// is held the session is unchanged and not busy; fragment PUTs to it wait.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "json_text.hpp"
#include "service.hpp"

namespace emu {
namespace {

// Copies `length` bytes from the start of `from` into `to` at `offset`.
bool copy_range(const std::string& from, const std::string& to, std::uint64_t offset, std::uint64_t length) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  const int out = ::open(to.c_str(), O_WRONLY | O_CLOEXEC);
  bool ok = in >= 0 && out >= 0;
  std::vector<char> buffer(64 * 1024);
  for (std::uint64_t done = 0; ok && done < length;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), length - done));
    const auto got = ::pread(in, buffer.data(), want, static_cast<off_t>(done));
    ok = got > 0 && ::pwrite(out, buffer.data(), static_cast<std::size_t>(got), static_cast<off_t>(offset + done)) == got;
    if (ok) done += static_cast<std::uint64_t>(got);
  }
  if (in >= 0) ::close(in);
  if (out >= 0) ::close(out);
  return ok;
}

}  // namespace

std::string service::new_part_file(const char* prefix) {
  const std::string path = store_dir_ + "/parts/" + prefix + "-" + random_hex(32) + ".part";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) std::fclose(f);
  return path;
}

void service::hold_begin(const std::string& session_id) {
  ++pending_holds_;
  if (!session_id.empty()) ++holds_[session_id].held;
}

bool service::must_wait(const std::string& session_id, const waker& wake) {
  const auto it = holds_.find(session_id);
  if (it == holds_.end()) return false;
  it->second.waiters.push_back(wake);
  return true;
}

std::vector<waker> service::hold_end(const std::string& session_id) {
  --pending_holds_;
  last_request_ = sys_clock::now();  // --idle-exit counts from here, not from the held request
  std::vector<waker> woken;
  const auto it = session_id.empty() ? holds_.end() : holds_.find(session_id);
  if (it != holds_.end() && --it->second.held == 0) {
    woken.swap(it->second.waiters);
    holds_.erase(it);
  }
  return woken;
}

void service::release_hold(put_ticket& held) {
  if (!held.held) return;
  held.held = false;
  if (!held.path.empty()) std::remove(held.path.c_str());
  std::vector<waker> woken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken = hold_end(held.kind == upload_kind::fragment ? held.s->id : std::string());
  }
  for (auto& wake : woken) wake();
}

reply service::apply_held(put_ticket& held, const request_head& head, const route& r, const std::string& body) {
  put_decision d;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    d = held.kind == upload_kind::fragment ? admit_fragment(head, r, fault_kind::hold, true)
                                           : admit_single(head, r, fault_kind::hold, true);
  }
  reply rep;
  if (!d.ticket) {
    rep = std::move(d.rejection);
  } else {
    put_ticket& t = *d.ticket;  // fault "hold", not held: finish_put marks its bytes unanswered (E8)
    bool stored = true;
    if (t.kind == upload_kind::fragment) stored = copy_range(held.path, t.path, t.offset, t.length);
    else if (t.kind == upload_kind::simple_put) stored = std::rename(held.path.c_str(), t.path.c_str()) == 0;
    if (!stored) {
      abort_put(t);
      rep = reply{500, {}, error_body("generalException", "store failed")};
    } else {
      rep = t.in_memory() ? finish_post(t, body) : finish_put(t);
    }
  }
  release_hold(held);  // after it took effect: the waiting PUTs see the new state
  return rep;
}

bool service::holds_pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return pending_holds_ != 0;
}

void service::drop_waiters() {
  std::vector<waker> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& h : holds_)
      for (auto& w : h.second.waiters) dropped.push_back(std::move(w));
    holds_.clear();
  }
  dropped.clear();  // their connections close outside the lock
}

}  // namespace emu
