// The end-to-end benchmark's driver for the Boost.Beast transports: uploads
// FILEs as driveItems (conflict=replace) to a loopback rangeup-emulator.
//   sync:  one file after another, rangeup::upload over rangeup::beast::transport
//          (one connection per file, like rangeup-upload).
//   async: rangeup::beast::async_upload on one single-threaded io_context,
//          at most PARALLEL uploads in flight.
// https: --ca-file PEM trusts the emulator's self-signed certificate; one TLS
// context (trust store loaded once, as rangeup-upload does) serves every
// connection.
// Prints one JSON line {"mode","files","bytes","seconds"}; exit 0 only when
// every upload completed with the size the emulator confirmed.
//   rangeup-beast-bench [--ca-file PEM] sync|async GRAPH_BASE CHUNK_BYTES PARALLEL FILE...

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <string>

#include <boost/asio/io_context.hpp>

#include "rangeup/beast/async_upload.hpp"
#include "rangeup/beast/transport.hpp"
#include "rangeup/flavors/drive_item.hpp"
#include "rangeup/io/blocking_upload.hpp"
#include "rangeup/io/file_source.hpp"
#include "rangeup/upload_session.hpp"

namespace {

using session_type = rangeup::upload_session<rangeup::drive_item>;

struct job {
  std::string path;
  std::string name;  // target path in the drive
  rangeup::io::file_source source;
  rangeup::drive_item target;
  std::unique_ptr<session_type> session;
};

bool prepare(job& j, std::string_view graph_base, std::uint64_t chunk, std::size_t index) {
  if (auto ec = j.source.open(j.path.c_str())) {
    std::fprintf(stderr, "%s: %s\n", j.path.c_str(), ec.message().c_str());
    return false;
  }
  j.name = "bench/beast-" + std::to_string(index) + ".bin";
  j.target.graph_base = graph_base;
  j.target.root_path = j.name;
  j.target.conflict_behavior = rangeup::drive_item::conflict::replace;
  rangeup::session_options options;
  options.chunk_size = chunk;
  options.allow_http_loopback = true;
  j.session = std::make_unique<session_type>(j.target, rangeup::file_info{j.name, j.source.size()}, options);
  if (auto ec = j.session->init_error()) {
    std::fprintf(stderr, "%s: %s\n", j.path.c_str(), ec.message().c_str());
    return false;
  }
  j.session->set_bearer_token("bench");
  return true;
}

bool check(const job& j, std::error_code ec, const rangeup::upload_result& r) {
  if (ec || r.size != j.source.size()) {
    std::fprintf(stderr, "%s: upload failed: %s\n", j.path.c_str(), ec ? ec.message().c_str() : "size mismatch");
    return false;
  }
  return true;
}

rangeup::beast::transport_options transport_opts;  // set once in main

int run_sync(std::list<job>& jobs) {
  for (job& j : jobs) {
    rangeup::beast::transport transport(transport_opts);
    const rangeup::upload_outcome out = rangeup::upload(*j.session, transport, j.source);
    if (!check(j, out.code, out.result)) return 4;
  }
  return 0;
}

int run_async(std::list<job>& jobs, std::size_t parallel) {
  boost::asio::io_context io(1);
  rangeup::beast::upload_options options;
  options.transport = transport_opts;
  auto next = jobs.begin();
  int failures = 0;
  // Starts the next upload; each completion starts another, so at most
  // `parallel` are in flight.
  struct launcher {
    boost::asio::io_context& io;
    std::list<job>& jobs;
    std::list<job>::iterator& next;
    const rangeup::beast::upload_options& options;
    int& failures;
    void operator()() const {
      if (next == jobs.end()) return;
      job& j = *next++;
      const launcher self = *this;
      rangeup::beast::async_upload(io, *j.session, j.source, options,
                                   [self, &j](std::error_code ec, rangeup::upload_result r) {
                                     if (!check(j, ec, r)) ++self.failures;
                                     self();
                                   });
    }
  };
  const launcher launch{io, jobs, next, options, failures};
  for (std::size_t k = 0; k < parallel; ++k) launch();
  io.run();
  return failures == 0 ? 0 : 4;
}

}  // namespace

int main(int argc, char** argv) {
  std::string ca_file;
  if (argc > 2 && std::strcmp(argv[1], "--ca-file") == 0) {
    ca_file = argv[2];
    argv += 2;
    argc -= 2;
  }
  if (argc < 6 || (std::strcmp(argv[1], "sync") != 0 && std::strcmp(argv[1], "async") != 0)) {
    std::fprintf(stderr, "usage: rangeup-beast-bench [--ca-file PEM] sync|async GRAPH_BASE CHUNK_BYTES PARALLEL FILE...\n");
    return 2;
  }
  const bool sync = std::strcmp(argv[1], "sync") == 0;
  const std::string graph_base = argv[2];
  const std::uint64_t chunk = std::strtoull(argv[3], nullptr, 10);
  const std::size_t parallel = std::strtoul(argv[4], nullptr, 10);
  if (parallel == 0) return std::fprintf(stderr, "PARALLEL must be at least 1\n"), 2;
  transport_opts.allow_http = true;  // loopback only
  transport_opts.ca_file = ca_file;
  if (graph_base.rfind("https://", 0) == 0) {
    std::error_code ec;
    transport_opts.tls_context = rangeup::beast::make_tls_context(transport_opts, ec);
    if (ec) return std::fprintf(stderr, "TLS context: %s\n", ec.message().c_str()), 5;
  }

  std::list<job> jobs;  // stable addresses: sessions keep views of their targets
  std::uint64_t bytes = 0;
  for (int i = 5; i < argc; ++i) {
    job& j = jobs.emplace_back();
    j.path = argv[i];
    if (!prepare(j, graph_base, chunk, jobs.size())) return 5;
    bytes += j.source.size();
  }

  const auto t0 = std::chrono::steady_clock::now();
  const int rc = sync ? run_sync(jobs) : run_async(jobs, parallel);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (rc == 0)
    std::printf("{\"mode\":\"%s\",\"files\":%zu,\"bytes\":%llu,\"seconds\":%.6f}\n", argv[1], jobs.size(),
                static_cast<unsigned long long>(bytes), seconds);
  return rc;
}
