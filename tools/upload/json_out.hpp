#pragma once
// The --json result object: {"file","id","name","size","target","bytes_sent",
// "retries","restarts","seconds","method",...} on success ("id": null with
// "id_unknown": true when the service did not return it); {"file","target",
// "error","exit",...} on failure. Never contains an uploadUrl.

#include <cstdint>
#include <string>

namespace upload_cli {

// Incremental writer for one flat JSON object.
class json_object {
 public:
  json_object& string(const char* key, const std::string& value);
  json_object& number(const char* key, std::uint64_t value);
  json_object& real(const char* key, double value);
  json_object& boolean(const char* key, bool value);
  json_object& null(const char* key);
  std::string str() const { return text_ + "}"; }

 private:
  void key(const char* k);
  std::string text_ = "{";
};

// JSON string literal (with quotes) for arbitrary bytes: control characters
// escaped, invalid UTF-8 replaced by U+FFFD.
std::string json_quote(const std::string& s);

}  // namespace upload_cli
