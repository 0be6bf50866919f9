// curl::multi_upload against rangeup-emulator: many uploads on one multi
// handle in one thread land byte-exact under seeded faults; the concurrency
// cap holds; one upload's hard failure, Retry-After wait or rate-limit pause
// does not touch the others; the cancel flag stops all of them (DELETE);
// a shared rate limit caps the sum.
// The files are small (< 3 000 000 bytes), so most tests force sessions
// (session_options::force_session; the emulator then runs with
// --allow-small-sessions): what they test is per-request behaviour of sessions.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <ostream>  // doctest prints std::error_code through it
#include <string>
#include <thread>
#include <vector>

#include "support/emulator_cases.hpp"  // emulator targets and report helpers
#include "rangeup/curl/multi_upload.hpp"
#include "rangeup/io/rate_limiter.hpp"

using namespace rangeup_test;
using rangeup::errc;

namespace {

constexpr std::uint64_t quantum = 327680;  // a legal chunk for every flavor

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

rangeup::curl::multi_options multi(std::size_t max_running) {
  rangeup::curl::multi_options o;
  o.max_running = max_running;
  o.transport.allow_http = true;
  o.transport.connect_timeout_ms = 5000;
  o.transport.request_timeout_ms = 20000;
  return o;
}

// The uploads of one test: data, source and session per file, kept alive
// (and unmoved) for the whole run.
struct upload_set {
  struct item {
    std::string name, data;
    std::unique_ptr<rangeup::memory_source> source;
    std::shared_ptr<void> session;  // keeps the session of whichever flavor alive
  };
  std::vector<std::unique_ptr<item>> items;

  // Queues `name` (size bytes of seeded data) of flavor k on m; returns its index.
  // force_session = false lets a small file go as one request (PROTOCOL.md O3, T4, D7).
  std::size_t add(rangeup::curl::multi_upload& m, flavor_kind k, const std::string& graph, const std::string& name,
                  std::size_t size, const rangeup::upload_options& uo = {}, unsigned seed = 1,
                  bool force_session = true) {
    auto it = std::make_unique<item>();
    it->name = name;
    it->data = emutest::make_data(size, seed);
    it->source = std::make_unique<rangeup::memory_source>(it->data.data(), it->data.size());
    std::size_t index = 0;
    auto queue = [&](auto&& session) {
      index = m.add(*session, *it->source, uo);
      it->session = std::shared_ptr<void>(std::move(session));
    };
    switch (k) {
      case flavor_kind::outlook: queue(make_session(outlook_target(graph), name, size, quantum, force_session)); break;
      case flavor_kind::todo: queue(make_session(todo_target(graph), name, size, quantum, force_session)); break;
      case flavor_kind::drive: queue(make_session(drive_target(graph), name, size, quantum, force_session)); break;
      case flavor_kind::print: queue(make_session(print_target(graph), name, size, quantum, force_session)); break;
    }
    items.push_back(std::move(it));
    return index;
  }

  // Every upload landed byte-exact, per the emulator's report.
  void check_landed(const emutest::json& report) const {
    for (const auto& it : items) {
      CAPTURE(it->name);
      CHECK(landed_sha256(report, it->name) == emutest::sha256_hex(it->data));
    }
  }
};

// Counts uploads with a request body in flight, through upload_options.on_send.
struct in_flight_meter {
  struct slot {
    in_flight_meter* meter = nullptr;
    bool sending = false;
  };
  std::vector<slot> slots;
  int now = 0, peak = 0;

  explicit in_flight_meter(std::size_t n) : slots(n) {
    for (auto& s : slots) s.meter = this;
  }
  static void on_send(void* p, std::uint64_t sent) noexcept {
    auto& s = *static_cast<slot*>(p);
    const bool sending = sent != 0;
    if (sending == s.sending) return;
    s.sending = sending;
    s.meter->now += sending ? 1 : -1;
    if (s.meter->now > s.meter->peak) s.meter->peak = s.meter->now;
  }
  rangeup::upload_options options(std::size_t i) {
    rangeup::upload_options o;
    o.on_send = &on_send;
    o.send_context = &slots[i];
    return o;
  }
};

}  // namespace

TEST_CASE("16 uploads of every flavor land byte-exact through seeded faults" * doctest::timeout(90)) {
  emutest::emulator_process emu({"--fault-rate", "0.25", "--seed", "11", "--fault-kinds", "500,503,429,drop,lost,slow",
                                 "--retry-after", "0", "--slow-ms", "200", "--allow-small-sessions"});
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  rangeup::curl::multi_upload m(multi(6));
  REQUIRE(m.valid());
  upload_set set;
  const flavor_kind kinds[] = {flavor_kind::outlook, flavor_kind::drive, flavor_kind::todo, flavor_kind::print};
  for (unsigned i = 0; i < 16; ++i) {
    const std::size_t size = quantum * (1 + i % 4) + (i * 7919) % 100000 + 1;  // 2..5 chunks, odd tails
    set.add(m, kinds[i % 4], graph, "f" + std::to_string(i) + ".bin", size, {}, 100 + i);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t failed = m.run();
  MESSAGE("16 uploads with faults: " << seconds_since(t0) << " s");
  CHECK(m.peak_running() == 6);

  // A "lost" answer to an attachment's LAST fragment ends in completion_unknown
  // by design (uploading again would attach it twice); its bytes did land.
  const auto report = emutest::get_report(emu.base());
  std::uint32_t retries = 0, drive_checked = 0;
  std::size_t unknown = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const auto& it = *set.items[i];
    CAPTURE(it.name);
    const auto& o = m.outcome(i);
    CHECK(landed_sha256(report, it.name) == emutest::sha256_hex(it.data));
    retries += o.stats.retries;
    const bool attachment = kinds[i % 4] == flavor_kind::outlook || kinds[i % 4] == flavor_kind::todo;
    if (attachment && o.code == errc::completion_unknown) {
      ++unknown;
      continue;
    }
    REQUIRE_MESSAGE(!o.code, o.code.message() << " " << m.last_error_detail(i));
    CHECK(o.result.size == it.data.size());
    CHECK_FALSE(o.result.id.empty());
    CHECK_FALSE(o.quick_xor_hash.empty());
    drive_checked += o.integrity_checked ? 1 : 0;
  }
  MESSAGE(unknown << " attachment(s) ended in completion_unknown (lost final answer)");
  CHECK(failed == unknown);
  CHECK(unknown <= 3);
  CHECK(drive_checked == 4);  // driveItem answers carry quickXorHash, compared with the bytes sent
  CHECK(counter(report, "faults_injected") > 0);
  CHECK(retries > 0);
  // Only 416s after a "lost" answer are expected: nothing strict was violated.
  for (const auto& v : report["violations"]) CHECK(v.value("kind", "") == "range_already_received");
  CHECK(counter(report, "completed") >= 16);  // print uploads again after a lost final answer
  CHECK(counter(report, "requests") < 400);  // 16 creates + ~56 PUTs + retries: bounded
}

TEST_CASE("the concurrency cap holds: at most max_running uploads at once, the rest queued" * doctest::timeout(60)) {
  // Every PUT is answered 150 ms late, so running uploads overlap for long.
  emutest::emulator_process emu(
      {"--fault-rate", "1", "--fault-kinds", "slow", "--slow-ms", "150", "--allow-small-sessions"});
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  rangeup::curl::multi_upload m(multi(3));
  upload_set set;
  in_flight_meter meter(10);
  for (unsigned i = 0; i < 10; ++i)
    set.add(m, flavor_kind::outlook, graph, "cap" + std::to_string(i), quantum * 2 + 5, meter.options(i), i);

  // The emulator's view: sessions created and not yet completed, sampled from another thread.
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> peak_sessions{0};
  std::thread sampler([&] {
    while (!done) {
      const std::uint64_t active = counter(emutest::get_report(emu.base()), "active_sessions");
      if (active > peak_sessions) peak_sessions = active;
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
  });
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t failed = m.run();
  const double took = seconds_since(t0);
  done = true;
  sampler.join();

  CHECK(failed == 0);
  CHECK(meter.peak == 3);  // three PUTs in flight at once, never four
  CHECK(m.peak_running() == 3);
  CHECK(peak_sessions <= 3);
  CHECK(peak_sessions >= 2);
  // 10 uploads x 3 slow PUTs: ~4.5 s one by one, ~1.5 s three at a time.
  CHECK(took < 3.5);
  CHECK(counter(emutest::get_report(emu.base()), "completed") == 10);
}

TEST_CASE("one upload's hard failure leaves the others successful" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args({}, true));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  const std::string nowhere = emu.base() + "/nowhere/v1.0";  // create → 404
  rangeup::curl::multi_upload m(multi(4));
  upload_set set;
  for (unsigned i = 0; i < 5; ++i)
    set.add(m, i == 1 ? flavor_kind::drive : flavor_kind::outlook, i == 2 ? nowhere : graph, "h" + std::to_string(i),
            quantum * 3 + i, {}, 50 + i);
  CHECK(m.run() == 1);
  const auto report = emutest::get_report(emu.base());
  for (std::size_t i = 0; i < m.size(); ++i) {
    CAPTURE(i);
    const auto& o = m.outcome(i);
    if (i == 2) {
      CHECK(o.code == errc::target_not_found);
      CHECK(o.error.http_status == 404);
      CHECK(o.stats.bytes_sent == 0);
      continue;
    }
    REQUIRE_MESSAGE(!o.code, o.code.message());
    CHECK(landed_sha256(report, set.items[i]->name) == emutest::sha256_hex(set.items[i]->data));
  }
  CHECK(counter(report, "completed") == 4);
}

TEST_CASE("the cancel flag stops every upload promptly with errc::cancelled and DELETEs" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args({}, true));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  rangeup::io::rate_limiter slow(1024 * 1024);  // 6 x 2 MiB at 1 MiB/s would take 12 s
  std::atomic<bool> cancel{false};
  rangeup::curl::multi_upload m(multi(6));
  upload_set set;
  for (unsigned i = 0; i < 6; ++i) {
    rangeup::upload_options uo;
    uo.cancel_flag = &cancel;
    uo.rate_limit = &slow;
    set.add(m, i % 2 != 0 ? flavor_kind::drive : flavor_kind::outlook, graph, "c" + std::to_string(i),
            2 * 1024 * 1024, uo, i);
  }
  std::chrono::steady_clock::time_point cancelled_at{};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    cancelled_at = std::chrono::steady_clock::now();
    cancel = true;
    m.wakeup();
  });
  const auto t0 = std::chrono::steady_clock::now();
  m.run();
  canceller.join();
  const double after_cancel = seconds_since(cancelled_at);
  const double took = seconds_since(t0);
  MESSAGE("run() returned " << after_cancel << " s after the cancel (" << took << " s in all)");
  CHECK(after_cancel < 1.0);

  const auto report = emutest::get_report(emu.base());
  for (std::size_t i = 0; i < m.size(); ++i) {
    CAPTURE(i);
    CHECK(m.outcome(i).code == errc::cancelled);
    CHECK(m.outcome(i).stats.confirmed_bytes < 2 * 1024 * 1024);
  }
  CHECK(counter(report, "creates") == 6);
  CHECK(counter(report, "deletes") == 6);  // every session was DELETEd
  CHECK(counter(report, "active_sessions") == 0);
  CHECK(counter(report, "completed") == 0);
}

TEST_CASE("a Retry-After wait of one upload does not delay another" * doctest::timeout(60)) {
  // The first PUT that reaches the emulator gets 429 with Retry-After: 2.
  emutest::emulator_process emu({"--faults", "429@1", "--retry-after", "2", "--allow-small-sessions"});
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  rangeup::curl::multi_upload m(multi(2));
  upload_set set;
  set.add(m, flavor_kind::outlook, graph, "w0", quantum * 2 + 1, {}, 1);
  set.add(m, flavor_kind::outlook, graph, "w1", quantum * 2 + 1, {}, 2);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(m.run() == 0);
  const double took = seconds_since(t0);

  const std::size_t waited = m.outcome(0).stats.retries == 1 ? 0 : 1;
  const std::size_t other = 1 - waited;
  REQUIRE(m.outcome(waited).stats.retries == 1);
  CHECK(m.outcome(other).stats.retries == 0);
  CHECK(m.outcome(waited).seconds >= 1.9);  // Retry-After honoured
  CHECK(m.outcome(other).seconds < 1.0);    // and not imposed on the other upload
  CHECK(took < 3.5);
  set.check_landed(emutest::get_report(emu.base()));
}

TEST_CASE("a rate-limit pause of one upload does not delay an unlimited one" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args({}, true));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  rangeup::io::rate_limiter slow(256 * 1024);
  rangeup::upload_options limited;
  limited.rate_limit = &slow;
  rangeup::curl::multi_upload m(multi(2));
  upload_set set;
  set.add(m, flavor_kind::outlook, graph, "paced", 512 * 1024, limited, 1);  // ~2 s at 256 KiB/s
  set.add(m, flavor_kind::outlook, graph, "free", 4 * 1024 * 1024, {}, 2);
  CHECK(m.run() == 0);
  CHECK(m.outcome(0).seconds >= 1.6);
  CHECK(m.outcome(1).seconds < 1.0);
  set.check_landed(emutest::get_report(emu.base()));
}

TEST_CASE("a shared rate limit caps the sum of parallel uploads" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args({}, true));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  constexpr std::uint64_t rate = 2 * 1024 * 1024;
  rangeup::io::rate_limiter shared(rate);
  rangeup::curl::multi_upload m(multi(4));
  upload_set set;
  in_flight_meter meter(4);
  for (unsigned i = 0; i < 4; ++i) {
    rangeup::upload_options o = meter.options(i);
    o.rate_limit = &shared;
    set.add(m, i % 2 != 0 ? flavor_kind::drive : flavor_kind::outlook, graph, "r" + std::to_string(i), 1024 * 1024,
            o, i);
  }
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(m.run() == 0);
  const double took = seconds_since(t0);
  std::uint64_t sent = 0;
  for (std::size_t i = 0; i < m.size(); ++i) sent += m.outcome(i).stats.bytes_sent;
  const double measured = static_cast<double>(sent) / took;
  MESSAGE("4 uploads sharing " << rate << " B/s: " << measured << " B/s over " << took << " s");
  CHECK(meter.peak == 4);  // really in parallel
  CHECK(sent == 4 * 1024 * 1024);
  CHECK(measured <= rate * 1.1);
  CHECK(measured >= rate * 0.8);
}

TEST_CASE("a wrong driveItem hash fails only the drive uploads" * doctest::timeout(60)) {
  emutest::emulator_process emu({"--corrupt-hash"});
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  rangeup::curl::multi_upload m(multi(3));
  upload_set set;
  set.add(m, flavor_kind::drive, graph, "d0", quantum + 3, {}, 1);          // a session's final driveItem
  set.add(m, flavor_kind::outlook, graph, "o1", quantum + 3, {}, 2, false);  // one POST
  set.add(m, flavor_kind::drive, graph, "d2", quantum * 2, {}, 3, false);   // one PUT's driveItem
  CHECK(m.run() == 2);
  CHECK(m.outcome(0).code == errc::integrity_mismatch);
  CHECK(m.outcome(0).integrity_checked);
  CHECK(!m.outcome(1).code);
  CHECK(m.outcome(1).result.simple_request);
  CHECK(m.outcome(2).code == errc::integrity_mismatch);
  CHECK(m.outcome(2).integrity_checked);
  CHECK(m.outcome(2).result.simple_request);
}

TEST_CASE("on_finished feeds a long list a few uploads at a time" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args());  // To Do sessions take any size (T1)
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  struct feeder {
    rangeup::curl::multi_upload* m = nullptr;
    upload_set set;
    const std::string* graph = nullptr;
    unsigned added = 0;
    std::vector<std::size_t> finished;
    void add_one() {
      set.add(*m, flavor_kind::todo, *graph, "l" + std::to_string(added), quantum + added, {}, added,
              added % 2 == 0);  // To Do sessions (bearer on PUT {uploadUrl}/content, T2) and POSTs (T4)
      ++added;
    }
    static void on_finished(void* p, std::size_t index) {
      auto& f = *static_cast<feeder*>(p);
      f.finished.push_back(index);
      f.set.items[index]->session.reset();  // no longer used once finished
      if (f.added < 7) f.add_one();
    }
  } f;
  rangeup::curl::multi_options mo = multi(2);
  mo.on_finished = &feeder::on_finished;
  mo.finished_context = &f;
  rangeup::curl::multi_upload m(mo);
  f.m = &m;
  f.graph = &graph;
  f.add_one();
  f.add_one();
  CHECK(m.run() == 0);
  REQUIRE(m.size() == 7);
  CHECK(f.finished.size() == 7);
  CHECK(m.peak_running() == 2);
  for (std::size_t i = 0; i < m.size(); ++i) CHECK(!m.outcome(i).code);
  const auto report = emutest::get_report(emu.base());
  f.set.check_landed(report);
  for (std::size_t i = 0; i < m.size(); ++i) {
    CAPTURE(i);
    CHECK(landed_via(report, f.set.items[i]->name) == (i % 2 == 0 ? "session" : "post"));
  }
  CHECK(violation_count(report) == 0);
}
