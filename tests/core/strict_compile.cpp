// Compiled (never run) with -std=c++17 -fno-exceptions -fno-rtti and every
// warning as an error: the whole core with each flavor's session instantiated.
#include <rangeup/rangeup.hpp>

#if RANGEUP_HAS_EXCEPTIONS || RANGEUP_HAS_RTTI
#error "this translation unit must be compiled with -fno-exceptions -fno-rtti"
#endif

template class rangeup::upload_session<rangeup::outlook_attachment>;
template class rangeup::upload_session<rangeup::todo_attachment>;
template class rangeup::upload_session<rangeup::drive_item>;
template class rangeup::upload_session<rangeup::print_document>;
// Non-default policies instantiate too.
template class rangeup::upload_session<rangeup::drive_item, rangeup::attachment_planner, rangeup::exponential_backoff,
                                       rangeup::json::builtin_codec>;

// Every header-level function used once, so non-template code is checked too.
int rangeup_core_strict_compile_probe(char* out, unsigned long capacity) {
  rangeup::upload_session<rangeup::outlook_attachment> s(rangeup::outlook_attachment{}, rangeup::file_info{"a", 1});
  const rangeup::step st = s.next_step(rangeup::instant{0});
  auto token = s.save_resume_token(out, capacity);
  const rangeup::memory_source memory(out, capacity);
  const rangeup::source_ref any(memory);
  return static_cast<int>(st.what()) + (token ? 1 : 0) + (rangeup::parse_iso8601("x") ? 1 : 0) +
         (any.read_at(0, out, 1) ? 1 : 0);
}
