// The second translation unit that includes the single header (linked with
// main_tu.cpp, it shows everything in the header is inline: no ODR
// violations): a whole Outlook attachment upload through the single header's
// session, with a fake in-process server, every range copied out of the
// source and checked.
#include <rangeup/rangeup.hpp>

#include <cstdio>
#include <cstring>

#include "embed_check.hpp"

namespace {

constexpr std::size_t file_size = 2 * 4000000 + 1;  // three ranges (PROTOCOL.md O5), last one a single byte
unsigned char g_file[file_size];
unsigned char g_received[file_size];

struct fake_outlook {
  char body[128] = {};
  rangeup::response_view answer(const rangeup::request_view& req, const rangeup::memory_source& src) {
    rangeup::response_view r;
    if (req.method == rangeup::http_method::post) {
      r.status = 201;
      r.body = R"({"uploadUrl":"https://outlook.example/up/1?authtoken=secret","nextExpectedRanges":["0-"]})";
      return r;
    }
    if (req.method != rangeup::http_method::put || !req.bearer_token.empty()) {
      r.status = 400;
      return r;
    }
    const auto n = static_cast<std::size_t>(req.range.length());
    auto got = src.read_at(req.range.first, reinterpret_cast<char*>(g_received) + req.range.first, n);
    if (!got || *got != n) {
      r.status = 500;
      return r;
    }
    if (req.range.last + 1 == req.range.total) {
      r.status = 201;
      r.location = "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('AAMkEMBED=')";
      return r;
    }
    rangeup::text_writer w(body, sizeof body);
    w.append(R"({"NextExpectedRanges":[")").append_decimal(req.range.last + 1).append(R"("]})");
    r.status = 200;
    r.body = w.view();
    return r;
  }
};

}  // namespace

int second_tu_check() {
  auto r = rangeup::parse_byte_range("0-4533321");
  return (r && r->last == 4533321 && !r->open_ended) ? 0 : 1;
}

int run_core_upload() {
  for (std::size_t i = 0; i < file_size; ++i) g_file[i] = static_cast<unsigned char>(i * 31u + 7u);
  const rangeup::memory_source source(g_file, file_size);
  const rangeup::outlook_attachment target{"https://graph.microsoft.com/v1.0", "",
                                           rangeup::outlook_attachment::parent_kind::message, "AAMkPARENT="};
  rangeup::upload_session<rangeup::outlook_attachment> session{target, {"embedded.bin", file_size}};
  session.set_bearer_token("bearer-token");
  fake_outlook server;
  rangeup::instant now{0};
  for (int steps = 0; steps < 100; ++steps) {
    const rangeup::step s = session.next_step(now);
    if (const auto* req = s.request()) {
      session.on_response(server.answer(*req, source), now);
    } else if (const auto* until = s.wait_until()) {
      now = *until;
    } else if (const auto* done = s.done()) {
      const bool ok = done->id == "AAMkEMBED=" && std::memcmp(g_file, g_received, file_size) == 0;
      return ok ? 0 : 1;
    } else {
      std::printf("embed upload failed: %s\n", rangeup::error_category_impl::describe(
                                                   static_cast<rangeup::errc>(s.failed()->code.value())));
      return 1;
    }
  }
  return 1;  // did not finish: a hang is a failure
}
