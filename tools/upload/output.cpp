#include "output.hpp"

#include <vector>

#include "rangeup/redact.hpp"

namespace upload_cli {

void output::add_secret(const std::string& secret) {
  if (secret.size() < 4) return;  // shorter "tokens" would mask ordinary words
  const std::lock_guard<std::mutex> lock(secrets_mutex_);
  for (const auto& s : secrets_)
    if (s == secret) return;
  secrets_.push_back(secret);
}

std::string output::clean(const std::string& line) const {
  std::string masked = line;
  {
    const std::lock_guard<std::mutex> lock(secrets_mutex_);
    for (const auto& secret : secrets_)
      for (std::size_t at = masked.find(secret); at != std::string::npos; at = masked.find(secret, at))
        masked.replace(at, secret.size(), rangeup::redacted_marker);
  }
  // Redaction only shortens or adds the marker per secret; size generously.
  std::vector<char> buf(masked.size() * 2 + 64);
  const std::size_t n = rangeup::redact(masked, buf.data(), buf.size());
  return std::string(buf.data(), n);
}

void output::write(std::FILE* f, const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fflush(f);
}

void output::out(const std::string& line) { write(stdout, clean(line) + "\n"); }
void output::err(const std::string& line) { write(stderr, clean(line) + "\n"); }
void output::err_raw(const std::string& text) { write(stderr, clean(text)); }

}  // namespace upload_cli
