// rangeup::json_boost alone: Boost's headers come through it; Boost.JSON itself
// is compiled here, once per program, as the codec's header asks.
#include <rangeup/boost_json/codec.hpp>
#include <boost/json/src.hpp>

int main() {
  rangeup::session_document doc;
  const auto ec = rangeup::json::boost_json_codec::parse_session(R"({"nextExpectedRanges":["26-"]})", doc);
  return !ec && doc.range_count == 1 && doc.ranges[0].first == 26 ? 0 : 1;
}
