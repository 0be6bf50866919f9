#pragma once
// The codec conformance vectors: one table run against builtin_codec,
// nlohmann_codec and boost_json_codec with identical expectations.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rangeup/codec.hpp"
#include "rangeup/config.hpp"
#include "rangeup/error.hpp"

namespace codec_vectors {

using namespace std::string_literals;

enum class parser { session, error, item };

// Expected fields are compared through a textual summary of the document
// (see describe() in the tests), so a vector reads like the document it expects.
struct vector {
  std::string name;
  parser fn;
  std::string json;
  rangeup::errc expected;  // errc{} = success
  // session: url | expiration | ranges ("~" absent, "" empty array, "0-,5-9")
  // error:   code | message
  // item:    id | name | size ("-" absent) | quickXorHash
  std::vector<std::string> fields;
};

inline constexpr rangeup::errc ok{};

inline std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

inline vector session(std::string name, std::string json, std::string url, std::string exp, std::string ranges) {
  return {std::move(name), parser::session, std::move(json), ok, {std::move(url), std::move(exp), std::move(ranges)}};
}
inline vector error_body(std::string name, std::string json, std::string code, std::string message) {
  return {std::move(name), parser::error, std::move(json), ok, {std::move(code), std::move(message)}};
}
inline vector item(std::string name, std::string json, std::string id, std::string item_name, std::string size,
                   std::string hash) {
  return {std::move(name), parser::item, std::move(json), ok,
          {std::move(id), std::move(item_name), std::move(size), std::move(hash)}};
}
inline vector fails(std::string name, parser fn, std::string json, rangeup::errc e) {
  return {std::move(name), fn, std::move(json), e, {}};
}

inline std::vector<vector> all() {
  using rangeup::errc;
  constexpr auto S = parser::session;
  constexpr auto E = parser::error;
  constexpr auto I = parser::item;
  const std::string outlook_url =
      "https://outlook.office.com/api/v2.0/Users('ddfcd489-628b-40d7-b48b-57002df800e5@1717622f-1d94-4d0c-9d74-"
      "709fad664b77')/Messages('AAMkADI5MAAIT3drCAAA=')/AttachmentSessions('AAMkADI5MAAIT3k0tAAA=')?authtoken=eyJhbGci";
  const std::string url_4096 = "https://x.test/" + std::string(RANGEUP_MAX_URL_LENGTH - 15, 'a');  // exactly the limit
  std::string seventeen = "[";
  for (int i = 0; i < 17; ++i) seventeen += (i ? ",\"" : "\"") + std::to_string(i * 10) + "-" + std::to_string(i * 10 + 9) + "\"";
  seventeen += "]";
  std::string sixteen_expected;
  for (int i = 0; i < 16; ++i) sixteen_expected += (i ? "," : "") + std::to_string(i * 10) + "-" + std::to_string(i * 10 + 9);
  std::string sixteen = seventeen.substr(0, seventeen.rfind(",")) + "]";

  std::vector<vector> v = {
      // ---- upload sessions, every casing and range form --------------------
      session("outlook create", R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession","uploadUrl":")" +
                                    outlook_url + R"(","expirationDateTime":"2019-09-25T01:09:30.7671707Z","nextExpectedRanges":["0-"]})",
              outlook_url, "2019-09-25T01:09:30.7671707Z", "0-"),
      session("PascalCase intermediate, bare offset", R"({"ExpirationDateTime":"2019-09-25T01:09:30.7671707Z","NextExpectedRanges":["2097152"]})",
              "", "2019-09-25T01:09:30.7671707Z", "2097152-"),
      session("PascalCase UploadUrl", R"({"UploadUrl":"https://u.test/a","NextExpectedRanges":["0"]})", "https://u.test/a", "", "0-"),
      session("upper case keys", R"({"UPLOADURL":"https://u.test/","EXPIRATIONDATETIME":"t","NEXTEXPECTEDRANGES":["5-"]})",
              "https://u.test/", "t", "5-"),
      session("escaped slashes in URL", R"({"uploadUrl":"https:\/\/print.test\/up?tempauthtoken=a%2Bb\/c"})",
              "https://print.test/up?tempauthtoken=a%2Bb/c", "", "~"),
      session("closed range", R"({"nextExpectedRanges":["0-4533321"]})", "", "", "0-4533321"),
      session("multiple ranges", R"({"nextExpectedRanges":["12345-55232","77829-99375","100000-"]})", "", "",
              "12345-55232,77829-99375,100000-"),
      session("ranges absent", R"({"uploadUrl":"https://d.test/up","expirationDateTime":"2015-01-29T09:21:55.523Z"})",
              "https://d.test/up", "2015-01-29T09:21:55.523Z", "~"),
      session("ranges empty array", R"({"nextExpectedRanges":[]})", "", "", ""),
      session("ranges null", R"({"nextExpectedRanges":null})", "", "", "~"),
      session("range with spaces", R"({"nextExpectedRanges":[" 7-8 "]})", "", "", "7-8"),
      session("64-bit range", R"({"nextExpectedRanges":["4294967296-18446744073709551614"]})", "", "",
              "4294967296-18446744073709551614"),
      session("sixteen ranges", "{\"nextExpectedRanges\":" + sixteen + "}", "", "", sixteen_expected),
      fails("seventeen ranges", S, "{\"nextExpectedRanges\":" + seventeen + "}", errc::capacity_exceeded),
      fails("range not a number", S, R"({"nextExpectedRanges":["abc"]})", errc::malformed_range),
      fails("range backwards", S, R"({"nextExpectedRanges":["9-3"]})", errc::malformed_range),
      fails("range empty string", S, R"({"nextExpectedRanges":[""]})", errc::malformed_range),
      fails("range negative", S, R"({"nextExpectedRanges":["-5"]})", errc::malformed_range),
      fails("range overflows", S, R"({"nextExpectedRanges":["18446744073709551616-"]})", errc::malformed_range),
      fails("range text too long", S, "{\"nextExpectedRanges\":[\"" + std::string(70, ' ') + "0-\"]}", errc::malformed_range),
      fails("range element number", S, R"({"nextExpectedRanges":[0]})", errc::malformed_response),
      fails("range element array", S, R"({"nextExpectedRanges":[["0-"]]})", errc::malformed_response),
      fails("range element object", S, R"({"nextExpectedRanges":[{"a":"0-"}]})", errc::malformed_response),
      fails("range element null", S, R"({"nextExpectedRanges":["0-",null]})", errc::malformed_response),
      fails("ranges a string", S, R"({"nextExpectedRanges":"0-"})", errc::malformed_response),
      fails("ranges an object", S, R"({"nextExpectedRanges":{"0":"0-"}})", errc::malformed_response),
      fails("uploadUrl a number", S, R"({"uploadUrl":42})", errc::malformed_response),
      fails("uploadUrl an object", S, R"({"uploadUrl":{"href":"https://x"}})", errc::malformed_response),
      fails("expiration a bool", S, R"({"expirationDateTime":true})", errc::malformed_response),
      session("uploadUrl null", R"({"uploadUrl":null})", "", "", "~"),
      session("URL of RANGEUP_MAX_URL_LENGTH", "{\"uploadUrl\":\"" + url_4096 + "\"}", url_4096, "", "~"),
      fails("URL one byte too long", S, "{\"uploadUrl\":\"" + url_4096 + "b\"}", errc::url_too_long),
      fails("URL far too long", S, "{\"uploadUrl\":\"" + url_4096 + std::string(10000, 'c') + "\"}", errc::url_too_long),
      session("expiration of 64 bytes", "{\"expirationDateTime\":\"" + std::string(64, '9') + "\"}", "", std::string(64, '9'), "~"),
      fails("expiration of 65 bytes", S, "{\"expirationDateTime\":\"" + std::string(65, '9') + "\"}", errc::capacity_exceeded),
      session("unknown members of every shape",
              R"({"a":{"b":[1,{"c":[]}],"uploadUrl":"nested"},"uploadUrl":"top","x":[[[]]],"n":null,"t":true,"f":false,"num":-1.5e-3,"s":"\"}"})",
              "top", "", "~"),
      session("ranges nested elsewhere ignored", R"({"other":{"nextExpectedRanges":["bad"]},"nextExpectedRanges":["1-"]})", "", "", "1-"),
      session("duplicate key, last wins", R"({"uploadUrl":"https://a","UploadUrl":"https://b"})", "https://b", "", "~"),
      session("duplicate exact key, last wins", R"({"uploadUrl":"https://a","UploadUrl":"https://b","uploadUrl":"https://c"})",
              "https://c", "", "~"),
      session("duplicate ranges, last wins", R"({"nextExpectedRanges":["0-","1-"],"NextExpectedRanges":["5-"]})", "", "", "5-"),
      session("duplicate ranges, null last", R"({"nextExpectedRanges":["0-"],"nextExpectedRanges":null})", "", "", "~"),
      session("empty object", "{}", "", "", "~"),
      session("whitespace everywhere", " \t\r\n{ \"uploadUrl\" :\n\"u\" ,\t\"nextExpectedRanges\" : [ \"0-\" , \"9\" ] } \r\n", "u", "",
              "0-,9-"),
      session("every escape", R"({"uploadUrl":"q\"b\\s\/b\bf\fn\nr\rt\t\u00e9\u00E9\u20ac\ud83d\ude00\uD83C\uDF89"})",
              "q\"b\\s/b\bf\fn\nr\rt\t\xc3\xa9\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf0\x9f\x8e\x89", "", "~"),
      session("raw UTF-8 and DEL in a string", "{\"uploadUrl\":\"r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x8e\x89\x7f\"}",
              "r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x8e\x89\x7f", "", "~"),
      session("escaped NUL is valid", R"({"uploadUrl":"a\u0000b"})", "a\0b"s, "", "~"),
      session("escaped key matches", R"({"upload\u0055rl":"k"})", "k", "", "~"),
      session("number edge cases ignored",
              R"({"a":0,"b":-0,"c":1e308,"d":1.7976931348623157e308,"e":1.797693134862315807937289714053e308,"f":1e-999,"g":0e999999999,"g2":1e-000000000999999999,"h":-0.0E+0,"i":123456789012345678901234567890})",
              "", "", "~"),
      // ---- top level --------------------------------------------------------
      fails("top-level array", S, "[]", errc::malformed_response),
      fails("top-level array of session", S, R"([{"uploadUrl":"x"}])", errc::malformed_response),
      fails("top-level string", S, R"("uploadUrl")", errc::malformed_response),
      fails("top-level number", S, "42", errc::malformed_response),
      fails("top-level null", S, "null", errc::malformed_response),
      fails("top-level true", E, "true", errc::malformed_response),
      // ---- syntax ---------------------------------------------------------------
      fails("empty input", S, "", errc::malformed_json),
      fails("only whitespace", S, " \n\t", errc::malformed_json),
      fails("unclosed object", S, "{", errc::malformed_json),
      fails("key without value", S, R"({"uploadUrl")", errc::malformed_json),
      fails("key and colon", S, R"({"uploadUrl":)", errc::malformed_json),
      fails("unterminated string", S, R"({"uploadUrl":"abc)", errc::malformed_json),
      fails("trailing comma in object", S, R"({"a":1,})", errc::malformed_json),
      fails("trailing comma in array", S, R"({"nextExpectedRanges":["0-",]})", errc::malformed_json),
      fails("leading comma", S, R"({,"a":1})", errc::malformed_json),
      fails("missing colon", S, R"({"a" 1})", errc::malformed_json),
      fails("missing comma", S, R"({"a":1 "b":2})", errc::malformed_json),
      fails("single quotes", S, R"({'a':1})", errc::malformed_json),
      fails("bare key", S, R"({a:1})", errc::malformed_json),
      fails("non-string key", S, R"({1:1})", errc::malformed_json),
      fails("mismatched bracket", S, R"({"a":[1}})", errc::malformed_json),
      fails("trailing garbage", S, "{}x", errc::malformed_json),
      fails("two documents", S, "{}{}", errc::malformed_json),
      fails("comment", S, "{} // c", errc::malformed_json),
      fails("block comment", S, "{/*c*/}", errc::malformed_json),
      fails("NUL after document", S, "{}\0"s, errc::malformed_json),
      fails("NUL before document", S, "\0{}"s, errc::malformed_json),
      fails("NUL as whitespace", S, "{\"a\":\0 1}"s, errc::malformed_json),
      fails("UTF-8 BOM", S, "\xef\xbb\xbf{}", errc::malformed_json),
      fails("literal typo", S, R"({"a":tru})", errc::malformed_json),
      fails("literal case", S, R"({"a":True})", errc::malformed_json),
      fails("literal glued", S, R"({"a":nullx})", errc::malformed_json),
      fails("NaN", S, R"({"a":NaN})", errc::malformed_json),
      fails("Infinity", S, R"({"a":Infinity})", errc::malformed_json),
      fails("leading zero", S, R"({"a":01})", errc::malformed_json),
      fails("negative leading zero", S, R"({"a":-01})", errc::malformed_json),
      fails("dot without digits", S, R"({"a":1.})", errc::malformed_json),
      fails("leading dot", S, R"({"a":.5})", errc::malformed_json),
      fails("lone minus", S, R"({"a":-})", errc::malformed_json),
      fails("plus sign", S, R"({"a":+1})", errc::malformed_json),
      fails("exponent without digits", S, R"({"a":1e})", errc::malformed_json),
      fails("exponent sign without digits", S, R"({"a":1e+})", errc::malformed_json),
      fails("hex number", S, R"({"a":0x10})", errc::malformed_json),
      fails("1e999", S, R"({"a":1e999})", errc::malformed_json),
      fails("-1e999", S, R"({"a":-1e999})", errc::malformed_json),
      fails("just above DBL_MAX rounding", S, R"({"a":1.7976931348623159e308})", errc::malformed_json),
      fails("exactly the rounding bound", S,
            R"({"a":179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792})",
            errc::malformed_json),
      fails("exponent of 10 digits", S, R"({"a":0e1000000000})", errc::malformed_json),
      fails("negative exponent of 10 digits", S, R"({"a":1e-1000000000})", errc::malformed_json),
      fails("exponent beyond int", S, R"({"a":1.5E+99999999999999999999})", errc::malformed_json),
      fails("raw control char in string", S, "{\"uploadUrl\":\"a\x01" "b\"}", errc::malformed_json),
      fails("raw tab in string", S, "{\"uploadUrl\":\"a\tb\"}", errc::malformed_json),
      fails("raw newline in string", S, "{\"uploadUrl\":\"a\nb\"}", errc::malformed_json),
      fails("raw NUL in string", S, "{\"uploadUrl\":\"a\0b\"}"s, errc::malformed_json),
      fails("raw control char in key", S, "{\"a\x1f\":1}", errc::malformed_json),
      fails("unknown escape", S, R"({"a":"\x41"})", errc::malformed_json),
      fails("escaped single quote", S, R"({"a":"\'"})", errc::malformed_json),
      fails("short \\u", S, R"({"a":"\u12"})", errc::malformed_json),
      fails("bad hex", S, R"({"a":"\u12G4"})", errc::malformed_json),
      fails("lone leading surrogate", S, R"({"a":"\ud800"})", errc::malformed_json),
      fails("lone trailing surrogate", S, R"({"a":"\udc00"})", errc::malformed_json),
      fails("leading surrogate then letter", S, R"({"a":"\ud800x"})", errc::malformed_json),
      fails("leading surrogate then BMP escape", S, R"({"a":"\ud800\u0041"})", errc::malformed_json),
      fails("two leading surrogates", S, R"({"a":"\ud800\ud800"})", errc::malformed_json),
      fails("lone surrogate in key", S, R"({"\udfff":1})", errc::malformed_json),
      fails("invalid UTF-8 byte", S, "{\"uploadUrl\":\"\xff\"}", errc::malformed_json),
      fails("stray continuation byte", S, "{\"uploadUrl\":\"\x80\"}", errc::malformed_json),
      fails("overlong NUL", S, "{\"uploadUrl\":\"\xc0\x80\"}", errc::malformed_json),
      fails("overlong slash", S, "{\"uploadUrl\":\"\xe0\x80\xaf\"}", errc::malformed_json),
      fails("encoded surrogate", S, "{\"uploadUrl\":\"\xed\xa0\x80\"}", errc::malformed_json),
      fails("above U+10FFFF", S, "{\"uploadUrl\":\"\xf4\x90\x80\x80\"}", errc::malformed_json),
      fails("truncated sequence", S, "{\"uploadUrl\":\"\xe2\x82\"}", errc::malformed_json),
      fails("invalid UTF-8 in ignored key", S, "{\"\xfe\":1}", errc::malformed_json),
      fails("invalid UTF-8 outside strings", S, "{\xc3\xa9:1}", errc::malformed_json),
      // ---- error bodies -----------------------------------------------------
      error_body("error with innerError",
                 R"({"error":{"code":"nameAlreadyExists","message":"The specified item name already exists.","innerError":{"code":"inner","date":"2024-01-01T00:00:00","request-id":"r","client-request-id":"c","innerError":{"code":"deeper"}}}})",
                 "nameAlreadyExists", "The specified item name already exists."),
      error_body("error, innerError first", R"({"error":{"innerError":{"code":"inner","message":"no"},"code":"outer"}})", "outer", ""),
      error_body("error without message", R"({"error":{"code":"accessDenied"}})", "accessDenied", ""),
      error_body("error without code", R"({"error":{"message":"m"}})", "", "m"),
      error_body("error PascalCase", R"({"Error":{"Code":"ErrorItemNotFound","Message":"The specified object was not found in the store."}})",
                 "ErrorItemNotFound", "The specified object was not found in the store."),
      error_body("error with other members", R"({"x":[{"error":1}],"error":{"code":"c","details":[{"code":"d"}]},"y":1})", "c", ""),
      error_body("duplicate error objects", R"({"error":{"code":"a","message":"m"},"error":{"code":"b"}})", "b", ""),
      error_body("message cut at 256", "{\"error\":{\"code\":\"c\",\"message\":\"" + std::string(300, 'm') + "\"}}", "c",
                 std::string(256, 'm')),
      error_body("message cut before a 2-byte char", "{\"error\":{\"message\":\"" + std::string(255, 'm') + "\xc3\xa9" + "\"}}", "",
                 std::string(255, 'm')),
      error_body("message cut before an escaped 4-byte char",
                 "{\"error\":{\"message\":\"" + std::string(254, 'm') + "\\ud83d\\ude00tail\"}}", "", std::string(254, 'm')),
      error_body("message far longer than scratch", "{\"error\":{\"message\":\"" + repeat("\xe2\x82\xac", 3000) + "\"}}", "",
                 repeat("\xe2\x82\xac", 85)),
      error_body("code of 64 bytes", "{\"error\":{\"code\":\"" + std::string(64, 'c') + "\"}}", std::string(64, 'c'), ""),
      fails("code of 65 bytes", E, "{\"error\":{\"code\":\"" + std::string(65, 'c') + "\"}}", errc::capacity_exceeded),
      fails("no error member", E, "{}", errc::malformed_response),
      fails("error nested elsewhere only", E, R"({"data":{"error":{"code":"c"}}})", errc::malformed_response),
      fails("error is a string", E, R"({"error":"oops"})", errc::malformed_response),
      fails("error is null", E, R"({"error":null})", errc::malformed_response),
      fails("error is an array", E, R"({"error":[{"code":"c"}]})", errc::malformed_response),
      fails("code is a number", E, R"({"error":{"code":42}})", errc::malformed_response),
      fails("message is an array", E, R"({"error":{"code":"c","message":["m"]}})", errc::malformed_response),
      fails("error body is HTML", E, "<html><body>Bad Gateway</body></html>", errc::malformed_json),
      fails("error body truncated", E, R"({"error":{"code":"c")", errc::malformed_json),
      // ---- driveItem ------------------------------------------------------------
      item("driveItem",
           R"({"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#drives('b')/items/$entity","id":"01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K","name":"big.bin","size":10485760,"createdBy":{"user":{"displayName":"x","id":"u"}},"file":{"mimeType":"application/octet-stream","hashes":{"quickXorHash":"cXVpY2tYb3JIYXNoQmFzZTY0PQ==","sha1Hash":"A"}},"parentReference":{"driveId":"d","path":"/drive/root:"}})",
           "01BYE5RZ6QN3ZWBTUFOFD3GSPGOHDJD36K", "big.bin", "10485760", "cXVpY2tYb3JIYXNoQmFzZTY0PQ=="),
      item("driveItem hashes before mimeType", R"({"file":{"hashes":{"sha256Hash":"s","quickXorHash":"q"},"mimeType":"m"},"id":"i"})", "i", "",
           "-", "q"),
      item("driveItem without file", R"({"id":"i","name":"n","size":0,"folder":{"childCount":0}})", "i", "n", "0", ""),
      item("driveItem without quickXorHash", R"({"id":"i","file":{"hashes":{"sha1Hash":"x"}}})", "i", "", "-", ""),
      item("hashes outside file ignored", R"({"hashes":{"quickXorHash":"no"},"file":{"quickXorHash":"no"}})", "", "", "-", ""),
      item("driveItem PascalCase", R"({"ID":"x","Name":"n","SIZE":1,"File":{"Hashes":{"QuickXorHash":"h"}}})", "x", "n", "1", "h"),
      item("name with escapes", R"({"name":"r\u00e9sum\u00e9 \ud83c\udf89.pdf"})", "", "r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x8e\x89.pdf", "-", ""),
      item("size 2^64-1", R"({"size":18446744073709551615})", "", "", "18446744073709551615", ""),
      item("size > 4 GiB", R"({"size":5368709120})", "", "", "5368709120", ""),
      item("size null", R"({"size":null})", "", "", "-", ""),
      item("file null", R"({"file":null})", "", "", "-", ""),
      item("hashes null", R"({"file":{"hashes":null}})", "", "", "-", ""),
      item("duplicate file, last wins whole", R"({"file":{"hashes":{"quickXorHash":"a"}},"file":{"mimeType":"x"}})", "", "", "-", ""),
      item("duplicate size, last wins", R"({"size":1,"Size":2})", "", "", "2", ""),
      fails("size 2^64", I, R"({"size":18446744073709551616})", errc::malformed_response),
      fails("size negative", I, R"({"size":-1})", errc::malformed_response),
      fails("size minus zero", I, R"({"size":-0})", errc::malformed_response),
      fails("size fraction", I, R"({"size":1.5})", errc::malformed_response),
      fails("size integral float", I, R"({"size":10.0})", errc::malformed_response),
      fails("size exponent", I, R"({"size":1e3})", errc::malformed_response),
      fails("size string", I, R"({"size":"123"})", errc::malformed_response),
      fails("size 1e999", I, R"({"size":1e999})", errc::malformed_json),
      fails("file an array", I, R"({"file":[]})", errc::malformed_response),
      fails("hashes a string", I, R"({"file":{"hashes":"q"}})", errc::malformed_response),
      fails("quickXorHash a number", I, R"({"file":{"hashes":{"quickXorHash":1}}})", errc::malformed_response),
      fails("quickXorHash an object", I, R"({"file":{"hashes":{"quickXorHash":{}}}})", errc::malformed_response),
      fails("quickXorHash of 65 bytes", I, "{\"file\":{\"hashes\":{\"quickXorHash\":\"" + std::string(65, 'h') + "\"}}}",
            errc::capacity_exceeded),
      fails("id of 513 bytes", I, "{\"id\":\"" + std::string(513, 'i') + "\"}", errc::capacity_exceeded),
      fails("name far longer than scratch", I, "{\"name\":\"" + std::string(20000, 'n') + "\"}", errc::capacity_exceeded),
      fails("first error in document order (type)", I, "{\"size\":-1,\"id\":\"" + std::string(600, 'i') + "\"}", errc::malformed_response),
      fails("first error in document order (capacity)", I, "{\"id\":\"" + std::string(600, 'i') + "\",\"size\":-1}",
            errc::capacity_exceeded),
      fails("syntax error wins over earlier type error", I, R"({"size":-1,})", errc::malformed_json),
      fails("driveItem top-level array", I, R"([{"id":"i"}])", errc::malformed_response),
  };

  // ---- nesting: max_depth (32) open containers are fine, one more is not ---
  const auto nested = [](std::size_t inner) { return "{\"a\":" + std::string(inner, '[') + std::string(inner, ']') + "}"; };
  v.push_back(session("depth 32", nested(31), "", "", "~"));
  v.push_back(fails("depth 33", S, nested(32), errc::malformed_json));
  v.push_back(fails("10000 [", S, std::string(10000, '['), errc::malformed_json));
  v.push_back(fails("10000 [ closed", S, std::string(10000, '[') + std::string(10000, ']'), errc::malformed_json));
  v.push_back(fails("10000 nested objects", I, repeat("{\"a\":", 10000) + "1" + std::string(10000, '}'), errc::malformed_json));
  v.push_back(session("depth 32 of objects", repeat("{\"a\":", 31) + "{}" + std::string(31, '}'), "", "", "~"));
  v.push_back(fails("depth 33 of objects", S, repeat("{\"a\":", 32) + "{}" + std::string(32, '}'), errc::malformed_json));
  return v;
}

// ---- create bodies --------------------------------------------------------------
struct name_vector {
  std::string label;
  std::string name;
  rangeup::errc expected;
  std::string builtin_body;  // exact output of builtin_codec for the Outlook body (when expected is ok)
};

inline std::vector<name_vector> names() {
  using rangeup::errc;
  const auto body = [](std::string escaped) {
    return R"({"AttachmentItem":{"attachmentType":"file","name":")" + escaped + R"(","size":3483322}})";
  };
  return {
      {"plain", "flower.jpg", ok, body("flower.jpg")},
      {"quotes", "say \"hi\".txt", ok, body(R"(say \"hi\".txt)")},
      {"backslash", "a\\b\\", ok, body(R"(a\\b\\)")},
      {"newline", "line\nbreak", ok, body(R"(line\u000abreak)")},
      {"control chars", "\x01x\x1f\t\r\b\f", ok, body(R"(\u0001x\u001f\u0009\u000d\u0008\u000c)")},
      {"NUL", "a\0b"s, ok, body(R"(a\u0000b)")},
      {"DEL", "del\x7f", ok, body(R"(del\u007f)")},
      {"slash unescaped", "a/b", ok, body("a/b")},
      {"non-ASCII", "r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x8e\x89.pdf", ok, body("r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x8e\x89.pdf")},
      {"U+2028", "a\xe2\x80\xa8" "b", ok, body("a\xe2\x80\xa8" "b")},
      {"empty", "", ok, body("")},
      {"invalid byte", "bad\xff.txt", errc::invalid_argument, {}},
      {"truncated sequence", "bad\xc3", errc::invalid_argument, {}},
      {"overlong", "\xc0\xaf", errc::invalid_argument, {}},
      {"encoded surrogate", "\xed\xa0\x80", errc::invalid_argument, {}},
      {"latin-1 not UTF-8", "r\xe9sum\xe9", errc::invalid_argument, {}},
  };
}

}  // namespace codec_vectors
