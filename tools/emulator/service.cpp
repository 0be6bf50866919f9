#include "service.hpp"

#include <cstdio>

#include "json_text.hpp"

namespace emu {

service::service(const options& opt, std::string store_dir)
    : opt_(opt),
      store_dir_(std::move(store_dir)),
      quirks_(opt.seed * 0x2545f4914f6cdd1dull + 1),
      ids_(std::random_device{}()),
      last_request_(sys_clock::now()) {
  for (const char* c : {"requests", "creates", "puts", "faults_injected", "bytes_received", "violations", "completed",
                        "deletes", "status_gets", "commits", "sink_bytes", "ranges_already_received", "item_gets",
                        "attachment_posts", "simple_puts"})
    counters_[c] = 0;
}

void service::note_request() {
  std::lock_guard<std::mutex> lock(mutex_);
  count("requests");
  last_request_ = sys_clock::now();
  if (opt_.max_requests != 0 && counters_["requests"] >= opt_.max_requests) stop_.store(true);
}

sys_clock::time_point service::last_request() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_request_;
}

reply service::handle(const request_head& head, const route& r, const std::string& body) {
  const auto wrong_method = [&] {
    reply rep{405, {}, error_body("methodNotAllowed", head.method + " is not allowed here")};
    const bool get = r.kind == route::report || r.kind == route::item;
    rep.headers.emplace_back("Allow", get ? "GET" : r.kind == route::simple_put || r.kind == route::sink ? "PUT" : "POST");
    return rep;
  };
  switch (r.kind) {
    case route::report: return head.method == "GET" ? report(r) : wrong_method();
    case route::shutdown:
      if (head.method != "POST") return wrong_method();
      request_stop();
      return reply{200, {}, "{}"};
    case route::create: return head.method == "POST" ? create(head, r, body) : wrong_method();
    case route::item: return head.method == "GET" ? get_drive_item(head, r) : wrong_method();
    case route::upload: return session_request(head, r);
    case route::sink:  // PUT is streamed by the server; other methods land here
    case route::attachment_post:  // POST is an upload request (begin_upload)
    case route::simple_put:       // PUT likewise
      return wrong_method();
    case route::not_found: break;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  return violation(404, "unknown_endpoint", head.method + " " + head.target, "itemNotFound");
}

bool is_upload_request(const route& r, const std::string& method) {
  return ((r.kind == route::upload || r.kind == route::simple_put) && method == "PUT") ||
         (r.kind == route::attachment_post && method == "POST");
}

put_decision service::begin_upload(const request_head& head, const route& r, const waker& wake) {
  return r.kind == route::upload ? begin_fragment(head, r, wake) : begin_single(head, r);
}

put_decision service::resume_upload(const request_head& head, const route& r, const upload_number& n,
                                    const waker& wake) {
  std::lock_guard<std::mutex> lock(mutex_);
  return fragment_arrived(head, r, n, wake);  // only fragment PUTs wait
}

reply service::fault_status(fault_kind fault, std::uint64_t index) {
  count("faults_injected");
  const auto injected = [&](unsigned status, const char* code) {
    return reply{status, {}, error_body(code, std::string("injected fault ") + fault_name(fault) + " on upload request #" +
                                                  std::to_string(index))};
  };
  switch (fault) {
    case fault_kind::http_503:
    case fault_kind::http_429: {
      auto rep = fault == fault_kind::http_503 ? injected(503, "serviceNotAvailable") : injected(429, "activityLimitReached");
      rep.headers.emplace_back("Retry-After", std::to_string(opt_.retry_after));  // PROTOCOL.md E1
      return rep;
    }
    case fault_kind::http_507:  // PROTOCOL.md E4
      return reply{507, {}, error_body("quotaLimitReached", "Insufficient Storage")};
    case fault_kind::http_501:  // PROTOCOL.md E5
      return reply{501, {}, error_body("notSupported", "Not Supported")};
    default: return injected(500, "generalException");  // PROTOCOL.md E1
  }
}

void service::record(const std::string& kind, const std::string& detail) {
  violations_.emplace_back(kind, detail);
  count("violations");
}

reply service::violation(unsigned status, const std::string& kind, const std::string& detail, const char* code) {
  record(kind, detail);
  return reply{status, {}, error_body(code ? code : kind, detail)};
}

std::string service::random_hex(std::size_t n) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += hex[ids_() & 15];
  return out;
}

std::string service::stored_path(const std::string& name) {
  std::string safe;
  for (char c : name) safe += (c == '/' || c == '\\' || c == '\0') ? '_' : c;
  return store_dir_ + "/files/" + std::to_string(++sequence_) + "-" + safe;
}

void service::drop_session(const std::string& id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  std::remove(it->second->part_path.c_str());
  sessions_.erase(it);
}

}  // namespace emu
