// Parse cost of each JSON codec on the documents a session reads most: the
// createUploadSession answer (long uploadUrl) and the intermediate PUT answer
// (once per slice). Same inputs, same output structs, one binary, so the
// codecs compare directly. allocs/iter shows what each library allocates.

#include <string>
#include <string_view>

#include <benchmark/benchmark.h>

#include "allocation_meter.hpp"
#include "graph_answers.hpp"
#include "rangeup/json/builtin_codec.hpp"
#if RANGEUP_BENCH_NLOHMANN
#include "rangeup/nlohmann_json/codec.hpp"
#endif
#if RANGEUP_BENCH_BOOST_JSON
#include "rangeup/boost_json/codec.hpp"
#endif

namespace {

using rangeup_bench::create_answer;

const std::string progress_answer =
    "{\"ExpirationDateTime\":\"2030-01-01T00:00:00.0000000Z\",\"NextExpectedRanges\":[\"150994944\"]}";

template <class Codec>
void parse_session(benchmark::State& state, const std::string& json) {
  rangeup::session_document doc;
  if (Codec::parse_session(json, doc) || doc.range_count != 1) return state.SkipWithError("the codec refused the input");
  rangeup_bench::allocation_meter allocations;
  for (auto _ : state) {
    std::string_view text = json;
    benchmark::DoNotOptimize(text);
    auto ec = Codec::parse_session(text, doc);
    benchmark::DoNotOptimize(ec);
    benchmark::DoNotOptimize(doc);
  }
  allocations.report(state);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(json.size()));
}

template <class Codec>
void BM_parse_create_answer(benchmark::State& state) {
  parse_session<Codec>(state, create_answer());
}
template <class Codec>
void BM_parse_progress_answer(benchmark::State& state) {
  parse_session<Codec>(state, progress_answer);
}

BENCHMARK_TEMPLATE(BM_parse_create_answer, rangeup::json::builtin_codec);
BENCHMARK_TEMPLATE(BM_parse_progress_answer, rangeup::json::builtin_codec);
#if RANGEUP_BENCH_NLOHMANN
BENCHMARK_TEMPLATE(BM_parse_create_answer, rangeup::json::nlohmann_codec);
BENCHMARK_TEMPLATE(BM_parse_progress_answer, rangeup::json::nlohmann_codec);
#endif
#if RANGEUP_BENCH_BOOST_JSON
BENCHMARK_TEMPLATE(BM_parse_create_answer, rangeup::json::boost_json_codec);
BENCHMARK_TEMPLATE(BM_parse_progress_answer, rangeup::json::boost_json_codec);
#endif

}  // namespace

BENCHMARK_MAIN();
