// createUploadSession for every flavor: authorization, body validation, and
// the uploadSession each flavor answers with (docs/PROTOCOL.md O1, T1, D1, P1).

#include <cstdio>

#include <boost/json.hpp>

#include "json_text.hpp"
#include "service.hpp"

namespace emu {
namespace json = boost::json;

namespace {

const json::value* member(const json::value& v, std::initializer_list<const char*> names) {
  if (!v.is_object()) return nullptr;
  for (const char* n : names)
    if (const auto* m = v.as_object().if_contains(n)) return m;
  return nullptr;
}

std::string string_member(const json::value& v, std::initializer_list<const char*> names) {
  const auto* m = member(v, names);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

bool bool_member(const json::value& v, std::initializer_list<const char*> names) {
  const auto* m = member(v, names);
  return m && m->is_bool() && m->as_bool();
}

// A positive integer size, or 0 when absent or not an integer.
std::uint64_t size_member(const json::value& v, std::initializer_list<const char*> names) {
  const auto* m = member(v, names);
  if (m && m->is_int64() && m->as_int64() > 0) return static_cast<std::uint64_t>(m->as_int64());
  if (m && m->is_uint64()) return m->as_uint64();
  return 0;
}

}  // namespace

std::string drive_key(const std::string& parent_key, const std::string& name) {
  std::string key = parent_key + "\n" + name;
  for (auto& c : key) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return key;
}

std::string service::upload_url(const session& s) const {
  // PROTOCOL.md T1: To Do's uploadUrl is a plain Graph URL without a token,
  // under the version and user the create used.
  if (s.fl == flavor::todo)
    return base_ + s.where.version + graph_user_path(s.where) + "/todo/lists/" + path_escape(s.where.owner) + "/tasks/" +
           path_escape(s.where.owner2) + "/attachmentSessions/" + s.id;
  // PROTOCOL.md O4, D3, P2: the others are pre-authenticated by a token in the query.
  return base_ + "/upload/" + flavor_name(s.fl) + "/" + s.id + (s.fl == flavor::print ? "?tempauthtoken=" : "?authtoken=") +
         s.token;
}

std::shared_ptr<session> service::new_session(flavor fl, const route& r) {
  auto s = std::make_shared<session>();
  s->id = random_hex(32);
  if (fl != flavor::todo) s->token = random_hex(48);
  s->fl = fl;
  s->where = r;
  s->expires = sys_clock::now() + std::chrono::seconds(opt_.session_ttl);
  // PROTOCOL.md O6: Outlook answers PascalCase keys on some sessions (seeded); T3: To Do always does.
  s->pascal_case = fl == flavor::todo || ((fl == flavor::message || fl == flavor::event) && (quirks_() & 1) != 0);
  s->part_path = store_dir_ + "/parts/" + s->id + ".part";
  if (std::FILE* f = std::fopen(s->part_path.c_str(), "wb")) std::fclose(f);
  sessions_[s->id] = s;
  count("creates");
  return s;
}

reply service::refuse_bearer(token_policy::verdict v, const request_head& head, const char* kind) {
  // What Graph answers once an access token's lifetime is over (issue 17): the
  // client's cue to get a fresh token and repeat the request, not a violation.
  if (v == token_policy::verdict::expired)
    return reply{401, {}, error_body("InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")};
  return violation(401, kind, head.authorization ? "bearer token not accepted" : "Authorization: Bearer header missing",
                   "InvalidAuthenticationToken");
}

std::optional<reply> service::check_bearer(const request_head& head) {
  const auto v = authorize(head);
  if (v == token_policy::verdict::accepted) return std::nullopt;
  std::lock_guard<std::mutex> lock(mutex_);
  return refuse_bearer(v, head, "create_unauthorized");
}

reply service::create(const request_head& head, const route& r, const std::string& body) {
  if (auto refused = check_bearer(head)) return *refused;
  switch (r.fl) {
    case flavor::message:
    case flavor::event:
    case flavor::todo: return create_attachment(r, body);
    case flavor::drive: return create_drive(head, r, body);
    case flavor::print: return create_print(r, body);
  }
  return reply{500, {}, {}};
}

reply service::create_attachment(const route& r, const std::string& body) {
  const bool todo = r.fl == flavor::todo;
  const auto doc = parse_json(body);
  const auto* item = todo ? member(doc, {"attachmentInfo", "AttachmentInfo"}) : member(doc, {"AttachmentItem", "attachmentItem"});
  const std::uint64_t max = todo ? todo_max_size : attachment_max_size;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!item || !item->is_object())
    return violation(400, "create_bad_request", todo ? "body needs attachmentInfo" : "body needs AttachmentItem",
                     "invalidRequest");
  const auto type = string_member(*item, {"attachmentType", "AttachmentType"});
  const auto name = string_member(*item, {"name", "Name"});
  const auto size = size_member(*item, {"size", "Size"});
  if (type != "file" || name.empty())
    return violation(400, "create_bad_request", "attachmentType must be \"file\" and name non-empty", "invalidRequest");
  if (size == 0 || size > max)
    return violation(400, "size_out_of_range", "size must be 1.." + std::to_string(max), "invalidRequest");
  // PROTOCOL.md O2: Outlook has no session for a file under 3 MB; the service
  // refuses one under the measured minimum, and a session under 3 000 000
  // bytes is what the docs say not to do. To Do sessions take any size (T1).
  if (!todo && !opt_.allow_small_sessions && size < attachment_session_minimum) {
    const std::string detail = std::to_string(size) + " bytes: files under 3 000 000 bytes go by POST .../attachments";
    if (size < attachment_session_floor)
      return violation(400, "attachment_session_too_small", detail, "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize");
    record("attachment_session_too_small", detail);
  }
  auto s = new_session(r.fl, r);
  s->name = name;
  s->size = size;
  s->content_type = string_member(*item, {"contentType", "ContentType"});
  s->is_inline = bool_member(*item, {"isInline", "IsInline"});
  s->content_id = string_member(*item, {"contentId", "ContentId"});
  const json::object out{{"@odata.context", base_ + r.version + "/$metadata#microsoft.graph.uploadSession"},
                         {"uploadUrl", upload_url(*s)},
                         {"expirationDateTime", iso8601(s->expires, 7)},
                         {"nextExpectedRanges", json::array{"0-"}}};
  return reply{201, {}, to_text(out)};
}

reply service::create_drive(const request_head& head, const route& r, const std::string& body) {
  const auto doc = body.empty() ? json::value(json::object{}) : parse_json(body);
  const json::value empty = json::object{};
  const auto* item = member(doc, {"item"});
  const auto& props = item ? *item : empty;
  std::string conflict = string_member(props, {"@microsoft.graph.conflictBehavior"});
  const auto* defer = member(doc, {"deferCommit"});
  std::lock_guard<std::mutex> lock(mutex_);
  if (!doc.is_object() || (item && !item->is_object()))
    return violation(400, "create_bad_request", "body must be {\"item\":{...},\"deferCommit\":bool}", "invalidRequest");
  if (conflict.empty()) conflict = "fail";
  if (conflict != "fail" && conflict != "replace" && conflict != "rename")
    return violation(400, "create_bad_request", "conflictBehavior must be fail, replace or rename", "invalidRequest");

  route where = r;
  const drive_item* existing = nullptr;
  if (!drive_target(r, where, existing)) return reply{404, {}, error_body("itemNotFound", "no item " + r.item_id)};
  if (!r.item_id.empty()) conflict = "replace";  // an update by id replaces that item
  if (auto failed = check_preconditions(head, existing)) return *failed;

  auto s = new_session(flavor::drive, where);
  s->name = where.drive_name;
  s->conflict = conflict;
  s->defer_commit = defer && defer->is_bool() && defer->as_bool();
  if (const auto declared = size_member(props, {"fileSize"})) s->size = declared;
  json::object out{{"uploadUrl", upload_url(*s)}, {"expirationDateTime", iso8601(s->expires, 3)}};
  if (quirks_() % 3 != 0) out["nextExpectedRanges"] = json::array{"0-"};  // seeded: sometimes absent
  return reply{200, {}, to_text(out)};
}

bool service::drive_target(const route& r, route& where, const drive_item*& existing) const {
  existing = nullptr;
  if (!r.item_id.empty()) {  // update of an existing item by id
    const auto it = drive_items_.find(r.item_id);
    if (it == drive_items_.end()) return false;
    existing = &it->second;
    where.parent_key = existing->parent_key;
    where.drive_name = existing->name;
  } else if (const auto it = drive_names_.find(drive_key(where.parent_key, where.drive_name)); it != drive_names_.end()) {
    existing = &drive_items_.at(it->second);
  }
  return true;
}

// PROTOCOL.md D1: preconditions are checked against the item the upload would overwrite.
std::optional<reply> service::check_preconditions(const request_head& head, const drive_item* existing) const {
  if (head.if_none_match && existing && (*head.if_none_match == "*" || *head.if_none_match == existing->etag))
    return reply{412, {}, error_body("preconditionFailed", "If-None-Match: the item exists")};
  if (head.if_match && (!existing || (*head.if_match != "*" && *head.if_match != existing->etag)))
    return reply{412, {}, error_body("preconditionFailed", "If-Match: etag does not match")};
  return std::nullopt;
}

reply service::create_print(const route& r, const std::string& body) {
  const auto doc = parse_json(body);
  const auto* props = member(doc, {"properties"});
  std::lock_guard<std::mutex> lock(mutex_);
  if (!props || !props->is_object())
    return violation(400, "create_bad_request", "body needs properties", "invalidRequest");
  const auto name = string_member(*props, {"documentName"});
  const auto size = size_member(*props, {"size"});
  if (name.empty() || size == 0)
    return violation(400, "create_bad_request", "properties need documentName and a positive size", "invalidRequest");
  // PROTOCOL.md P1: the document's contentType is required (one the printer supports).
  const auto content_type = string_member(*props, {"contentType"});
  if (content_type.empty())
    return violation(400, "print_content_type_missing", "properties need a contentType", "invalidRequest");
  auto s = new_session(flavor::print, r);
  s->name = name;
  s->size = size;
  s->content_type = content_type;
  const json::object out{{"uploadUrl", upload_url(*s)},
                         {"expirationDateTime", iso8601(s->expires, 7)},
                         {"nextExpectedRanges", json::array{"0-" + std::to_string(size - 1)}}};
  return reply{200, {}, to_text(out)};
}

// GET .../drive/items/{parent}:/{path} or .../drive/root:/{path}: the item
// stored under that name (what a client asks after losing a final answer, PROTOCOL.md D11).
reply service::get_drive_item(const request_head& head, const route& r) {
  if (auto refused = check_bearer(head)) return *refused;
  std::lock_guard<std::mutex> lock(mutex_);
  count("item_gets");
  const auto name = drive_names_.find(drive_key(r.parent_key, r.drive_name));
  if (name == drive_names_.end())
    return reply{404, {}, error_body("itemNotFound", "no item named " + r.drive_name + " under " + r.parent_key)};
  return drive_item_reply(drive_items_.at(name->second), 200);
}

}  // namespace emu
