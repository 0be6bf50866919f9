#include <rangeup/rangeup.hpp>

// One session instantiated and stepped once: the cost a user pays per flavor.
int main() {
  rangeup::outlook_attachment target{"https://graph.microsoft.com/v1.0", "",
                                     rangeup::outlook_attachment::parent_kind::message, "AAMkADI5MAAIT3drCAAA="};
  rangeup::upload_session<rangeup::outlook_attachment> session{target, {"flower.jpg", 3483322}};
  session.set_bearer_token("<graph token>");  // without one the first step is need_token
  const rangeup::step s = session.next_step(rangeup::instant{0});
  if (const auto* req = s.request()) {
    rangeup::response_view r;
    r.status = 201;
    r.body = R"({"uploadUrl":"https://up.example/s?authtoken=t","nextExpectedRanges":["0-"]})";
    session.on_response(r, rangeup::instant{0});
    return req->url.empty() ? 1 : 0;
  }
  return 1;
}
