// Every adapter's single-header edition in one translation unit, linked with
// one object per adapter but Beast (run.sh): a definition that is not inline
// would be defined twice and fail the link (run.sh checks this object's
// symbols for Beast's).
#ifdef RANGEUP_TEST_BEAST
#include <rangeup/rangeup_beast.hpp>  // first: its edition must include all it needs
#endif
#include <rangeup/rangeup.hpp>
#ifdef RANGEUP_TEST_IO
#include <rangeup/rangeup_io.hpp>
#endif
#ifdef RANGEUP_TEST_CURL
#include <rangeup/rangeup_curl.hpp>
#endif
#ifdef RANGEUP_TEST_NLOHMANN_JSON
#include <rangeup/rangeup_nlohmann_json.hpp>
static_assert(rangeup::is_json_codec_v<rangeup::json::nlohmann_codec>, "nlohmann_codec models Codec");
#endif
#ifdef RANGEUP_TEST_BOOST_JSON
#include <rangeup/rangeup_boost_json.hpp>
static_assert(rangeup::is_json_codec_v<rangeup::json::boost_json_codec>, "boost_json_codec models Codec");
#endif

#include <cstdio>

int main() {
  std::printf("single-header adapters: linked with the core %s\n", RANGEUP_VERSION_STRING);
  return 0;
}
