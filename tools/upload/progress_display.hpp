#pragma once
// Progress on stderr while files upload: a redrawn bar (bytes, %, rate, ETA)
// when stderr is a terminal, otherwise a plain line every few seconds. With
// several files, the aggregate comes with one line per file in progress.
// Upload threads only store numbers into job_progress; one display thread renders.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "output.hpp"

namespace upload_cli {

struct job_progress {
  std::string label;                       // the file name as given
  std::atomic<std::uint64_t> total{0};
  std::atomic<std::uint64_t> confirmed{0}; // acknowledged by the server
  std::atomic<std::uint64_t> in_flight{0}; // sent in the current request, not yet confirmed
};

class progress_display {
 public:
  enum class style { none, bar, lines };

  progress_display(output& out, style s) : out_(out), style_(s) {}
  ~progress_display() { stop(); }

  // Starts rendering the given jobs (which must outlive stop()).
  void start(std::vector<job_progress*> jobs);
  // Renders a last time, ends the bar's line, joins the thread. Idempotent.
  void stop();

 private:
  void run();
  void draw(bool final_line);
  std::string render(bool final_line);
  std::vector<std::string> file_lines() const;

  output& out_;
  style style_;
  std::vector<job_progress*> jobs_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool started_ = false;
  std::size_t drawn_lines_ = 0;  // bar style: lines drawn last time (the cursor is below them)
  // Rate estimate: bytes/s smoothed over redraws.
  double rate_ = 0;
  std::uint64_t last_bytes_ = 0;
  std::chrono::steady_clock::time_point last_time_{}, start_time_{};
};

}  // namespace upload_cli
