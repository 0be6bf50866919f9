#include <algorithm>
#include <atomic>
#include <thread>

#include "runners.hpp"

namespace upload_cli {

job_result interrupted_before_start() {
  job_result r;
  r.exit = 130;
  r.error = "interrupted before it started";
  return r;
}

void run_on_threads(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results,
                    const std::function<job_result(prepared_job&)>& execute) {
  const std::size_t n = env.opts.jobs.size();
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      if (env.interrupted) {
        results[i] = interrupted_before_start();
        continue;
      }
      job_result early;
      const auto job = prepare_job(env, env.opts.jobs[i], progress[i], early);
      results[i] = job ? execute(*job) : early;
    }
  };
  const unsigned threads = static_cast<unsigned>(std::min<std::size_t>(env.opts.parallel, n));
  if (threads <= 1) {
    worker();
    return;
  }
  std::vector<std::thread> pool;
  for (unsigned k = 0; k < threads; ++k) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

}  // namespace upload_cli
