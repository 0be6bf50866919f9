// Allocation-freedom, measured: whole uploads through the core (every flavor,
// with retries, a lost PUT, a 416 resync, a restart, need_token rounds — the
// first token and a fresh one after a 401 — and a resume token round trip;
// and the one-request path: a POST whose base64 body is read through
// read_request_body, a drive PUT .../content and its look-up) perform zero
// operator new calls. The simulated server and the bytes are set up before
// the counting starts.
#include <doctest/doctest.h>

#include <rangeup/rangeup.hpp>

#include <ostream>  // doctest prints std::error_code values

#include <vector>

#include "support/sim_server.hpp"
#include "support/alloc_counter.hpp"

// Each file in its own namespace: rangeup_core_test is a unity build (CMakeLists.txt).
namespace alloc_test_cases {

using namespace rangeup_test;

namespace {

constexpr std::uint64_t Q = 327680;

struct counting_observer final : rangeup::progress_observer {
  std::uint32_t calls = 0;
  void on_progress(const rangeup::progress&) noexcept override { ++calls; }
};

template <class Flavor>
void upload_without_allocating(const Flavor& flavor, sim_config cfg, std::uint64_t chunk) {
  cfg.small_attachment_sessions = true;  // sessions forced on small files: the session machinery is measured

  std::vector<unsigned char> bytes(static_cast<std::size_t>(cfg.size), 0xa5);
  sim_server server(cfg, bytes.data());
  // create, PUT(503), PUT, PUT(lost), PUT(the token expires: To Do's is
  // refused, 401 → need_token → the same PUT), ..., a 404 restart later (the
  // create then carries an expired token elsewhere: 401 → need_token).
  scripted_faults faults{{1, fault::status_503}, {3, fault::drop_after}, {4, fault::token_expired},
                         {6, fault::session_gone}, {8, fault::status_429_date}, {9, fault::truncate_body}};
  counting_observer obs;
  run_outcome out;
  bool restored = false;
  char token[8192];
  std::uint64_t allocations = 0;
  {
    rangeup_test::allocation_scope scope;
    rangeup::session_options o;
    o.chunk_size = chunk;
    o.force_session = true;
    rangeup::upload_session<Flavor> s(flavor, {"file.bin", cfg.size, "application/octet-stream"}, o);
    s.set_observer(&obs);  // no token yet: the session asks for it (run_upload answers need_token)
    (void)s.set_fingerprint({cfg.size, 1, "ab"});
    out = run_upload(s, server, faults);
    // A resume token round trip, on a session that stopped half way.
    rangeup::upload_session<Flavor> half(flavor, {"file.bin", cfg.size, "application/octet-stream"}, o);
    half.set_bearer_token(server.current_token());  // the token expired during the first upload
    (void)half.set_fingerprint({cfg.size, 1, "ab"});
    for (int i = 0; i < 2; ++i) {
      const rangeup::step st = half.next_step(rangeup::instant{0});
      if (st.request()) half.on_response(server.handle(*st.request(), 0, fault::none).response, rangeup::instant{0});
    }
    auto n = half.save_resume_token(token, sizeof token);
    rangeup::upload_session<Flavor> again(flavor, {"file.bin", cfg.size, "application/octet-stream"}, o);
    restored = n && !again.restore(std::string_view(token, *n), {cfg.size, 1, "ab"});
    allocations = scope.count();
  }
  CAPTURE(Flavor::flavor_id);
  CHECK_MESSAGE(out.done, out.failure.code.message());
  CHECK(out.token_requests >= 2);  // the first token, and a fresh one after the expiry
  CHECK(out.token_refreshes >= 1);
  CHECK(out.need_token_breaks == 0);
  CHECK_FALSE(out.result.simple_request);
  CHECK(restored);
  CHECK(obs.calls > 0);
  CHECK_MESSAGE(server.violations == 0, server.last_violation);
  CHECK(server.items_completed >= 1);
  if (rangeup_test::allocation_counting_enabled()) {
    CHECK(allocations == 0);
  } else {
    MESSAGE("allocation counting disabled (sanitizer build): not asserted");
  }
}

// The one-request path: the POST (or PUT .../content) meets a 503, a refused
// connection and, for the drive, a lost answer that the look-up settles.
template <class Flavor>
void single_request_without_allocating(const Flavor& flavor, const sim_config& cfg) {
  CAPTURE(cfg.size);
  std::vector<unsigned char> bytes(static_cast<std::size_t>(cfg.size));
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<unsigned char>(i * 7 + (i >> 9));
  sim_server server(cfg, bytes.data());
  scripted_faults faults{{0, fault::status_503}, {1, fault::refused}};
  if (cfg.kind == sim_kind::drive) faults.add(2, fault::drop_after);  // processed, answer lost: looked up
  counting_observer obs;
  run_outcome out;
  std::uint64_t allocations = 0;
  {
    rangeup_test::allocation_scope scope;
    rangeup::upload_session<Flavor> s(flavor, {"file.bin", cfg.size, "application/octet-stream"});
    s.set_bearer_token("test-token");
    s.set_observer(&obs);
    out = run_upload(s, server, faults);
    allocations = scope.count();
  }
  CHECK(out.done);
  CHECK(out.result.simple_request);
  CHECK_FALSE(out.result.id_unknown);
  CHECK(out.result.id == std::string_view(server.last_item_id));
  CHECK_MESSAGE(server.violations == 0, server.last_violation);
  CHECK(server.items_completed == 1);
  CHECK(server.creates == 0);
  if (cfg.kind == sim_kind::drive) CHECK(server.look_ups == 1);
  if (rangeup_test::allocation_counting_enabled()) {
    CHECK(allocations == 0);
  } else {
    MESSAGE("allocation counting disabled (sanitizer build): not asserted");
  }
}

}  // namespace

TEST_CASE("a whole upload through the core performs zero heap allocations") {
  sim_config c = sim_defaults(sim_kind::outlook, 2000);
  upload_without_allocating(rangeup::outlook_attachment{"https://graph.microsoft.com/v1.0", "",
                                                        rangeup::outlook_attachment::parent_kind::message, "m="},
                            c, 300);
  c.kind = sim_kind::todo;
  upload_without_allocating(rangeup::todo_attachment{"https://graph.microsoft.com/v1.0", "u", "l", "t"}, c, 300);
  c = sim_defaults(sim_kind::print, 2000);
  upload_without_allocating(rangeup::print_document{"https://graph.microsoft.com/v1.0", "p", "j", "d"}, c, 300);
  sim_config d = sim_defaults(sim_kind::drive, 4 * Q + 3);
  d.defer_commit = true;
  rangeup::drive_item item;
  item.parent_id = "p";
  item.defer_commit = true;
  upload_without_allocating(item, d, Q);
}

TEST_CASE("the one-request path (POST with a streamed base64 body, PUT .../content) performs zero heap allocations") {
  const rangeup::outlook_attachment outlook{"https://graph.microsoft.com/v1.0", "",
                                            rangeup::outlook_attachment::parent_kind::message, "m="};
  const rangeup::todo_attachment todo{"https://graph.microsoft.com/v1.0", "u", "l", "t"};
  rangeup::drive_item drive;
  drive.parent_id = "p";
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{100000}, std::uint64_t{2999999}}) {
    single_request_without_allocating(outlook, sim_defaults(sim_kind::outlook, size));
    single_request_without_allocating(todo, sim_defaults(sim_kind::todo, size));
  }
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{4 * 1024 * 1024}})
    single_request_without_allocating(drive, sim_defaults(sim_kind::drive, size));
}

}  // namespace alloc_test_cases
