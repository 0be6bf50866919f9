#pragma once
// Internal to rangeup's JSON codecs (rangeup/json/detail/): not public API, may change.
// What rangeup accepts as a JSON number: the RFC 8259 §6 grammar, sizes as
// uint64, and the range limits every codec shares (RFC 8259 §9 allows them):
// a number that would be infinite as a double is rejected (nlohmann/json
// fails on those), and so is an exponent beyond +-999999999 (Boost.JSON 1.81
// fails beyond +-2^31-1, and earlier for inputs of more than ~1 GB).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rangeup::json {

struct number_token {
  std::size_t length = 0;   // bytes of the token; 0 when s does not start with a valid number
  bool is_u64 = false;      // no sign, fraction or exponent, and fits in 64 bits
  std::uint64_t value = 0;  // meaningful when is_u64
};

// Scans  -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?  at the front of s.
// The caller checks what follows the token (a delimiter, not more digits).
inline number_token scan_number(std::string_view s) noexcept {
  number_token t;
  std::size_t i = 0;
  const auto digit = [&s](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  const bool negative = i < s.size() && s[i] == '-';
  if (negative) ++i;
  if (!digit(i)) return t;
  bool fits = true;
  std::uint64_t v = 0;
  if (s[i] == '0') {
    ++i;  // a leading zero stands alone ("01" is left for the caller to reject)
  } else {
    while (digit(i)) {
      const auto d = static_cast<std::uint64_t>(s[i] - '0');
      if (v > (UINT64_MAX - d) / 10) fits = false;
      if (fits) v = v * 10 + d;
      ++i;
    }
  }
  bool integral = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digit(i)) return t;
    while (digit(i)) ++i;
    integral = false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return t;
    while (digit(i)) ++i;
    integral = false;
  }
  t.length = i;
  t.is_u64 = !negative && integral && fits;
  t.value = t.is_u64 ? v : 0;
  return t;
}

// True when the (grammatically valid) number token's magnitude rounds to
// infinity as an IEEE-754 double, i.e. is >= 2^1024 - 2^970. Exact: compares
// the significant digits with that bound instead of converting.
inline bool number_exceeds_double(std::string_view token) noexcept {
  constexpr std::string_view bound =  // 2^1024 - 2^970, all 309 digits
      "17976931348623158079372897140530341507993413271003782693617377898044496829276475094664901797"
      "75872070963302864166928879109465555478519404026306574886715058206819089020007083836762738548"
      "45817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711"
      "559699508093042880177904174497792";
  const std::size_t start = (!token.empty() && token[0] == '-') ? 1 : 0;
  std::size_t exp_at = token.find_first_of("eE", start);
  if (exp_at == std::string_view::npos) exp_at = token.size();
  const std::string_view mantissa = token.substr(start, exp_at - start);
  std::size_t point = mantissa.find('.');
  if (point == std::string_view::npos) point = mantissa.size();
  const std::size_t first = mantissa.find_first_not_of("0.");
  if (first == std::string_view::npos) return false;  // zero

  // value = 0.D x 10^e, D starting at the first significant digit. Both terms
  // are clamped far beyond the bound so that nothing overflows.
  // 2^30 fits a 32-bit size_t too.
  constexpr std::int64_t clamp = std::int64_t{1} << 30;
  const auto clamped = [](std::size_t n) { return n > std::size_t{clamp} ? clamp : static_cast<std::int64_t>(n); };
  std::int64_t e = first < point ? clamped(point - first) : -clamped(first - point - 1);
  if (exp_at < token.size()) {
    std::size_t i = exp_at + 1;
    const bool negative = token[i] == '-';
    if (token[i] == '+' || token[i] == '-') ++i;
    std::int64_t x = 0;
    for (; i < token.size(); ++i) x = x >= clamp ? clamp : x * 10 + (token[i] - '0');
    e += negative ? -x : x;
  }
  const auto bound_exponent = static_cast<std::int64_t>(bound.size());
  if (e != bound_exponent) return e > bound_exponent;
  std::size_t k = 0;
  for (std::size_t p = first; p < mantissa.size(); ++p) {
    if (mantissa[p] == '.') continue;
    if (k == bound.size()) return true;  // equal so far and longer: above the bound
    if (mantissa[p] != bound[k]) return mantissa[p] > bound[k];
    ++k;
  }
  return k == bound.size();  // exactly the bound: the tie rounds to infinity
}

// The limits above, for a grammatically valid number token.
inline constexpr std::size_t max_exponent_digits = 9;

inline bool number_in_range(std::string_view token) noexcept {
  const std::size_t e = token.find_first_of("eE");
  if (e != std::string_view::npos) {
    std::size_t i = e + 1;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    while (i < token.size() && token[i] == '0') ++i;  // "1e-0005" is fine
    if (token.size() - i > max_exponent_digits) return false;
  }
  return !number_exceeds_double(token);
}

}  // namespace rangeup::json
