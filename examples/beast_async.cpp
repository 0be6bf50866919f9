// Upload files concurrently to OneDrive on one io_context; Ctrl-C cancels
// every upload through its cancellation slot (each session is then DELETEd).
//   GRAPH_TOKEN=... beast_async PARENT_ITEM_ID FILE... [--graph-base URL]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <memory>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "rangeup/beast/async_upload.hpp"
#include "rangeup/flavors/drive_item.hpp"
#include "rangeup/io/file_source.hpp"
#include "rangeup/upload_session.hpp"

namespace net = boost::asio;
using session_type = rangeup::upload_session<rangeup::drive_item>;

struct job {
  rangeup::io::file_source source;
  std::unique_ptr<session_type> session;
  net::cancellation_signal cancel;
};

int main(int argc, char** argv) {
  if (argc < 3) return std::fprintf(stderr, "usage: beast_async PARENT_ITEM_ID FILE... [--graph-base URL]\n"), 2;
  const char* token = std::getenv("GRAPH_TOKEN");
  rangeup::drive_item target;
  target.parent_id = argv[1];
  rangeup::session_options options;
  options.allow_http_loopback = true;
  rangeup::beast::upload_options uopts;
  uopts.transport.allow_http = true;  // loopback only (a local rangeup-emulator)

  // Options first: every session copies the target when it is constructed.
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--graph-base") == 0) target.graph_base = argv[i + 1];

  net::io_context io;
  std::list<job> jobs;  // stable addresses: the operations keep references
  int failures = 0, running = 0;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--graph-base") == 0) {
      ++i;
      continue;
    }
    job& j = jobs.emplace_back();
    if (auto ec = j.source.open(argv[i])) {
      std::fprintf(stderr, "%s: %s\n", argv[i], ec.message().c_str());
      return 5;
    }
    const char* slash = std::strrchr(argv[i], '/');  // the item is named after the file, not its path
    j.session = std::make_unique<session_type>(target, rangeup::file_info{slash ? slash + 1 : argv[i], j.source.size()},
                                               options);
    j.session->set_bearer_token(token != nullptr ? token : "");
  }

  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec)
      for (auto& j : jobs) j.cancel.emit(net::cancellation_type::terminal);
  });
  for (auto& j : jobs) {
    ++running;
    rangeup::beast::async_upload(
        io, *j.session, j.source, uopts,
        net::bind_cancellation_slot(j.cancel.slot(), [&](std::error_code ec, rangeup::upload_result r) {
          if (ec) {
            ++failures;
            std::fprintf(stderr, "failed: %s\n", ec.message().c_str());
          } else {
            std::printf("%s: %llu bytes, quickXorHash %s\n", r.name.c_str(),
                        static_cast<unsigned long long>(r.size), r.quick_xor_hash.c_str());
          }
          if (--running == 0) signals.cancel();
        }));
  }
  io.run();
  return failures == 0 ? 0 : 4;
}
