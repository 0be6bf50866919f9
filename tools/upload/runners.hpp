#pragma once
// Runners: each executes the jobs of one run over one transport, filling
// results[i] for opts.jobs[i]. Jobs are prepared by prepare_job (upload_job.hpp)
// whatever the transport; a runner only decides how they run at once.
//   curl         up to --parallel threads, a libcurl easy handle each
//   beast        up to --parallel threads, a Boost.Beast sync transport each
//   beast-async  one io_context on the calling thread, up to --parallel uploads at a time

#include <functional>
#include <variant>
#include <vector>

#include "upload_job.hpp"

namespace upload_cli {

// Prepares and executes jobs on up to opts.parallel threads; execute(job)
// runs one prepared job to its result.
void run_on_threads(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results,
                    const std::function<job_result(prepared_job&)>& execute);

// Runs each job with its own blocking Transport (built from options) on up to
// opts.parallel threads: the curl runner for one file, and the Beast sync runner.
template <class Transport, class Options>
void run_blocking(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results,
                  const Options& options) {
  run_on_threads(env, progress, results, [&options](prepared_job& job) {
    Transport transport(options);
    const rangeup::upload_outcome outcome = std::visit(
        [&](auto* session) { return rangeup::upload(*session, transport, job.source(), job.driver_options()); },
        job.session());
    return job.finish(outcome, transport.last_error_detail());
  });
}

// The result of a job the user interrupted before it began.
job_result interrupted_before_start();

void run_curl(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results);

#if RANGEUP_UPLOAD_WITH_BEAST
void run_beast(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results);
void run_beast_async(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results);
#endif

}  // namespace upload_cli
