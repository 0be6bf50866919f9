// Requests on an uploadUrl: fragment PUTs (strict checks, faults), status GET,
// DELETE, deferCommit POST, and completion of each flavor.

#include <unistd.h>

#include <cstdio>

#include <boost/json.hpp>

#include "json_text.hpp"
#include "rangeup/byte_range.hpp"
#include "service.hpp"

namespace emu {
namespace json = boost::json;

namespace {

bool is_outlook(flavor f) { return f == flavor::message || f == flavor::event; }
bool is_attachment(flavor f) { return is_outlook(f) || f == flavor::todo; }

std::string entity_set(flavor f) {
  switch (f) {
    case flavor::event: return "Events";
    case flavor::todo: return "Tasks";
    default: return "Messages";
  }
}

// Outlook's Location names the user by id; /me gets a fixed fake one.
std::string user_id(const route& r) { return r.user == "me" ? "00000000-0000-0000-0000-00000000c0de" : r.user; }

}  // namespace

std::string service::next_range_text(const session& s) const {
  const auto n = std::to_string(s.received);
  switch (s.fl) {
    case flavor::drive: return n + "-";
    case flavor::print: return n + "-" + std::to_string(s.size.value_or(1) - 1);
    default: return n;  // Outlook/To Do: bare start offset
  }
}

reply service::status_reply(const session& s, unsigned status) const {
  json::array ranges;
  if (!s.all_received()) ranges.emplace_back(next_range_text(s));
  const bool pascal = s.pascal_case;
  const json::object out{{pascal ? "ExpirationDateTime" : "expirationDateTime", iso8601(s.expires, s.fl == flavor::drive ? 3 : 7)},
                         {pascal ? "NextExpectedRanges" : "nextExpectedRanges", std::move(ranges)}};
  return reply{status, {}, to_text(out)};
}

std::shared_ptr<session> service::find_live(const route& r, reply& error) {
  const auto it = sessions_.find(r.session_id);
  if (it == sessions_.end()) {
    error = ended_by_fault_.count(r.session_id) != 0
                ? reply{404, {}, error_body("itemNotFound", "upload session " + r.session_id + " is gone")}
                : violation(404, "unknown_session", "no upload session " + r.session_id, "itemNotFound");
    return nullptr;
  }
  auto s = it->second;
  if (!r.has_token || r.token != s->token) {
    error = violation(401, "bad_upload_token", r.has_token ? "upload token altered" : "upload token missing",
                      "InvalidAuthenticationToken");
    return nullptr;
  }
  if (sys_clock::now() > s->expires) {
    drop_session(s->id);
    error = violation(404, "session_expired", "upload session " + s->id + " expired", "itemNotFound");
    return nullptr;
  }
  return s;
}

put_decision service::begin_put(const request_head& head, const route& r) {
  std::uint64_t index = 0;
  const fault_kind fault = faults_.next_put(index);
  put_decision d;
  std::lock_guard<std::mutex> lock(mutex_);
  count("puts");
  const auto found = sessions_.find(r.session_id);
  const auto fault_reply = [&](unsigned status, const char* code) {
    count("faults_injected");
    d.rejection = reply{status, {}, error_body(code, std::string("injected fault ") + fault_name(fault) + " on PUT #" + std::to_string(index))};
    if (status == 503 || status == 429) d.rejection.headers.emplace_back("Retry-After", std::to_string(opt_.retry_after));
    return d;
  };
  switch (fault) {
    case fault_kind::http_500: return fault_reply(500, "generalException");
    case fault_kind::http_503: return fault_reply(503, "serviceNotAvailable");
    case fault_kind::http_429: return fault_reply(429, "activityLimitReached");
    case fault_kind::vanish_404:
      if (found != sessions_.end()) drop_session(r.session_id);
      ended_by_fault_.insert(r.session_id);
      return fault_reply(404, "itemNotFound");
    case fault_kind::http_416:
      if (found == sessions_.end()) return fault_reply(404, "itemNotFound");
      count("faults_injected");
      d.rejection = status_reply(*found->second, 416);
      return d;
    case fault_kind::drop:
      count("faults_injected");
      d.drop_now = true;
      return d;
    default: break;
  }

  if (head.authorization) {
    d.rejection = violation(401, "auth_on_upload_url", "uploadUrl requests must not carry Authorization", "unauthenticated");
    return d;
  }
  const auto s = find_live(r, d.rejection);
  if (!s) return d;
  if (s->busy) {
    d.rejection = violation(409, "concurrent_fragment", "another fragment is still uploading", "conflict");
    return d;
  }
  if (!head.content_range) {
    d.rejection = violation(400, "content_range_missing", "Content-Range header missing", "invalidRange");
    return d;
  }
  const auto cr = rangeup::parse_content_range(*head.content_range);
  if (!cr) {
    d.rejection = violation(400, "content_range_invalid", "Content-Range: " + *head.content_range, "invalidRange");
    return d;
  }
  if (s->size && cr->total != *s->size) {
    d.rejection = violation(400, "total_mismatch",
                            "total " + std::to_string(cr->total) + " != size " + std::to_string(*s->size), "invalidRange");
    return d;
  }
  if (!head.content_length || *head.content_length != cr->length()) {
    d.rejection = violation(400, "content_length_mismatch",
                            "Content-Length " + (head.content_length ? std::to_string(*head.content_length) : "absent") +
                                " for a range of " + std::to_string(cr->length()),
                            "invalidRequest");
    return d;
  }
  if (cr->first != s->received || s->all_received()) {
    // A range entirely received already gets 416 with where to continue (as
    // Graph documents for driveItem); a gap or a partial overlap is a client bug.
    if (cr->last < s->received) {
      count("ranges_already_received");
      if (cr->last >= s->unanswered_until) {
        violations_.emplace_back("range_already_received", *head.content_range + ", next " + std::to_string(s->received));
        count("violations");
      }
      d.rejection = status_reply(*s, 416);
    } else {
      d.rejection = violation(400, "range_out_of_order", *head.content_range + ", next " + std::to_string(s->received),
                              "invalidRange");
    }
    return d;
  }
  const std::uint64_t len = cr->length();
  const bool last = cr->last + 1 == cr->total;
  if (is_attachment(s->fl) && len > attachment_max_fragment) {
    d.rejection = violation(413, "fragment_too_large", std::to_string(len) + " bytes > 4 MiB", "requestBodyTooLarge");
    return d;
  }
  if (s->fl == flavor::drive && len >= drive_max_fragment) {
    d.rejection = violation(413, "fragment_too_large", std::to_string(len) + " bytes >= 60 MiB", "requestBodyTooLarge");
    return d;
  }
  if (s->fl == flavor::drive && !last && len % drive_quantum != 0) {
    d.rejection = violation(400, "fragment_off_quantum", std::to_string(len) + " bytes is not a multiple of 327680",
                            "invalidRange");
    return d;
  }
  s->size = cr->total;
  s->busy = true;
  if (fault == fault_kind::lost || fault == fault_kind::slow) count("faults_injected");
  d.ticket = put_ticket{s, s->part_path, cr->first, len, fault};
  return d;
}

file_digests service::digest_part(const session& s) const {
  file_digests d;
  if (truncate(s.part_path.c_str(), static_cast<off_t>(s.size.value_or(0))) != 0 || !digest_file(s.part_path, d))
    d.sha256 = "unreadable";
  return d;
}

reply service::finish_put(put_ticket& t) {
  bool completing = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    session& s = *t.s;
    const auto it = sessions_.find(s.id);
    if (it == sessions_.end() || it->second != t.s) return reply{404, {}, error_body("itemNotFound", "session deleted")};
    s.received += t.length;
    s.expires = sys_clock::now() + std::chrono::seconds(opt_.session_ttl);  // each fragment extends expiry
    count("bytes_received", t.length);
    completing = s.all_received() && !(s.fl == flavor::drive && s.defer_commit);
    if (!completing) s.busy = false;
  }
  // Hash outside the lock: other sessions keep going while a big file is read.
  const file_digests dig = completing ? digest_part(*t.s) : file_digests{};
  reply rep;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    session& s = *t.s;
    s.busy = false;
    if (t.fault == fault_kind::lost) {
      s.unanswered_until = s.received;
      if (completing) ended_by_fault_.insert(s.id);
    }
    if (completing && sessions_.count(s.id) == 0) rep = reply{404, {}, error_body("itemNotFound", "session deleted")};
    else if (completing) rep = complete(s, dig);
    else rep = status_reply(s, is_attachment(s.fl) ? 200 : 202);
  }
  if (t.fault == fault_kind::lost) rep.no_response = true;
  if (t.fault == fault_kind::slow) rep.delay_ms = opt_.slow_ms;
  return rep;
}

void service::abort_put(put_ticket& t) {
  std::lock_guard<std::mutex> lock(mutex_);
  t.s->busy = false;
}

reply service::complete(session& s, const file_digests& dig) {
  if (s.fl == flavor::drive) return commit_drive(s, dig);
  const std::string attachment_id = random_hex(24);
  const std::string path = stored_path(s.name);
  std::rename(s.part_path.c_str(), path.c_str());
  files_.push_back(stored_file{attachment_id, flavor_name(s.fl), s.name, dig.sha256, dig.quick_xor, path, dig.size});
  count("completed");
  reply rep{201, {}, {}};
  if (s.fl == flavor::print) {
    rep.body = to_text(json::object{{"id", s.where.owner3},
                                    {"documentName", s.name},
                                    {"contentType", s.content_type},
                                    {"size", dig.size}});
  } else {
    rep.headers.emplace_back("Location", base_ + "/api/v2.0/Users('" + user_id(s.where) + "')/" + entity_set(s.fl) +
                                             "('" + (s.fl == flavor::todo ? s.where.owner2 : s.where.owner) +
                                             "')/Attachments('" + attachment_id + "')");
  }
  drop_session(s.id);
  return rep;
}

reply service::commit_drive(session& s, const file_digests& dig) {
  const route& w = s.where;
  drive_item* target = nullptr;
  if (!w.item_id.empty()) {
    const auto it = drive_items_.find(w.item_id);
    if (it == drive_items_.end()) {
      drop_session(s.id);
      return reply{404, {}, error_body("itemNotFound", "item " + w.item_id + " is gone")};
    }
    target = &it->second;
  } else if (const auto it = drive_names_.find(drive_key(w.parent_key, s.name)); it != drive_names_.end()) {
    if (s.conflict == "fail") {
      drop_session(s.id);
      return reply{409, {}, error_body("nameAlreadyExists", "an item named " + s.name + " already exists")};
    }
    if (s.conflict == "replace") target = &drive_items_.at(it->second);
  }
  std::string name = s.name;
  if (!target && s.conflict == "rename" && drive_names_.count(drive_key(w.parent_key, name)) != 0) {
    const auto dot = s.name.rfind('.');
    const auto stem = dot == std::string::npos || dot == 0 ? s.name : s.name.substr(0, dot);
    const auto ext = stem.size() == s.name.size() ? std::string() : s.name.substr(stem.size());
    for (int n = 1; drive_names_.count(drive_key(w.parent_key, name)) != 0; ++n) name = stem + " " + std::to_string(n) + ext;
  }
  const bool created = target == nullptr;
  if (created) {
    drive_item item;
    item.id = "01" + random_hex(32);
    item.name = name;
    item.parent_key = w.parent_key;
    drive_names_[drive_key(w.parent_key, name)] = item.id;
    target = &(drive_items_[item.id] = item);
  }
  const std::string path = stored_path(name);
  std::rename(s.part_path.c_str(), path.c_str());
  target->path = path;
  target->size = dig.size;
  target->quick_xor = dig.quick_xor;
  target->etag = "\"{" + target->id + "}," + std::to_string(++sequence_) + "\"";
  files_.push_back(stored_file{target->id, "drive", target->name, dig.sha256, dig.quick_xor, path, dig.size});
  count("completed");
  drop_session(s.id);
  return drive_item_reply(*target, created ? 201u : 200u);
}

reply service::drive_item_reply(const drive_item& item, unsigned status) const {
  std::string reported = item.quick_xor;
  if (opt_.corrupt_hash && !reported.empty()) reported[0] = reported[0] == 'A' ? 'B' : 'A';
  const json::object out{{"id", item.id},
                         {"name", item.name},
                         {"size", item.size},
                         {"eTag", item.etag},
                         {"file", json::object{{"hashes", json::object{{"quickXorHash", reported}}}}}};
  reply rep{status, {}, to_text(out)};
  rep.headers.emplace_back("ETag", item.etag);
  return rep;
}

reply service::session_request(const request_head& head, const route& r) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (head.authorization)
    return violation(401, "auth_on_upload_url", "uploadUrl requests must not carry Authorization", "unauthenticated");
  reply error;
  const auto s = find_live(r, error);
  if (!s) return error;
  if (head.method == "GET") {
    if (is_outlook(s->fl) && !opt_.outlook_status)
      return reply{405, {{"Allow", "PUT, DELETE"}}, error_body("methodNotAllowed", "status is not available")};
    count("status_gets");
    return status_reply(*s, 200);
  }
  if (head.method == "DELETE") {
    drop_session(s->id);
    count("deletes");
    return reply{204, {}, {}};
  }
  if (head.method != "POST" || s->fl != flavor::drive || !s->defer_commit)
    return reply{405, {{"Allow", "PUT, GET, DELETE"}}, error_body("methodNotAllowed", head.method + " not allowed")};
  if (head.content_length.value_or(0) != 0)
    return violation(400, "commit_with_body", "the commit POST must have Content-Length: 0", "invalidRequest");
  if (!s->all_received() || s->busy)
    return violation(400, "commit_incomplete", "commit before all bytes arrived", "invalidRequest");
  s->busy = true;
  lock.unlock();
  const file_digests dig = digest_part(*s);
  lock.lock();
  s->busy = false;
  if (sessions_.count(s->id) == 0) return reply{404, {}, error_body("itemNotFound", "session deleted")};
  count("commits");
  return commit_drive(*s, dig);
}

}  // namespace emu
