// Upload several files to one Outlook message at once: one libcurl multi
// handle, one thread, at most 4 transfers in flight.
//   GRAPH_TOKEN=... curl_multi_upload MESSAGE_ID GRAPH_BASE FILE...
#include <rangeup/rangeup.hpp>
#include <rangeup/curl/multi_upload.hpp>
#include <rangeup/io/file_source.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) return std::fprintf(stderr, "usage: curl_multi_upload MESSAGE_ID GRAPH_BASE FILE...\n"), 2;
  const char* token = std::getenv("GRAPH_TOKEN");
  rangeup::outlook_attachment target;
  target.parent_id = argv[1];
  target.graph_base = argv[2];
  rangeup::session_options options;
  options.allow_http_loopback = true;  // lets the example talk to rangeup-emulator on 127.0.0.1

  using session_t = rangeup::upload_session<rangeup::outlook_attachment>;
  std::vector<std::unique_ptr<rangeup::io::file_source>> files;  // sessions and sources must not move
  std::vector<std::unique_ptr<session_t>> sessions;
  rangeup::curl::multi_options multi_options;
  multi_options.max_running = 4;                 // the other files wait their turn
  multi_options.transport.allow_http = true;     // same: http only ever to loopback
  rangeup::curl::multi_upload uploads{multi_options};
  for (int i = 3; i < argc; ++i) {
    auto file = std::make_unique<rangeup::io::file_source>();
    if (auto ec = file->open(argv[i])) return std::fprintf(stderr, "%s: %s\n", argv[i], ec.message().c_str()), 5;
    const char* slash = std::strrchr(argv[i], '/');
    auto session = std::make_unique<session_t>(target, rangeup::file_info{slash ? slash + 1 : argv[i], file->size()},
                                               options);
    session->set_bearer_token(token ? token : "");
    uploads.add(*session, *file, rangeup::upload_options{});
    files.push_back(std::move(file));
    sessions.push_back(std::move(session));
  }
  const std::size_t failed = uploads.run();      // returns when every file has succeeded or failed
  for (std::size_t i = 0; i < uploads.size(); ++i) {
    const rangeup::upload_outcome& out = uploads.outcome(i);
    if (out) std::printf("%s: attachment id %s\n", argv[i + 3], out.result.id.c_str());
    else std::printf("%s: failed: %s\n", argv[i + 3], out.code.message().c_str());
  }
  return failed == 0 ? 0 : 4;
}
