// The transport a user writes — examples/nonblocking_http_transport.hpp, the
// game-loop example's non-blocking HTTP client — held to the same conformance
// suite as libcurl and Beast, through its blocking adapter. It has no TLS, so
// the https cases do not apply.

#include <doctest/doctest.h>

#include "nonblocking_http_transport.hpp"
#include "support/transport_conformance.hpp"

namespace rangeup_test {

struct game_loop_conformance {
  static constexpr const char* name = "game-loop";
  using transport = rangeup_example::blocking_adapter;
  static transport make(const conformance_options& o) {
    rangeup_example::transport_options t;
    t.allow_http = o.allow_http;
    t.max_response_body = o.max_response_body;
    t.idle_timeout_ms = o.timeout.count();
    return transport(t);
  }
};

}  // namespace rangeup_test

RANGEUP_TRANSPORT_CONFORMANCE(rangeup_test::game_loop_conformance);
