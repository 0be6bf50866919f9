#pragma once
// Maps a request target to what it addresses: an emulator control endpoint, a
// createUploadSession of one flavor (with its ids), or an uploadUrl.

#include <string>

namespace emu {

enum class flavor { message, event, todo, drive, print };
const char* flavor_name(flavor f);

struct route {
  // item: GET of a driveItem by path (parent_key + drive_name), as clients do
  // after losing the answer to an upload's last request.
  enum kind_t { not_found, create, upload, report, sink, shutdown, item } kind = not_found;
  flavor fl = flavor::message;
  std::string user;  // "me" or the {id} of /users/{id}
  // message/event: owner = item id. todo: owner = list id, owner2 = task id.
  // print: owner = printer, owner2 = job, owner3 = document.
  std::string owner, owner2, owner3;
  // drive: new file under parent_key with drive_name, or update of item_id.
  std::string parent_key, drive_name, item_id;
  // upload: the session and the token from the query (?authtoken= / ?tempauthtoken=).
  std::string session_id, token;
  bool has_token = false;
};

route classify(const std::string& target);

}  // namespace emu
