// Upload a file as an Outlook attachment with the blocking Beast transport,
// driving the session by hand (what rangeup::upload in adapters/io does for you).
//   GRAPH_TOKEN=... beast_sync FILE MESSAGE_ID [GRAPH_BASE]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "rangeup/beast/transport.hpp"
#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/io/file_source.hpp"
#include "rangeup/upload_session.hpp"

static rangeup::instant now() {
  using namespace std::chrono;
  return {duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count()};
}

int main(int argc, char** argv) {
  if (argc < 3) return std::fprintf(stderr, "usage: beast_sync FILE MESSAGE_ID [GRAPH_BASE]\n"), 2;
  const char* token = std::getenv("GRAPH_TOKEN");
  rangeup::io::file_source source;
  if (auto ec = source.open(argv[1])) return std::fprintf(stderr, "%s\n", ec.message().c_str()), 5;

  rangeup::outlook_attachment target;
  target.parent_id = argv[2];
  if (argc > 3) target.graph_base = argv[3];
  rangeup::session_options options;
  options.allow_http_loopback = true;  // lets GRAPH_BASE be a local rangeup-emulator
  rangeup::upload_session<rangeup::outlook_attachment> session(target, {argv[1], source.size()}, options);
  session.set_bearer_token(token != nullptr ? token : "");

  rangeup::beast::transport_options topts;
  topts.allow_http = true;  // still refused for anything but loopback hosts
  rangeup::beast::transport transport(topts);
  for (;;) {
    const rangeup::step step = session.next_step(now());
    if (const auto* request = step.request()) {
      auto response = transport.perform(*request, source);
      if (response) session.on_response(*response, now());
      else session.on_transport_error(response.error(), now());
    } else if (const auto* until = step.wait_until()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(*until - now()));
    } else if (const auto* done = step.done()) {
      std::printf("attachment id: %s\n", done->id.c_str());
      return 0;
    } else {
      std::fprintf(stderr, "failed: %s\n", step.failed()->code.message().c_str());
      return 4;
    }
  }
}
