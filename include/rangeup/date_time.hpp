#pragma once
// The service's timestamps as unix seconds: expirationDateTime (ISO 8601) and
// HTTP-dates (Retry-After). Pure parsing; the core never reads a clock.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rangeup/byte_range.hpp"
#include "rangeup/result.hpp"
#include "rangeup/url.hpp"

namespace rangeup {

namespace detail {

// Days since 1970-01-01 of a proleptic Gregorian date (era-based arithmetic,
// valid for every year an int64 can name here).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                  // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr bool is_leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

// Exactly n digits from the front of s.
constexpr bool take_fixed(std::string_view& s, std::size_t n, unsigned& out) noexcept {
  if (s.size() < n) return false;
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  out = v;
  s.remove_prefix(n);
  return true;
}

constexpr bool take_char(std::string_view& s, char c) noexcept {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

struct civil_time {
  std::int64_t year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

constexpr bool valid(const civil_time& t) noexcept {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= days_in_month(t.year, t.month) && t.hour <= 23 &&
         t.minute <= 59 && t.second <= 60;  // 60: a leap second, counted as the next second
}

constexpr std::int64_t to_unix(const civil_time& t) noexcept {
  return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

// "Jan".."Dec" (case-insensitive) → 1..12, 0 if none.
constexpr unsigned month_from_name(std::string_view s) noexcept {
  constexpr std::string_view names[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
  for (unsigned i = 0; i < 12; ++i)
    if (iequals(s, names[i])) return i + 1;
  return 0;
}

constexpr bool take_hms(std::string_view& s, civil_time& t) noexcept {
  return take_fixed(s, 2, t.hour) && take_char(s, ':') && take_fixed(s, 2, t.minute) && take_char(s, ':') &&
         take_fixed(s, 2, t.second);
}

}  // namespace detail

// ISO 8601 / RFC 3339 date-time as Graph writes it, e.g.
// "2019-09-25T01:09:30.7671707Z", "2015-01-29T09:21:55.523+02:00",
// "2015-01-29T09:21:55" (no zone: read as UTC). The fraction is dropped.
// Returns unix seconds, or malformed_response.
inline result<std::int64_t> parse_iso8601(std::string_view text) noexcept {
  std::string_view s = detail::trim(text);
  detail::civil_time t;
  unsigned year = 0;
  if (!detail::take_fixed(s, 4, year) || !detail::take_char(s, '-') || !detail::take_fixed(s, 2, t.month) ||
      !detail::take_char(s, '-') || !detail::take_fixed(s, 2, t.day))
    return errc::malformed_response;
  t.year = year;
  if (s.empty() || (s.front() != 'T' && s.front() != 't' && s.front() != ' ')) return errc::malformed_response;
  s.remove_prefix(1);
  if (!detail::take_hms(s, t)) return errc::malformed_response;
  if (!s.empty() && (s.front() == '.' || s.front() == ',')) {
    s.remove_prefix(1);
    std::size_t digits = 0;
    while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
      s.remove_prefix(1);
      ++digits;
    }
    if (digits == 0) return errc::malformed_response;
  }
  std::int64_t offset = 0;
  if (!s.empty()) {
    if (s == "Z" || s == "z") {
      s = {};
    } else if (s.front() == '+' || s.front() == '-') {
      const bool negative = s.front() == '-';
      s.remove_prefix(1);
      unsigned oh = 0, om = 0;
      if (!detail::take_fixed(s, 2, oh)) return errc::malformed_response;
      detail::take_char(s, ':');
      if (!detail::take_fixed(s, 2, om) || oh > 23 || om > 59) return errc::malformed_response;
      offset = static_cast<std::int64_t>(oh * 3600 + om * 60);
      if (negative) offset = -offset;
    }
    if (!s.empty()) return errc::malformed_response;
  }
  if (!detail::valid(t)) return errc::malformed_response;
  return detail::to_unix(t) - offset;
}

// HTTP-date (RFC 9110 §5.6.7): IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
// and the obsolete RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" and asctime
// "Sun Nov  6 08:49:37 1994" forms. Returns unix seconds or malformed_response.
inline result<std::int64_t> parse_http_date(std::string_view text) noexcept {
  std::string_view s = detail::trim(text);
  // Skip the day name: letters up to ',' or ' '.
  std::size_t i = 0;
  while (i < s.size() && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) ++i;
  if (i < 3) return errc::malformed_response;
  s.remove_prefix(i);
  detail::civil_time t;
  if (detail::take_char(s, ',')) {
    if (!detail::take_char(s, ' ')) return errc::malformed_response;
    const bool rfc850 = s.size() > 2 && s[2] == '-';
    if (!detail::take_fixed(s, 2, t.day) || !detail::take_char(s, rfc850 ? '-' : ' ') || s.size() < 3)
      return errc::malformed_response;
    t.month = detail::month_from_name(s.substr(0, 3));
    s.remove_prefix(3);
    if (!detail::take_char(s, rfc850 ? '-' : ' ')) return errc::malformed_response;
    unsigned year = 0;
    if (rfc850) {
      if (!detail::take_fixed(s, 2, year)) return errc::malformed_response;
      year += year < 70 ? 2000 : 1900;  // two-digit years: RFC 9110 says read as within 50 years of now
    } else if (!detail::take_fixed(s, 4, year)) {
      return errc::malformed_response;
    }
    t.year = year;
    if (!detail::take_char(s, ' ') || !detail::take_hms(s, t) || s != " GMT") return errc::malformed_response;
  } else {
    // asctime: "Nov  6 08:49:37 1994"
    if (!detail::take_char(s, ' ') || s.size() < 4) return errc::malformed_response;
    t.month = detail::month_from_name(s.substr(0, 3));
    s.remove_prefix(3);
    if (!detail::take_char(s, ' ')) return errc::malformed_response;
    if (!s.empty() && s.front() == ' ') {
      s.remove_prefix(1);
      if (!detail::take_fixed(s, 1, t.day)) return errc::malformed_response;
    } else if (!detail::take_fixed(s, 2, t.day)) {
      return errc::malformed_response;
    }
    unsigned year = 0;
    if (!detail::take_char(s, ' ') || !detail::take_hms(s, t) || !detail::take_char(s, ' ') ||
        !detail::take_fixed(s, 4, year) || !s.empty())
      return errc::malformed_response;
    t.year = year;
  }
  if (!detail::valid(t)) return errc::malformed_response;
  return detail::to_unix(t);
}

}  // namespace rangeup
