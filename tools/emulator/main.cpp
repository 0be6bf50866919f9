// rangeup-emulator: a strict local Microsoft Graph upload-session server with
// fault injection, for rangeup's tests, README demo and benchmarks.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "options.hpp"
#include "server.hpp"
#include "service.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  int code = 0;
  const auto opt = emu::parse_options(argc, argv, code);
  if (!opt) return code;

  std::error_code ec;
  fs::path store = opt->store;
  const bool temporary = store.empty();
  if (temporary) {
    std::string tmpl = (fs::temp_directory_path(ec) / "rangeup-emulator-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      std::cerr << "rangeup-emulator: cannot create a temp store\n";
      return 1;
    }
    store = tmpl;
  }
  fs::create_directories(store / "parts", ec);
  fs::create_directories(store / "files", ec);
  if (ec) {
    std::cerr << "rangeup-emulator: cannot create store " << store << ": " << ec.message() << "\n";
    return 1;
  }

  int rc = 0;
  {
    emu::service svc(*opt, fs::absolute(store).string());
    std::string error;
    emu::server srv(svc, *opt);
    if (!svc.configure_faults(error) || !svc.configure_tokens(error) || !srv.listen(error)) {
      std::cerr << "rangeup-emulator: " << error << "\n";
      rc = 2;
    } else {
      svc.set_base_url(srv.base_url());
      if (!opt->port_file.empty()) {  // complete before the URL line, and atomically
        const std::string tmp = opt->port_file + ".tmp";
        std::ofstream(tmp) << srv.port() << "\n";
        fs::rename(tmp, opt->port_file, ec);
      }
      std::cout << srv.base_url() << std::endl;  // first line: what tests and scripts read
      srv.run();
    }
  }
  if (temporary) fs::remove_all(store, ec);
  return rc;
}
