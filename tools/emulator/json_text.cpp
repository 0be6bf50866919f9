// The one translation unit that compiles Boost.JSON (header-only mode).
#include <boost/json/src.hpp>

#include "json_text.hpp"

#include <ctime>

namespace emu {

boost::json::value parse_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  return ec ? boost::json::value() : v;
}

std::string error_body(const std::string& code, const std::string& message) {
  return to_text(boost::json::object{{"error", boost::json::object{{"code", code}, {"message", message}}}});
}

std::string iso8601(std::chrono::system_clock::time_point t, int fraction_digits) {
  using namespace std::chrono;
  const auto ticks = duration_cast<nanoseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ticks / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (fraction_digits > 0) {
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(ticks % 1000000000));
    out.append(frac, static_cast<std::size_t>(1 + fraction_digits));
  }
  return out + "Z";
}

std::string to_text(const boost::json::value& v) { return boost::json::serialize(v); }

}  // namespace emu
