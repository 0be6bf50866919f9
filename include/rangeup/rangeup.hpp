#pragma once
// rangeup: Microsoft Graph upload sessions, sans-I/O. Include this for the core.

// Vocabulary: errors, results, text, ranges, time, the request/response views.
#include "rangeup/config.hpp"
#include "rangeup/error.hpp"
#include "rangeup/result.hpp"
#include "rangeup/fixed_string.hpp"
#include "rangeup/byte_range.hpp"
#include "rangeup/clock.hpp"
#include "rangeup/http.hpp"
#include "rangeup/base64.hpp"
#include "rangeup/request_body.hpp"
#include "rangeup/transport.hpp"
#include "rangeup/source_ref.hpp"
#include "rangeup/step.hpp"

// What the server says: the codec concept and the built-in allocation-free codec
// (its scanner, document builder and writer are in rangeup/json/detail/).
#include "rangeup/codec.hpp"
#include "rangeup/json/builtin_codec.hpp"

// Small protocol pieces.
#include "rangeup/url.hpp"
#include "rangeup/date_time.hpp"
#include "rangeup/location_id.hpp"
#include "rangeup/quick_xor_hash.hpp"
#include "rangeup/redact.hpp"

// Policies, flavors and the session state machine.
#include "rangeup/retry.hpp"
#include "rangeup/planner.hpp"
#include "rangeup/file_info.hpp"
#include "rangeup/resume_token.hpp"
#include "rangeup/flavors/flavor.hpp"
#include "rangeup/flavors/outlook_attachment.hpp"
#include "rangeup/flavors/todo_attachment.hpp"
#include "rangeup/flavors/drive_item.hpp"
#include "rangeup/flavors/print_document.hpp"
#include "rangeup/policies.hpp"
#include "rangeup/session_options.hpp"
#include "rangeup/range_tracker.hpp"
#include "rangeup/reply_table.hpp"
#include "rangeup/upload_session.hpp"
#include "rangeup/adaptive_planner.hpp"
