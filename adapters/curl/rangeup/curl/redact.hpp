#pragma once
// The credential redactor moved to the core (rangeup/redact.hpp: one rule for
// the session, the transports and the CLI). This header keeps the old names
// rangeup::curl::redact / rangeup::curl::redacted_marker working.

#include "rangeup/redact.hpp"

namespace rangeup {
namespace curl {

using ::rangeup::redact;
using ::rangeup::redacted_marker;

}  // namespace curl
}  // namespace rangeup
