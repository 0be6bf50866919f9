#include "upload_job.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

#include "rangeup/curl/transport.hpp"
#include "rangeup/flavors/drive_item.hpp"
#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/flavors/print_document.hpp"
#include "rangeup/flavors/todo_attachment.hpp"
#include "rangeup/io/blocking_upload.hpp"
#include "rangeup/io/file_source.hpp"
#include "rangeup/io/resume_file.hpp"
#include "rangeup/adaptive_planner.hpp"
#include "rangeup/upload_session.hpp"
#include "resume_record.hpp"
#include "units.hpp"

namespace upload_cli {
namespace {

using rangeup::errc;

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string describe(const std::error_code& ec) {
  if (ec.category() == rangeup::category())
    return rangeup::error_category_impl::describe(static_cast<errc>(ec.value()));
  return ec.message();
}

bool is_rangeup(const std::error_code& ec, errc e) { return ec.category() == rangeup::category() && ec == e; }

int exit_for(const std::error_code& ec, int http_status) {
  if (ec.category() != rangeup::category()) return exit_network;
  switch (static_cast<errc>(ec.value())) {
    case errc::invalid_argument:
    case errc::size_out_of_range:
    case errc::empty_source:
    case errc::invalid_chunk_size:
    case errc::url_too_long:
    case errc::invalid_url:
    case errc::insecure_url:
    case errc::invalid_resume_token:
    case errc::resume_mismatch:
      return exit_usage;
    case errc::source_read_failed:
    case errc::source_changed:
    case errc::buffer_too_small:
    case errc::capacity_exceeded:
      return exit_local_io;
    case errc::bad_request:
    case errc::unauthorized:
    case errc::forbidden:
    case errc::target_not_found:
    case errc::session_not_found:
    case errc::conflict:
    case errc::precondition_failed:
    case errc::payload_too_large:
    case errc::range_not_satisfiable:
    case errc::redirect_refused:
      return exit_rejected;
    case errc::integrity_mismatch:  // the service stored other bytes than the file's: like a transfer failure
      return exit_network;
    case errc::unexpected_status:
      return http_status >= 400 && http_status < 500 ? exit_rejected : exit_network;
    default:
      return exit_network;
  }
}

// Transport-level failures whose libcurl detail helps the user.
bool wants_transport_detail(const std::error_code& ec) {
  return is_rangeup(ec, errc::connection_failed) || is_rangeup(ec, errc::connection_dropped) ||
         is_rangeup(ec, errc::timeout) || is_rangeup(ec, errc::tls_error) || is_rangeup(ec, errc::retries_exhausted);
}

struct cli_observer final : rangeup::progress_observer {
  job_progress* p = nullptr;
  void on_progress(const rangeup::progress& info) noexcept override {
    p->confirmed.store(info.confirmed_bytes, std::memory_order_relaxed);
  }
};

struct context {
  const options& opts;
  const job_spec& job;
  const std::string& token;
  job_progress& progress;
  const std::atomic<bool>& interrupted;
  output& out;
  rangeup::io::rate_limiter* limit;
  rangeup::io::file_source source;
};

job_result failed(int code, std::string why) {
  job_result r;
  r.exit = code;
  r.error = std::move(why);
  return r;
}

// Persists the session's resume token, at most once a second (the first
// token, which carries a new uploadUrl, immediately).
template <class Session>
struct checkpointer {
  Session* session = nullptr;
  const std::string* path = nullptr;
  output* out = nullptr;
  std::string last;
  std::chrono::steady_clock::time_point last_write{};
  bool warned = false;
  std::vector<char> buf = std::vector<char>(RANGEUP_MAX_URL_LENGTH + 1024);

  void save(bool force) noexcept {
    const auto token = session->save_resume_token(buf.data(), buf.size());
    if (!token) return;  // no live session (not created yet, or finished)
    const std::string_view text(buf.data(), *token);
    if (text == last) return;
    const auto now = std::chrono::steady_clock::now();
    const bool new_url = url_line(text) != url_line(last);
    if (!force && !new_url && now - last_write < std::chrono::seconds(1)) return;
    try {
      if (auto ec = rangeup::io::write_file_atomically(*path, text)) {
        if (!warned) out->err("rangeup-upload: warning: cannot write resume file " + *path + ": " + ec.message());
        warned = true;
        return;
      }
      last.assign(text);
      last_write = now;
    } catch (...) {  // allocation failure: the next checkpoint tries again
    }
  }
  // The token's "url=" line: a new one means a new session that must be saved now.
  static std::string_view url_line(std::string_view token) {
    const std::size_t at = token.find("\nurl=");
    if (at == std::string_view::npos) return {};
    const std::size_t end = token.find('\n', at + 1);
    return token.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
  }
  static void hook(void* self) noexcept { static_cast<checkpointer*>(self)->save(false); }
};

template <class Flavor, class Planner = typename Flavor::default_planner>
job_result run_flavor(context& ctx, const Flavor& flavor, const rangeup::file_info& info) {
  using session_t = rangeup::upload_session<Flavor, Planner>;
  const options& o = ctx.opts;
  rangeup::session_options so;
  so.chunk_size = o.chunk_size;
  so.allow_http_loopback = o.allow_http;
  auto session = std::make_unique<session_t>(flavor, info, so);
  if (const std::error_code ec = session->init_error()) {
    std::string why = describe(ec);
    if (is_rangeup(ec, errc::size_out_of_range))
      why += ": " + std::to_string(info.size) + " bytes, at most " + std::to_string(Flavor::max_size) + " (" +
             format_bytes(static_cast<double>(Flavor::max_size)) + ") for this target";
    if (is_rangeup(ec, errc::invalid_chunk_size))
      why += ": " + std::to_string(o.chunk_size) + " (at most " + std::to_string(session_t::planner_type::max_chunk) +
             ", a multiple of " + std::to_string(session_t::planner_type::quantum) + ")";
    if (is_rangeup(ec, errc::insecure_url)) why += " (use an https --graph-base, or --allow-http for loopback tests)";
    return failed(exit_for(ec, 0), why);
  }
  session->set_bearer_token(ctx.token);
  if (o.max_retries >= 0) session->retry().settings().max_attempts = static_cast<std::uint32_t>(o.max_retries);
  const rangeup::file_fingerprint fp = ctx.source.fingerprint();
  (void)session->set_fingerprint(fp);

  if (!o.resume_path.empty()) {
    std::string saved;
    const std::error_code rec = rangeup::io::read_small_file(o.resume_path, saved, 64 * 1024);
    if (rec && rec != std::errc::no_such_file_or_directory)
      return failed(exit_local_io, "cannot read resume file " + o.resume_path + ": " + rec.message());
    if (!rec) {
      done_record done;
      if (parse_done_record(saved, done)) {
        if (done.target != ctx.job.where.text || done.size != info.size || done.mtime_ns != fp.mtime_ns)
          return failed(exit_usage, "resume file " + o.resume_path +
                                        " records a finished upload of a different file or target; "
                                        "remove it to start a new upload");
        job_result r;
        r.already_done = true;
        r.id = done.id;
        r.name = done.name;
        r.size = done.size;
        return r;
      }
      if (const std::error_code ec = session->restore(saved, fp)) {
        if (is_rangeup(ec, errc::resume_mismatch))
          return failed(exit_usage, "resume file " + o.resume_path +
                                        " belongs to a different upload (file, size, modification time or target "
                                        "differ); remove it to start a new upload");
        return failed(exit_usage, "resume file " + o.resume_path + " is not a valid rangeup resume file (" +
                                      describe(ec) + "); remove it to start a new upload");
      }
    }
  }

  rangeup::curl::transport_options to;
  to.allow_http = o.allow_http;
  to.ca_file = o.ca_file;
  if (o.timeout_s != 0) to.request_timeout_ms = static_cast<long>(o.timeout_s * 1000);
  rangeup::curl::transport transport(to);

  cli_observer observer;
  observer.p = &ctx.progress;
  checkpointer<session_t> cp;
  cp.session = session.get();
  cp.path = &o.resume_path;
  cp.out = &ctx.out;

  rangeup::upload_options uo;
  uo.cancel_flag = &ctx.interrupted;
  uo.delete_on_cancel = o.resume_path.empty();  // with --resume, an interrupted upload stays resumable
  uo.timeout_ms = static_cast<std::int64_t>(o.timeout_s) * 1000;
  uo.observer = &observer;
  uo.on_send = [](void* p, std::uint64_t sent) noexcept {
    static_cast<job_progress*>(p)->in_flight.store(sent, std::memory_order_relaxed);
  };
  uo.send_context = &ctx.progress;
  uo.verify_integrity = o.verify;
  uo.rate_limit = ctx.limit;  // paced in the driver, shared by every file (curl's own limit is per handle)
  if (!o.resume_path.empty()) {
    uo.after_exchange = &checkpointer<session_t>::hook;
    uo.exchange_context = &cp;
  }

  const rangeup::upload_outcome outcome = rangeup::upload(*session, transport, ctx.source, uo);
  job_result r;
  r.size = info.size;
  r.bytes_sent = outcome.stats.bytes_sent;
  r.retries = outcome.stats.retries;
  r.restarts = outcome.stats.restarts;
  r.seconds = outcome.seconds;
  r.quick_xor_hash = outcome.quick_xor_hash.c_str();
  r.integrity_checked = outcome.integrity_checked;
  if (outcome) {
    r.id = outcome.result.id.c_str();
    r.name = outcome.result.name.empty() ? std::string(info.name) : std::string(outcome.result.name.c_str());
    if (!o.resume_path.empty()) {
      done_record done{ctx.job.where.text, info.size, fp.mtime_ns, r.id, r.name};
      if (auto ec = rangeup::io::write_file_atomically(o.resume_path, format_done_record(done)))
        ctx.out.err("rangeup-upload: warning: cannot write resume file " + o.resume_path + ": " + ec.message());
    }
    return r;
  }
  if (!o.resume_path.empty()) cp.save(true);  // a failed upload stays resumable
  const rangeup::failure& f = outcome.error;
  r.exit = exit_for(outcome.code, f.http_status);
  std::string why = describe(outcome.code);
  if (is_rangeup(outcome.code, errc::cancelled) && ctx.interrupted) {
    r.exit = 130;
    why = o.resume_path.empty() ? "interrupted; upload session deleted"
                                : "interrupted; rerun the same command to continue";
  } else if (is_rangeup(outcome.code, errc::integrity_mismatch)) {
    why = "integrity check failed: the service reports quickXorHash " +
          std::string(outcome.result.quick_xor_hash.c_str()) + " but the file's bytes hash to " + r.quick_xor_hash +
          "; the stored item (id " + outcome.result.id.c_str() + ") is not this file, upload it again";
    r.error = why;
    return r;
  } else if (is_rangeup(outcome.code, errc::timeout) && f.http_status == 0 && o.timeout_s != 0) {
    why = "gave up after --timeout " + std::to_string(o.timeout_s) + " s";
  }
  if (f.http_status != 0) {
    why += " (HTTP " + std::to_string(f.http_status);
    if (!f.server_code.empty()) why += std::string(" ") + f.server_code.c_str();
    why += ")";
  }
  if (!f.server_message.empty()) {
    why += std::string(": ") + f.server_message.c_str();
  } else if (wants_transport_detail(outcome.code) && !transport.last_error_detail().empty()) {
    why += ": " + std::string(transport.last_error_detail());
  } else if (is_rangeup(outcome.code, errc::source_read_failed) && ctx.source.os_error() != 0) {
    why += ": " + std::string(std::strerror(ctx.source.os_error()));
  }
  r.error = why;
  return r;
}

rangeup::drive_item::conflict conflict_of(const std::string& s) {
  if (s == "fail") return rangeup::drive_item::conflict::fail;
  if (s == "replace") return rangeup::drive_item::conflict::replace;
  if (s == "rename") return rangeup::drive_item::conflict::rename;
  return rangeup::drive_item::conflict::unspecified;
}

}  // namespace

job_result run_job(const options& opts, const job_spec& job, const std::string& token, job_progress& progress,
                   const std::atomic<bool>& interrupted, output& out, rangeup::io::rate_limiter* limit) {
  context ctx{opts, job, token, progress, interrupted, out, limit, {}};
  if (const std::error_code ec = ctx.source.open(job.file.c_str())) {
    if (is_rangeup(ec, errc::invalid_argument)) return failed(exit_local_io, "not a regular file");
    return failed(exit_local_io, std::string("cannot open: ") + std::strerror(ctx.source.os_error()));
  }
  progress.total.store(ctx.source.size());
  if (opts.chunk_auto && job.where.what != target::kind::drive && job.where.what != target::kind::drive_path)
    return failed(exit_usage, "--chunk-size auto is only for drive targets");
  const std::string local_name = base_name(job.file);
  const target& t = job.where;
  // drive targets name the item themselves; the others take the local name.
  const std::string drive_name = t.what == target::kind::drive_path ? base_name(t.first) : t.second;
  rangeup::file_info info;
  info.name = local_name;
  info.size = ctx.source.size();
  switch (t.what) {
    case target::kind::message:
    case target::kind::event: {
      rangeup::outlook_attachment f;
      f.graph_base = opts.graph_base;
      f.user = opts.user;
      f.parent = t.what == target::kind::event ? rangeup::outlook_attachment::parent_kind::event
                                               : rangeup::outlook_attachment::parent_kind::message;
      f.parent_id = t.first;
      return run_flavor(ctx, f, info);
    }
    case target::kind::todo: {
      rangeup::todo_attachment f;
      f.graph_base = opts.graph_base;
      f.user = opts.user;
      f.list_id = t.first;
      f.task_id = t.second;
      return run_flavor(ctx, f, info);
    }
    case target::kind::drive:
    case target::kind::drive_path: {
      rangeup::drive_item f;
      f.graph_base = opts.graph_base;
      f.user = opts.user;
      if (t.what == target::kind::drive) {
        f.parent_id = t.first;
        f.name = t.second;
      } else {
        f.root_path = t.first;
      }
      info.name = drive_name;
      f.conflict_behavior = conflict_of(opts.conflict);
      f.defer_commit = opts.defer_commit;
      if (opts.chunk_auto) return run_flavor<rangeup::drive_item, rangeup::adaptive_drive_planner>(ctx, f, info);
      return run_flavor(ctx, f, info);
    }
    case target::kind::print: {
      rangeup::print_document f;
      f.graph_base = opts.graph_base;
      f.printer_id = t.first;
      f.job_id = t.second;
      f.document_id = t.third;
      return run_flavor(ctx, f, info);
    }
  }
  return failed(exit_usage, "unknown target");
}

}  // namespace upload_cli
