#pragma once
// The TARGET argument of rangeup-upload (README, "The command-line uploader"):
//   message:<id> | event:<id> | todo:<list-id>/<task-id> | drive:<parent-item-id>/<name>
//   | drive-path:<path/in/drive> | drive-item:<item-id>
//   | print:<printer-id>/<job-id>/<document-id> | print-share:<share-id>/<job-id>/<document-id>

#include <string>

namespace upload_cli {

struct target {
  enum class kind { message, event, todo, drive, drive_path, drive_item, print, print_share };
  kind what = kind::message;
  std::string text;            // as typed, for messages and --json
  std::string first, second, third;
  // message/event: first = item id. todo: first = list, second = task.
  // drive: first = parent item id, second = file name. drive-path: first = path.
  // drive-item: first = the existing item's id (its content is replaced).
  // print: first = printer, second = job, third = document. print-share: first = share.
};

// The kinds that upload into a drive (drive:, drive-path:, drive-item:).
bool is_drive(target::kind k);
// Outlook attachments (message:, event:).
bool is_outlook(target::kind k);
// Printing (print:, print-share:).
bool is_print(target::kind k);

// Returns false and sets error (one human sentence) when text is not a TARGET.
bool parse_target(const std::string& text, target& out, std::string& error);

}  // namespace upload_cli
