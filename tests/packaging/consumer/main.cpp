#include <rangeup/rangeup.hpp>

#include <cstdio>
#include <cstring>

int main() {
  auto r = rangeup::parse_byte_range("4194304-");
  if (!r || r->first != 4194304) return 1;
  std::printf("consumer built against rangeup %s\n", RANGEUP_VERSION_STRING);
  return std::strcmp(RANGEUP_VERSION_STRING, "") == 0 ? 1 : 0;
}
