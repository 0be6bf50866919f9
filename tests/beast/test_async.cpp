// rangeup::beast::async_upload against rangeup-emulator: completion tokens
// (callback, use_future, use_awaitable), 32 concurrent uploads on one
// io_context, cancellation through a per-operation cancellation slot.
// Tests about sessions force one (session_options::force_session) where the
// file is small enough to go as one request (docs/PROTOCOL.md O2, D7); Outlook
// ones then need the emulator's --allow-small-sessions.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#if defined(__cpp_impl_coroutine)
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#endif

#include "support/emulator_cases.hpp"
#include "rangeup/beast/async_upload.hpp"
#include "support/test_data.hpp"

namespace net = boost::asio;
using namespace rangeup_test;

namespace {

rangeup::beast::upload_options loopback_upload() {
  rangeup::beast::upload_options o;
  o.transport.allow_http = true;
  o.transport.connect_timeout = std::chrono::milliseconds(5000);
  o.transport.io_timeout = std::chrono::milliseconds(10000);
  return o;
}

// Runs io until it is out of work, on at most `threads` threads, bounded by a watchdog.
void run_bounded(net::io_context& io, int threads = 1, std::chrono::seconds limit = std::chrono::seconds(60)) {
  std::atomic<bool> finished{false};
  std::thread watchdog([&] {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!finished && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!finished) io.stop();
  });
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) extra.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : extra) t.join();
  finished = true;
  watchdog.join();
}

class first_progress : public rangeup::progress_observer {
 public:
  explicit first_progress(std::function<void()> f) : fire_(std::move(f)) {}
  void on_progress(const rangeup::progress& p) noexcept override {
    if (p.confirmed_bytes > 0 && !fired_) {
      fired_ = true;
      fire_();
    }
  }

 private:
  std::function<void()> fire_;
  bool fired_ = false;
};

}  // namespace

// One upload with a plain callback; returns (calls, error, result).
template <class Flavor>
void callback_upload(net::io_context& io, const Flavor& target, const std::string& name, const std::string& data,
                     std::uint64_t chunk, bool force_session) {
  rangeup::memory_source source(data.data(), data.size());
  auto session = make_session(target, name, data.size(), chunk, force_session);
  int calls = 0;
  std::error_code error;
  rangeup::upload_result result;
  rangeup::beast::async_upload(io, *session, source, loopback_upload(), [&](std::error_code ec, rangeup::upload_result r) {
    ++calls;
    error = ec;
    result = r;
  });
  CHECK(calls == 0);  // never completes inside the initiating call
  io.restart();
  run_bounded(io);
  CHECK(calls == 1);
  REQUIRE_MESSAGE(!error, error.message());
  CHECK(result.size == data.size());
  CHECK_FALSE(result.id.empty());
  CHECK(result.simple_request == !force_session);
}

TEST_CASE("async_upload with a callback, every flavor, one io_context" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args("503@2,drop@5", true));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  net::io_context io;
  const std::string data = test_bytes(327680 * 4 + 3, 101);
  // Sessions (forced: the file is small), the faults land on their PUTs.
  callback_upload(io, outlook_target(graph), "async-outlook.bin", data, 327680, true);
  callback_upload(io, todo_target(graph), "async-todo.bin", data, 327680, true);
  callback_upload(io, drive_target(graph), "async-drive.bin", data, 327680, true);
  callback_upload(io, print_target(graph), "async-print.bin", data, 327680, true);
  // The same file as one request: attachment POST (O3, T4), drive PUT (D7).
  callback_upload(io, outlook_target(graph), "async-outlook-post.bin", data, 0, false);
  callback_upload(io, todo_target(graph), "async-todo-post.bin", data, 0, false);
  callback_upload(io, drive_target(graph), "async-drive-put.bin", data, 0, false);
  const auto report = emutest::get_report(emu.base());
  for (const char* name : {"async-outlook.bin", "async-todo.bin", "async-drive.bin", "async-print.bin"}) {
    CAPTURE(std::string(name));
    CHECK(landed_sha256(report, name) == sha256_hex(data));
    CHECK(landed_via(report, name) == "session");
  }
  CHECK(landed_via(report, "async-outlook-post.bin") == "post");
  CHECK(landed_via(report, "async-todo-post.bin") == "post");
  CHECK(landed_via(report, "async-drive-put.bin") == "put");
  for (const char* name : {"async-outlook-post.bin", "async-todo-post.bin", "async-drive-put.bin"}) {
    CAPTURE(std::string(name));
    CHECK(landed_sha256(report, name) == sha256_hex(data));
  }
  CHECK(counter(report, "faults_injected") == 2);
  CHECK(violation_count(report) == 0);
}

TEST_CASE("32 concurrent uploads on one io_context (two threads, a strand each)" * doctest::timeout(90)) {
  // Faults that are safe wherever they land: which upload gets the N-th PUT
  // depends on scheduling, and a "lost" final driveItem fragment ends in 409
  // by design (the item exists when the restarted session commits again).
  // Sessions, forced (every file is < 3 000 000 bytes).
  emutest::emulator_process emu(emulator_args("503@7,drop@15,429@23,500@31,drop@40", true));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  constexpr int count = 32;
  struct upload {
    std::string name;
    std::string data;
    rangeup::memory_source source;
    std::error_code error;
    rangeup::upload_result result;
    int calls = 0;
  };
  std::vector<std::unique_ptr<upload>> uploads;
  std::vector<std::unique_ptr<rangeup::upload_session<rangeup::outlook_attachment>>> outlook;
  std::vector<std::unique_ptr<rangeup::upload_session<rangeup::drive_item>>> drive;
  const auto of = outlook_target(graph);
  const auto df = drive_target(graph);

  net::io_context io(2);
  std::atomic<int> completed{0};
  for (int i = 0; i < count; ++i) {
    auto u = std::make_unique<upload>();
    u->name = "concurrent-" + std::to_string(i) + ".bin";
    u->data = test_bytes(200000 + static_cast<std::size_t>(i) * 37000, static_cast<unsigned>(1000 + i));
    u->source = rangeup::memory_source(u->data.data(), u->data.size());
    auto done = [&completed, p = u.get()](std::error_code ec, rangeup::upload_result r) {
      ++p->calls;
      p->error = ec;
      p->result = r;
      ++completed;
    };
    if (i % 2 == 0) {
      outlook.push_back(make_session(of, u->name, u->data.size(), 256 * 1024, true));
      rangeup::beast::async_upload(net::make_strand(io), *outlook.back(), u->source, loopback_upload(), done);
    } else {
      drive.push_back(make_session(df, u->name, u->data.size(), 327680, true));
      rangeup::beast::async_upload(net::make_strand(io), *drive.back(), u->source, loopback_upload(), done);
    }
    uploads.push_back(std::move(u));
  }
  run_bounded(io, 2, std::chrono::seconds(80));
  CHECK(completed == count);
  const auto report = emutest::get_report(emu.base());
  for (const auto& u : uploads) {
    CAPTURE(u->name);
    CHECK(u->calls == 1);
    CHECK_MESSAGE(!u->error, u->error.message());
    CHECK(u->result.size == u->data.size());
    CHECK(landed_sha256(report, u->name) == sha256_hex(u->data));
  }
  CHECK(counter(report, "faults_injected") >= 4);
  CHECK(violation_count(report) == 0);
}

TEST_CASE("use_future delivers (error_code, upload_result) without exceptions" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args());
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  const std::string data = test_bytes(700001, 9);
  rangeup::memory_source source(data.data(), data.size());
  net::io_context io;
  {
    auto owner = make_session(drive_target(graph), "future.bin", data.size(), 327680);
    auto& session = *owner;
    auto future = rangeup::beast::async_upload(io, session, source, loopback_upload(), net::use_future);
    std::thread runner([&] { run_bounded(io); });
    // (no structured bindings: clang 14 cannot capture them in doctest's lambdas)
    const auto outcome = future.get();
    const std::error_code ec = std::get<0>(outcome);
    const rangeup::upload_result& result = std::get<1>(outcome);
    runner.join();
    REQUIRE_MESSAGE(!ec, ec.message());
    CHECK(result.size == data.size());
    CHECK_FALSE(result.quick_xor_hash.empty());
  }
  // A failure arrives as a value too: no bearer token and no provider to ask.
  {
    auto owner = make_session(drive_target(graph), "future-refused.bin", data.size(), 327680);
    auto& session = *owner;
    session.set_bearer_token("");
    auto future = rangeup::beast::async_upload(io, session, source, loopback_upload(), net::use_future);
    io.restart();
    std::thread runner([&] { run_bounded(io); });
    // (no structured bindings: clang 14 cannot capture them in doctest's lambdas)
    const auto outcome = future.get();
    const std::error_code ec = std::get<0>(outcome);
    const rangeup::upload_result& result = std::get<1>(outcome);
    runner.join();
    CHECK(ec == rangeup::errc::token_unavailable);
    CHECK(result.id.empty());
  }
  CHECK(landed_sha256(emutest::get_report(emu.base()), "future.bin") == sha256_hex(data));
}

#if defined(__cpp_impl_coroutine)
TEST_CASE("use_awaitable inside a C++20 coroutine" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args("429@2"));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  const std::string data = test_bytes(1500000, 21);
  rangeup::memory_source source(data.data(), data.size());
  net::io_context io;
  {
    // A To Do session (forced: 1.5 MB would be one POST), so that 429@2 hits its 2nd request.
    auto owner = make_session(todo_target(graph), "awaited.bin", data.size(), 512 * 1024, true);
    auto& session = *owner;
    std::error_code error = rangeup::errc::invalid_argument;
    rangeup::upload_result result;
    net::co_spawn(
        io,
        [&]() -> net::awaitable<void> {
          auto [ec, r] = co_await rangeup::beast::async_upload(co_await net::this_coro::executor, session, source,
                                                               loopback_upload(), net::use_awaitable);
          error = ec;
          result = r;
        },
        net::detached);
    run_bounded(io);
    REQUIRE_MESSAGE(!error, error.message());
    CHECK(result.size == data.size());
  }
  CHECK(landed_sha256(emutest::get_report(emu.base()), "awaited.bin") == sha256_hex(data));
}
#endif

TEST_CASE("cancellation slot: mid-request and mid-wait cancels DELETE the session" * doctest::timeout(60)) {
  SUBCASE("while a PUT is in flight") {
    emutest::emulator_process emu(emulator_args("slow@2,slow@3"));
    REQUIRE(emu.started());
    const std::string graph = emu.base() + "/v1.0";
    const std::string data = test_bytes(327680 * 8, 31);
    rangeup::memory_source source(data.data(), data.size());
    net::io_context io;
    net::cancellation_signal signal;
    first_progress cancel_soon([&] { net::post(io, [&] { signal.emit(net::cancellation_type::terminal); }); });
    {
      auto owner = make_session(drive_target(graph), "cancelled.bin", data.size(), 327680, true);
      auto& session = *owner;
      session.set_observer(&cancel_soon);
      std::error_code error;
      int calls = 0;
      rangeup::beast::async_upload(io, session, source, loopback_upload(),
                                   net::bind_cancellation_slot(signal.slot(), [&](std::error_code ec, rangeup::upload_result) {
                                     ++calls;
                                     error = ec;
                                   }));
      run_bounded(io);
      CHECK(calls == 1);
      CHECK(error == rangeup::errc::cancelled);
      CHECK(session.progress_info().confirmed_bytes < data.size());
    }
    const auto report = emutest::get_report(emu.base());
    CHECK(counter(report, "deletes") == 1);
    CHECK(landed_sha256(report, "cancelled.bin").empty());
  }
  SUBCASE("while waiting out a Retry-After") {
    emutest::emulator_process emu({"--retry-after", "10", "--faults", "503@2"});  // within fast_retry's budget
    REQUIRE(emu.started());
    const std::string graph = emu.base() + "/v1.0";
    const std::string data = test_bytes(327680 * 4, 32);
    rangeup::memory_source source(data.data(), data.size());
    net::io_context io;
    net::cancellation_signal signal;
    net::steady_timer later(io, std::chrono::milliseconds(1500));
    later.async_wait([&](boost::system::error_code) { signal.emit(net::cancellation_type::terminal); });
    const auto start = std::chrono::steady_clock::now();
    {
      auto owner = make_session(drive_target(graph), "waiting.bin", data.size(), 327680, true);
      auto& session = *owner;
      std::error_code error;
      rangeup::beast::async_upload(io, session, source, loopback_upload(),
                                   net::bind_cancellation_slot(signal.slot(), [&](std::error_code ec, rangeup::upload_result) {
                                     error = ec;
                                   }));
      run_bounded(io);
      CHECK(error == rangeup::errc::cancelled);
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(7));  // not the 10 s Retry-After
    CHECK(counter(emutest::get_report(emu.base()), "deletes") == 1);
  }
}

// --- parity with rangeup::upload (adapters/io): integrity, hooks, outcome, rate limit, timeout ---

namespace {

struct hook_counts {
  std::uint64_t largest_sent = 0;
  int zero_reports = 0;
  int exchanges = 0;
};

rangeup::beast::upload_options counted(hook_counts& h, rangeup::upload_outcome& out) {
  auto o = loopback_upload();
  o.on_send = [](void* c, std::uint64_t sent) noexcept {
    auto& counts = *static_cast<hook_counts*>(c);
    if (sent == 0) ++counts.zero_reports;
    if (sent > counts.largest_sent) counts.largest_sent = sent;
  };
  o.send_context = &h;
  o.after_exchange = [](void* c) noexcept { ++static_cast<hook_counts*>(c)->exchanges; };
  o.exchange_context = &h;
  o.outcome = &out;
  return o;
}

// One drive upload of `data` in a (forced) session on its own io_context; (error, result).
std::pair<std::error_code, rangeup::upload_result> drive_upload(const std::string& graph, const std::string& data,
                                                                const char* name,
                                                                const rangeup::beast::upload_options& o) {
  rangeup::memory_source source(data.data(), data.size());
  net::io_context io;
  auto session = make_session(drive_target(graph), name, data.size(), 327680, true);
  std::pair<std::error_code, rangeup::upload_result> out{rangeup::errc::invalid_argument, {}};
  rangeup::beast::async_upload(io, *session, source, o, [&](std::error_code ec, rangeup::upload_result r) {
    out.first = ec;
    out.second = r;
  });
  run_bounded(io);
  return out;
}

}  // namespace

TEST_CASE("async_upload verifies the driveItem quickXorHash and fills the outcome" * doctest::timeout(60)) {
  const std::string data = test_bytes(327680 * 3 + 11, 77);
  hook_counts hooks;
  rangeup::upload_outcome out;
  SUBCASE("hashes agree") {
    emutest::emulator_process emu(emulator_args());
    REQUIRE(emu.started());
    const auto r = drive_upload(emu.base() + "/v1.0", data, "verified.bin", counted(hooks, out));
    REQUIRE_MESSAGE(!r.first, r.first.message());
    CHECK(out.code == r.first);
    CHECK(out.integrity_checked);
    CHECK_FALSE(out.quick_xor_hash.empty());
    CHECK(std::string(out.quick_xor_hash.c_str()) == r.second.quick_xor_hash.c_str());
    CHECK(out.result.size == data.size());
    CHECK(out.stats.confirmed_bytes == data.size());
    CHECK(out.seconds > 0);
    CHECK(hooks.largest_sent == 327680);           // a whole fragment's progress was reported
    CHECK(hooks.exchanges == 5);                   // create + 4 PUTs
    CHECK(hooks.zero_reports == hooks.exchanges + 1);  // reset after each request, and at the end
  }
  SUBCASE("the service reports another hash: integrity_mismatch") {
    emutest::emulator_process emu({"--retry-after", "0", "--corrupt-hash"});
    REQUIRE(emu.started());
    const std::string graph = emu.base() + "/v1.0";
    const auto r = drive_upload(graph, data, "corrupted.bin", counted(hooks, out));
    CHECK(r.first == rangeup::errc::integrity_mismatch);
    CHECK(out.code == rangeup::errc::integrity_mismatch);
    CHECK(out.integrity_checked);
    CHECK_FALSE(r.second.id.empty());  // what the service said stays readable
    CHECK(std::string(out.quick_xor_hash.c_str()) != r.second.quick_xor_hash.c_str());
    // Turned off, the same upload succeeds and computes no digest.
    auto o = counted(hooks, out);
    o.verify_integrity = false;
    out = rangeup::upload_outcome{};
    const auto unchecked = drive_upload(graph, data, "unchecked.bin", o);
    CHECK_MESSAGE(!unchecked.first, unchecked.first.message());
    CHECK_FALSE(out.integrity_checked);
    CHECK(out.quick_xor_hash.empty());
  }
}

TEST_CASE("a shared rate limiter paces concurrent async uploads on one thread" * doctest::timeout(60)) {
  emutest::emulator_process emu(emulator_args({}, true));
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  const std::string a = test_bytes(400000, 5), b = test_bytes(400000, 6);
  rangeup::memory_source sa(a.data(), a.size()), sb(b.data(), b.size());
  // Forced sessions: fragments of 256 KiB interleave under the shared limit.
  auto first = make_session(outlook_target(graph), "paced-a.bin", a.size(), 256 * 1024, true);
  auto second = make_session(outlook_target(graph), "paced-b.bin", b.size(), 256 * 1024, true);
  rangeup::io::rate_limiter limit(800000);  // 800 kB/s for both: 800 kB take about 1 s
  auto o = loopback_upload();
  o.rate_limit = &limit;
  net::io_context io;
  // The thread is never put to sleep: a 20 ms ticker keeps running meanwhile.
  net::steady_timer ticker(io);
  int ticks = 0, done = 0;
  std::function<void()> tick = [&] {
    ticker.expires_after(std::chrono::milliseconds(20));
    ticker.async_wait([&](boost::system::error_code ec) {
      if (ec || done == 2) return;
      ++ticks;
      tick();
    });
  };
  tick();
  std::error_code ea = rangeup::errc::invalid_argument, eb = rangeup::errc::invalid_argument;
  const auto start = std::chrono::steady_clock::now();
  rangeup::beast::async_upload(io, *first, sa, o, [&](std::error_code ec, rangeup::upload_result) { ea = ec, ++done; });
  rangeup::beast::async_upload(io, *second, sb, o, [&](std::error_code ec, rangeup::upload_result) { eb = ec, ++done; });
  run_bounded(io);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK_MESSAGE(!ea, ea.message());
  CHECK_MESSAGE(!eb, eb.message());
  // The bucket starts empty and both draw from it: at least ~0.9 s for 800 kB.
  CHECK(elapsed >= std::chrono::milliseconds(850));
  CHECK(ticks >= 20);  // ~45 expected: timers, not sleeps, did the waiting
  const auto report = emutest::get_report(emu.base());
  CHECK(landed_sha256(report, "paced-a.bin") == sha256_hex(a));
  CHECK(landed_sha256(report, "paced-b.bin") == sha256_hex(b));
}

namespace {

struct stalled_outcome {
  std::error_code error;
  std::chrono::milliseconds took{0};
  std::uint64_t deletes = 0;
};

// A drive upload whose 2nd PUT the emulator answers only after 5 s, stopped
// by what `o` or `signal` (emitted after 800 ms, when given) asks for.
stalled_outcome stalled_upload(const char* name, const rangeup::beast::upload_options& o,
                               net::cancellation_signal* signal = nullptr) {
  const std::string data = test_bytes(327680 * 4, 88);
  emutest::emulator_process emu({"--retry-after", "0", "--slow-ms", "5000", "--faults", "slow@2"});
  REQUIRE(emu.started());
  const std::string graph = emu.base() + "/v1.0";
  rangeup::memory_source source(data.data(), data.size());
  net::io_context io;
  auto session = make_session(drive_target(graph), name, data.size(), 327680, true);  // a session to DELETE
  stalled_outcome out;
  net::steady_timer later(io, std::chrono::milliseconds(800));
  if (signal != nullptr) later.async_wait([&](boost::system::error_code) { signal->emit(net::cancellation_type::terminal); });
  const auto start = std::chrono::steady_clock::now();
  auto done = [&](std::error_code ec, rangeup::upload_result) { out.error = ec; };
  if (signal != nullptr) rangeup::beast::async_upload(io, *session, source, o, net::bind_cancellation_slot(signal->slot(), done));
  else rangeup::beast::async_upload(io, *session, source, o, done);
  run_bounded(io);
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  out.deletes = counter(emutest::get_report(emu.base()), "deletes");
  return out;
}

}  // namespace

TEST_CASE("async_upload's timeout and cancel flag stop a stalled upload; delete_on_cancel=false keeps the session" *
          doctest::timeout(60)) {
  SUBCASE("timeout_ms: errc::timeout, session DELETEd") {
    auto o = loopback_upload();
    o.timeout_ms = 1000;
    rangeup::upload_outcome report;
    o.outcome = &report;
    const stalled_outcome r = stalled_upload("timed-out.bin", o);
    CHECK(r.error == rangeup::errc::timeout);
    CHECK(report.code == rangeup::errc::timeout);
    CHECK(r.took < std::chrono::milliseconds(4000));  // not the 5 s stall
    CHECK(r.deletes == 1);
  }
  SUBCASE("cancel_flag set by another thread: polled, errc::cancelled, session DELETEd") {
    std::atomic<bool> flag{false};
    auto o = loopback_upload();
    o.cancel_flag = &flag;
    o.poll_interval_ms = 50;
    std::thread setter([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      flag = true;
    });
    const stalled_outcome r = stalled_upload("flagged.bin", o);
    setter.join();
    CHECK(r.error == rangeup::errc::cancelled);
    CHECK(r.took < std::chrono::milliseconds(4000));
    CHECK(r.deletes == 1);
  }
  SUBCASE("cancelled with delete_on_cancel = false: no DELETE") {
    auto o = loopback_upload();
    o.delete_on_cancel = false;
    net::cancellation_signal signal;
    const stalled_outcome r = stalled_upload("kept.bin", o, &signal);
    CHECK(r.error == rangeup::errc::cancelled);
    CHECK(r.took < std::chrono::milliseconds(4000));
    CHECK(r.deletes == 0);
  }
}
