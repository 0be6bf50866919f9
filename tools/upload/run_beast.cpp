// The Boost.Beast runners (compiled only with RANGEUP_UPLOAD_WITH_BEAST, so
// curl-only builds do not pay Beast's compile cost):
//   beast        rangeup::upload over rangeup::beast::transport, one thread per file;
//   beast-async  rangeup::beast::async_upload, every file on one io_context on
//                this thread, at most --parallel at a time.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include <boost/asio/io_context.hpp>

#include "rangeup/beast/async_upload.hpp"
#include "rangeup/beast/transport.hpp"
#include "runners.hpp"

namespace upload_cli {
namespace {

namespace net = boost::asio;

// One TLS context (trust store loaded once: that takes ~0.3 s) for every
// connection of an https run. If it cannot be built, each connection reports
// tls_error itself; an http (loopback) run never builds one.
rangeup::beast::transport_options transport_for(const options& o) {
  rangeup::beast::transport_options to;
  to.allow_http = o.allow_http;
  to.ca_file = o.ca_file;
  if (o.graph_base.rfind("https://", 0) == 0) {
    std::error_code ec;
    to.tls_context = rangeup::beast::make_tls_context(to, ec);
  }
  if (o.timeout_s != 0) {  // like curl's per-request timeout
    to.connect_timeout = std::chrono::milliseconds(o.timeout_s * 1000);
    to.io_timeout = std::chrono::milliseconds(o.timeout_s * 1000);
  }
  return to;
}

}  // namespace

void run_beast(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results) {
  run_blocking<rangeup::beast::transport>(env, progress, results, transport_for(env.opts));
}

void run_beast_async(const run_env& env, std::vector<job_progress>& progress, std::vector<job_result>& results) {
  const rangeup::beast::transport_options to = transport_for(env.opts);
  const std::size_t n = env.opts.jobs.size();
  net::io_context io(1);
  struct running {
    std::unique_ptr<prepared_job> job;
    rangeup::upload_outcome outcome;
    std::string detail;
  };
  std::vector<std::unique_ptr<running>> live(n);
  std::size_t next = 0, active = 0;

  // Starts files until --parallel run at once. SIGINT/SIGTERM set
  // env.interrupted, the cancel flag of every job's driver options, which
  // async_upload polls (cancel -> DELETE, as the blocking driver does).
  std::function<void()> start_more = [&] {
    while (active < env.opts.parallel && next < n) {
      const std::size_t i = next++;
      if (env.interrupted) {
        results[i] = interrupted_before_start();
        continue;
      }
      job_result early;
      auto r = std::make_unique<running>();
      r->job = prepare_job(env, env.opts.jobs[i], progress[i], early);
      if (!r->job) {
        results[i] = early;
        continue;
      }
      ++active;
      running& run = *r;
      live[i] = std::move(r);
      rangeup::beast::upload_options o(run.job->driver_options(), to);
      o.outcome = &run.outcome;
      o.error_detail = &run.detail;
      auto done = [&, i](std::error_code, rangeup::upload_result) {
        results[i] = live[i]->job->finish(live[i]->outcome, live[i]->detail);
        live[i].reset();  // closes the file
        --active;
        start_more();
      };
      std::visit([&](auto* session) { rangeup::beast::async_upload(io, *session, run.job->source(), o, done); },
                 run.job->session());
    }
  };
  start_more();
  io.run();
}

}  // namespace upload_cli
