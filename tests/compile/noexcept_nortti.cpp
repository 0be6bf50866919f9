// Compiled with -fno-exceptions -fno-rtti and strict warnings: includes the whole
// core and exercises it enough that templates are instantiated.
#include <rangeup/rangeup.hpp>

#include <cstdio>

#if RANGEUP_HAS_EXCEPTIONS || RANGEUP_HAS_RTTI
#error "this test must be compiled with -fno-exceptions -fno-rtti"
#endif

int main() {
  int failures = 0;
  auto expect = [&failures](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "FAILED: %s\n", what);
      ++failures;
    }
  };
  auto r = rangeup::parse_byte_range("2097152");
  expect(r && r->first == 2097152 && r->open_ended, "bare range parses");
  expect(rangeup::parse_byte_range("x").error() == rangeup::errc::malformed_range, "garbage rejected");
  char buf[rangeup::content_range_capacity];
  auto n = rangeup::format_content_range({0, 9, 10}, buf, sizeof buf);
  expect(n && *n == 12, "content range formats");
  rangeup::fixed_string<4> s;
  expect(s.assign("12345") == rangeup::errc::capacity_exceeded, "fixed_string overflow is an error");
  std::error_code ec = rangeup::errc::timeout;
  expect(ec.category().name() == rangeup::category().name(), "category usable without RTTI");
  std::printf("%s\n", failures == 0 ? "noexcept/nortti core: ok" : "noexcept/nortti core: FAILED");
  return failures == 0 ? 0 : 1;
}
