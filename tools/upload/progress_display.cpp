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
  if (style_ == style::bar) draw(true);
}

void progress_display::run() {
  const auto period = style_ == style::bar ? std::chrono::milliseconds(200) : std::chrono::milliseconds(2000);
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    lock.unlock();
    draw(false);
    lock.lock();
  }
}

// One line per file that has started and is not finished yet (at most a
// screenful), so a stuck or slow file shows among many parallel ones.
std::vector<std::string> progress_display::file_lines() const {
  constexpr std::size_t max_lines = 12;
  std::vector<std::string> lines;
  if (jobs_.size() < 2) return lines;
  std::size_t hidden = 0;
  for (const job_progress* j : jobs_) {
    const std::uint64_t t = j->total.load(std::memory_order_relaxed);
    std::uint64_t d = j->confirmed.load(std::memory_order_relaxed) + j->in_flight.load(std::memory_order_relaxed);
    if (t == 0 || j->confirmed.load(std::memory_order_relaxed) >= t) continue;  // not started, or done
    if (lines.size() == max_lines) {
      ++hidden;
      continue;
    }
    if (d > t) d = t;
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%%", 100.0 * static_cast<double>(d) / static_cast<double>(t));
    lines.push_back("  " + j->label + ": " + pct + "  " + format_bytes(static_cast<double>(d)) + " / " +
                    format_bytes(static_cast<double>(t)));
  }
  if (hidden != 0) lines.push_back("  ... and " + std::to_string(hidden) + " more in progress");
  return lines;
}

// Bar: redraws the block in place (cursor up over the last block, each line
// cleared). Lines: the aggregate line, then the per-file lines.
void progress_display::draw(bool final_line) {
  const std::string aggregate = render(final_line);
  const std::vector<std::string> files = final_line ? std::vector<std::string>{} : file_lines();
  if (style_ == style::lines) {
    out_.err(aggregate);
    for (const auto& f : files) out_.err("rangeup-upload: " + f.substr(2));
    return;
  }
  std::string block = "\r";
  if (drawn_lines_ > 1) block += "\x1b[" + std::to_string(drawn_lines_ - 1) + "A";
  for (const auto& f : files) block += f + "\x1b[K\n";
  block += aggregate + "\x1b[K";
  // A shorter block than last time: clear what is left below it.
  if (files.size() + 1 < drawn_lines_) block += "\x1b[J";
  if (final_line) block += "\n";
  drawn_lines_ = files.size() + 1;
  out_.err_raw(block);
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
  std::size_t finished = 0;
  for (const job_progress* j : jobs_) {
    const std::uint64_t t = j->total.load(std::memory_order_relaxed);
    if (t != 0 && j->confirmed.load(std::memory_order_relaxed) >= t) ++finished;
  }
  const std::string label = jobs_.size() == 1 ? jobs_[0]->label
                                              : std::to_string(finished) + "/" + std::to_string(jobs_.size()) + " files";
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
