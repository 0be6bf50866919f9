// Embeds the single header under a user's flags and runs the core through a
// small upload with a fake transport.
#include <rangeup/rangeup.hpp>

#include <cstdio>

#include "embed_check.hpp"

int main() {
  const int second = second_tu_check();
  const int upload = run_core_upload();
  std::printf("embed: second TU %s, core upload %s\n", second == 0 ? "ok" : "FAILED", upload == 0 ? "ok" : "FAILED");
  return second + upload;
}
