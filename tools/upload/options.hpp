#pragma once
// rangeup-upload's command line (README, "The command-line uploader"; --help).

#include <cstdint>
#include <string>
#include <vector>

#include "target.hpp"

namespace upload_cli {

struct job_spec {
  std::string file;
  target where;
};

enum class transport_kind { curl, beast, beast_async };

struct options {
  std::vector<job_spec> jobs;
  std::string graph_base = "https://graph.microsoft.com/v1.0";
  std::string user;                     // empty: /me
  std::string token_env = "GRAPH_TOKEN";
  bool token_env_given = false;         // --token-env on the command line
  std::string token_file;               // --token-file: read at start and after a 401
  std::string token_command;            // --token-command: sh -c, its stdout is the token
  std::uint64_t token_timeout_s = 60;   // --token-timeout: per run of the command
  std::uint64_t chunk_size = 0;         // 0: the flavor's default
  bool chunk_auto = false;              // --chunk-size auto: adaptive fragments (drive targets)
  std::string conflict;                 // drive: fail | replace | rename (empty: service default)
  bool defer_commit = false;            // drive
  std::string drive_id;                 // drive: /drives/{id} (a SharePoint document library); empty: the user's drive
  bool force_session = false;           // never the one-request path for small files
  std::string content_type;             // attachments and print; empty: inferred from the file name
  bool is_inline = false;               // Outlook: inline attachment
  std::string content_id;               // Outlook: the inline attachment's CID
  std::string resume_path;
  std::uint64_t limit_rate = 0;         // bytes/s, 0: unlimited (one bucket shared by all files)
  bool verify = true;                   // QuickXorHash integrity check (--no-verify turns it off)
  int max_retries = -1;                 // -1: library default
  std::uint64_t timeout_s = 0;          // overall deadline per file, 0: none
  bool allow_http = false;
  std::string ca_file;
  bool json = false;
  bool quiet = false;
  unsigned parallel = 1;
  transport_kind transport = transport_kind::curl;  // --transport
};

enum class parse_outcome { run, help, version, usage_error };

// Fills `out` from argv. On usage_error, `error` holds one sentence.
parse_outcome parse_options(int argc, char** argv, options& out, std::string& error);

extern const char* const usage_text;

}  // namespace upload_cli
