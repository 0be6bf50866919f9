// An upload driven from a game's main loop: one thread, no call that blocks.
// Each frame, tick() advances rangeup's upload engine (rangeup/io/engine.hpp)
// and a hand-written non-blocking HTTP client (nonblocking_http_transport.hpp)
// as far as they go without waiting; then the frame draws its progress bar and
// sleeps until the next frame. The engine does everything an upload needs
// besides I/O — retries, the integrity hash, the overall timeout, the cancel
// flag, resume tokens — so the game-side code is only the loop below.
//
//   GRAPH_TOKEN=... game_loop_upload GRAPH_BASE FILE TARGET [--timeout-ms N]
//                                    [--resume STATE_FILE] [--stop-after-bytes N]
//   GRAPH_BASE  http://127.0.0.1:PORT/v1.0 for rangeup-emulator (the transport has no TLS)
//   TARGET      message:MESSAGE_ID  (an Outlook attachment)
//               drive:PATH          (a OneDrive file, PATH under the drive's root)
//   --timeout-ms N          give up after N ms (errc::timeout)
//   --resume STATE_FILE     keep a resume token there; a later run continues from it
//   --stop-after-bytes N    the player quits once N bytes are confirmed: the
//                           upload stops (errc::cancelled) and stays resumable
// Exit status: 0 uploaded, 3 stopped by the player, 4 timed out, 1 other
// failure, 2 bad arguments or an unusable file.
#include <rangeup/rangeup.hpp>
#include <rangeup/io/engine.hpp>
#include <rangeup/io/file_source.hpp>
#include <rangeup/io/resume_file.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "nonblocking_http_transport.hpp"

namespace {

using rangeup::errc;
using rangeup::instant;

instant steady_now() {
  using namespace std::chrono;
  return instant{duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count()};
}
std::int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The game-side upload: the engine, the HTTP client, and where they were at
// the end of the last frame.
template <class Session>
class frame_upload {
 public:
  frame_upload(Session& session, rangeup::io::file_source& file, const rangeup::upload_options& options, instant now)
      : engine_(session, file, options, now, unix_now_ms()) {}

  // One frame's worth of work; returns without waiting for anything.
  void tick(instant now) {
    // A few engine steps per frame, so an answer that came in starts the next
    // request in the same frame.
    for (int steps = 0; steps < 8; ++steps) {
      switch (state_) {
        case state::sending: {
          // The cancel flag or the overall timeout: abort the request in flight;
          // the engine then stops the upload (and says why in its outcome).
          if (!engine_.request_may_continue(now)) {
            http_.abort();
            engine_.on_transport_error(rangeup::make_error_code(errc::cancelled), now);
            state_ = state::ready;
            continue;
          }
          const bool done = http_.poll(now);
          engine_.on_send_progress(http_.body_bytes_sent());
          if (!done) return;  // more next frame
          const rangeup::result<rangeup::response_view>& r = http_.result();
          if (r) engine_.on_response(*r, now);
          else engine_.on_transport_error(r.error(), now);
          state_ = state::ready;
          continue;
        }
        case state::waiting:  // a Retry-After or backoff delay: idle until it ends, unless the upload must stop
          if (now < wake_at_ && !engine_.must_stop(now)) return;
          state_ = state::ready;
          continue;
        case state::finished:
          return;
        case state::ready:
          break;
      }
      const rangeup::io::engine_action a = engine_.next(now);
      switch (a.what) {
        case rangeup::io::engine_action::kind::send:
          // The body comes from engine_.body(): the file, hashed on the way for
          // the integrity check. (No rate limit is set here; with one, ask
          // engine_.admit() before handing bytes to the socket.)
          http_.start(*a.request, engine_.body(), now);
          state_ = state::sending;
          break;
        case rangeup::io::engine_action::kind::wait:
          wake_at_ = a.until;
          state_ = state::waiting;
          break;
        case rangeup::io::engine_action::kind::need_token:
          // options.tokens reads an environment variable: instant. A token that
          // takes a network round trip would be fetched asynchronously and
          // handed over with engine_.on_token() in a later frame.
          engine_.fetch_token();
          break;
        case rangeup::io::engine_action::kind::finished:
          state_ = state::finished;
          return;
      }
    }
  }

  bool finished() const { return state_ == state::finished; }
  const rangeup::upload_outcome& outcome() const { return engine_.outcome(); }
  std::uint64_t in_flight() const { return state_ == state::sending ? http_.body_bytes_sent() : 0; }
  const char* transport_detail() const { return http_.last_error_detail(); }

 private:
  enum class state { ready, sending, waiting, finished };
  rangeup::io::upload_engine<Session, rangeup::io::file_source> engine_;
  rangeup_example::nonblocking_http_transport http_;
  state state_ = state::ready;
  instant wake_at_{};
};

// Confirmed bytes, for the progress bar and for the player who quits.
struct progress_watch final : rangeup::progress_observer {
  std::uint64_t confirmed = 0;
  std::uint64_t quit_after = 0;  // 0: never
  std::atomic<bool> quit{false};
  void on_progress(const rangeup::progress& p) noexcept override {
    confirmed = p.confirmed_bytes;
    if (quit_after != 0 && confirmed >= quit_after) quit.store(true);
  }
};

// --resume: every token the engine hands over replaces the file atomically
// (it holds the uploadUrl, a credential: 0600).
struct resume_file {
  std::string path;
  static void save(void* self, std::string_view token) noexcept {
    auto* f = static_cast<resume_file*>(self);
    try {
      if (const std::error_code ec = rangeup::io::write_file_atomically(f->path, token))
        std::fprintf(stderr, "warning: cannot write %s: %s\n", f->path.c_str(), ec.message().c_str());
    } catch (...) {  // out of memory: the next token is written again
    }
  }
};

struct arguments {
  std::string graph_base, file, target, resume_path;
  std::int64_t timeout_ms = 0;
  std::uint64_t stop_after = 0;
};

// The render step of the frame: a bar, printed when it changed.
void render_progress(std::uint64_t frame, std::uint64_t confirmed, std::uint64_t in_flight, std::uint64_t total,
                     std::string& last) {
  const std::uint64_t shown = confirmed + in_flight < total ? confirmed + in_flight : total;
  const int width = 20, filled = total == 0 ? width : static_cast<int>(shown * width / total);
  char line[128];
  std::snprintf(line, sizeof line, "[%.*s%.*s] %3d%%  %" PRIu64 " of %" PRIu64 " bytes confirmed", filled,
                "####################", width - filled, "....................",
                total == 0 ? 100 : static_cast<int>(shown * 100 / total), confirmed, total);
  if (last == line) return;
  last = line;
  std::printf("frame %5" PRIu64 " %s\n", frame, line);
  std::fflush(stdout);
}

template <class Flavor>
int run(const Flavor& flavor, const arguments& args, rangeup::io::file_source& file, std::string_view name) {
  rangeup::session_options so;
  so.allow_http_loopback = true;  // http only ever to 127.0.0.1 / localhost: the emulator
  using session_t = rangeup::upload_session<Flavor>;
  session_t session(flavor, rangeup::file_info{name, file.size(), "application/octet-stream"}, so);
  if (const std::error_code ec = session.init_error())
    return std::fprintf(stderr, "cannot upload %s: %s\n", args.file.c_str(), ec.message().c_str()), 2;

  // The resume token names the file by size and modification time: a changed
  // file is never continued.
  const rangeup::file_fingerprint fingerprint = file.fingerprint();
  (void)session.set_fingerprint(fingerprint);
  if (!args.resume_path.empty()) {
    std::string token;
    const std::error_code read = rangeup::io::read_small_file(args.resume_path, token, rangeup::max_resume_token_size);
    if (!read) {
      if (const std::error_code ec = session.restore(token, fingerprint))
        return std::fprintf(stderr, "%s: cannot resume: %s (remove it to start over)\n", args.resume_path.c_str(),
                            ec.message().c_str()), 2;
      std::printf("resuming at byte %" PRIu64 "\n", session.progress_info().confirmed_bytes);
    } else if (read != std::errc::no_such_file_or_directory) {
      return std::fprintf(stderr, "%s: %s\n", args.resume_path.c_str(), read.message().c_str()), 2;
    }
  }

  progress_watch watch;
  watch.quit_after = args.stop_after;
  watch.confirmed = session.progress_info().confirmed_bytes;
  resume_file resume{args.resume_path};

  rangeup::upload_options options;
  options.verify_integrity = true;  // QuickXorHash of the bytes as they are sent
  options.timeout_ms = args.timeout_ms;
  options.observer = &watch;
  options.cancel_flag = &watch.quit;
  // A player who quits comes back later: with a resume file to continue
  // from, a stopped upload leaves its session on the server (no DELETE).
  options.delete_on_cancel = args.resume_path.empty();
  if (!args.resume_path.empty()) {
    options.on_resume_token = &resume_file::save;
    options.resume_context = &resume;
  }
  options.tokens = [](std::string_view stale, std::string& token) -> std::error_code {
    const char* t = std::getenv("GRAPH_TOKEN");
    if (t == nullptr || *t == '\0') return rangeup::make_error_code(errc::token_unavailable);
    if (stale == t) return rangeup::make_error_code(errc::unauthorized);  // refused, and there is no other
    token = t;
    return {};
  };

  // The game's main loop.
  frame_upload<session_t> upload(session, file, options, steady_now());
  std::string bar;
  for (std::uint64_t frame = 0; !upload.finished(); ++frame) {
    upload.tick(steady_now());
    render_progress(frame, watch.confirmed, upload.in_flight(), file.size(), bar);
    std::this_thread::sleep_for(std::chrono::milliseconds(16));  // the rest of the frame
  }

  const rangeup::upload_outcome& out = upload.outcome();
  std::printf("quick_xor_hash: %s\n", out.quick_xor_hash.empty() ? "(none)" : out.quick_xor_hash.c_str());
  std::printf("integrity_checked: %s\n", out.integrity_checked ? "true" : "false");
  std::printf("bytes_sent: %" PRIu64 "\n", out.stats.bytes_sent);
  if (out) {
    std::printf("outcome: uploaded\nid: %s\n", out.result.id.c_str());
    if (!args.resume_path.empty()) std::remove(args.resume_path.c_str());  // nothing left to resume
    return 0;
  }
  std::printf("outcome: %s", out.code.message().c_str());
  if (out.error.http_status != 0) std::printf(" (HTTP %d %s)", out.error.http_status, out.error.server_code.c_str());
  else if (*upload.transport_detail() != '\0') std::printf(" (last transport error: %s)", upload.transport_detail());
  std::printf("\n");
  if (out.code == errc::cancelled) {
    if (!args.resume_path.empty()) std::printf("the upload can be resumed from %s\n", args.resume_path.c_str());
    return 3;
  }
  return out.code == errc::timeout ? 4 : 1;
}

bool parse_number(const char* text, std::uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtoull(text, &end, 10);
  return *text >= '0' && *text <= '9' && *end == '\0' && errno == 0;
}

}  // namespace

int main(int argc, char** argv) {
  arguments args;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    std::uint64_t n = 0;
    if ((a == "--timeout-ms" || a == "--stop-after-bytes" || a == "--resume") && i + 1 == argc) positional = -1;
    else if (a == "--resume") args.resume_path = argv[++i];
    else if (a == "--timeout-ms" && parse_number(argv[++i], n)) args.timeout_ms = static_cast<std::int64_t>(n);
    else if (a == "--stop-after-bytes" && parse_number(argv[++i], n)) args.stop_after = n;
    else if (a.substr(0, 2) == "--") positional = -1;
    else if (positional == 0) args.graph_base = argv[i], ++positional;
    else if (positional == 1) args.file = argv[i], ++positional;
    else if (positional == 2) args.target = argv[i], ++positional;
    else positional = -1;
    if (positional < 0) break;
  }
  if (positional != 3) {
    std::fprintf(stderr,
                 "usage: game_loop_upload GRAPH_BASE FILE message:MESSAGE_ID|drive:PATH [--timeout-ms N] "
                 "[--resume STATE_FILE] [--stop-after-bytes N]\n");
    return 2;
  }

  rangeup::io::file_source file;
  if (const std::error_code ec = file.open(args.file.c_str()))
    return std::fprintf(stderr, "%s: %s\n", args.file.c_str(), ec.message().c_str()), 2;
  const std::size_t slash = args.file.rfind('/');
  const std::string name = slash == std::string::npos ? args.file : args.file.substr(slash + 1);

  const std::string_view target = args.target;
  if (target.substr(0, 8) == "message:") {
    rangeup::outlook_attachment flavor;
    flavor.graph_base = args.graph_base;
    flavor.parent_id = target.substr(8);
    return run(flavor, args, file, name);
  }
  if (target.substr(0, 6) == "drive:") {
    rangeup::drive_item flavor;
    flavor.graph_base = args.graph_base;
    flavor.root_path = target.substr(6);
    return run(flavor, args, file, name);
  }
  std::fprintf(stderr, "unknown target %s: message:MESSAGE_ID or drive:PATH\n", args.target.c_str());
  return 2;
}
