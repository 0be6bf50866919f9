// Uploads that are one request: POST .../attachments with base64
// contentBytes (docs/PROTOCOL.md O3, T4) and the drive simple upload
// PUT .../content (D7). They take fault numbers like session PUTs.

#include <cstdio>

#include <boost/json.hpp>

#include "base64.hpp"
#include "json_text.hpp"
#include "service.hpp"

namespace emu {
namespace json = boost::json;

namespace {

const char* attachment_type(flavor f) {
  return f == flavor::todo ? "#microsoft.graph.taskFileAttachment" : "#microsoft.graph.fileAttachment";
}

// What an attachment POST body says, or why it is refused.
struct attachment_body {
  std::string problem;  // empty: well-formed
  std::string name, content_type, content_id, content_bytes;
  bool is_inline = false;
};

attachment_body read_attachment_body(const std::string& text, flavor fl) {
  attachment_body b;
  const auto doc = parse_json(text);
  if (!doc.is_object()) {
    b.problem = "the body must be a JSON object";
    return b;
  }
  const auto& o = doc.as_object();
  // A string member; absent (or null, for optional ones) reads as "".
  const auto text_of = [&](const char* key, bool required) {
    const auto* v = o.if_contains(key);
    if (v && v->is_string()) return std::string(v->as_string());
    if (b.problem.empty() && (required || (v && !v->is_null())))
      b.problem = std::string(key) + (v ? " must be a string" : " is required");
    return std::string();
  };
  if (text_of("@odata.type", true) != attachment_type(fl) && b.problem.empty())
    b.problem = std::string("@odata.type must be ") + attachment_type(fl);
  b.name = text_of("name", true);
  if (b.name.empty() && b.problem.empty()) b.problem = "name must not be empty";
  b.content_type = text_of("contentType", false);
  b.content_id = text_of("contentId", false);
  b.content_bytes = text_of("contentBytes", true);
  if (const auto* v = o.if_contains("isInline")) {
    if (v->is_bool()) b.is_inline = v->as_bool();
    else if (!v->is_null() && b.problem.empty()) b.problem = "isInline must be a boolean";
  }
  return b;
}

}  // namespace

put_decision service::begin_single(const request_head& head, const route& r) {
  std::uint64_t index = 0;
  const fault_kind fault = faults_.next_put(index);
  const bool post = r.kind == route::attachment_post;
  const std::string target = head.method + " " + r.path;
  put_decision d;
  std::lock_guard<std::mutex> lock(mutex_);
  count(post ? "attachment_posts" : "simple_puts");
  // PROTOCOL.md E4/E5: after a 507/501 the client must not send the file there again.
  if (fatal_targets_.count(target) != 0) record("retry_after_fatal", target + " after a 507/501 there");
  switch (fault) {
    case fault_kind::http_507:
    case fault_kind::http_501: fatal_targets_.insert(target); [[fallthrough]];
    case fault_kind::http_500:
    case fault_kind::http_503:
    case fault_kind::http_429:
    case fault_kind::http_416:  // a single request names no range: 416 acts as 500
      d.rejection = fault_status(fault, index);
      return d;
    case fault_kind::vanish_404:  // the message/task/folder is gone: 404, nothing stored
      count("faults_injected");
      d.rejection = reply{404, {}, error_body("itemNotFound", "injected fault 404 on upload request #" + std::to_string(index))};
      return d;
    case fault_kind::drop:
      count("faults_injected");
      d.drop_now = true;
      return d;
    default: break;
  }
  return admit_single(head, r, fault, false);
}

put_decision service::admit_single(const request_head& head, const route& r, fault_kind fault, bool replay) {
  const bool post = r.kind == route::attachment_post;
  put_decision d;
  // PROTOCOL.md O3, T4, D7: Graph requests, authenticated by the bearer.
  // A held request was judged when it arrived (its token may have expired since).
  if (const auto v = replay ? token_policy::verdict::accepted : authorize(head); v != token_policy::verdict::accepted) {
    d.rejection = refuse_bearer(v, head, "bearer_unauthorized");
    return d;
  }
  // PROTOCOL.md O3, T4: the request body is capped near 4 MB; D7: simple uploads up to 4 MB.
  if (head.content_length && *head.content_length > single_request_max_body) {
    d.rejection = violation(413, post ? "attachment_post_too_large" : "simple_upload_too_large",
                            std::to_string(*head.content_length) + " bytes > 4 MiB", "requestBodyTooLarge");
    return d;
  }
  put_ticket t;
  t.where = r;
  t.fault = fault;
  if (post) {
    t.kind = upload_kind::attachment_post;
    t.length = single_request_max_body;
  } else {
    t.kind = upload_kind::simple_put;
    if (!head.content_length) {
      d.rejection = violation(411, "content_length_mismatch", "PUT .../content needs Content-Length", "lengthRequired");
      return d;
    }
    // PROTOCOL.md D8: the conflict behaviour is a query parameter; PUT's default is replace.
    std::string conflict = r.conflict.empty() ? "replace" : r.conflict;
    if (conflict != "fail" && conflict != "replace" && conflict != "rename") {
      d.rejection = violation(400, "simple_upload_bad_request", "conflictBehavior must be fail, replace or rename",
                              "invalidRequest");
      return d;
    }
    const drive_item* existing = nullptr;
    if (!drive_target(r, t.where, existing)) {
      d.rejection = reply{404, {}, error_body("itemNotFound", "no item " + r.item_id)};
      return d;
    }
    if (!r.item_id.empty()) conflict = "replace";  // new content for that item
    if (auto failed = check_preconditions(head, existing)) {  // D8: If-Match / If-None-Match headers
      d.rejection = *failed;
      return d;
    }
    t.where.conflict = conflict;
    t.path = new_part_file("put");
    t.length = *head.content_length;
  }
  if (fault == fault_kind::hold && !replay) {  // taken in whole, takes effect in apply_held
    hold_begin({});
    t.held = true;
    count("faults_injected");
  } else if (fault == fault_kind::lost || fault == fault_kind::slow) {
    count("faults_injected");
  }
  d.ticket = std::move(t);
  return d;
}

reply service::finish_simple_put(put_ticket& t) {
  file_digests dig;
  if (!digest_file(t.path, dig)) dig.sha256 = "unreadable";  // hashed outside the lock
  reply rep;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    rep = store_drive_item(t.where, t.where.drive_name, t.where.conflict, t.path, dig, "put");
  }
  std::remove(t.path.c_str());  // still there after a 404/409
  if (t.fault == fault_kind::lost) rep.no_response = true;
  if (t.fault == fault_kind::slow) rep.delay_ms = opt_.slow_ms;
  return rep;
}

reply service::finish_post(put_ticket& t, const std::string& body) {
  const flavor fl = t.where.fl;
  const auto b = read_attachment_body(body, fl);
  const auto bytes = b.problem.empty() ? decode_base64_strict(b.content_bytes) : std::nullopt;
  reply rep;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!b.problem.empty()) {
      rep = violation(400, "attachment_bad_request", b.problem, "invalidRequest");
    } else if (!bytes) {
      rep = violation(400, "attachment_bad_base64", "contentBytes is not strict base64", "invalidRequest");
    } else {
      const std::string id = random_hex(24);
      const std::string path = stored_path(b.name);
      file_digests dig;
      bool stored = false;
      if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
        stored = std::fwrite(bytes->data(), 1, bytes->size(), f) == bytes->size();
        stored = std::fclose(f) == 0 && stored && digest_file(path, dig);
      }
      if (!stored) {
        rep = reply{500, {}, error_body("generalException", "store failed")};
      } else {
        stored_file f(id, flavor_name(fl), b.name, dig, path);
        f.via = "post";
        f.content_type = b.content_type;
        f.content_id = b.content_id;
        f.is_inline = b.is_inline;
        files_.push_back(std::move(f));
        count("completed");
        // PROTOCOL.md O3, T4: 201 with the attachment (its id is the result).
        json::object out{{"@odata.type", attachment_type(fl)},
                         {"id", id},
                         {"name", b.name},
                         {"contentType", b.content_type.empty() ? json::value(nullptr) : json::value(b.content_type)},
                         {"size", dig.size}};
        if (fl != flavor::todo) out["isInline"] = b.is_inline;  // taskFileAttachment has no isInline
        rep = reply{201, {}, to_text(out)};
      }
    }
  }
  if (t.fault == fault_kind::lost) rep.no_response = true;
  if (t.fault == fault_kind::slow) rep.delay_ms = opt_.slow_ms;
  return rep;
}

reply service::body_too_large(put_ticket& /*t*/) {
  std::lock_guard<std::mutex> lock(mutex_);
  return violation(413, "attachment_post_too_large", "body over 4 MiB", "requestBodyTooLarge");  // PROTOCOL.md O3
}

}  // namespace emu
