// A OneDrive upload that survives its process and its access token, with
// libcurl, blocking. Run it again after a crash or Ctrl-C and it continues
// the same upload session from the byte the service confirmed; when the token
// expires mid-upload (401), the provider is asked for a fresh one and the
// rejected request goes again.
//   GRAPH_TOKEN_FILE=token.txt resume_and_tokens FILE DRIVE_PATH STATE_FILE [GRAPH_BASE]
#include <rangeup/rangeup.hpp>
#include <rangeup/curl/transport.hpp>
#include <rangeup/io/blocking_upload.hpp>
#include <rangeup/io/file_source.hpp>
#include <rangeup/io/resume_file.hpp>
#include <rangeup/io/token_cache.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc < 4) return std::fprintf(stderr, "usage: resume_and_tokens FILE DRIVE_PATH STATE_FILE [GRAPH_BASE]\n"), 2;
  const std::string state_file = argv[3];
  rangeup::io::file_source file;
  if (auto ec = file.open(argv[1])) return std::fprintf(stderr, "%s: %s\n", argv[1], ec.message().c_str()), 5;

  rangeup::drive_item target;
  target.root_path = argv[2];
  if (argc > 4) target.graph_base = argv[4];
  rangeup::session_options options;
  options.allow_http_loopback = true;  // lets the example talk to rangeup-emulator on 127.0.0.1
  options.force_session = true;        // small files too, so there is something to resume
  rangeup::upload_session<rangeup::drive_item> session{target, {"", file.size()}, options};
  // The fingerprint (size, mtime) goes into the resume token: a changed file is never resumed.
  if (auto ec = session.set_fingerprint(file.fingerprint())) return std::fprintf(stderr, "%s\n", ec.message().c_str()), 5;

  // Resume: a token an earlier run saved continues its session (or says why not).
  std::string saved;
  if (!rangeup::io::read_small_file(state_file, saved, rangeup::max_resume_token_size)) {
    if (auto ec = session.restore(saved, file.fingerprint()))
      return std::fprintf(stderr, "cannot resume from %s: %s\n", state_file.c_str(), ec.message().c_str()), 5;
    std::printf("resuming the upload recorded in %s\n", state_file.c_str());
  }
  rangeup::upload_options run;
  run.on_resume_token = [](void* path, std::string_view token) noexcept {
    // The token holds the uploadUrl, a credential: write_file_atomically makes it owner-only.
    (void)rangeup::io::write_file_atomically(*static_cast<const std::string*>(path), token);
  };
  run.resume_context = const_cast<std::string*>(&state_file);

  // Tokens: read from a file whenever the session needs one (first use, and
  // after a 401). Keep the file fresh with whatever your login uses, e.g.
  //   az account get-access-token --resource-type ms-graph --query accessToken -o tsv > token.txt
  rangeup::io::token_cache tokens([](std::string& out) {
    const char* path = std::getenv("GRAPH_TOKEN_FILE");
    if (path == nullptr) return rangeup::make_error_code(rangeup::errc::token_unavailable);
    if (auto ec = rangeup::io::read_small_file(path, out, 64 * 1024)) return ec;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return std::error_code{};
  });
  run.tokens = tokens.provider();

  rangeup::curl::transport_options http_options;
  http_options.allow_http = true;  // same: http only ever to loopback
  rangeup::curl::transport http{http_options};
  const rangeup::upload_outcome out = rangeup::upload(session, http, file, run);
  if (!out) {
    std::fprintf(stderr, "upload failed: %s\n", out.code.message().c_str());
    if (std::FILE* f = std::fopen(state_file.c_str(), "r")) std::fclose(f), std::fprintf(stderr, "run again to resume\n");
    return 4;
  }
  std::remove(state_file.c_str());
  std::printf("item %s, %s, %u token fetch(es)\n", out.result.id.c_str(),
              out.integrity_checked ? "quickXorHash verified" : "no hash to compare", out.tokens_fetched);
  return 0;
}
