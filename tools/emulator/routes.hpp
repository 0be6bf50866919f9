#pragma once
// Maps a request target to what it addresses: an emulator control endpoint, a
// createUploadSession of one flavor (with its ids), an uploadUrl, or one of
// the single-request uploads (attachment POST, drive PUT .../content).

#include <string>
#include <utility>
#include <vector>

namespace emu {

enum class flavor { message, event, todo, drive, print };
const char* flavor_name(flavor f);

struct route {
  // item: GET of a driveItem by path (parent_key + drive_name), as clients do
  // after losing the answer to an upload's last request.
  // attachment_post: POST .../attachments (small Outlook / To Do file).
  // simple_put: PUT .../drive/...:/content (small drive file).
  enum kind_t { not_found, create, upload, report, sink, shutdown, item, attachment_post, simple_put } kind = not_found;
  flavor fl = flavor::message;
  std::string path;     // the target without its query
  std::string version;  // "/v1.0" or "/beta" (Graph routes)
  std::string user;     // "me" or the {id} of /users/{id}
  // message/event: owner = item id. todo: owner = list id, owner2 = task id.
  // print: owner = printer or share, owner2 = job, owner3 = document.
  std::string owner, owner2, owner3;
  bool print_share = false;  // /print/shares/... rather than /print/printers/...
  // drive: new file under parent_key with drive_name, or update of item_id.
  std::string parent_key, drive_name, item_id;
  // simple_put: ?@microsoft.graph.conflictBehavior= (decoded; empty when absent).
  std::string conflict;
  // upload: the session and the token from the query (?authtoken= / ?tempauthtoken=).
  std::string session_id, token;
  bool has_token = false;
  // upload, To Do: the uploadUrl is the Graph URL .../attachmentSessions/{id}
  // (PROTOCOL.md T1); `content` when the target is that URL + "/content" (T2).
  bool graph_session = false;
  bool content = false;
  // report: ?id= ?flavor= ?name= keep only the stored files with those values
  // (the integration scripts ask for one file; the whole report grows with every upload).
  std::vector<std::pair<std::string, std::string>> file_filter;
};

route classify(const std::string& target);

// Percent-encodes what may not stand in a URL path segment as it is.
std::string path_escape(const std::string& segment);

// "/me" or "/users/{id}" (escaped), as the route named the user.
std::string graph_user_path(const route& r);

}  // namespace emu
