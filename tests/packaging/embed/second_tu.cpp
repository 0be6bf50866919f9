// A second translation unit including the single header: linking it with
// main_tu.cpp proves everything in the header is inline (no ODR violations).
#include <rangeup/rangeup.hpp>

#include "embed_check.hpp"

int second_tu_check() {
  auto r = rangeup::parse_byte_range("0-4533321");
  return (r && r->last == 4533321 && !r->open_ended) ? 0 : 1;
}
