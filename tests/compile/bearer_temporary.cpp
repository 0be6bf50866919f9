// set_bearer_token keeps a view: a temporary string would dangle when the call
// ends. BEARER_TEMPORARY set: must NOT compile (the deleted overload); unset:
// the accepted ways compile (a control for the same translation unit).
#include <rangeup/rangeup.hpp>

#include <string>

static std::string make_token() { return "t"; }

int main() {
  rangeup::upload_session<rangeup::outlook_attachment> s{rangeup::outlook_attachment{}, rangeup::file_info{"a", 1}};
#ifdef BEARER_TEMPORARY
  s.set_bearer_token(make_token());
#else
  const std::string kept = make_token();
  s.set_bearer_token(kept);
  s.set_bearer_token("literal");
  s.set_bearer_token(std::string_view(kept));
  s.set_bearer_token(kept.c_str());
#endif
  return 0;
}
