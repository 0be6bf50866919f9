// Microbenchmarks of the sans-I/O core: what one slice costs (plan the range,
// format the PUT, parse the server's answer, move the state machine), and
// the small parsers/formatters a slice uses (byte ranges, dates). Compiled
// with -fno-exceptions -fno-rtti like an embedded user would. Every benchmark
// reports allocs/iter; the core's must be 0.

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "allocation_meter.hpp"
#include "graph_answers.hpp"
#include "rangeup/byte_range.hpp"
#include "rangeup/date_time.hpp"
#include "rangeup/flavors/drive_item.hpp"
#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/upload_session.hpp"

namespace {

using namespace rangeup;

// The wall clock handed to sessions (2023-11-14), long before the answers'
// expirationDateTime, so the expiry check runs on every slice without firing.
constexpr std::int64_t wall_ms = 1700000000000;
const instant now{1000};
using rangeup_bench::create_answer;
using rangeup_bench::expiry;

struct slice_case {
  std::uint64_t chunk;
  int create_status;
  int progress_status;
  bool pascal_case;  // ExpirationDateTime / NextExpectedRanges, as Outlook often sends
  bool open_ended;   // "N-" (driveItem) rather than the bare "N" (attachments)
};

// The intermediate answer after a PUT, saying the server now expects `next`.
std::string progress_answer(std::uint64_t next, const slice_case& c) {
  char text[160];
  std::snprintf(text, sizeof text, "{\"%s\":\"%s\",\"%s\":[\"%llu%s\"]}",
                c.pascal_case ? "ExpirationDateTime" : "expirationDateTime", std::string(expiry).c_str(),
                c.pascal_case ? "NextExpectedRanges" : "nextExpectedRanges", static_cast<unsigned long long>(next),
                c.open_ended ? "-" : "");
  return text;
}

// Outlook's protocol without its 150 MiB cap, so that one session yields
// enough identical 4 MiB slices in a row to measure the steady state.
struct long_attachment : outlook_attachment {
  static constexpr std::uint64_t max_size = UINT64_MAX;
};

// Slices per session before it is rebuilt (off the clock), short of the last
// one so that every timed slice is an intermediate one.
constexpr std::size_t slices_per_session = 1024;

// One iteration = next_step() (plan + format the PUT) and on_response()
// (parse the 2xx body, validate and adopt its ranges, note the expiry) for one
// slice in the middle of an upload.
template <class Flavor>
void steady_slices(benchmark::State& state, const Flavor& flavor, const slice_case& c) {
  const std::uint64_t total = slices_per_session * c.chunk;
  const std::string created_body = create_answer();
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < slices_per_session; ++i) bodies.push_back(progress_answer((i + 1) * c.chunk, c));
  session_options options;
  options.chunk_size = c.chunk;

  std::optional<upload_session<Flavor>> session;
  auto start = [&]() -> bool {
    session.emplace(flavor, file_info{"bench.bin", total}, options);
    session->set_bearer_token("bench-token");
    session->set_wall_clock(now, wall_ms);
    if (session->next_step(now).request() == nullptr) return false;
    response_view created;
    created.status = c.create_status;
    created.content_type = "application/json";
    created.body = created_body;
    session->on_response(created, now);
    return !session->finished();
  };
  if (!start()) return state.SkipWithError("the session did not start");

  response_view answer;
  answer.status = c.progress_status;
  answer.content_type = "application/json";
  std::size_t i = 0;
  bool ok = true;
  rangeup_bench::allocation_meter allocations;
  for (auto _ : state) {
    if (i + 1 == slices_per_session) {
      state.PauseTiming();
      ok = start();
      i = 0;
      state.ResumeTiming();
    }
    const step s = session->next_step(now);
    const request_view* put = s.request();
    if (!ok || put == nullptr || put->range.first != i * c.chunk) {
      state.SkipWithError("unexpected step");
      break;
    }
    benchmark::DoNotOptimize(put->headers[1].value.data());
    answer.body = bodies[i];
    session->on_response(answer, now);
    ++i;
  }
  allocations.report(state);
  state.SetLabel("one next_step + on_response");
}

void BM_slice_outlook_4MiB(benchmark::State& state, bool pascal_case) {
  long_attachment f;
  f.parent_id = "AAMkADI5MAAIT3drCAAA=";
  steady_slices(state, f, slice_case{4 * mebibyte, 201, 200, pascal_case, false});
}
BENCHMARK_CAPTURE(BM_slice_outlook_4MiB, camelCase, false);
BENCHMARK_CAPTURE(BM_slice_outlook_4MiB, PascalCase, true);

void BM_slice_drive_10MiB(benchmark::State& state) {
  drive_item f;
  f.parent_id = "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K";
  steady_slices(state, f, slice_case{10 * mebibyte, 200, 202, false, true});
}
BENCHMARK(BM_slice_drive_10MiB);

// A whole 150 MiB Outlook attachment: create, 38 PUTs, the final 201 with its
// Location. One iteration is one upload; per_slice = time / 38.
void BM_session_outlook_150MiB(benchmark::State& state) {
  outlook_attachment f;
  f.parent_id = "AAMkADI5MAAIT3drCAAA=";
  const std::uint64_t total = outlook_attachment::max_size;
  const slice_case c{4 * mebibyte, 201, 200, false, false};
  const std::uint64_t puts = (total + c.chunk - 1) / c.chunk;
  const std::string created_body = create_answer();
  std::vector<std::string> bodies;
  for (std::uint64_t i = 1; i < puts; ++i) bodies.push_back(progress_answer(i * c.chunk, c));
  const std::string location =
      "https://outlook.office.com/api/v2.0/Users('ddfcd489-628b-40d7-b48b-57002df800e5@1717622f-1d94-4d0c-9d74-"
      "709fad664b77')/Messages('AAMkADI5MAAIT3drCAAA=')/Attachments('AAMkADI5MAAIT3drCAAABEgAQANAqbAe7qaROhYdTnUQwXm0=')";
  session_options options;
  options.chunk_size = c.chunk;

  std::optional<upload_session<outlook_attachment>> session;
  bool ok = true;
  rangeup_bench::allocation_meter allocations;
  for (auto _ : state) {
    session.emplace(f, file_info{"report.pdf", total}, options);
    session->set_bearer_token("bench-token");
    session->set_wall_clock(now, wall_ms);
    std::size_t answered = 0;
    for (;;) {
      const step s = session->next_step(now);
      const request_view* r = s.request();
      if (r == nullptr) {
        ok = s.done() != nullptr && answered == puts + 1;
        break;
      }
      response_view answer;
      answer.content_type = "application/json";
      if (answered == 0) {
        answer.status = c.create_status;
        answer.body = created_body;
      } else if (answered < puts) {
        answer.status = c.progress_status;
        answer.body = bodies[answered - 1];
      } else {
        answer.status = 201;
        answer.content_type = {};
        answer.location = location;
      }
      session->on_response(answer, now);
      ++answered;
    }
    if (!ok) {
      state.SkipWithError("the upload did not complete as planned");
      break;
    }
  }
  allocations.report(state);
  state.counters["per_slice"] = benchmark::Counter(static_cast<double>(puts),
                                                   benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
  state.SetLabel("create + 38 PUTs + final");
}
BENCHMARK(BM_session_outlook_150MiB);

// ---- the small parsers a slice uses -------------------------------------------
// The text goes through DoNotOptimize each time so the parse cannot be folded.

template <class Parse>
void parse_text(benchmark::State& state, std::string_view text, Parse parse) {
  rangeup_bench::allocation_meter allocations;
  for (auto _ : state) {
    std::string_view t = text;
    benchmark::DoNotOptimize(t);
    auto r = parse(t);
    benchmark::DoNotOptimize(r);
  }
  allocations.report(state);
}

void BM_parse_byte_range(benchmark::State& state, std::string_view text) {
  parse_text(state, text, [](std::string_view t) { return parse_byte_range(t); });
}
BENCHMARK_CAPTURE(BM_parse_byte_range, open_ended, std::string_view("4194304-"));
BENCHMARK_CAPTURE(BM_parse_byte_range, bare_start, std::string_view("4194304"));
BENCHMARK_CAPTURE(BM_parse_byte_range, closed, std::string_view("78929-4533321"));

void BM_parse_content_range(benchmark::State& state) {
  parse_text(state, "bytes 150994944-155189247/157286400", [](std::string_view t) { return parse_content_range(t); });
}
BENCHMARK(BM_parse_content_range);

// Each progress answer's expirationDateTime is read (to notice expiry early).
void BM_parse_iso8601(benchmark::State& state) {
  parse_text(state, expiry, [](std::string_view t) { return parse_iso8601(t); });
}
BENCHMARK(BM_parse_iso8601);

void BM_format_content_range(benchmark::State& state) {
  content_range r{150994944, 155189247, 157286400};
  char out[content_range_capacity];
  rangeup_bench::allocation_meter allocations;
  for (auto _ : state) {
    benchmark::DoNotOptimize(r);
    auto n = format_content_range(r, out, sizeof out);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  allocations.report(state);
}
BENCHMARK(BM_format_content_range);

}  // namespace

BENCHMARK_MAIN();
