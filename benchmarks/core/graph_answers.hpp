#pragma once
// The JSON documents the microbenchmarks feed the core and the codecs, shaped
// like Graph's: an Outlook uploadUrl (its credential makes it ~1 KB long) in a
// createUploadSession answer.

#include <string>
#include <string_view>

namespace rangeup_bench {

inline constexpr std::string_view expiry = "2030-01-01T00:00:00.0000000Z";

inline std::string create_answer() {
  std::string url =
      "https://outlook.office.com/api/v2.0/Users('ddfcd489-628b-40d7-b48b-57002df800e5@1717622f-1d94-4d0c-"
      "9d74-709fad664b77')/Messages('AAMkADI5MAAIT3drCAAA=')/AttachmentSessions('AAMkADI5MAAIT3k0tAAA=')"
      "?authtoken=";
  for (int i = 0; i < 40; ++i) url += "eyJhbGciOiJSUzI1NiIsImtpZCI6Ik";
  return "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession\","
         "\"uploadUrl\":\"" +
         url + "\",\"expirationDateTime\":\"" + std::string(expiry) + "\",\"nextExpectedRanges\":[\"0-\"]}";
}

}  // namespace rangeup_bench
