// Choosing the JSON codec: the same session, reading and writing JSON with
// Boost.JSON instead of the built-in allocation-free codec.
#include <rangeup/rangeup.hpp>
#include <rangeup/boost_json/codec.hpp>
#include <boost/json/src.hpp>  // Boost.JSON is compiled in exactly one .cpp of a program

#include <cstdio>

using attachment_upload = rangeup::upload_session<rangeup::outlook_attachment, rangeup::attachment_planner,
                                                  rangeup::exponential_backoff, rangeup::json::boost_json_codec>;

int main() {
  rangeup::outlook_attachment target;
  target.parent_id = "AAMkADI5MAAIT3drCAAA=";
  // 3 MB: a session (smaller files go as one POST); quotes escaped by the codec
  attachment_upload session{target, {"r\u00e9sum\u00e9 \"final\".pdf", 3000000}};
  session.set_bearer_token("<graph token>");
  const rangeup::step create = session.next_step(rangeup::instant{0});
  if (create.request() == nullptr) return 1;
  std::printf("%.*s\n", static_cast<int>(create.request()->text.size()), create.request()->text.data());

  rangeup::response_view created;  // what Graph answers: 201 + the uploadSession
  created.status = 201;
  created.body = R"({"uploadUrl":"https://outlook.example/up?authtoken=x","NextExpectedRanges":["0"]})";
  session.on_response(created, rangeup::instant{0});
  const rangeup::step put = session.next_step(rangeup::instant{0});
  return put.request() != nullptr && put.request()->range.length() == 3000000 ? 0 : 1;
}
