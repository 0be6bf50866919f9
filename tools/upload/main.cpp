// rangeup-upload: uploads files through Microsoft Graph upload sessions
// (README, "The command-line uploader"). Parsing, the per-file job, progress and output live in
// their own files; this one wires them together and picks the exit code.

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <cstdlib>
#include <string>
#include <vector>

#include "json_out.hpp"
#include "options.hpp"
#include "output.hpp"
#include "progress_display.hpp"
#include "rangeup/config.hpp"
#include "rangeup/io/token_cache.hpp"
#include "token_source.hpp"
#include "units.hpp"
#include "runners.hpp"
#include "upload_job.hpp"

namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler stores into it");

extern "C" void on_signal(int) { g_interrupted.store(true); }

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

// Failures outrank success; an interruption outranks everything.
int combine(int a, int b) {
  if (a == 130 || b == 130) return 130;
  return a > b ? a : b;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace upload_cli;
  output out;
  options opts;
  std::string error;
  switch (parse_options(argc, argv, opts, error)) {
    case parse_outcome::help:
      out.out(usage_text);
      return exit_ok;
    case parse_outcome::version:
      out.out(std::string("rangeup-upload ") + RANGEUP_VERSION_STRING);
      return exit_ok;
    case parse_outcome::usage_error:
      out.err("rangeup-upload: " + error + " (see --help)");
      return exit_usage;
    case parse_outcome::run:
      break;
  }
  // --token-env (the default): one token for the whole run. --token-file /
  // --token-command: asked when a request needs the bearer, through one cache
  // for every file (token_source.hpp).
  const bool token_from_env = opts.token_file.empty() && opts.token_command.empty();
  const char* token_value = std::getenv(opts.token_env.c_str());
  std::string token;
  if (token_value != nullptr) out.add_secret(token_value);  // masked whatever the source
  if (token_from_env) {
    if (token_value == nullptr || *token_value == '\0') {
      out.err("rangeup-upload: environment variable " + opts.token_env +
              " is not set; it must hold the Graph bearer token (see --token-env, --token-file, --token-command)");
      return exit_usage;
    }
    token = token_value;
  }
  install_signal_handlers();
  std::unique_ptr<token_source> source;
  std::unique_ptr<rangeup::io::token_cache> cache;
  rangeup::token_provider tokens;
  if (!token_from_env) {
    source = std::make_unique<token_source>(opts, out, g_interrupted);
    cache = std::make_unique<rangeup::io::token_cache>([s = source.get()](std::string& t) { return s->fetch(t); });
    tokens = cache->provider();
  }

  const std::size_t n = opts.jobs.size();
  std::vector<job_progress> progress(n);
  std::vector<job_progress*> progress_ptrs;
  for (std::size_t i = 0; i < n; ++i) {
    progress[i].label = opts.jobs[i].file;
    progress_ptrs.push_back(&progress[i]);
  }
  const auto style = opts.quiet                 ? progress_display::style::none
                     : ::isatty(STDERR_FILENO) ? progress_display::style::bar
                                               : progress_display::style::lines;
  progress_display display(out, style);
  display.start(progress_ptrs);

  // One bucket for the whole run: --limit-rate caps the sum of all files.
  std::unique_ptr<rangeup::io::rate_limiter> limit;
  if (opts.limit_rate != 0) limit = std::make_unique<rangeup::io::rate_limiter>(opts.limit_rate);

  // The runner for --transport executes every job (runners.hpp).
  std::vector<job_result> results(n);
  const run_env env{opts, token, g_interrupted, out, limit.get(), tokens, source.get()};
  switch (opts.transport) {
    case transport_kind::curl:
      run_curl(env, progress, results);
      break;
#if RANGEUP_UPLOAD_WITH_BEAST
    case transport_kind::beast:
      run_beast(env, progress, results);
      break;
    case transport_kind::beast_async:
      run_beast_async(env, progress, results);
      break;
#else
    default:  // rejected by parse_options
      return exit_usage;
#endif
  }
  display.stop();

  int code = exit_ok;
  // --json: one object for one file; a JSON array, in argument order, for several.
  std::vector<std::string> json_results;
  for (std::size_t i = 0; i < n; ++i) {
    const job_result& r = results[i];
    const job_spec& job = opts.jobs[i];
    code = combine(code, r.exit);
    if (r.exit != exit_ok) {
      out.err("rangeup-upload: " + job.file + ": " + r.error);
      if (opts.json) {
        json_object o;
        o.string("file", job.file).string("target", job.where.text).string("error", r.error);
        o.number("exit", static_cast<std::uint64_t>(r.exit)).number("tokens_fetched", r.tokens_fetched);
        if (!r.quick_xor_hash.empty()) o.string("quickXorHash", r.quick_xor_hash);
        json_results.push_back(o.str());
      }
      continue;
    }
    // PROTOCOL.md E6: the attachment exists but its id is unknown. Said even
    // under --quiet and --json: the one thing the user must not do is upload again.
    if (r.id_unknown)
      out.err("rangeup-upload: " + job.file + ": note: the service did not return the attachment id; "
              "the attachment exists, do not upload it again");
    // "single-request": no upload session (a small file); "none": nothing sent
    // this run (the resume file records a finished upload).
    const char* method = r.already_done ? "none" : r.simple_request ? "single-request" : "session";
    if (opts.json) {
      json_object o;
      o.string("file", job.file);
      if (r.id_unknown) o.null("id").boolean("id_unknown", true);
      else o.string("id", r.id);
      o.string("name", r.name)
          .number("size", r.size)
          .string("target", job.where.text)
          .string("method", method)
          .number("bytes_sent", r.bytes_sent)
          .number("retries", r.retries)
          .number("restarts", r.restarts)
          .real("seconds", r.seconds)
          .string("quickXorHash", r.quick_xor_hash)
          .boolean("integrity_checked", r.integrity_checked)
          .number("tokens_fetched", r.tokens_fetched);
      if (!r.content_type.empty()) o.string("contentType", r.content_type);
      json_results.push_back(o.str());
    } else {
      std::string line = job.file + ": " + (r.already_done ? "already uploaded (per the resume file)" : "uploaded") +
                         " " + format_bytes(static_cast<double>(r.size)) + " to " + job.where.text;
      if (r.simple_request) line += " in one request";
      line += r.id_unknown ? ", id not returned by the service" : ", id " + r.id;
      if (!r.already_done && r.seconds > 0)
        line += " (" + format_bytes(static_cast<double>(r.size) / r.seconds) + "/s, " + std::to_string(r.retries) +
                " retries)";
      out.out(line);
    }
  }
  if (json_results.size() == 1 && n == 1) {
    out.out(json_results.front());
  } else if (!json_results.empty()) {
    std::string array = "[\n";
    for (std::size_t i = 0; i < json_results.size(); ++i)
      array += json_results[i] + (i + 1 < json_results.size() ? ",\n" : "\n");
    out.out(array + "]");
  }
  return code;
}
