// Requests on an uploadUrl: fragment PUTs (strict checks, faults), status GET,
// DELETE, deferCommit POST, and completion of each flavor (docs/PROTOCOL.md).

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

std::string entity_set(flavor f) { return f == flavor::event ? "Events" : "Messages"; }

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
  // PROTOCOL.md T1: a To Do session lives at the Graph URL it was given (same
  // version, user, list and task); the others at /upload/... with their token.
  if (r.graph_session != (s->fl == flavor::todo)) {
    error = violation(404, "unknown_session", "no upload session " + r.session_id + " at " + r.path, "itemNotFound");
    return nullptr;
  }
  if (r.graph_session) {
    const route& w = s->where;
    if (r.version != w.version || r.user != w.user || r.owner != w.owner || r.owner2 != w.owner2) {
      error = violation(404, "unknown_session", "uploadUrl altered: " + r.path, "itemNotFound");
      return nullptr;
    }
  } else if (!r.has_token || r.token != s->token) {
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

put_decision service::begin_fragment(const request_head& head, const route& r, const waker& wake) {
  upload_number n;
  n.fault = faults_.next_put(n.index);
  std::lock_guard<std::mutex> lock(mutex_);
  count("puts");
  // PROTOCOL.md E4/E5: 507 and 501 are final; the client must not come back.
  if (fatal_sessions_.count(r.session_id) != 0)
    record("retry_after_fatal", head.method + " " + r.path + " after a 507/501 on that session");
  return fragment_arrived(head, r, n, wake);
}

put_decision service::fragment_arrived(const request_head& head, const route& r, const upload_number& n,
                                       const waker& wake) {
  put_decision d;
  // Fault "hold": a request to a session whose held request has not taken
  // effect yet is handled after it, as if it arrived then (PROTOCOL.md E8).
  if (must_wait(r.session_id, wake)) {
    d.waits = true;
    d.number = n;
    return d;
  }
  const fault_kind fault = n.fault;
  const std::uint64_t index = n.index;
  const auto found = sessions_.find(r.session_id);
  switch (fault) {
    case fault_kind::http_507:
    case fault_kind::http_501: fatal_sessions_.insert(r.session_id); [[fallthrough]];
    case fault_kind::http_500:
    case fault_kind::http_503:
    case fault_kind::http_429: d.rejection = fault_status(fault, index); return d;
    case fault_kind::vanish_404:  // PROTOCOL.md E2
      if (found != sessions_.end()) drop_session(r.session_id);
      ended_by_fault_.insert(r.session_id);
      count("faults_injected");
      d.rejection = reply{404, {}, error_body("itemNotFound", "injected fault 404 on upload request #" + std::to_string(index))};
      return d;
    case fault_kind::http_416:  // PROTOCOL.md E3
      count("faults_injected");
      d.rejection = found == sessions_.end() ? reply{404, {}, error_body("itemNotFound", "no upload session")}
                                             : status_reply(*found->second, 416);
      return d;
    case fault_kind::drop:
      count("faults_injected");
      d.drop_now = true;
      return d;
    default: break;
  }
  return admit_fragment(head, r, fault, false);
}

put_decision service::admit_fragment(const request_head& head, const route& r, fault_kind fault, bool replay) {
  put_decision d;
  if (r.graph_session) {
    // PROTOCOL.md T2: To Do fragments go to {uploadUrl}/content, with the bearer.
    if (!r.content) {
      d.rejection = violation(405, "todo_put_without_content", "To Do fragments go to {uploadUrl}/content", "methodNotAllowed");
      d.rejection.headers.emplace_back("Allow", "GET, DELETE");
      return d;
    }
    // A held request was judged when it arrived (its token may have expired since).
    if (const auto v = replay ? token_policy::verdict::accepted : authorize(head); v != token_policy::verdict::accepted) {
      d.rejection = refuse_bearer(v, head, "todo_missing_bearer");
      return d;
    }
  } else if (head.authorization) {
    // PROTOCOL.md O4, D3, P2: the uploadUrl is pre-authenticated.
    d.rejection = violation(401, "auth_on_upload_url", "uploadUrl requests must not carry Authorization", "unauthenticated");
    return d;
  }
  if (replay && sessions_.count(r.session_id) == 0) {
    // Deleted or completed while the request was held: its sender could not know.
    d.rejection = reply{404, {}, error_body("itemNotFound", "upload session " + r.session_id + " is gone")};
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
  // PROTOCOL.md O5, T2: fragments "less than 4 MB": over 4 MiB is refused,
  // over 4 000 000 bytes taken but recorded (true in neither reading of MB).
  if (is_attachment(s->fl) && len > attachment_max_fragment) {
    d.rejection = violation(413, "fragment_too_large", std::to_string(len) + " bytes > 4 MiB", "requestBodyTooLarge");
    return d;
  }
  if (is_attachment(s->fl) && len > attachment_fragment_limit && !replay)  // recorded once, when it arrived
    record("fragment_too_large", std::to_string(len) + " bytes > 4 000 000 (accepted)");
  if (s->fl == flavor::drive && len >= drive_max_fragment) {  // PROTOCOL.md D2
    d.rejection = violation(413, "fragment_too_large", std::to_string(len) + " bytes >= 60 MiB", "requestBodyTooLarge");
    return d;
  }
  if (s->fl == flavor::drive && !last && len % drive_quantum != 0) {
    d.rejection = violation(400, "fragment_off_quantum", std::to_string(len) + " bytes is not a multiple of 327680",
                            "invalidRange");
    return d;
  }
  if (fault == fault_kind::hold && !replay) {
    // Held: the body goes to a private file; the session stays as it is (not
    // busy, its status unchanged) until apply_held.
    hold_begin(s->id);
    count("faults_injected");
    d.ticket = put_ticket{upload_kind::fragment, s, r, new_part_file("hold"), 0, len, fault, true};
    return d;
  }
  s->size = cr->total;
  s->busy = true;
  if (fault == fault_kind::lost || fault == fault_kind::slow) count("faults_injected");
  d.ticket = put_ticket{upload_kind::fragment, s, r, s->part_path, cr->first, len, fault, false};
  return d;
}

file_digests service::digest_part(const session& s) const {
  file_digests d;
  if (truncate(s.part_path.c_str(), static_cast<off_t>(s.size.value_or(0))) != 0 || !digest_file(s.part_path, d))
    d.sha256 = "unreadable";
  return d;
}

reply service::finish_put(put_ticket& t) {
  if (t.kind == upload_kind::simple_put) return finish_simple_put(t);
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
    // PROTOCOL.md E8: the answer to these bytes is withheld (lost), delayed
    // (slow), or comes after a hold whose sender may be gone: resending them
    // (416) or finding the session completed (404) is no violation.
    if (t.fault == fault_kind::lost || t.fault == fault_kind::slow || t.fault == fault_kind::hold) {
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
  if (t.held) return release_hold(t);  // the session was left as it was
  if (t.kind == upload_kind::simple_put) std::remove(t.path.c_str());
  if (!t.s) return;
  std::lock_guard<std::mutex> lock(mutex_);
  t.s->busy = false;
}

reply service::complete(session& s, const file_digests& dig) {
  if (s.fl == flavor::drive) return commit_drive(s, dig);
  const std::string attachment_id = random_hex(24);
  const std::string path = stored_path(s.name);
  std::rename(s.part_path.c_str(), path.c_str());
  stored_file f(attachment_id, flavor_name(s.fl), s.name, dig, path);
  f.content_type = s.content_type;
  f.content_id = s.content_id;
  f.is_inline = s.is_inline;
  files_.push_back(std::move(f));
  count("completed");
  reply rep{201, {}, {}};
  if (s.fl == flavor::print) {  // PROTOCOL.md P2
    rep.body = to_text(json::object{{"id", s.where.owner3},
                                    {"documentName", s.name},
                                    {"contentType", s.content_type},
                                    {"size", dig.size}});
  } else if (opt_.no_location) {
    // --no-location: the attachment exists, its id is not told (PROTOCOL.md E6).
  } else if (s.fl == flavor::todo) {
    // PROTOCOL.md T3: a Graph URL, ".../tasks/{t}/Attachments/{id}" (slash form).
    rep.headers.emplace_back("Location", base_ + s.where.version + graph_user_path(s.where) + "/todo/lists/" +
                                             path_escape(s.where.owner) + "/tasks/" + path_escape(s.where.owner2) +
                                             "/Attachments/" + attachment_id);
  } else {
    // PROTOCOL.md O7: Outlook's v2.0 URL, ".../Attachments('{id}')".
    rep.headers.emplace_back("Location", base_ + "/api/v2.0/Users('" + user_id(s.where) + "')/" + entity_set(s.fl) +
                                             "('" + s.where.owner + "')/Attachments('" + attachment_id + "')");
  }
  drop_session(s.id);
  return rep;
}

reply service::commit_drive(session& s, const file_digests& dig) {
  auto rep = store_drive_item(s.where, s.name, s.conflict, s.part_path, dig, "session");
  drop_session(s.id);
  return rep;
}

reply service::store_drive_item(const route& w, const std::string& wanted, const std::string& conflict,
                                const std::string& part_path, const file_digests& dig, const char* via) {
  drive_item* target = nullptr;
  if (!w.item_id.empty()) {
    const auto it = drive_items_.find(w.item_id);
    if (it == drive_items_.end()) return reply{404, {}, error_body("itemNotFound", "item " + w.item_id + " is gone")};
    target = &it->second;
  } else if (const auto it = drive_names_.find(drive_key(w.parent_key, wanted)); it != drive_names_.end()) {
    if (conflict == "fail")  // PROTOCOL.md D6
      return reply{409, {}, error_body("nameAlreadyExists", "an item named " + wanted + " already exists")};
    if (conflict == "replace") target = &drive_items_.at(it->second);
  }
  std::string name = wanted;
  if (!target && conflict == "rename" && drive_names_.count(drive_key(w.parent_key, name)) != 0) {
    const auto dot = wanted.rfind('.');
    const auto stem = dot == std::string::npos || dot == 0 ? wanted : wanted.substr(0, dot);
    const auto ext = stem.size() == wanted.size() ? std::string() : wanted.substr(stem.size());
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
  std::rename(part_path.c_str(), path.c_str());
  target->path = path;
  target->size = dig.size;
  target->quick_xor = dig.quick_xor;
  target->etag = "\"{" + target->id + "}," + std::to_string(++sequence_) + "\"";
  stored_file f(target->id, "drive", target->name, dig, path);
  f.via = via;
  files_.push_back(std::move(f));
  count("completed");
  return drive_item_reply(*target, created ? 201u : 200u);  // PROTOCOL.md D3
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
  if (r.graph_session) {
    if (r.content) return reply{405, {{"Allow", "PUT"}}, error_body("methodNotAllowed", head.method + " not allowed")};
    // PROTOCOL.md T5: To Do's DELETE (and status GET, O9) carry the bearer too.
    if (const auto v = authorize(head); v != token_policy::verdict::accepted)
      return refuse_bearer(v, head, "todo_missing_bearer");
  } else if (head.authorization) {  // PROTOCOL.md O4, D4, P2
    return violation(401, "auth_on_upload_url", "uploadUrl requests must not carry Authorization", "unauthenticated");
  }
  if (fatal_sessions_.count(r.session_id) != 0)  // PROTOCOL.md E4/E5
    record("retry_after_fatal", head.method + " " + r.path + " after a 507/501 on that session");
  reply error;
  const auto s = find_live(r, error);
  if (!s) return error;
  if (head.method == "GET") {  // PROTOCOL.md D4, O9, P3
    if (is_outlook(s->fl) && !opt_.outlook_status)
      return reply{405, {{"Allow", "PUT, DELETE"}}, error_body("methodNotAllowed", "status is not available")};
    count("status_gets");
    return status_reply(*s, 200);
  }
  if (head.method == "DELETE") {  // PROTOCOL.md O8, T5, D4, P3
    drop_session(s->id);
    count("deletes");
    return reply{204, {}, {}};
  }
  if (head.method != "POST" || s->fl != flavor::drive || !s->defer_commit)
    return reply{405, {{"Allow", "PUT, GET, DELETE"}}, error_body("methodNotAllowed", head.method + " not allowed")};
  if (head.content_length.value_or(0) != 0)  // PROTOCOL.md D5
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
