// adaptive_planner (issue 11 item 4) against the strict simulated drive server
// on a simulated link (latency + bandwidth, optional request timeout), all in
// virtual time: fragments grow on a fast link up to the cap, settle near the
// target time on a slow one, shrink after timeouts, stay on the 320 KiB
// quantum, and the same inputs give the same fragment sequence.

#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <ostream>  // doctest prints std::error_code values
#include <cstdint>
#include <vector>

#include "support/sim_server.hpp"

namespace {

using rangeup_test::sim_server;
using session_t = rangeup::upload_session<rangeup::drive_item, rangeup::adaptive_drive_planner>;
constexpr std::uint64_t quantum = 327680;

struct sim_link {  // not "link": POSIX ::link (unistd.h) may be visible
  std::uint64_t bytes_per_ms = 1000;
  std::int64_t latency_ms = 20;
  std::int64_t timeout_ms = 0;  // a PUT that would take longer fails with errc::timeout
};

struct run_result {
  bool done = false;
  std::vector<std::uint64_t> fragments;  // lengths of every PUT, in order
  std::uint32_t timeouts = 0;
  std::int64_t end_ms = 0;
};

run_result run(std::uint64_t size, const sim_link& l, bool store = true) {
  rangeup::drive_item f;
  f.graph_base = "https://graph.sim.test/v1.0";
  f.root_path = "big.bin";
  rangeup::file_info info;
  info.name = "big.bin";
  info.size = size;
  auto cfg = rangeup_test::sim_defaults(rangeup_test::sim_kind::drive, size);
  cfg.store_bytes = store;
  std::vector<unsigned char> bytes(store ? size : 0);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 131 + 7);
  sim_server server(cfg, bytes.data());
  session_t s(f, info);
  REQUIRE(!s.init_error());
  s.set_bearer_token("test-token");
  run_result out;
  std::int64_t now = 0;
  for (int steps = 0; steps < 100000; ++steps) {
    const rangeup::step st = s.next_step(rangeup::instant{now});
    if (const rangeup::request_view* req = st.request()) {
      std::int64_t took = l.latency_ms;
      if (req->body == rangeup::body_kind::source_range) {
        out.fragments.push_back(req->range.length());
        took += static_cast<std::int64_t>(req->range.length() / l.bytes_per_ms);
        if (l.timeout_ms != 0 && took > l.timeout_ms) {
          now += l.timeout_ms;
          ++out.timeouts;
          s.on_transport_error(make_error_code(rangeup::errc::timeout), rangeup::instant{now});
          continue;
        }
      }
      const sim_server::reply r = server.handle(*req, now, rangeup_test::fault::none);
      now += took;
      if (r.transport) s.on_transport_error(r.transport, rangeup::instant{now});
      else s.on_response(r.response, rangeup::instant{now});
    } else if (const rangeup::instant* until = st.wait_until()) {
      now = until->ms > now ? until->ms : now + 1;
    } else {
      out.done = st.done() != nullptr;
      break;
    }
  }
  out.end_ms = now;
  return out;
}

// Every fragment but the last is a multiple of 320 KiB and below 60 MiB.
void check_legal(const run_result& r, std::uint64_t size) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < r.fragments.size(); ++i) {
    CHECK(r.fragments[i] < 60 * rangeup::mebibyte);
    if (i + 1 < r.fragments.size()) CHECK(r.fragments[i] % quantum == 0);
    sum += r.fragments[i];
  }
  CHECK(sum >= size);
}

}  // namespace

TEST_CASE("adaptive_planner: grows on a fast link up to the largest legal fragment") {
  const std::uint64_t size = 400 * rangeup::mebibyte + 12345;
  const run_result r = run(size, sim_link{100000, 20, 0}, false);  // ~100 MB/s
  REQUIRE(r.done);
  check_legal(r, size);
  REQUIRE(r.fragments.size() >= 4);
  CHECK(r.fragments[0] == 16 * quantum);  // starts at 5 MiB
  CHECK(r.fragments[1] == 32 * quantum);  // at most doubles per step
  std::uint64_t biggest = 0;
  for (auto n : r.fragments) biggest = n > biggest ? n : biggest;
  CHECK(biggest == 191 * quantum);  // 60 MiB - 1 rounded down to the quantum
}

TEST_CASE("adaptive_planner: settles near the target time on a slow link") {
  const std::uint64_t size = 40 * rangeup::mebibyte;
  const run_result r = run(size, sim_link{1000, 20, 0});  // ~1 MB/s: 3 s is ~3 MB, 9 quanta
  REQUIRE(r.done);
  check_legal(r, size);
  REQUIRE(r.fragments.size() > 6);
  for (std::size_t i = 3; i + 1 < r.fragments.size(); ++i) {
    CHECK(r.fragments[i] >= 8 * quantum);
    CHECK(r.fragments[i] <= 10 * quantum);
  }
}

TEST_CASE("adaptive_planner: shrinks after timeouts and still finishes") {
  const std::uint64_t size = 12 * rangeup::mebibyte + 1;
  const run_result r = run(size, sim_link{1000, 20, 4000});  // 5 MiB takes 5.2 s: over the 4 s timeout
  REQUIRE(r.done);
  check_legal(r, size);
  CHECK(r.timeouts >= 1);
  REQUIRE(r.fragments.size() >= 2);
  CHECK(r.fragments[0] == 16 * quantum);
  CHECK(r.fragments[1] == 8 * quantum);  // halved after the timeout
  CHECK(r.timeouts == 1);  // and it does not grow back into the timeout
}

TEST_CASE("adaptive_planner: deterministic — the same link gives the same fragments") {
  const sim_link l{3000, 35, 6000};
  const run_result a = run(30 * rangeup::mebibyte + 77, l);
  const run_result b = run(30 * rangeup::mebibyte + 77, l);
  REQUIRE(a.done);
  CHECK(a.fragments == b.fragments);
  CHECK(a.end_ms == b.end_ms);
}

TEST_CASE("adaptive_planner: bounds and feedback rules") {
  rangeup::adaptive_drive_planner p;
  REQUIRE(!p.configure(1000, 0));
  CHECK(p.chunk_size() == 16 * quantum);
  for (int i = 0; i < 10; ++i) p.on_fragment({p.chunk_size(), 1, false});
  CHECK(p.chunk_size() == quantum);  // never below one quantum
  p.on_fragment({quantum, 1, true});  // very fast, but it just failed: no growth yet
  CHECK(p.chunk_size() == quantum);
  p.on_fragment({quantum, 1, true});
  CHECK(p.chunk_size() == quantum);
  p.on_fragment({quantum, 1, true});  // calm again: doubles
  CHECK(p.chunk_size() == 2 * quantum);
  p.on_fragment({1000, 1, true});  // a short tail fragment says nothing
  CHECK(p.chunk_size() == 2 * quantum);
  REQUIRE(!p.configure(1000, 3 * quantum + 5));  // a caller's start size, rounded down
  CHECK(p.chunk_size() == 3 * quantum);
  CHECK(p.configure(1000, 61 * rangeup::mebibyte) == rangeup::errc::invalid_chunk_size);
}
