#pragma once
// Command-line options of rangeup-emulator (see --help and README.md).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emu {

struct options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
  std::string port_file;
  std::string token;  // empty: any non-empty bearer is accepted
  // Tokens that expire (tokens.hpp): each accepted token serves this many
  // bearer requests, then is refused as expired (0: never). With a list or a
  // file only its first unexpired token is accepted.
  std::uint64_t token_ttl_requests = 0;
  std::vector<std::string> token_list;  // --token-list a,b,c
  std::string tokens_file;              // --tokens-file F: one per line, re-read at every request
  std::string faults;  // plan text, parsed by fault_plan
  double fault_rate = 0.0;
  std::vector<std::string> fault_kinds = {"500", "503", "429", "drop", "lost", "slow"};
  std::uint64_t seed = 0;
  std::string store;  // empty: a fresh temp dir removed at exit
  std::string tls_cert;
  std::string tls_key;
  unsigned session_ttl = 3600;  // seconds
  unsigned threads = 2;
  bool corrupt_hash = false;
  bool allow_small_sessions = false;  // accept Outlook sessions under 3 000 000 bytes (PROTOCOL.md O2)
  bool no_location = false;           // final 201 of attachment sessions without Location (E6)
  bool outlook_status = true;
  std::uint64_t max_requests = 0;  // 0: unlimited
  unsigned idle_exit = 0;          // seconds; 0: never
  unsigned retry_after = 1;        // seconds in Retry-After of 503/429 faults
  unsigned slow_ms = 2000;
  bool tls() const { return !tls_cert.empty(); }
};

// Parses argv. On --help or an error, returns nullopt after printing to
// stdout (help) or stderr (error); exit_code tells main what to return.
std::optional<options> parse_options(int argc, char** argv, int& exit_code);

}  // namespace emu
