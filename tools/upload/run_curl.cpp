// The curl runner. One file: rangeup::upload over a libcurl easy handle.
// Several files: rangeup::curl::multi_upload, every file on one libcurl multi
// handle in this thread, at most --parallel at a time; a file is prepared
// when a slot frees up, so a long list never holds more files open than that.

#include <memory>
#include <variant>
#include <vector>

#include "rangeup/curl/multi_upload.hpp"
#include "rangeup/curl/transport.hpp"
#include "runners.hpp"

namespace upload_cli {
namespace {

rangeup::curl::transport_options transport_for(const options& o) {
  rangeup::curl::transport_options to;
  to.allow_http = o.allow_http;
  to.ca_file = o.ca_file;
  if (o.timeout_s != 0) to.request_timeout_ms = static_cast<long>(o.timeout_s * 1000);
  return to;
}

// Feeds prepared jobs to a multi_upload and collects their results. Signals
// only set env.interrupted, which every job's driver options watch (cancel
// → DELETE); jobs not started by then end as interrupted_before_start.
class multi_runner {
 public:
  multi_runner(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results)
      : env_(env), progress_(progress), results_(results) {}

  void run() {
    rangeup::curl::multi_options mo;
    mo.max_running = env_.opts.parallel;
    mo.transport = transport_for(env_.opts);
    mo.on_finished = &multi_runner::finished;
    mo.finished_context = this;
    rangeup::curl::multi_upload multi(mo);
    multi_ = &multi;
    for (unsigned k = 0; k < env_.opts.parallel && feed(); ++k) {
    }
    multi.run();
  }

 private:
  struct live_job {
    std::size_t file = 0;  // index in opts.jobs / results
    std::unique_ptr<prepared_job> job;
  };

  // Prepares the next file that has something to upload and queues it; false
  // when none is left.
  bool feed() {
    while (next_ < env_.opts.jobs.size()) {
      const std::size_t i = next_++;
      if (env_.interrupted) {
        results_[i] = interrupted_before_start();
        continue;
      }
      job_result early;
      std::unique_ptr<prepared_job> job = prepare_job(env_, env_.opts.jobs[i], progress_[i], early);
      if (!job) {
        results_[i] = early;
        continue;
      }
      prepared_job& j = *job;
      const std::size_t at = std::visit(
          [&](auto* session) { return multi_->add(*session, j.source(), j.driver_options()); }, j.session());
      if (live_.size() <= at) live_.resize(at + 1);
      live_[at] = live_job{i, std::move(job)};
      return true;
    }
    return false;
  }

  static void finished(void* self, std::size_t at) {
    auto& r = *static_cast<multi_runner*>(self);
    live_job& done = r.live_[at];
    r.results_[done.file] = done.job->finish(r.multi_->outcome(at), r.multi_->last_error_detail(at));
    done.job.reset();  // closes the file
    r.feed();
  }

  const run_env& env_;
  std::vector<job_progress>& progress_;
  std::vector<job_result>& results_;
  rangeup::curl::multi_upload* multi_ = nullptr;
  std::vector<live_job> live_;  // by multi_upload index
  std::size_t next_ = 0;        // next file to prepare
};

}  // namespace

void run_curl(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results) {
  if (env.opts.jobs.size() > 1) {
    multi_runner(env, progress, results).run();
    return;
  }
  run_blocking<rangeup::curl::transport>(env, progress, results, transport_for(env.opts));
}

}  // namespace upload_cli
