#include "progress_display.hpp"

#include <chrono>
#include <cstdio>

#include "units.hpp"

namespace upload_cli {

void progress_display::start(std::vector<job_progress*> jobs) {
  if (style_ == style::none || started_) return;
  jobs_ = std::move(jobs);
  started_ = true;
  start_time_ = last_time_ = std::chrono::steady_clock::now();
  thread_ = std::thread([this] { run(); });
}

void progress_display::stop() {
  if (!started_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (style_ == style::bar) out_.err_raw("\r" + render(true) + "\x1b[K\n");
}

void progress_display::run() {
  const auto period = style_ == style::bar ? std::chrono::milliseconds(200) : std::chrono::milliseconds(2000);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    lock.unlock();
    const std::string line = render(false);
    if (style_ == style::bar) out_.err_raw("\r" + line + "\x1b[K");
    else out_.err(line);
    lock.lock();
  }
}

std::string progress_display::render(bool final_line) {
  std::uint64_t total = 0, done = 0;
  for (const job_progress* j : jobs_) {
    const std::uint64_t t = j->total.load(std::memory_order_relaxed);
    std::uint64_t d = j->confirmed.load(std::memory_order_relaxed) + j->in_flight.load(std::memory_order_relaxed);
    if (d > t) d = t;
    total += t;
    done += d;
  }
  const auto now = std::chrono::steady_clock::now();
  const double dt = std::chrono::duration<double>(now - last_time_).count();
  if (dt > 0.05) {
    // A retry or restart can move `done` backwards; never show a negative rate.
    const double inst = done >= last_bytes_ ? static_cast<double>(done - last_bytes_) / dt : 0.0;
    rate_ = rate_ == 0 ? inst : 0.7 * rate_ + 0.3 * inst;
    last_bytes_ = done;
    last_time_ = now;
  }
  double rate = rate_;
  if (final_line) {
    const double all = std::chrono::duration<double>(now - start_time_).count();
    rate = all > 0 ? static_cast<double>(done) / all : 0;
  }
  const double fraction = total == 0 ? 0.0 : static_cast<double>(done) / static_cast<double>(total);
  const std::string label = jobs_.size() == 1 ? jobs_[0]->label : std::to_string(jobs_.size()) + " files";
  char pct[16];
  std::snprintf(pct, sizeof pct, "%3.0f%%", fraction * 100);
  std::string eta = "--:--";
  if (rate > 0 && total >= done) eta = format_duration(static_cast<double>(total - done) / rate);
  std::string line;
  if (style_ == style::bar) {
    constexpr int width = 24;
    const int filled = static_cast<int>(fraction * width + 0.5);
    line = "[" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(width - filled), '.') + "] ";
  } else {
    line = "rangeup-upload: " + label + ": ";
  }
  line += std::string(pct) + "  " + format_bytes(static_cast<double>(done)) + " / " +
          format_bytes(static_cast<double>(total)) + "  " + format_bytes(rate) + "/s";
  line += final_line ? "  done" : "  ETA " + eta;
  if (style_ == style::bar) {
    std::string shown = label.size() > 24 ? "..." + label.substr(label.size() - 21) : label;
    line = shown + " " + line;
  }
  return line;
}

}  // namespace upload_cli
