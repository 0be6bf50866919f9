#pragma once
// Emulator-backed cases shared by the Beast integration tests: start
// rangeup-emulator, build a session of each flavor against it, and check what
// landed (sha256 per name, no violations) in its report.

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "support/emulator_process.hpp"
#include "support/graph_client.hpp"
#include "rangeup/flavors/drive_item.hpp"
#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/flavors/print_document.hpp"
#include "rangeup/flavors/todo_attachment.hpp"
#include "rangeup/upload_session.hpp"

namespace rangeup_test {

enum class flavor_kind { outlook, todo, drive, print };

inline const char* flavor_label(flavor_kind k) {
  switch (k) {
    case flavor_kind::outlook: return "outlook";
    case flavor_kind::todo: return "todo";
    case flavor_kind::drive: return "drive";
    case flavor_kind::print: return "print";
  }
  return "?";
}

// Retries fast: the emulator is told --retry-after 0.
inline rangeup::exponential_backoff fast_retry() {
  rangeup::backoff_settings s;
  s.initial_delay_ms = 20;
  s.max_delay_ms = 200;
  s.budget_ms = 20000;
  return rangeup::exponential_backoff(s, 42);
}

// force_session: an upload session even where the file would go as one request
// (attachments < 3 000 000 bytes, drive files <= 4 MiB; docs/PROTOCOL.md O2, D7).
// A forced Outlook session under 3 000 000 bytes needs the emulator started
// with --allow-small-sessions (emulator_args(..., true)).
inline rangeup::session_options loopback_session(std::uint64_t chunk = 0, bool force_session = false) {
  rangeup::session_options o;
  o.allow_http_loopback = true;
  o.chunk_size = chunk;
  o.force_session = force_session;
  return o;
}

// print_document requires a content type (PROTOCOL.md P1); attachments and
// driveItems are sent without one.
template <class Flavor>
constexpr std::string_view test_content_type() {
  return std::is_same<Flavor, rangeup::print_document>::value ? std::string_view("application/octet-stream")
                                                               : std::string_view();
}

// Targets on the emulator, one per flavor.
inline rangeup::outlook_attachment outlook_target(const std::string& graph) {
  rangeup::outlook_attachment f;
  f.graph_base = graph;
  f.parent_id = "AAMkADI5MAAIT3drCAAA=";
  return f;
}
inline rangeup::todo_attachment todo_target(const std::string& graph) {
  rangeup::todo_attachment f;
  f.graph_base = graph;
  f.list_id = "list-1";
  f.task_id = "task-1";
  return f;
}
inline rangeup::drive_item drive_target(const std::string& graph) {
  rangeup::drive_item f;
  f.graph_base = graph;
  f.parent_id = "01PARENT";
  return f;
}
inline rangeup::print_document print_target(const std::string& graph) {
  rangeup::print_document f;
  f.graph_base = graph;
  f.printer_id = "p1";
  f.job_id = "j1";
  f.document_id = "d1";
  return f;
}

// A session ready for the emulator (token, fast retries). Heap-allocated:
// sessions cannot move (requests point into them). `graph` must outlive it.
template <class Flavor>
std::unique_ptr<rangeup::upload_session<Flavor>> make_session(const Flavor& target, const std::string& name,
                                                              std::uint64_t size, std::uint64_t chunk = 0,
                                                              bool force_session = false) {
  auto s = std::make_unique<rangeup::upload_session<Flavor>>(
      target, rangeup::file_info{name, size, test_content_type<Flavor>()}, loopback_session(chunk, force_session));
  s->set_bearer_token("test-token");
  s->set_retry(fast_retry());
  return s;
}

// Builds a session of flavor `k` and calls fn(session) (instantiates fn once
// per flavor: use it where fn is cheap to compile).
template <class Fn>
void with_session(flavor_kind k, const std::string& graph, const std::string& name, std::uint64_t size,
                  std::uint64_t chunk, bool force_session, Fn&& fn) {
  switch (k) {
    case flavor_kind::outlook: return fn(*make_session(outlook_target(graph), name, size, chunk, force_session));
    case flavor_kind::todo: return fn(*make_session(todo_target(graph), name, size, chunk, force_session));
    case flavor_kind::drive: return fn(*make_session(drive_target(graph), name, size, chunk, force_session));
    case flavor_kind::print: return fn(*make_session(print_target(graph), name, size, chunk, force_session));
  }
}

// sha256 of the file the emulator stored under `name`, "" if none.
inline std::string landed_sha256(const emutest::json& report, const std::string& name) {
  for (const auto& f : report.value("files", emutest::json::array()))
    if (f.value("name", "") == name) return f.value("sha256", "");
  return {};
}

// How the emulator received `name`: "session", "post" (attachment POST) or
// "put" (drive simple PUT); "" if not stored.
inline std::string landed_via(const emutest::json& report, const std::string& name) {
  for (const auto& f : report.value("files", emutest::json::array()))
    if (f.value("name", "") == name) return f.value("via", "");
  return {};
}

inline std::size_t violation_count(const emutest::json& report) {
  return report.value("violations", emutest::json::array()).size();
}

inline std::uint64_t counter(const emutest::json& report, const std::string& name) {
  return report.value("counters", emutest::json::object()).value(name, std::uint64_t{0});
}

// allow_small_sessions: for tests that force sessions on small attachments.
inline std::vector<std::string> emulator_args(std::string faults = {}, bool allow_small_sessions = false) {
  std::vector<std::string> args = {"--retry-after", "0", "--slow-ms", "300"};
  if (allow_small_sessions) args.push_back("--allow-small-sessions");
  if (!faults.empty()) {
    args.push_back("--faults");
    args.push_back(std::move(faults));
  }
  return args;
}

}  // namespace rangeup_test
