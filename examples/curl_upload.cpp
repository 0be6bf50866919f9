// Upload a file as an Outlook message attachment with libcurl, blocking.
//   GRAPH_TOKEN=... curl_upload FILE MESSAGE_ID [GRAPH_BASE]
#include <rangeup/rangeup.hpp>
#include <rangeup/curl/transport.hpp>
#include <rangeup/io/blocking_upload.hpp>
#include <rangeup/io/file_source.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3) return std::fprintf(stderr, "usage: curl_upload FILE MESSAGE_ID [GRAPH_BASE]\n"), 2;
  rangeup::io::file_source file;
  if (auto ec = file.open(argv[1])) return std::fprintf(stderr, "%s: %s\n", argv[1], ec.message().c_str()), 5;
  const char* slash = std::strrchr(argv[1], '/');
  const char* token = std::getenv("GRAPH_TOKEN");

  rangeup::outlook_attachment target;
  target.parent_id = argv[2];
  if (argc > 3) target.graph_base = argv[3];
  rangeup::session_options options;
  options.allow_http_loopback = true;  // lets the example talk to rangeup-emulator on 127.0.0.1
  rangeup::upload_session<rangeup::outlook_attachment> session{
      target, {slash ? slash + 1 : argv[1], file.size()}, options};
  session.set_bearer_token(token ? token : "");

  rangeup::curl::transport_options http_options;
  http_options.allow_http = true;      // same: http only ever to loopback
  rangeup::curl::transport http{http_options};
  const rangeup::upload_outcome out = rangeup::upload(session, http, file, {});
  if (!out) return std::fprintf(stderr, "upload failed: %s\n", out.code.message().c_str()), 4;
  std::printf("attachment id: %s (%.1f s)\n", out.result.id.c_str(), out.seconds);
  return 0;
}
