#include "options.hpp"

#include <fstream>
#include <iostream>

#include "content_type.hpp"
#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/flavors/todo_attachment.hpp"
#include "units.hpp"

namespace upload_cli {
namespace {

// --from-list: one "FILE TARGET" per line; the target is the last word (it has
// no spaces), so file names may contain spaces. Blank lines and # comments are
// skipped. "-" reads standard input.
bool read_list(const std::string& path, std::vector<std::string>& pairs, std::string& error) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) {
      error = "--from-list " + path + ": cannot read it";
      return false;
    }
  }
  std::istream& in = path == "-" ? std::cin : file;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    line = line.substr(first, last - first + 1);
    const auto gap = line.find_last_of(" \t");
    if (gap == std::string::npos) {
      error = "--from-list " + path + " line " + std::to_string(number) + ": expected FILE TARGET";
      return false;
    }
    const auto file_end = line.find_last_not_of(" \t", gap);
    pairs.push_back(line.substr(0, file_end + 1));
    pairs.push_back(line.substr(gap + 1));
  }
  return true;
}

}  // namespace

const char* const usage_text =
    "usage: rangeup-upload [options] FILE TARGET [FILE TARGET ...]\n"
    "       rangeup-upload [options] --from-list LIST   (one FILE TARGET per line)\n"
    "Uploads FILE through a Microsoft Graph upload session, or in one request when it\n"
    "is small: attachments under 3000000 bytes, drive files up to 4 MiB.\n"
    "  TARGET  message:<id> | event:<id> | todo:<list-id>/<task-id>\n"
    "          | drive:<parent-item-id>/<name> | drive-path:<path/in/drive>\n"
    "          | drive-item:<item-id>   (replace that existing file's content)\n"
    "          | print:<printer-id>/<job-id>/<document-id>\n"
    "          | print-share:<share-id>/<job-id>/<document-id>\n"
    "  --graph-base URL     default https://graph.microsoft.com/v1.0 (beta also valid)\n"
    "  --user ID            use /users/{ID} instead of /me\n"
    "  --token-env NAME     env var holding the bearer token (default GRAPH_TOKEN);\n"
    "                       read once: an expired token ends the upload\n"
    "  --token-file FILE    read the bearer token from FILE, again after a 401\n"
    "  --token-command CMD  run `sh -c CMD` for the bearer token (its trimmed stdout),\n"
    "                       again whenever a fresh one is needed (one run per expiry,\n"
    "                       whatever --parallel), e.g. 'az account get-access-token\n"
    "                       --resource-type ms-graph --query accessToken -o tsv'\n"
    "  --token-timeout SECONDS  kill the token command after this long (default 60)\n"
    "  --chunk-size BYTES   K/M/G, KiB/MiB/GiB suffixes (all binary); validated per service\n"
    "                       (message, event, todo: at most 4000000 bytes)\n"
    "  --chunk-size auto    (drive targets) adapt the fragment size to the measured\n"
    "                       throughput and failures, in 320 KiB steps below 60 MiB\n"
    "  --force-session      always an upload session, also for small files\n"
    "  --content-type TYPE  (message, event, todo, print) default: from the file name's\n"
    "                       extension (/etc/mime.types, then a built-in table)\n"
    "  --inline             (message, event) an inline attachment\n"
    "  --content-id ID      (message, event) the attachment's content id (cid:ID)\n"
    "  --conflict fail|replace|rename   (drive:, drive-path:) if the name is taken;\n"
    "                       without it, small files (one request) send fail\n"
    "  --defer-commit       commit explicitly after the last byte (drive targets)\n"
    "  --drive-id ID        (drive targets) upload into /drives/{ID}, e.g. a SharePoint\n"
    "                       document library, instead of the user's OneDrive\n"
    "  --resume FILE        keep session state in FILE; rerunning continues the upload\n"
    "  --limit-rate BYTES   cap the upload rate (bytes per second, K/M suffixes); one\n"
    "                       limit shared by all files of a --parallel run\n"
    "  --no-verify          skip the QuickXorHash integrity check (drive targets)\n"
    "  --max-retries N      retries of one request on transient failures\n"
    "  --timeout SECONDS    give up on a file after this long\n"
    "  --allow-http         permit http:// to loopback hosts (testing only)\n"
    "  --ca-file PATH       trust the CA certificates in PATH (PEM) for https instead\n"
    "                       of the system store\n"
    "  --parallel N         upload up to N files at once (several FILE TARGET pairs)\n"
    "  --from-list LIST     read FILE TARGET pairs from LIST, one per line (- = stdin;\n"
    "                       blank lines and # comments skipped)\n"
    "  --transport curl|beast|beast-async\n"
    "                       HTTP stack: libcurl (default), Boost.Beast blocking (a thread\n"
    "                       per file), Boost.Beast async (all files on one thread);\n"
    "                       beast* only in builds with Boost.Beast\n"
    "  --json               print the result as JSON on stdout (an array for several files)\n"
    "  --quiet              no progress output\n"
    "  --help, --version\n"
    "exit: 0 done (also when the service did not return the attachment id: a note on\n"
    "      stderr, do not upload again), 2 usage, 3 server rejected (4xx, 501, 507)\n"
    "      or no token (--token-file / --token-command failed),\n"
    "      4 retries exhausted / network / malformed server response / integrity\n"
    "      mismatch (the service stored other bytes), 5 local I/O\n";

parse_outcome parse_options(int argc, char** argv, options& out, std::string& error) {
  std::vector<std::string> positional;
  std::vector<std::string> lists;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::string value;
    bool has_inline = false;
    if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    auto flag = [&](bool& target) {
      if (has_inline) {
        error = arg + " takes no value";
        return false;
      }
      target = true;
      return true;
    };
    auto take = [&]() {
      if (has_inline) return true;
      if (i + 1 >= argc) {
        error = arg + " needs a value";
        return false;
      }
      value = argv[++i];
      return true;
    };
    auto bad = [&](const char* what) {
      error = arg + ": " + what + " (got '" + value + "')";
      return parse_outcome::usage_error;
    };
    if (arg == "--help" || arg == "-h") return parse_outcome::help;
    if (arg == "--version") return parse_outcome::version;
    if (arg == "--defer-commit") {
      if (!flag(out.defer_commit)) return parse_outcome::usage_error;
    } else if (arg == "--force-session") {
      if (!flag(out.force_session)) return parse_outcome::usage_error;
    } else if (arg == "--inline") {
      if (!flag(out.is_inline)) return parse_outcome::usage_error;
    } else if (arg == "--allow-http") {
      if (!flag(out.allow_http)) return parse_outcome::usage_error;
    } else if (arg == "--no-verify") {
      bool off = false;
      if (!flag(off)) return parse_outcome::usage_error;
      out.verify = !off;
    } else if (arg == "--json") {
      if (!flag(out.json)) return parse_outcome::usage_error;
    } else if (arg == "--quiet" || arg == "-q") {
      if (!flag(out.quiet)) return parse_outcome::usage_error;
    } else {
      if (!take()) return parse_outcome::usage_error;
      if (arg == "--graph-base") {
        out.graph_base = value;
      } else if (arg == "--user") {
        if (value.empty()) return bad("needs a user id");
        out.user = value;
      } else if (arg == "--token-env") {
        if (value.empty()) return bad("needs a variable name");
        out.token_env = value;
        out.token_env_given = true;
      } else if (arg == "--token-file") {
        if (value.empty()) return bad("needs a file name");
        out.token_file = value;
      } else if (arg == "--token-command") {
        if (value.find_first_not_of(" \t") == std::string::npos) return bad("needs a command");
        out.token_command = value;
      } else if (arg == "--token-timeout") {
        const auto v = parse_count(value);
        if (!v || *v == 0 || *v > 3600) return bad("expected seconds from 1 to 3600");
        out.token_timeout_s = *v;
      } else if (arg == "--chunk-size" && value == "auto") {
        out.chunk_auto = true;
        out.chunk_size = 0;
      } else if (arg == "--chunk-size") {
        out.chunk_auto = false;
        const auto v = parse_bytes(value);
        if (!v || *v == 0) return bad("expected a positive byte count such as 4M or 327680");
        out.chunk_size = *v;
      } else if (arg == "--conflict") {
        if (value != "fail" && value != "replace" && value != "rename") return bad("expected fail, replace or rename");
        out.conflict = value;
      } else if (arg == "--drive-id") {
        if (!is_printable_value(value) || value.find('/') != std::string::npos) return bad("expected a drive id");
        out.drive_id = value;
      } else if (arg == "--content-type") {
        // PROTOCOL.md O1, T1, P1: a MIME type such as application/pdf (parameters allowed).
        if (!is_printable_value(value) || value.find('/') == std::string::npos)
          return bad("expected a MIME type such as application/pdf, without control characters");
        out.content_type = value;
      } else if (arg == "--content-id") {
        if (!is_printable_value(value)) return bad("expected a content id without control characters");
        out.content_id = value;
      } else if (arg == "--resume") {
        if (value.empty()) return bad("needs a file name");
        out.resume_path = value;
      } else if (arg == "--limit-rate") {
        const auto v = parse_bytes(value);
        if (!v || *v == 0) return bad("expected a positive bytes-per-second rate such as 1M");
        out.limit_rate = *v;
      } else if (arg == "--max-retries") {
        const auto v = parse_count(value);
        if (!v || *v > 1000) return bad("expected a count from 0 to 1000");
        out.max_retries = static_cast<int>(*v);
      } else if (arg == "--timeout") {
        const auto v = parse_count(value);
        if (!v || *v == 0 || *v > 30 * 86400) return bad("expected seconds, at least 1");
        out.timeout_s = *v;
      } else if (arg == "--ca-file") {
        if (value.empty()) return bad("needs a file name");
        out.ca_file = value;
      } else if (arg == "--from-list") {
        if (value.empty()) return bad("needs a file name (- for standard input)");
        lists.push_back(value);
      } else if (arg == "--parallel") {
        const auto v = parse_count(value);
        if (!v || *v == 0 || *v > 64) return bad("expected 1 to 64");
        out.parallel = static_cast<unsigned>(*v);
      } else if (arg == "--transport") {
        if (value == "curl") out.transport = transport_kind::curl;
        else if (value == "beast") out.transport = transport_kind::beast;
        else if (value == "beast-async") out.transport = transport_kind::beast_async;
        else return bad("expected curl, beast or beast-async");
#if !RANGEUP_UPLOAD_WITH_BEAST
        if (out.transport != transport_kind::curl) {
          error = "--transport " + value + ": this rangeup-upload was built without Boost.Beast; only curl is available";
          return parse_outcome::usage_error;
        }
#endif
      } else {
        error = "unknown option " + arg;
        return parse_outcome::usage_error;
      }
    }
  }
  if (positional.size() % 2 != 0) {
    error = "expected FILE TARGET pairs";
    return parse_outcome::usage_error;
  }
  for (const auto& list : lists)
    if (!read_list(list, positional, error)) return parse_outcome::usage_error;
  if (positional.empty()) {
    error = lists.empty() ? "missing FILE and TARGET" : "--from-list: no FILE TARGET pairs";
    return parse_outcome::usage_error;
  }
  for (std::size_t k = 0; k < positional.size(); k += 2) {
    job_spec job;
    job.file = positional[k];
    if (!parse_target(positional[k + 1], job.where, error)) return parse_outcome::usage_error;
    out.jobs.push_back(job);
  }
  // Options for some kinds of target: a usage error when no target of the
  // run takes them (in a mixed run they apply to the targets that do).
  const auto any = [&](bool (*takes)(target::kind)) {
    for (const auto& j : out.jobs)
      if (takes(j.where.what)) return true;
    return false;
  };
  const auto names_a_drive_item = [](target::kind k) {
    return k == target::kind::drive || k == target::kind::drive_path;
  };
  const auto sends_content_type = [](target::kind k) { return !is_drive(k); };
  if (!out.conflict.empty() && !any(names_a_drive_item)) {
    error = "--conflict applies to drive: and drive-path: targets only (drive-item: always replaces)";
    return parse_outcome::usage_error;
  }
  if (out.defer_commit && !any(is_drive)) {
    error = "--defer-commit applies to drive targets only";
    return parse_outcome::usage_error;
  }
  if (!out.drive_id.empty() && !any(is_drive)) {
    error = "--drive-id applies to drive:, drive-path: and drive-item: targets only";
    return parse_outcome::usage_error;
  }
  if ((out.is_inline || !out.content_id.empty()) && !any(is_outlook)) {
    error = "--inline and --content-id apply to message: and event: targets only";
    return parse_outcome::usage_error;
  }
  if (!out.content_type.empty() && !any(sends_content_type)) {
    error = "--content-type applies to message:, event:, todo:, print: and print-share: targets only";
    return parse_outcome::usage_error;
  }
  // PROTOCOL.md O5, T2: Outlook and To Do fragments stay under 4 MB. The core
  // refuses a larger chunk at construction too; saying so here names the limit
  // before any file is opened, whatever the file's size.
  constexpr std::uint64_t attachment_max_chunk = rangeup::outlook_attachment::default_planner::max_chunk;
  static_assert(attachment_max_chunk == rangeup::todo_attachment::default_planner::max_chunk,
                "one limit for both attachment kinds");
  if (out.chunk_size > attachment_max_chunk) {
    for (const auto& j : out.jobs) {
      if (is_outlook(j.where.what) || j.where.what == target::kind::todo) {
        error = "--chunk-size " + std::to_string(out.chunk_size) +
                ": fragments for message, event and todo targets are at most " +
                std::to_string(attachment_max_chunk) + " bytes";
        return parse_outcome::usage_error;
      }
    }
  }
  if (out.token_timeout_s != 60 && out.token_command.empty()) {
    error = "--token-timeout applies to --token-command only";
    return parse_outcome::usage_error;
  }
  if (int(out.token_env_given) + int(!out.token_file.empty()) + int(!out.token_command.empty()) > 1) {
    error = "--token-env, --token-file and --token-command exclude each other";
    return parse_outcome::usage_error;
  }
  if (!out.resume_path.empty() && out.jobs.size() > 1) {
    error = "--resume keeps the state of one upload; give one FILE TARGET pair";
    return parse_outcome::usage_error;
  }
  return parse_outcome::run;
}

}  // namespace upload_cli
