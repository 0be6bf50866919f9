#include "options.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace emu {
namespace {

constexpr const char* usage =
    "usage: rangeup-emulator [--host 127.0.0.1] [--port 0] [--port-file F] [--token T]\n"
    "         [--faults PLAN] [--fault-rate P] [--fault-kinds K,K..] [--seed S]\n"
    "         [--retry-after S] [--slow-ms MS] [--store DIR] [--tls-cert C --tls-key K]\n"
    "         [--session-ttl SECONDS] [--threads N] [--corrupt-hash] [--outlook-status 0|1]\n"
    "         [--max-requests N] [--idle-exit SECONDS] [--allow-small-sessions] [--no-location]\n"
    "         [--token-ttl-requests N] [--token-list T1,T2,..] [--tokens-file F]\n"
    "A strict local Microsoft Graph upload-session server with fault injection.\n"
    "PLAN: comma list of KIND@N or KIND@N:COUNT (N-th upload request: session PUT,\n"
    "attachment POST or drive PUT .../content; 1-based),\n"
    "KIND one of 500 503 429 507 501 drop lost 404 slow 416 hold (hold: plan only;\n"
    "the request is read, held --slow-ms before it takes effect, then applied).\n"
    "Tokens: --token-ttl-requests N expires each token after N requests that carried\n"
    "it (401 InvalidAuthenticationToken, \"Lifetime validation failed\"); with\n"
    "--token-list or --tokens-file (one per line, re-read at every request) only the\n"
    "first unexpired token of the list is accepted.\n";

bool to_u64(const std::string& s, std::uint64_t& out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19) return false;
  out = std::strtoull(s.c_str(), nullptr, 10);
  return true;
}

template <class T>
bool to_unsigned(const std::string& s, T& out, std::uint64_t max) {
  std::uint64_t v = 0;
  if (!to_u64(s, v) || v > max) return false;
  out = static_cast<T>(v);
  return true;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

std::optional<options> parse_options(int argc, char** argv, int& exit_code) {
  options o;
  exit_code = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--corrupt-hash" || arg == "--allow-small-sessions" || arg == "--no-location") {
      (arg == "--corrupt-hash" ? o.corrupt_hash : arg == "--no-location" ? o.no_location : o.allow_small_sessions) = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::cerr << "rangeup-emulator: " << arg << ": missing value or unknown option\n" << usage;
      return std::nullopt;
    }
    const std::string v = argv[++i];
    bool ok = true;
    if (arg == "--host") o.host = v;
    else if (arg == "--port") ok = to_unsigned(v, o.port, 65535);
    else if (arg == "--port-file") o.port_file = v;
    else if (arg == "--token") o.token = v;
    else if (arg == "--token-ttl-requests") ok = to_u64(v, o.token_ttl_requests);
    else if (arg == "--token-list") {
      o.token_list = split_commas(v);
      ok = !o.token_list.empty();
    } else if (arg == "--tokens-file") {
      o.tokens_file = v;
      ok = !v.empty();
    }
    else if (arg == "--faults") o.faults = v;
    else if (arg == "--fault-rate") {
      char* end = nullptr;
      o.fault_rate = std::strtod(v.c_str(), &end);
      ok = end != v.c_str() && *end == '\0' && o.fault_rate >= 0.0 && o.fault_rate <= 1.0;
    } else if (arg == "--fault-kinds") {
      o.fault_kinds = split_commas(v);
      ok = !o.fault_kinds.empty();
    } else if (arg == "--seed") ok = to_u64(v, o.seed);
    else if (arg == "--store") o.store = v;
    else if (arg == "--tls-cert") o.tls_cert = v;
    else if (arg == "--tls-key") o.tls_key = v;
    else if (arg == "--session-ttl") ok = to_unsigned(v, o.session_ttl, 10u * 365 * 86400);
    else if (arg == "--threads") ok = to_unsigned(v, o.threads, 256) && o.threads > 0;
    else if (arg == "--outlook-status") ok = (v == "0" || v == "1") && ((o.outlook_status = v == "1"), true);
    else if (arg == "--max-requests") ok = to_u64(v, o.max_requests);
    else if (arg == "--idle-exit") ok = to_unsigned(v, o.idle_exit, 86400);
    else if (arg == "--retry-after") ok = to_unsigned(v, o.retry_after, 86400);
    else if (arg == "--slow-ms") ok = to_unsigned(v, o.slow_ms, 600000);
    else {
      std::cerr << "rangeup-emulator: unknown option " << arg << "\n" << usage;
      return std::nullopt;
    }
    if (!ok) {
      std::cerr << "rangeup-emulator: bad value for " << arg << ": " << v << "\n";
      return std::nullopt;
    }
  }
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    std::cerr << "rangeup-emulator: --tls-cert and --tls-key go together\n";
    return std::nullopt;
  }
  if (int(!o.token.empty()) + int(!o.token_list.empty()) + int(!o.tokens_file.empty()) > 1) {
    std::cerr << "rangeup-emulator: --token, --token-list and --tokens-file exclude each other\n";
    return std::nullopt;
  }
  exit_code = 0;
  return o;
}

}  // namespace emu
