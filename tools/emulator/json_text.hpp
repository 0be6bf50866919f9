#pragma once
// JSON helpers shared by the handlers: parsing request bodies, Graph-style
// error bodies, and ISO 8601 timestamps as Graph writes them.

#include <chrono>
#include <string>

#include <boost/json/value.hpp>

namespace emu {

// Parses text; returns a null value on malformed JSON (never throws).
boost::json::value parse_json(const std::string& text);

// {"error":{"code":code,"message":message}}
std::string error_body(const std::string& code, const std::string& message);

// "2024-05-01T12:00:00.1234567Z" with `fraction_digits` (0..7) after the seconds.
std::string iso8601(std::chrono::system_clock::time_point t, int fraction_digits);

// Writes a JSON value to text.
std::string to_text(const boost::json::value& v);

}  // namespace emu
