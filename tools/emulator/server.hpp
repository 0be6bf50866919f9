#pragma once
// Accepts connections (plain or TLS) and hands them in turn to --threads
// threads, one io_context each (a connection stays on its thread), and stops on SIGINT/SIGTERM, /_emulator/shutdown, --max-requests
// or --idle-exit.

#include <memory>
#include <string>

#include "options.hpp"
#include "service.hpp"

namespace emu {

class server {
 public:
  server(service& svc, const options& opt);
  ~server();
  // Binds and listens; returns false with a message on failure.
  bool listen(std::string& error);
  unsigned short port() const;
  std::string base_url() const;
  // Blocks until stopped.
  void run();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace emu
