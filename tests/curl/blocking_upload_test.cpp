// rangeup::upload (the blocking driver) with the real upload_session and a fake
// in-process transport: the request loop, waits, cancel from another thread
// (DELETE sent), cancel without DELETE, the overall deadline, checkpoints.

#include <doctest/doctest.h>

#include <ostream>  // doctest prints std::error_code through it
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/io/blocking_upload.hpp"
#include "rangeup/upload_session.hpp"

using rangeup::errc;

namespace {

// Plays an Outlook server: create → 201, ranges → 200 with the next offset,
// the last range → 201 with a Location. Hooks script the odd request.
struct fake_transport {
  struct record {
    rangeup::http_method method;
    std::string url;
    std::uint64_t first = 0, last = 0;
    bool authorization = false;
  };
  std::uint64_t next = 0;
  std::vector<record> log;
  std::string body, location, retry_after;
  int put_count = 0;
  int unavailable_put = 0;        // answer this PUT (1-based) 503 with Retry-After
  std::string unavailable_after = "1";
  int hang_put = 0;               // this PUT "sends" slowly for up to 5 s, reporting progress
  std::error_code fail_put_with;  // every PUT fails with this transport error
  bool (*hook)(void*, std::uint64_t, std::uint64_t) noexcept = nullptr;
  void* hook_ctx = nullptr;

  void set_send_progress(bool (*fn)(void*, std::uint64_t, std::uint64_t) noexcept, void* ctx) noexcept {
    hook = fn;
    hook_ctx = ctx;
  }

  template <class Source>
  rangeup::result<rangeup::response_view> perform(const rangeup::request_view& r, Source&) {
    log.push_back({r.method, std::string(r.url), r.range.first, r.range.last, !r.bearer_token.empty()});
    rangeup::response_view v;
    location.clear();
    retry_after.clear();
    body.clear();
    if (r.method == rangeup::http_method::post) {
      v.status = 201;
      body = R"({"uploadUrl":"http://127.0.0.1:9/upload/s1?authtoken=T","expirationDateTime":"2099-01-01T00:00:00Z","nextExpectedRanges":["0-"]})";
    } else if (r.method == rangeup::http_method::delete_) {
      v.status = 204;
    } else if (r.method == rangeup::http_method::put) {
      ++put_count;
      if (fail_put_with) return fail_put_with;
      if (put_count == hang_put) {
        for (int i = 0; i < 500; ++i) {
          if (hook != nullptr && !hook(hook_ctx, static_cast<std::uint64_t>(i), r.range.length()))
            return errc::cancelled;
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
      if (put_count == unavailable_put) {
        v.status = 503;
        retry_after = unavailable_after;
      } else if (r.range.last + 1 == r.range.total) {
        v.status = 201;
        location = "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('ATT-1')";
      } else {
        next = r.range.last + 1;
        v.status = 200;
        body = "{\"nextExpectedRanges\":[\"" + std::to_string(next) + "\"]}";
      }
    }
    v.body = body;
    v.location = location;
    v.retry_after = retry_after;
    return v;
  }
};

struct fixture {
  std::vector<char> data = std::vector<char>(10 * 1024 * 1024 + 1, 'x');
  rangeup::memory_source source{data.data(), data.size()};
  rangeup::outlook_attachment flavor{};
  rangeup::session_options so{};
  rangeup::file_info info() const {
    rangeup::file_info i;
    i.name = "a.bin";
    i.size = data.size();
    return i;
  }
  fixture() {
    flavor.graph_base = "http://127.0.0.1:9/v1.0";
    flavor.parent_id = "MSG";
    so.allow_http_loopback = true;
  }
};

struct counting_observer final : rangeup::progress_observer {
  std::uint64_t last_confirmed = 0;
  int calls = 0;
  void on_progress(const rangeup::progress& p) noexcept override {
    last_confirmed = p.confirmed_bytes;
    ++calls;
  }
};

}  // namespace

TEST_CASE("uploads every range, reports progress and checkpoints after each exchange") {
  fixture f;
  rangeup::upload_session<rangeup::outlook_attachment> s(f.flavor, f.info(), f.so);
  s.set_bearer_token("tok");
  fake_transport t;
  counting_observer obs;
  int exchanges = 0;
  rangeup::upload_options o;
  o.observer = &obs;
  o.after_exchange = [](void* c) noexcept { ++*static_cast<int*>(c); };
  o.exchange_context = &exchanges;
  auto out = rangeup::upload(s, t, f.source, o);
  REQUIRE(out);
  CHECK(out.result.id == "ATT-1");
  CHECK(out.stats.confirmed_bytes == f.data.size());
  CHECK(obs.last_confirmed == f.data.size());
  REQUIRE(t.log.size() == 4);  // create + 4 000 000 + 4 000 000 + the rest (PROTOCOL.md O5)
  CHECK(t.log[0].authorization);
  CHECK_FALSE(t.log[1].authorization);
  CHECK(t.log[3].last == f.data.size() - 1);
  CHECK(exchanges == 4);
}

TEST_CASE("a 503 with Retry-After makes the driver sleep, then retry the same range") {
  fixture f;
  rangeup::upload_session<rangeup::outlook_attachment> s(f.flavor, f.info(), f.so);
  s.set_bearer_token("tok");  // the create goes to Graph: without one the session asks (need_token)
  fake_transport t;
  t.unavailable_put = 2;
  const auto start = std::chrono::steady_clock::now();
  auto out = rangeup::upload(s, t, f.source);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(out);
  CHECK(out.stats.retries == 1);
  CHECK(took >= 0.9);
  REQUIRE(t.log.size() == 5);
  CHECK(t.log[2].first == t.log[3].first);
}

TEST_CASE("cancel from another thread aborts the request in flight and DELETEs the session") {
  fixture f;
  rangeup::upload_session<rangeup::outlook_attachment> s(f.flavor, f.info(), f.so);
  s.set_bearer_token("tok");  // the create goes to Graph: without one the session asks (need_token)
  fake_transport t;
  t.hang_put = 2;
  std::atomic<bool> cancel{false};
  rangeup::upload_options o;
  o.cancel_flag = &cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  const auto start = std::chrono::steady_clock::now();
  auto out = rangeup::upload(s, t, f.source, o);
  canceller.join();
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(out.code == errc::cancelled);
  CHECK(took < 3.0);  // the hanging PUT was aborted, not waited out
  REQUIRE_FALSE(t.log.empty());
  CHECK(t.log.back().method == rangeup::http_method::delete_);
  CHECK(t.log.back().url.find("/upload/s1") != std::string::npos);
  CHECK_FALSE(t.log.back().authorization);
}

TEST_CASE("cancel without delete leaves the session for a resume") {
  fixture f;
  rangeup::upload_session<rangeup::outlook_attachment> s(f.flavor, f.info(), f.so);
  s.set_bearer_token("tok");  // the create goes to Graph: without one the session asks (need_token)
  fake_transport t;
  t.hang_put = 1;
  struct ctx {
    fake_transport* t;
  } c{&t};
  rangeup::upload_options o;
  o.delete_on_cancel = false;
  o.should_cancel = [](void* p) noexcept { return static_cast<ctx*>(p)->t->put_count >= 1; };
  o.cancel_context = &c;
  auto out = rangeup::upload(s, t, f.source, o);
  CHECK(out.code == errc::cancelled);
  for (const auto& r : t.log) CHECK(r.method != rangeup::http_method::delete_);
  char token[8192];
  CHECK(s.save_resume_token(token, sizeof token));  // the session is still resumable
}

TEST_CASE("the overall deadline interrupts a long Retry-After wait with errc::timeout") {
  fixture f;
  rangeup::upload_session<rangeup::outlook_attachment> s(f.flavor, f.info(), f.so);
  s.set_bearer_token("tok");  // the create goes to Graph: without one the session asks (need_token)
  fake_transport t;
  t.unavailable_put = 1;
  t.unavailable_after = "30";
  rangeup::upload_options o;
  o.timeout_ms = 300;
  const auto start = std::chrono::steady_clock::now();
  auto out = rangeup::upload(s, t, f.source, o);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(out.code == errc::timeout);
  CHECK(took < 2.0);
  CHECK(t.log.back().method == rangeup::http_method::delete_);
}

TEST_CASE("a source error ends the upload with that error") {
  fixture f;
  rangeup::upload_session<rangeup::outlook_attachment> s(f.flavor, f.info(), f.so);
  s.set_bearer_token("tok");  // the create goes to Graph: without one the session asks (need_token)
  fake_transport t;
  t.fail_put_with = make_error_code(errc::source_changed);
  auto out = rangeup::upload(s, t, f.source);
  CHECK(out.code == errc::source_changed);
  CHECK(t.put_count == 1);
}
