#include "core/screen_checks.h"

#include <array>

namespace fabu::screen_checks {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// First two digits of a GB/T 2260 area code: the provinces, Hong Kong, Macao, Taiwan (71) and the
// residence permits of their residents (83).
bool real_province(std::string_view digits) {
  static constexpr std::array<int, 35> kProvinces{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                                  35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                                  53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};
  const int p = number(digits.substr(0, 2));
  for (int k : kProvinces) {
    if (k == p) return true;
  }
  return false;
}

bool real_date(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[static_cast<std::size_t>(month - 1)]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month != 2 || day <= 28 || leap;
}

}  // namespace

bool is_resident_id18(std::string_view id) {
  if (id.size() != 18 || !all_digits(id.substr(0, 17))) return false;
  if (!real_province(id)) return false;
  const int year = number(id.substr(6, 4));
  if (year < 1900 || year > 2099 || !real_date(year, number(id.substr(10, 2)), number(id.substr(12, 2)))) return false;
  // GB 11643: weights 2^(17-i) mod 11 over the first 17 digits; the sum mod 11 picks the check character.
  static constexpr std::array<int, 17> kWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  return id[17] == kCheck[static_cast<std::size_t>(sum % 11)];
}

bool is_resident_id15(std::string_view id) {
  if (id.size() != 15 || !all_digits(id) || !real_province(id)) return false;
  return real_date(1900 + number(id.substr(6, 2)), number(id.substr(8, 2)), number(id.substr(10, 2)));
}

bool is_mobile(std::string_view digits) {
  return digits.size() == 11 && all_digits(digits) && digits[0] == '1' && digits[1] >= '3';
}

bool is_bank_card(std::string_view digits) {
  if (digits.size() < 16 || digits.size() > 19 || !all_digits(digits)) return false;
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, twice = !twice) {
    int d = *it - '0';
    if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 == 0;
}

bool is_credit_code(std::string_view code) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr std::array<int, 17> kWeights{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
  if (code.size() != 18) return false;
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    const auto v = kAlphabet.find(code[i]);
    if (v == std::string_view::npos) return false;
    sum += static_cast<int>(v) * kWeights[i];
  }
  const int check = (31 - sum % 31) % 31;
  return code[17] == kAlphabet[static_cast<std::size_t>(check)];
}

std::string mask_keeping(std::string_view value, std::size_t head, std::size_t tail) {
  if (head + tail >= value.size()) return std::string(value.size(), '*');
  return std::string(value.substr(0, head)) + std::string(value.size() - head - tail, '*') +
         std::string(value.substr(value.size() - tail));
}

}  // namespace fabu::screen_checks
