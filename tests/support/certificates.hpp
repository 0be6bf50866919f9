#pragma once
// Throw-away TLS certificates for https tests, made with the openssl command
// (no library to link).

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace rangeup_test {

// A private temp directory with cert.pem/key.pem for `subject_alt_names`
// (e.g. "IP:127.0.0.1,DNS:localhost"). Returns the directory, "" on failure.
inline std::string make_certificate(const std::string& name, const std::string& subject_alt_names) {
  char pattern[] = "/tmp/rangeup-test-XXXXXX";
  const char* dir = ::mkdtemp(pattern);
  if (dir == nullptr) return {};
  const std::string d(dir);
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout " + d + "/key.pem -out " + d +
                          "/cert.pem -subj /CN=" + name + " -addext subjectAltName=" + subject_alt_names +
                          " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return {};
  return d;
}

inline void remove_directory(const std::string& dir) {
  if (dir.empty()) return;
  const std::string cmd = "rm -rf '" + dir + "'";
  if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "could not remove %s\n", dir.c_str());
}

}  // namespace rangeup_test
