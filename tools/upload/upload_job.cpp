#include "upload_job.hpp"

#include <cerrno>
#include <cstring>
#include <memory>

#include "content_type.hpp"
#include "rangeup/io/resume_file.hpp"
#include "resume_record.hpp"
#include "token_source.hpp"
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
    case errc::quota_exceeded:  // PROTOCOL.md E4: 507, fatal at once
    case errc::not_supported:   // PROTOCOL.md E5: 501, fatal at once
    case errc::token_unavailable:  // --token-file / --token-command gave none: like a rejected token
      return exit_rejected;
    case errc::integrity_mismatch:  // the service stored other bytes than the file's: like a transfer failure
      return exit_network;
    // The server's fault, not the user's: an answer the protocol does not allow
    // (e.g. an uploadUrl that is not https or holds CR/LF) or one too large to read.
    case errc::malformed_response:
    case errc::malformed_json:
    case errc::malformed_range:
    case errc::protocol_violation:
    case errc::response_too_large:
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

job_result failed(int code, std::string why) {
  job_result r;
  r.exit = code;
  r.error = std::move(why);
  return r;
}

// --resume FILE: writes each resume token the engine hands over (it decides
// when: a new uploadUrl at once, before the completing request, else at most
// once a second, and once when the upload fails), atomically; warns once.
struct resume_writer {
  const std::string* path = nullptr;
  output* out = nullptr;
  bool warned = false;

  static void save(void* self, std::string_view token) noexcept {
    auto* w = static_cast<resume_writer*>(self);
    try {
      const std::error_code ec = rangeup::io::write_file_atomically(*w->path, token);
      if (ec && !w->warned) {
        w->warned = true;
        w->out->err("rangeup-upload: warning: cannot write resume file " + *w->path + ": " + ec.message());
      }
    } catch (...) {  // allocation failure: the next token is written again
    }
  }
};

rangeup::drive_item::conflict conflict_of(const std::string& s) {
  if (s == "fail") return rangeup::drive_item::conflict::fail;
  if (s == "replace") return rangeup::drive_item::conflict::replace;
  if (s == "rename") return rangeup::drive_item::conflict::rename;
  return rangeup::drive_item::conflict::unspecified;
}


// A prepared job over one session type: the session, the open file, the
// resume writer, the driver options, and the outcome -> job_result mapping.
template <class Session>
class typed_job final : public prepared_job {
 public:
  typed_job(const run_env& env, const job_spec& job, job_progress& progress, rangeup::io::file_source source,
            const rangeup::file_info& info)
      : env_(env),
        job_(job),
        source_(std::move(source)),
        name_(info.name),
        content_type_(info.content_type),
        content_id_(info.content_id),
        info_(info),
        fp_(source_.fingerprint()) {
    // info's views point at prepare_job's locals, gone when it returns.
    info_.name = name_;
    info_.content_type = content_type_;
    info_.content_id = content_id_;
    observer_.p = &progress;
  }

  // Builds the session and applies --resume; false with *early set when the job ends here.
  template <class Flavor>
  bool init(const Flavor& flavor, job_result& early) {
    const options& o = env_.opts;
    rangeup::session_options so;
    so.chunk_size = o.chunk_size;
    so.allow_http_loopback = o.allow_http;
    so.force_session = o.force_session;
    session_ = std::make_unique<Session>(flavor, info_, so);
    if (const std::error_code ec = session_->init_error()) {
      std::string why = describe(ec);
      if (is_rangeup(ec, errc::size_out_of_range))
        why += ": " + std::to_string(info_.size) + " bytes, at most " + std::to_string(Flavor::max_size) + " (" +
               format_bytes(static_cast<double>(Flavor::max_size)) + ") for this target";
      if (is_rangeup(ec, errc::invalid_chunk_size)) {
        why += ": --chunk-size " + std::to_string(o.chunk_size) + ", at most " +
               std::to_string(Session::planner_type::max_chunk) + " bytes for " + job_.where.text;
        if (Session::planner_type::quantum > 1)
          why += ", a multiple of " + std::to_string(Session::planner_type::quantum);
      }
      if (is_rangeup(ec, errc::empty_source) && o.force_session)
        why += " (an upload session cannot carry 0 bytes; drop --force-session)";
      if (is_rangeup(ec, errc::insecure_url)) why += " (use an https --graph-base, or --allow-http for loopback tests)";
      early = failed(exit_for(ec, 0), why);
      return false;
    }
    // --token-env: the one token, set now; otherwise the session asks the
    // provider when a request needs the bearer (and again after a 401).
    if (env_.tokens) uo_.tokens = env_.tokens;
    else session_->set_bearer_token(env_.token);
    if (o.max_retries >= 0) session_->retry().settings().max_attempts = static_cast<std::uint32_t>(o.max_retries);
    (void)session_->set_fingerprint(fp_);
    if (!o.resume_path.empty() && !restore(early)) return false;

    resume_.path = &o.resume_path;
    resume_.out = &env_.out;
    uo_.cancel_flag = &env_.interrupted;
    uo_.delete_on_cancel = o.resume_path.empty();  // with --resume, an interrupted upload stays resumable
    uo_.timeout_ms = static_cast<std::int64_t>(o.timeout_s) * 1000;
    uo_.observer = &observer_;
    uo_.on_send = [](void* p, std::uint64_t sent) noexcept {
      static_cast<job_progress*>(p)->in_flight.store(sent, std::memory_order_relaxed);
    };
    uo_.send_context = observer_.p;
    uo_.verify_integrity = o.verify;
    uo_.rate_limit = env_.limit;  // paced in the driver, shared by every file (curl's own limit is per handle)
    if (!o.resume_path.empty()) {
      uo_.on_resume_token = &resume_writer::save;
      uo_.resume_context = &resume_;
    }
    return true;
  }

  session_ptr session() noexcept override { return session_.get(); }
  rangeup::io::file_source& source() noexcept override { return source_; }
  const rangeup::upload_options& driver_options() const noexcept override { return uo_; }

  job_result finish(const rangeup::upload_outcome& outcome, std::string_view transport_detail) override {
    const options& o = env_.opts;
    job_result r;
    r.size = info_.size;
    r.bytes_sent = outcome.stats.bytes_sent;
    r.retries = outcome.stats.retries;
    r.restarts = outcome.stats.restarts;
    r.seconds = outcome.seconds;
    r.quick_xor_hash = outcome.quick_xor_hash.c_str();
    r.integrity_checked = outcome.integrity_checked;
    r.content_type = content_type_;
    r.tokens_fetched = outcome.tokens_fetched;
    if (outcome) {
      r.id = outcome.result.id.c_str();
      r.id_unknown = outcome.result.id_unknown;  // PROTOCOL.md E6: it exists; uploading again would add a copy
      r.simple_request = outcome.result.simple_request;
      r.name = outcome.result.name.empty() ? std::string(info_.name) : std::string(outcome.result.name.c_str());
      if (!o.resume_path.empty()) {
        done_record done{job_.where.text, info_.size, fp_.mtime_ns, r.id, r.name, r.id_unknown};
        if (auto ec = rangeup::io::write_file_atomically(o.resume_path, format_done_record(done)))
          env_.out.err("rangeup-upload: warning: cannot write resume file " + o.resume_path + ": " + ec.message());
      }
      return r;
    }
    const rangeup::failure& f = outcome.error;
    r.exit = exit_for(outcome.code, f.http_status);
    std::string why = describe(outcome.code);
    const bool interrupted = env_.interrupted && (is_rangeup(outcome.code, errc::cancelled) ||
                                                  is_rangeup(outcome.code, errc::token_unavailable));
    if (is_rangeup(outcome.code, errc::token_unavailable) && !interrupted && env_.token_from != nullptr) {
      // Which source failed and why; its text never holds a token (token_source.hpp).
      const std::string source_failed = env_.token_from->failure();
      if (!source_failed.empty()) why = "no access token: " + source_failed;
    }
    if (interrupted) {
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
    } else if (wants_transport_detail(outcome.code) && !transport_detail.empty()) {
      why += ": " + std::string(transport_detail);
    } else if (is_rangeup(outcome.code, errc::source_read_failed) && source_.os_error() != 0) {
      why += ": " + std::string(std::strerror(source_.os_error()));
    }
    // The refresh after the first 401 brought the same token back (an unrotated file).
    if (is_rangeup(outcome.code, errc::unauthorized) && env_.token_from != nullptr && env_.token_from->repeated())
      why += " (" + env_.token_from->name() + " gave the rejected token again)";
    r.error = why;
    return r;
  }

 private:
  // --resume FILE: continue a recorded session, or report a finished one.
  bool restore(job_result& early) {
    const options& o = env_.opts;
    std::string saved;
    const std::error_code rec = rangeup::io::read_small_file(o.resume_path, saved, 64 * 1024);
    if (rec && rec != std::errc::no_such_file_or_directory) {
      early = failed(exit_local_io, "cannot read resume file " + o.resume_path + ": " + rec.message());
      return false;
    }
    if (rec) return true;  // no file yet: a new upload
    done_record done;
    if (parse_done_record(saved, done)) {
      if (done.target != job_.where.text || done.size != info_.size || done.mtime_ns != fp_.mtime_ns) {
        early = failed(exit_usage, "resume file " + o.resume_path +
                                       " records a finished upload of a different file or target; "
                                       "remove it to start a new upload");
        return false;
      }
      early = job_result{};
      early.already_done = true;
      early.id = done.id;
      early.id_unknown = done.id_unknown;
      early.name = done.name;
      early.size = done.size;
      return false;
    }
    if (const std::error_code ec = session_->restore(saved, fp_)) {
      if (is_rangeup(ec, errc::resume_mismatch))
        early = failed(exit_usage, "resume file " + o.resume_path +
                                       " belongs to a different upload (file, size, modification time or target "
                                       "differ); remove it to start a new upload");
      else
        early = failed(exit_usage, "resume file " + o.resume_path + " is not a valid rangeup resume file (" +
                                       describe(ec) + "); remove it to start a new upload");
      return false;
    }
    return true;
  }

  const run_env& env_;
  const job_spec& job_;
  rangeup::io::file_source source_;
  std::string name_, content_type_, content_id_;
  rangeup::file_info info_;
  rangeup::file_fingerprint fp_;
  std::unique_ptr<Session> session_;
  cli_observer observer_;
  resume_writer resume_;
  rangeup::upload_options uo_;
};

template <class Flavor, class Planner = typename Flavor::default_planner>
std::unique_ptr<prepared_job> make_job(const run_env& env, const job_spec& job, job_progress& progress,
                                       rangeup::io::file_source& source, const rangeup::file_info& info,
                                       const Flavor& flavor, job_result& early) {
  auto j = std::make_unique<typed_job<rangeup::upload_session<Flavor, Planner>>>(env, job, progress,
                                                                                 std::move(source), info);
  if (!j->init(flavor, early)) return nullptr;
  return j;
}

}  // namespace

std::unique_ptr<prepared_job> prepare_job(const run_env& env, const job_spec& job, job_progress& progress,
                                          job_result& early) {
  const options& opts = env.opts;
  rangeup::io::file_source source;
  if (const std::error_code ec = source.open(job.file.c_str())) {
    if (is_rangeup(ec, errc::invalid_argument)) early = failed(exit_local_io, "not a regular file");
    else early = failed(exit_local_io, std::string("cannot open: ") + std::strerror(source.os_error()));
    return nullptr;
  }
  progress.total.store(source.size());
  const target& t = job.where;
  if (opts.chunk_auto && !is_drive(t.what)) {
    early = failed(exit_usage, "--chunk-size auto is only for drive targets");
    return nullptr;
  }
  const std::string local_name = base_name(job.file);
  // drive targets name the item themselves; the others take the local name.
  const std::string drive_name = t.what == target::kind::drive_path ? base_name(t.first) : t.second;
  rangeup::file_info info;
  info.name = local_name;
  info.size = source.size();
  // Attachments and print documents carry a content type (PROTOCOL.md O1, O3,
  // T4; print requires one, P1); a drive takes none from the upload.
  const std::string content_type =
      is_drive(t.what) ? std::string() : opts.content_type.empty() ? infer_content_type(job.file) : opts.content_type;
  info.content_type = content_type;
  if (is_outlook(t.what)) {  // in a mixed run --inline/--content-id apply to Outlook targets only
    info.is_inline = opts.is_inline;
    info.content_id = opts.content_id;
  }
  switch (t.what) {
    case target::kind::message:
    case target::kind::event: {
      rangeup::outlook_attachment f;
      f.graph_base = opts.graph_base;
      f.user = opts.user;
      f.parent = t.what == target::kind::event ? rangeup::outlook_attachment::parent_kind::event
                                               : rangeup::outlook_attachment::parent_kind::message;
      f.parent_id = t.first;
      return make_job(env, job, progress, source, info, f, early);
    }
    case target::kind::todo: {
      rangeup::todo_attachment f;
      f.graph_base = opts.graph_base;
      f.user = opts.user;
      f.list_id = t.first;
      f.task_id = t.second;
      return make_job(env, job, progress, source, info, f, early);
    }
    case target::kind::drive:
    case target::kind::drive_path:
    case target::kind::drive_item: {
      rangeup::drive_item f;
      f.graph_base = opts.graph_base;
      f.user = opts.user;
      f.drive_id = opts.drive_id;  // PROTOCOL.md D1: /drives/{id}/... (a SharePoint document library)
      if (t.what == target::kind::drive_item) {
        f.item_id = t.first;  // PROTOCOL.md D1, D7: replaces that item's content; no conflict behaviour
      } else {
        if (t.what == target::kind::drive) {
          f.parent_id = t.first;
          f.name = t.second;
        } else {
          f.root_path = t.first;
        }
        info.name = drive_name;
        f.conflict_behavior = conflict_of(opts.conflict);
      }
      f.defer_commit = opts.defer_commit;
      if (opts.chunk_auto)
        return make_job<rangeup::drive_item, rangeup::adaptive_drive_planner>(env, job, progress, source, info, f,
                                                                              early);
      return make_job(env, job, progress, source, info, f, early);
    }
    case target::kind::print:
    case target::kind::print_share: {
      rangeup::print_document f;
      f.graph_base = opts.graph_base;
      f.via_share = t.what == target::kind::print_share;  // PROTOCOL.md P1: /print/shares/{id}/jobs/...
      f.printer_id = t.first;
      f.job_id = t.second;
      f.document_id = t.third;
      return make_job(env, job, progress, source, info, f, early);
    }
  }
  early = failed(exit_usage, "unknown target");
  return nullptr;
}

}  // namespace upload_cli
