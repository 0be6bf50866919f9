// Driving rangeup's sans-I/O core by hand: the session decides, you do the I/O.
#include <rangeup/rangeup.hpp>

#include <cstdio>
#include <string>

// A toy transport playing Outlook's side in process. A real one sends req (a PUT
// carries bytes req.range.first..last of the file) and fills the response from the wire.
rangeup::response_view perform(const rangeup::request_view& req, std::string& body) {
  rangeup::response_view r;
  const bool create = req.method == rangeup::http_method::post, last = req.range.last + 1 == req.range.total;
  r.status = create || last ? 201 : 200;
  body = create ? R"({"uploadUrl":"https://up.example/s/1?authtoken=t"})"
                : "{\"NextExpectedRanges\":[\"" + std::to_string(req.range.last + 1) + "\"]}";
  if (last && !create) r.location = "https://outlook.office.com/api/v2.0/Users('me')/Messages('m')/Attachments('AAMkATT1=')";
  r.body = body;
  return r;
}

int main() {
  rangeup::upload_session<rangeup::outlook_attachment> session{
      {"https://graph.microsoft.com/v1.0", "", rangeup::outlook_attachment::parent_kind::message, "AAMkADI5MAAIT3drCAAA="},
      {"flower.jpg", 10 * 1024 * 1024}};
  session.set_bearer_token("<graph token>");  // sent on the create request only
  std::string body;
  std::int64_t now_ms = 0;  // a real driver passes its monotonic clock
  for (;;) {
    const rangeup::step step = session.next_step(rangeup::instant{now_ms});
    if (const auto* req = step.request()) session.on_response(perform(*req, body), rangeup::instant{now_ms});
    else if (const auto* until = step.wait_until()) now_ms = until->ms;  // a real driver sleeps here
    else if (const auto* done = step.done()) { std::printf("attachment id: %s\n", done->id.c_str()); return 0; }
    else { std::printf("upload failed: %s\n", step.failed()->code.message().c_str()); return 1; }
  }
}
