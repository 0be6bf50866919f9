#include <doctest/doctest.h>

#include "rangeup/fixed_string.hpp"

using rangeup::errc;
using rangeup::fixed_string;

TEST_CASE("fixed_string appends within capacity") {
  fixed_string<8> s;
  CHECK(s.empty());
  CHECK(!s.append("abc"));
  CHECK(!s.append('d'));
  CHECK(!s.append_decimal(42));
  CHECK(s == "abcd42");
  CHECK(s.size() == 6);
  CHECK(std::string_view(s.c_str()) == "abcd42");  // always NUL-terminated
}

TEST_CASE("fixed_string overflow is an error and leaves the content unchanged") {
  fixed_string<4> s;
  CHECK(!s.assign("abcd"));
  CHECK(s.append("e") == errc::capacity_exceeded);
  CHECK(s == "abcd");
  CHECK(s.assign("abcde") == errc::capacity_exceeded);
  CHECK(s == "abcd");
  s.clear();
  CHECK(s.append_decimal(123456) == errc::capacity_exceeded);
  CHECK(s.empty());
}

TEST_CASE("fixed_string writer commits only when everything fit") {
  fixed_string<16> s;
  CHECK(!s.assign("id="));
  auto w = s.writer();
  w.append("12345").append('/').append_decimal(18446744073709551615ULL);  // too long for 13 free bytes
  CHECK(!w.ok());
  CHECK(s.commit(w) == errc::capacity_exceeded);
  CHECK(s == "id=");

  auto w2 = s.writer();
  w2.append("12345").append('/').append_decimal(9);
  CHECK(!s.commit(w2));
  CHECK(s == "id=12345/9");
}

TEST_CASE("text_writer reports buffer_too_small and keeps what fit before overflow") {
  char buf[5];
  rangeup::text_writer w(buf, sizeof buf);
  w.append("abc");
  CHECK(w.ok());
  w.append("def");
  CHECK(!w.ok());
  CHECK(w.error() == errc::buffer_too_small);
  CHECK(w.view() == "abc");
  w.append("x");  // sticky: nothing more is written after an overflow
  CHECK(w.view() == "abc");
}

TEST_CASE("decimal_text covers zero, powers of ten and the 64-bit maximum") {
  CHECK(rangeup::decimal_text(0).view() == "0");
  CHECK(rangeup::decimal_text(10).view() == "10");
  CHECK(rangeup::decimal_text(4194304).view() == "4194304");
  CHECK(rangeup::decimal_text(18446744073709551615ULL).view() == "18446744073709551615");
}

TEST_CASE("truncate shortens only") {
  fixed_string<8> s;
  CHECK(!s.assign("abcdef"));
  s.truncate(10);
  CHECK(s == "abcdef");
  s.truncate(2);
  CHECK(s == "ab");
}
