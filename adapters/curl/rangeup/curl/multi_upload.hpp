#pragma once
// rangeup::curl::multi_upload: runs many uploads at once on one libcurl multi
// handle, in the calling thread, with no thread per upload.
//
//   rangeup::curl::multi_options mo;
//   mo.max_running = 4;                         // the rest wait their turn
//   rangeup::curl::multi_upload m(mo);
//   const std::size_t a = m.add(session_a, source_a, options_a);   // io::upload_options
//   const std::size_t b = m.add(session_b, source_b, options_b);
//   m.run();                                    // returns when every upload has ended
//   if (!m.outcome(a)) ... m.outcome(a).code, m.last_error_detail(a)
//
// Each upload has its own session, source, options and outcome (the same
// upload_outcome as rangeup::upload) and behaves exactly as under the
// blocking driver: both are loops around io/engine.hpp's upload_engine, this
// file only performs what it asks for (a token provider, options.tokens, is
// called on run()'s thread; share one io::token_cache between uploads so a
// token that expires under all of them is fetched once). Requests are easy_exchange's (streamed bodies,
// capped responses, the URL policy); connections are kept alive in the multi
// handle's pool. Waits never block the others: a Retry-After/backoff wait and
// a rate-limit pause (CURL_READFUNC_PAUSE) each park only their upload until
// its deadline, and the earliest deadline bounds curl_multi_poll. One upload
// failing does not stop the others.
//
// Cancellation: each upload's cancel_flag / should_cancel / timeout_ms is
// looked at every poll_interval_ms (or at once after wakeup()); a request in
// flight is aborted, then the session is DELETEd as in the blocking driver.
// Not thread-safe, except wakeup().

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "rangeup/curl/easy_exchange.hpp"
#include "rangeup/curl/global.hpp"
#include "rangeup/http.hpp"
#include "rangeup/io/blocking_upload.hpp"
#include "rangeup/io/engine.hpp"
#include "rangeup/result.hpp"

namespace rangeup {
namespace curl {

struct multi_options {
  std::size_t max_running = 4;    // uploads in progress at once (0 = no cap); the rest queue in add() order
  transport_options transport;    // every upload's requests
  std::int64_t max_poll_ms = 1000;  // longest sleep in curl_multi_poll when nothing is due
  // Called by run() as each upload ends, with its index (outcome(index) is
  // final). It may add() more uploads, which queue behind the others, so a
  // long list can be fed a few at a time; the finished upload's session and
  // source are no longer used and may be freed. Exceptions propagate out of run().
  void (*on_finished)(void* context, std::size_t index) = nullptr;
  void* finished_context = nullptr;
};

namespace detail {

using driver_action = io::engine_action;

inline instant now() noexcept { return rangeup::detail::steady_now(); }

// One queued or running upload, seen by the driver loop without its types.
class multi_task {
 public:
  enum class phase : unsigned char { queued, idle, sending, paused, waiting, finished };

  multi_task(const transport_options& t, const upload_options& o) : exchange(t), options(o) {
    exchange.set_private(this);
  }
  virtual ~multi_task() = default;
  multi_task(const multi_task&) = delete;
  multi_task& operator=(const multi_task&) = delete;

  virtual void begin() noexcept = 0;  // the upload's clock starts
  virtual driver_action next() noexcept = 0;
  virtual void fetch_token() = 0;
  virtual std::error_code prepare(const request_view& r) noexcept = 0;
  virtual void on_result(const result<response_view>& r) noexcept = 0;
  virtual bool must_stop() const noexcept = 0;
  virtual bool request_may_continue() noexcept = 0;
  virtual instant check_by() const noexcept = 0;
  virtual const upload_outcome* outcome() const noexcept = 0;

  easy_exchange exchange;
  const upload_options options;  // the engine refers to this copy
  phase state = phase::queued;
  std::int64_t until = 0;  // waiting / paused: steady ms
  std::size_t index = 0;   // in multi_upload
};

template <class Session, class Source>
class multi_task_for final : public multi_task {
  using engine_type = io::upload_engine<Session, Source>;

  // What the easy handle reads: the engine's hashed body, whose pacing the
  // read gate already did (without blocking).
  struct admitted_reader {
    engine_type* engine = nullptr;
    std::uint64_t size() const noexcept { return engine->body().size(); }
    result<std::size_t> read_at(std::uint64_t offset, char* out, std::size_t n) noexcept {
      return engine->body().read_at(offset, out, n);
    }
  };

 public:
  multi_task_for(Session& s, Source& src, const transport_options& t, const upload_options& o)
      : multi_task(t, o), session_(s), source_(src) {}

  void begin() noexcept override {
    engine_.emplace(session_, source_, options, now(), rangeup::detail::unix_now_ms());
    reader_.engine = &*engine_;
    exchange.set_send_progress(&multi_task_for::on_send_progress, this);
    exchange.set_read_gate(&multi_task_for::gate, this);
  }
  driver_action next() noexcept override { return engine_->next(now()); }
  void fetch_token() override { engine_->fetch_token(); }
  std::error_code prepare(const request_view& r) noexcept override { return exchange.prepare(r, reader_); }
  void on_result(const result<response_view>& r) noexcept override {
    if (r) engine_->on_response(*r, now());
    else engine_->on_transport_error(r.error(), now());
  }
  bool must_stop() const noexcept override { return engine_->must_stop(now()); }
  bool request_may_continue() noexcept override { return engine_->request_may_continue(now()); }
  instant check_by() const noexcept override { return engine_->check_by(now()); }
  const upload_outcome* outcome() const noexcept override { return engine_ ? &engine_->outcome() : nullptr; }

 private:
  static bool on_send_progress(void* self, std::uint64_t sent, std::uint64_t) noexcept {
    auto& t = *static_cast<multi_task_for*>(self);
    t.engine_->on_send_progress(sent);
    return t.engine_->request_may_continue(now());
  }

  // Rate limit without blocking the thread: pause this transfer until the
  // bucket allows its next bytes; the driver loop resumes it then.
  static std::size_t gate(void* self, std::size_t wanted) noexcept {
    auto& t = *static_cast<multi_task_for*>(self);
    instant until{};
    const std::size_t n = t.engine_->admit(wanted, now(), &until);
    if (n == 0) {
      t.state = phase::paused;
      t.until = until.ms;
    }
    return n;
  }

  Session& session_;
  Source& source_;
  std::optional<engine_type> engine_;
  admitted_reader reader_;
};

}  // namespace detail

class multi_upload {
 public:
  explicit multi_upload(multi_options options = {}) : options_(std::move(options)) {
    if (global_init() == CURLE_OK) multi_ = curl_multi_init();
  }
  ~multi_upload() {
    for (auto& t : tasks_) {
      if (t->state == task::phase::sending || t->state == task::phase::paused)
        curl_multi_remove_handle(multi_, t->exchange.handle());
    }
    tasks_.clear();  // easy handles go before the multi handle
    if (multi_ != nullptr) curl_multi_cleanup(multi_);
  }
  multi_upload(const multi_upload&) = delete;
  multi_upload& operator=(const multi_upload&) = delete;

  // False when libcurl could not be initialised; run() then fails every upload.
  bool valid() const noexcept { return multi_ != nullptr; }
  const multi_options& options() const noexcept { return options_; }

  // Queues an upload; returns its index. `session` and `source` must outlive
  // run(); `options` is copied (what it points to must outlive run()).
  template <class Session, class Source>
  std::size_t add(Session& session, Source& source, const upload_options& options = {}) {
    static_assert(require_source<Source>(), "multi_upload::add: the Source lacks a member (see above)");
    tasks_.push_back(
        std::make_unique<detail::multi_task_for<Session, Source>>(session, source, options_.transport, options));
    tasks_.back()->index = tasks_.size() - 1;
    return tasks_.back()->index;
  }

  // Runs every upload added so far (and those on_finished adds) to its end;
  // returns how many of all the uploads added failed.
  std::size_t run() {
    while (true) {
      while (can_start()) start(*tasks_[next_++]);
      if (running_ == 0) break;

      const std::int64_t now = detail::now().ms;
      for (std::size_t i = 0; i < next_; ++i) service(*tasks_[i], now);
      if (can_start()) continue;  // a slot freed up: fill it first

      if (multi_ != nullptr) {
        int still_running = 0;
        curl_multi_perform(multi_, &still_running);
        collect();
      }
      if (running_ == 0 || can_start()) continue;
      wait_for_activity();
    }
    std::size_t failed = 0;
    for (auto& t : tasks_) failed += t->outcome() == nullptr || !*t->outcome() ? 1 : 0;
    return failed;
  }

  std::size_t size() const noexcept { return tasks_.size(); }
  // Upload i's outcome, final once run() returned.
  const upload_outcome& outcome(std::size_t i) const noexcept {
    const upload_outcome* o = tasks_[i]->outcome();
    return o != nullptr ? *o : not_started_;
  }
  // Why upload i's last request failed (libcurl's words, URLs redacted).
  std::string_view last_error_detail(std::size_t i) const noexcept { return tasks_[i]->exchange.last_error_detail(); }
  // New connections upload i's requests opened (the multi handle shares a pool).
  long connections_opened(std::size_t i) const noexcept { return tasks_[i]->exchange.connections_opened(); }
  // Most uploads that were in progress at the same time during run().
  std::size_t peak_running() const noexcept { return peak_running_; }

  // Makes a run() in another thread look at the cancel flags now instead of
  // at the next poll interval (e.g. after setting one). Thread-safe.
  void wakeup() noexcept {
    if (multi_ != nullptr) curl_multi_wakeup(multi_);
  }

 private:
  using task = detail::multi_task;

  bool can_start() const noexcept {
    return next_ < tasks_.size() && (options_.max_running == 0 || running_ < options_.max_running);
  }

  void start(task& t) {
    t.begin();
    t.state = task::phase::idle;
    ++running_;
    if (running_ > peak_running_) peak_running_ = running_;
    advance(t);
  }

  // Asks the upload what to do next and starts it.
  void advance(task& t) {
    while (true) {
      const detail::driver_action a = t.next();
      switch (a.what) {
        case detail::driver_action::kind::finished:
          t.state = task::phase::finished;
          t.exchange.release();
          --running_;
          if (options_.on_finished != nullptr) options_.on_finished(options_.finished_context, t.index);
          return;
        case detail::driver_action::kind::wait:
          t.state = task::phase::waiting;
          t.until = a.until.ms;
          return;
        case detail::driver_action::kind::need_token:
          t.fetch_token();  // blocks this thread while the provider runs
          continue;
        case detail::driver_action::kind::send:
          break;
      }
      if (multi_ == nullptr) {
        t.on_result(t.exchange.fail(errc::connection_failed, "libcurl could not be initialised"));
        continue;
      }
      if (const std::error_code ec = t.prepare(*a.request)) {
        t.on_result(ec);
        continue;
      }
      if (curl_multi_add_handle(multi_, t.exchange.handle()) != CURLM_OK) {
        t.on_result(t.exchange.fail(errc::connection_failed, "curl_multi_add_handle failed"));
        continue;
      }
      t.state = task::phase::sending;
      return;
    }
  }

  // Ends waits that are over, resumes paused transfers, aborts requests of
  // uploads that must stop.
  void service(task& t, std::int64_t now) {
    switch (t.state) {
      case task::phase::waiting:
        if (now >= t.until || t.must_stop()) advance(t);
        break;
      case task::phase::sending:
      case task::phase::paused:
        if (!t.request_may_continue()) {
          curl_multi_remove_handle(multi_, t.exchange.handle());
          finish_request(t, CURLE_ABORTED_BY_CALLBACK);
        } else if (t.state == task::phase::paused && now >= t.until) {
          t.state = task::phase::sending;
          curl_easy_pause(t.exchange.handle(), CURLPAUSE_CONT);
        }
        break;
      default:
        break;
    }
  }

  void finish_request(task& t, CURLcode rc) {
    t.state = task::phase::idle;
    t.on_result(t.exchange.complete(rc));
    advance(t);
  }

  // Hands every transfer libcurl finished back to its upload.
  void collect() {
    int queued = 0;
    while (CURLMsg* m = curl_multi_info_read(multi_, &queued)) {
      if (m->msg != CURLMSG_DONE) continue;
      CURL* easy = m->easy_handle;
      const CURLcode rc = m->data.result;  // read before remove_handle invalidates m
      void* p = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &p);
      curl_multi_remove_handle(multi_, easy);
      finish_request(*static_cast<task*>(p), rc);
    }
  }

  // Sleeps in curl_multi_poll until a socket is ready, libcurl's own timer
  // fires, the earliest wait or pause ends, or the cancel flags are due a look.
  void wait_for_activity() noexcept {
    const std::int64_t now = detail::now().ms;
    std::int64_t timeout = options_.max_poll_ms;
    for (std::size_t i = 0; i < next_; ++i) {
      const task& t = *tasks_[i];
      if (t.state == task::phase::finished) continue;
      if (t.check_by().ms - now < timeout) timeout = t.check_by().ms - now;
      if (t.state == task::phase::waiting || t.state == task::phase::paused) {
        const std::int64_t left = t.until - now;
        if (left < timeout) timeout = left;
      }
    }
    if (timeout <= 0) return;
    if (multi_ != nullptr) curl_multi_poll(multi_, nullptr, 0, static_cast<int>(timeout), nullptr);
    else std::this_thread::sleep_for(std::chrono::milliseconds(timeout));  // no libcurl: only waits to sit out
  }

  multi_options options_;
  CURLM* multi_ = nullptr;
  std::vector<std::unique_ptr<task>> tasks_;
  std::size_t next_ = 0;     // tasks_[next_..] have not started
  std::size_t running_ = 0;  // started and not finished
  std::size_t peak_running_ = 0;
  upload_outcome not_started_;
};

}  // namespace curl
}  // namespace rangeup
