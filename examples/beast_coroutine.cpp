// C++20: await an upload inside a coroutine with asio::use_awaitable.
//   GRAPH_TOKEN=... beast_coroutine FILE LIST_ID TASK_ID [GRAPH_BASE]
#include <cstdio>
#include <cstdlib>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rangeup/beast/async_upload.hpp"
#include "rangeup/flavors/todo_attachment.hpp"
#include "rangeup/io/file_source.hpp"
#include "rangeup/upload_session.hpp"

namespace net = boost::asio;

int main(int argc, char** argv) {
  if (argc < 4) return std::fprintf(stderr, "usage: beast_coroutine FILE LIST_ID TASK_ID [GRAPH_BASE]\n"), 2;
  rangeup::io::file_source source;
  if (auto ec = source.open(argv[1])) return std::fprintf(stderr, "%s\n", ec.message().c_str()), 5;
  rangeup::todo_attachment target;
  target.list_id = argv[2];
  target.task_id = argv[3];
  if (argc > 4) target.graph_base = argv[4];
  rangeup::session_options options;
  options.allow_http_loopback = true;
  rangeup::upload_session<rangeup::todo_attachment> session(target, {argv[1], source.size()}, options);
  const char* token = std::getenv("GRAPH_TOKEN");
  session.set_bearer_token(token != nullptr ? token : "");
  rangeup::beast::upload_options uopts;
  uopts.transport.allow_http = true;

  int exit_code = 4;
  net::io_context io;
  net::co_spawn(
      io,
      [&]() -> net::awaitable<void> {
        // (error_code, upload_result) comes back as a tuple: no exceptions.
        auto [ec, result] = co_await rangeup::beast::async_upload(co_await net::this_coro::executor, session,
                                                                  source, uopts, net::use_awaitable);
        if (ec) {
          std::fprintf(stderr, "failed: %s\n", ec.message().c_str());
        } else {
          std::printf("attachment id: %s\n", result.id.c_str());
          exit_code = 0;
        }
      },
      net::detached);
  io.run();
  return exit_code;
}
