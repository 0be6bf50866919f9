#pragma once
// Version, toolchain detection and the user-overridable configuration hooks.
// Every knob a user may define before including rangeup lives in this file.

#define RANGEUP_VERSION_MAJOR 0
#define RANGEUP_VERSION_MINOR 1
#define RANGEUP_VERSION_PATCH 0
#define RANGEUP_VERSION_STRING "0.1.0"

// Exceptions / RTTI are detected, never required: the core works with
// -fno-exceptions -fno-rtti. Adapters may use the detection to pick behaviour.
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define RANGEUP_HAS_EXCEPTIONS 1
#else
#define RANGEUP_HAS_EXCEPTIONS 0
#endif

#if defined(__cpp_rtti) || defined(__GXX_RTTI) || defined(_CPPRTTI)
#define RANGEUP_HAS_RTTI 1
#else
#define RANGEUP_HAS_RTTI 0
#endif

// RANGEUP_ASSERT(cond): internal invariant checks (never used for input
// validation, which always yields an error_code). Define it to hook your
// engine's assert; by default it is the standard assert().
#ifndef RANGEUP_ASSERT
#include <cassert>
#define RANGEUP_ASSERT(cond) assert(cond)
#endif

// RANGEUP_MAX_URL_LENGTH: capacity for an uploadUrl (bytes). Outlook uploadUrls
// carry a JWT in ?authtoken= and run to ~1.5 KB; longer URLs are a typed error
// (errc::url_too_long), never truncated.
#ifndef RANGEUP_MAX_URL_LENGTH
#define RANGEUP_MAX_URL_LENGTH 4096
#endif

// RANGEUP_JSON_SCRATCH: capacity for JSON request bodies the core writes (the
// createUploadSession body, with the escaped file name).
#ifndef RANGEUP_JSON_SCRATCH
#define RANGEUP_JSON_SCRATCH 2048
#endif

#if defined(__cpp_concepts) && __cpp_concepts >= 201907L
#define RANGEUP_HAS_CONCEPTS 1
#else
#define RANGEUP_HAS_CONCEPTS 0
#endif
