// The deterministic fault simulator: seeded random schedules of 5xx, 429 +
// Retry-After, drops before and after the server stored the bytes, 416, 404
// and truncated bodies against the simulated strict server, for every flavor.
// Each run must end either with an item whose bytes equal the source or with
// a typed error within budget; never success with wrong bytes, never a hang.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <ostream>  // doctest prints std::error_code values

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "core/support/sim_server.hpp"

using namespace rangeup_test;
using rangeup::errc;

namespace {

constexpr std::uint64_t Q = 327680;

struct monotonic_observer final : rangeup::progress_observer {
  std::uint64_t last_confirmed = 0;
  std::uint32_t last_retries = 0, last_restarts = 0, calls = 0;
  bool backwards = false;
  void on_progress(const rangeup::progress& p) noexcept override {
    ++calls;
    if (p.confirmed_bytes < last_confirmed || p.retries < last_retries || p.restarts < last_restarts) backwards = true;
    last_confirmed = p.confirmed_bytes;
    last_retries = p.retries;
    last_restarts = p.restarts;
  }
};

// Errors a run may legitimately end with under faults. Anything else (400,
// 401, 413, ...) would mean the client sent something wrong.
bool acceptable_failure(const std::error_code& ec) {
  if (ec.category() != rangeup::category()) return false;
  switch (static_cast<errc>(ec.value())) {
    case errc::retries_exhausted:
    case errc::restarts_exhausted:
    case errc::malformed_response:    // a truncated final driveItem: complete, but no id to report
    case errc::range_not_satisfiable: // 416s with no way to learn the server's position
    case errc::protocol_violation:    // e.g. a double fault made the server look inconsistent
    case errc::completion_unknown:    // an attachment's final answer lost: it landed, its id is unknown
      return true;
    default:
      return false;
  }
}

struct schedule_result {
  bool done = false;
  std::string failure;
};

template <class Flavor>
schedule_result run_schedule(const Flavor& flavor, sim_config cfg, std::uint64_t chunk, std::uint64_t seed,
                             unsigned fault_percent, bool wall_clock, const std::vector<unsigned char>& bytes) {
  sim_server server(cfg, bytes.data());
  rangeup::session_options o;
  o.chunk_size = chunk;
  o.max_restarts = 4;
  rangeup::upload_session<Flavor> s(flavor, {"f.bin", cfg.size}, o);
  REQUIRE_FALSE(s.init_error());
  s.set_bearer_token("test-token");
  s.retry().seed(seed);
  auto& rs = s.retry().settings();
  rs.max_attempts = 6;
  rs.initial_delay_ms = 200;
  rs.max_delay_ms = 5000;
  rs.max_retry_after_ms = 3000;
  rs.budget_ms = 120000;
  monotonic_observer obs;
  s.set_observer(&obs);
  random_faults faults(seed * 7919 + 1, fault_percent);
  const run_outcome out = run_upload(s, server, faults, 0, 20000, 5, wall_clock);

  CAPTURE(seed);
  CHECK_MESSAGE(!out.step_limit, "the run did not end within the step budget");
  CHECK_MESSAGE(server.violations == 0, server.last_violation);
  CHECK(server.items_corrupt == 0);
  // Never a second copy: a lost final answer is looked up or reported, not
  // uploaded again (print documents are replaced by a second upload).
  if (cfg.kind != sim_kind::print) CHECK(server.items_completed <= 1);
  CHECK_FALSE(obs.backwards);
  // Budget: restarts x attempts x fragments bound the requests; virtual time
  // is bounded by the retry budget per streak.
  CHECK(out.requests < 2000);
  CHECK(out.end_ms < 3600 * 1000);
  // The bearer token went to create requests only.
  for (std::size_t i = 0; i < server.log_size(); ++i) CHECK(server.log(i).had_bearer == !server.log(i).to_upload_url);
  schedule_result r;
  if (out.done) {
    r.done = true;
    CHECK(server.items_completed >= 1);
    CHECK(out.result.id == std::string_view(server.last_item_id));  // the item whose bytes were verified
    CHECK(s.progress_info().confirmed_bytes == cfg.size);
  } else {
    CHECK(out.failed);
    CHECK_MESSAGE(acceptable_failure(out.failure.code), out.failure.code.message());
    r.failure = out.failure.code.message();
    if (std::getenv("RANGEUP_SIM_VERBOSE")) {
      std::printf("seed %llu kind %d size %llu: %s\n", static_cast<unsigned long long>(seed), static_cast<int>(cfg.kind),
                  static_cast<unsigned long long>(cfg.size), r.failure.c_str());
      for (std::size_t i = 0; i < server.log_size(); ++i) {
        const logged_request& l = server.log(i);
        std::printf("  %s%s %llu-%llu -> %d [%s]\n", std::string(rangeup::method_name(l.method)).c_str(),
                    l.to_upload_url ? "" : " (create)", static_cast<unsigned long long>(l.first),
                    static_cast<unsigned long long>(l.last), l.status, fault_name(l.injected));
      }
    }
  }
  return r;
}

std::vector<unsigned char> random_bytes(std::uint64_t n, std::uint64_t seed) {
  std::vector<unsigned char> v(static_cast<std::size_t>(n));
  rangeup::splitmix64 rng(seed);
  for (std::size_t i = 0; i < v.size(); i += 8) {
    const std::uint64_t r = rng.next();
    for (std::size_t k = 0; k < 8 && i + k < v.size(); ++k) v[i + k] = static_cast<unsigned char>(r >> (8 * k));
  }
  return v;
}

const rangeup::outlook_attachment outlook_target{"https://graph.microsoft.com/v1.0", "",
                                                 rangeup::outlook_attachment::parent_kind::message, "m="};
const rangeup::todo_attachment todo_target{"https://graph.microsoft.com/v1.0", "", "l", "t"};
const rangeup::print_document print_target{"https://graph.microsoft.com/v1.0", "p", "j", "d"};

}  // namespace

TEST_CASE("fault simulator: 1200 seeded schedules, byte-exact or a typed error") {
  constexpr std::uint64_t schedules = 1200;
  std::map<std::string, int> outcomes;
  int done = 0;
  for (std::uint64_t seed = 1; seed <= schedules; ++seed) {
    rangeup::splitmix64 rng(seed);
    const auto kind = static_cast<sim_kind>(seed % 4);
    sim_config cfg = sim_defaults(kind, 0);
    cfg.status_get = rng.next() % 2 == 0;
    cfg.ranges_in_416 = rng.next() % 2 == 0;
    cfg.retry_after_s = 1 + rng.next() % 3;
    // Now and then a session dies of old age mid-upload.
    cfg.lifetime_ms = rng.next() % 5 == 0 ? 5000 + static_cast<std::int64_t>(rng.next() % 15000) : 3600000;
    const bool wall_clock = rng.next() % 3 != 0;
    const unsigned percent = 10 + static_cast<unsigned>(rng.next() % 30);
    schedule_result r;
    if (kind == sim_kind::drive) {
      cfg.size = 1 + rng.next() % (3 * Q);
      cfg.omit_create_ranges = rng.next() % 2 == 0;
      cfg.defer_commit = rng.next() % 3 == 0;
      const auto bytes = random_bytes(cfg.size, seed);
      rangeup::drive_item d;
      d.parent_id = "root";
      d.defer_commit = cfg.defer_commit;
      r = run_schedule(d, cfg, Q, seed, percent, wall_clock, bytes);
    } else {
      cfg.size = 1 + rng.next() % 5000;
      const std::uint64_t chunk = 100 + rng.next() % 1500;
      const auto bytes = random_bytes(cfg.size, seed);
      if (kind == sim_kind::outlook)
        r = run_schedule(outlook_target, cfg, chunk, seed, percent, wall_clock, bytes);
      else if (kind == sim_kind::todo)
        r = run_schedule(todo_target, cfg, chunk, seed, percent, wall_clock, bytes);
      else
        r = run_schedule(print_target, cfg, chunk, seed, percent, wall_clock, bytes);
    }
    done += r.done ? 1 : 0;
    ++outcomes[r.done ? std::string("done") : r.failure];
  }
  std::string summary;
  for (const auto& kv : outcomes) summary += kv.first + ": " + std::to_string(kv.second) + "; ";
  MESSAGE("fault simulator outcomes: " << summary);
  // Faults are frequent but budgets generous: most runs must still finish.
  CHECK(done > static_cast<int>(schedules * 8 / 10));
}

TEST_CASE("fault simulator: every fault kind alone, on every request index, ends well") {
  // Deterministic sweep: one fault at request i, for each kind and flavor.
  for (int k = 1; k < static_cast<int>(fault::count); ++k) {
    const auto f = static_cast<fault>(k);
    for (int kind = 0; kind < 4; ++kind) {
      const auto sk = static_cast<sim_kind>(kind);
      sim_config cfg = sim_defaults(sk, sk == sim_kind::drive ? 3 * Q + 1 : 1001);
      cfg.defer_commit = sk == sim_kind::drive;
      rangeup::session_options o;
      o.chunk_size = sk == sim_kind::drive ? Q : 250;
      const auto bytes = random_bytes(cfg.size, 99);
      for (std::uint32_t at = 0; at < 8; ++at) {
        const std::string fault_label = fault_name(f);
        CAPTURE(fault_label);
        CAPTURE(kind);
        CAPTURE(at);
        sim_server server(cfg, bytes.data());
        scripted_faults faults{{at, f}};
        run_outcome out;
        auto run = [&](const auto& flavor) {
          rangeup::upload_session<std::decay_t<decltype(flavor)>> s(flavor, {"f", cfg.size}, o);
          s.set_bearer_token("test-token");
          out = run_upload(s, server, faults);
        };
        rangeup::drive_item d;
        d.parent_id = "root";
        d.defer_commit = true;
        switch (sk) {
          case sim_kind::outlook: run(outlook_target); break;
          case sim_kind::todo: run(todo_target); break;
          case sim_kind::drive: run(d); break;
          case sim_kind::print: run(print_target); break;
        }
        CHECK_MESSAGE(server.violations == 0, server.last_violation);
        CHECK(server.items_corrupt == 0);
        // A single fault is always survivable, except where the final answer
        // is lost or unreadable and the item cannot be looked up: a truncated
        // printDocument (its id is unreadable), and an attachment whose final
        // answer was lost (it landed; its id is unknown; another upload would
        // attach it twice). The driveItem is looked up by path instead.
        const bool final_fault = server.items_completed == 1 && !out.done;
        const bool truncated = f == fault::truncate_body || f == fault::truncate_flagged;
        const bool lost = f == fault::drop_after || f == fault::timeout_after;
        CHECK(server.items_completed + server.items_corrupt <= (cfg.kind == sim_kind::print ? 2u : 1u));
        if (final_fault && truncated && cfg.kind == sim_kind::print) {
          CHECK(out.failure.code == errc::malformed_response);
        } else if (final_fault && lost && (cfg.kind == sim_kind::outlook || cfg.kind == sim_kind::todo)) {
          CHECK(out.failure.code == errc::completion_unknown);
          CHECK(out.failure.http_status == 404);
        } else {
          CHECK_MESSAGE(out.done, out.failure.code.message());
          if (out.done) CHECK(out.result.id == std::string_view(server.last_item_id));
        }
      }
    }
  }
}
