#pragma once
// Which sanitizer this test program is built with, for the few tests whose
// bounds or budgets depend on it. gcc says so with __SANITIZE_*__, clang with
// __has_feature (gcc 12 has no __has_feature).
//   RANGEUP_TEST_UNDER_ASAN        AddressSanitizer
//   RANGEUP_TEST_SANITIZED_HEAP    a sanitizer that replaces operator new/malloc
//                                  (ASan, TSan, MSan): allocations cannot be counted

#if defined(__SANITIZE_ADDRESS__)
#define RANGEUP_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RANGEUP_TEST_UNDER_ASAN 1
#endif
#endif

#if defined(RANGEUP_TEST_UNDER_ASAN) || defined(__SANITIZE_THREAD__)
#define RANGEUP_TEST_SANITIZED_HEAP 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define RANGEUP_TEST_SANITIZED_HEAP 1
#endif
#endif
