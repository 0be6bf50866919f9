// rangeup::json_nlohmann alone: nlohmann/json comes through it.
#include <rangeup/nlohmann_json/codec.hpp>

int main() {
  rangeup::session_document doc;
  const auto ec = rangeup::json::nlohmann_codec::parse_session(R"({"nextExpectedRanges":["26-"]})", doc);
  return !ec && doc.range_count == 1 && doc.ranges[0].first == 26 ? 0 : 1;
}
