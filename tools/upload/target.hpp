#pragma once
// The TARGET argument of rangeup-upload (DESIGN.md §3.1):
//   message:<id> | event:<id> | todo:<list-id>/<task-id> | drive:<parent-item-id>/<name>
//   | drive-path:<path/in/drive> | print:<printer-id>/<job-id>/<document-id>

#include <string>

namespace upload_cli {

struct target {
  enum class kind { message, event, todo, drive, drive_path, print };
  kind what = kind::message;
  std::string text;            // as typed, for messages and --json
  std::string first, second, third;
  // message/event: first = item id. todo: first = list, second = task.
  // drive: first = parent item id, second = file name. drive-path: first = path.
  // print: first = printer, second = job, third = document.
};

// Returns false and sets error (one human sentence) when text is not a TARGET.
bool parse_target(const std::string& text, target& out, std::string& error);

}  // namespace upload_cli
