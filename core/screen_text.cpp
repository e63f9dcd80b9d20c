// screen_text: finding personal numbers in one field.
//
// The text is read as a row of units, one per code point, each normalised to one ASCII character
// (full-width digits and letters to ASCII, dashes and spaces of every width to '-' and ' ', anything
// else to '#') and keeping its byte span in the original, so offsets point into the field as written.
// A code point that shows nothing (a zero-width space, a soft hyphen, a direction mark, a variation
// selector) is no unit: it joins the span of the unit before it, so "138<ZWSP>1234<ZWSP>5678", which
// reads as 13812345678, is one run. Numbers are then maximal runs of digits; a run is judged by its
// length and its neighbours.
#include <algorithm>
#include <cctype>

#include "core/screen.h"
#include "core/screen_checks.h"
#include "core/text.h"

namespace fabu {
namespace {

using namespace screen_checks;

struct Unit {
  char c = '#';
  std::size_t offset = 0;
  std::size_t length = 0;
};

// What a reader does not see between two digits: format characters, selectors, combining marks (a
// keycap's U+20E3 included), and '#', which a Weibo post drops (weibo::clean_post_text).
bool is_invisible(char32_t cp) {
  return cp == '#' || cp == 0x00AD || (cp >= 0x0300 && cp <= 0x036F) || cp == 0x061C || cp == 0x180E ||
         (cp >= 0x180B && cp <= 0x180D) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
         cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

// The digit a character is read as, or -1: the decimal digits of other scripts and of mathematics,
// superscripts and subscripts, circled and parenthesised digits, and the Chinese numerals.
int digit_of(char32_t cp) {
  switch (cp) {
    case 0x2070: case 0x24EA: case 0x24FF: case 0x3007: case 0x96F6: return 0;  // ⁰ ⓪ ⓿ 〇 零
    case 0x00B9: case 0x4E00: return 1;                                         // ¹ 一
    case 0x00B2: case 0x4E8C: return 2;                                         // ² 二
    case 0x00B3: case 0x4E09: return 3;                                         // ³ 三
    case 0x56DB: return 4;                                                      // 四
    case 0x4E94: return 5;                                                      // 五
    case 0x516D: return 6;                                                      // 六
    case 0x4E03: return 7;                                                      // 七
    case 0x516B: return 8;                                                      // 八
    case 0x4E5D: return 9;                                                      // 九
    default: break;
  }
  // Most of a Chinese text: no digits below the first script's, nor among the ideographs.
  if (cp < 0x0660 || (cp >= 0x3400 && cp < 0xA620)) return -1;
  // Scripts and blocks whose ten digits are consecutive from these zeros.
  static constexpr char32_t kZeros[] = {0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
                                        0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090,
                                        0x17E0, 0x1810, 0x1946, 0x19D0, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xAA50,
                                        0xABF0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1FBF0, 0x2080};
  for (const char32_t zero : kZeros) {
    if (cp >= zero && cp < zero + 10) return static_cast<int>(cp - zero);
  }
  // One to nine from these ones: circled, parenthesised, with a full stop, negative and sans-serif circled.
  static constexpr char32_t kOnes[] = {0x2460, 0x2474, 0x2488, 0x24F5, 0x2776, 0x2780, 0x278A};
  for (const char32_t one : kOnes) {
    if (cp >= one && cp < one + 9) return static_cast<int>(cp - one) + 1;
  }
  if (cp >= 0x2074 && cp <= 0x2079) return static_cast<int>(cp - 0x2070);  // ⁴ to ⁹
  return -1;
}

char normalise(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII forms
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (std::isdigit(static_cast<unsigned char>(c))) return c;
    if (std::isalpha(static_cast<unsigned char>(c))) return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // A line break shows as a space on a page and in a post, as a tab does.
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return ' ';
    if (c == '-' || c == '/' || c == '.' || c == '+' || c == '_' || c == '(' || c == ')') return c;
    return '#';
  }
  if (const int digit = digit_of(cp); digit >= 0) return static_cast<char>('0' + digit);
  // The check character X as the multiplication sign, the Cyrillic Kha or the Greek Chi.
  if (cp == 0x00D7 || cp == 0x0425 || cp == 0x0445 || cp == 0x03A7 || cp == 0x03C7) return 'X';
  // Spaces: no-break, Ogham, the en quad to the hair space, narrow no-break, medium mathematical,
  // ideographic; and what shows as blank: the Hangul fillers and the blank Braille pattern.
  if (cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
      cp == 0x3000 || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 || cp == 0x2800) {
    return ' ';
  }
  // Hyphens and dashes, the minus sign, the small and full-width forms of the hyphen-minus.
  if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 || cp == 0xFE63) return '-';
  // Dots between groups: the middle dot, the katakana middle dot, the ideographic comma.
  if (cp == 0x00B7 || cp == 0x30FB || cp == 0x3001) return '.';
  return '#';
}

std::vector<Unit> units_of(std::string_view text) {
  std::vector<Unit> units;
  units.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t cp = 0;
    std::size_t n = decode_utf8(text, pos, cp);
    if (n != 0 && is_invisible(cp)) {
      if (!units.empty()) units.back().length += n;
      pos += n;
      continue;
    }
    const char c = n == 0 ? '#' : normalise(cp);
    if (n == 0) n = 1;  // a malformed byte is a unit of its own
    units.push_back({c, pos, n});
    pos += n;
  }
  return units;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); }
bool is_joiner(char c) { return c == '-' || c == '/' || c == '.'; }
// What may stand between the groups of one number: "138 1234 5678", "138-1234-5678", "138.1234.5678",
// "(0539)", "110105_19491231_002X". A comma may not: "13,812,345,678" is an amount.
bool is_separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '/' || c == '_' || c == '(' || c == ')'; }

// The mobile number in `digits`: itself, or after a country code 86 or 0086 ("+8613812345678").
std::string_view mobile_part(std::string_view digits) {
  if (digits.size() == 13 && digits.starts_with("86")) return digits.substr(2);
  if (digits.size() == 15 && digits.starts_with("0086")) return digits.substr(4);
  return digits;
}

class FieldScanner {
 public:
  FieldScanner(std::string_view text, std::string_view field, const ScreenPolicy& policy)
      : units_(units_of(text)), field_(field), policy_(policy) {}

  std::vector<ScreenMatch> scan() {
    credit_codes();
    digit_runs();
    grouped_numbers();
    std::sort(matches_.begin(), matches_.end(),
              [](const ScreenMatch& a, const ScreenMatch& b) { return a.offset < b.offset; });
    return std::move(matches_);
  }

 private:
  char at(std::ptrdiff_t i) const {
    return i < 0 || i >= static_cast<std::ptrdiff_t>(units_.size()) ? '#' : units_[static_cast<std::size_t>(i)].c;
  }
  std::string chars(std::size_t begin, std::size_t end, bool digits_only = false) const {
    std::string out;
    for (std::size_t i = begin; i < end; ++i) {
      if (!digits_only || is_digit(units_[i].c)) out += units_[i].c;
    }
    return out;
  }
  std::size_t run_end(std::size_t i, bool (*pred)(char)) const {
    while (i < units_.size() && pred(units_[i].c)) ++i;
    return i;
  }

  // A number glued by '-', '/' or '.' to letters or digits is part of a code or a figure (索引号,
  // a decimal), not a number on its own. "+86-" and "86-" before a mobile number do not count.
  bool joined(std::size_t begin, std::size_t end) const {
    const auto b = static_cast<std::ptrdiff_t>(begin), e = static_cast<std::ptrdiff_t>(end);
    if (is_joiner(at(e)) && is_alnum(at(e + 1))) return true;
    if (!is_joiner(at(b - 1)) || !is_alnum(at(b - 2))) return false;
    const bool country_code = at(b - 2) == '6' && at(b - 3) == '8' && !is_alnum(at(b - 4));
    return !country_code;
  }

  bool is_public(const std::string& digits) const {
    return std::any_of(policy_.public_numbers.begin(), policy_.public_numbers.end(), [&](const std::string& n) {
      std::string d;
      for (char c : n) {
        if (is_digit(c)) d += c;
      }
      return d == digits;
    });
  }

  bool overlaps(std::size_t begin, std::size_t end) const {
    return std::any_of(claimed_.begin(), claimed_.end(),
                       [&](const auto& span) { return begin < span.second && span.first < end; });
  }

  void add(ScreenKind kind, std::size_t begin, std::size_t end, std::string masked, bool holds = true) {
    claimed_.emplace_back(begin, end);
    const std::size_t offset = units_[begin].offset;
    const std::size_t length = units_[end - 1].offset + units_[end - 1].length - offset;
    matches_.push_back({kind, std::string(field_), offset, length, std::move(masked), holds});
  }

  // 18 letters and digits on their own: a unified social credit code (GB 32100) names a company.
  void credit_codes() {
    for (std::size_t i = 0; i < units_.size();) {
      if (!is_alnum(units_[i].c)) {
        ++i;
        continue;
      }
      const std::size_t end = run_end(i, is_alnum);
      const std::string code = chars(i, end);
      // An 18-digit resident ID number that happens to pass the mod-31 check is still an ID number.
      if (is_credit_code(code) && !is_resident_id18(code)) {
        if (policy_.credit_codes == CreditCodeMode::warn) {
          add(ScreenKind::credit_code, i, end, code, false);
        } else {
          claimed_.emplace_back(i, end);
        }
      }
      i = end;
    }
  }

  void digit_runs() {
    for (std::size_t i = 0; i < units_.size();) {
      if (!is_digit(units_[i].c)) {
        ++i;
        continue;
      }
      std::size_t end = run_end(i, is_digit);
      if (!overlaps(i, end)) judge_run(i, end);
      i = end;
    }
  }

  void judge_run(std::size_t begin, std::size_t end) {
    const auto b = static_cast<std::ptrdiff_t>(begin);
    const std::string digits = chars(begin, end);
    // ID numbers are caught even when letters touch them ("ID11010519491231002X"): their check
    // character and birth date make a chance hit rare, and missing one is the worse mistake.
    if (digits.size() == 17 && at(static_cast<std::ptrdiff_t>(end)) == 'X' &&
        !is_digit(at(static_cast<std::ptrdiff_t>(end) + 1)) && is_resident_id18(digits + "X")) {
      return add(ScreenKind::resident_id, begin, end + 1, mask_keeping(digits + "X", 6, 4));
    }
    if (digits.size() == 18 && is_resident_id18(digits) && !is_public(digits)) {
      return add(ScreenKind::resident_id, begin, end, mask_keeping(digits, 6, 4));
    }
    if (is_public(digits)) return;
    // A mobile number is caught whatever touches it ("Tel.13812345678", "13812345678/13987654321",
    // "+8613812345678"): one that looks like part of a code is still reported, as with ID numbers.
    const std::string_view mobile = mobile_part(digits);
    if (is_mobile(mobile) && !is_public(std::string(mobile))) {
      return add(ScreenKind::mobile, begin, end, mask_keeping(mobile, 3, 4));
    }
    const bool alone = !is_alnum(at(b - 1)) && !is_alnum(at(static_cast<std::ptrdiff_t>(end)));
    if (!alone) return;
    if (digits.size() == 15 && is_resident_id15(digits)) {
      return add(ScreenKind::resident_id_15, begin, end, mask_keeping(digits, 6, 3));
    }
    if (joined(begin, end)) return;
    if (is_bank_card(digits)) return add(ScreenKind::bank_card, begin, end, mask_keeping(digits, 4, 4));
  }

  // Numbers written in groups: runs of digits apart by one to three separators ("138 1234 5678",
  // "138  1234-5678", "(0539) 138.1234.5678", "110105 19491231 002X"). Every stretch of two to six
  // consecutive groups is tried, longest first from each group on: an ID number (18 digits, or 17 and
  // its X), a mobile number (11 digits, also after 86 or 0086), a bank card in groups of four.
  void grouped_numbers() {
    std::vector<std::pair<std::size_t, std::size_t>> groups;
    for (std::size_t i = 0; i < units_.size();) {
      if (!is_digit(units_[i].c)) {
        ++i;
        continue;
      }
      const std::size_t end = run_end(i, is_digit);
      if (!groups.empty() && !separated_only(groups.back().second, i)) {
        judge_sequence(groups);
        groups.clear();
      }
      groups.emplace_back(i, end);
      i = end;
    }
    judge_sequence(groups);
  }

  bool separated_only(std::size_t from, std::size_t to) const {
    if (to - from < 1 || to - from > 3) return false;
    for (std::size_t i = from; i < to; ++i) {
      if (!is_separator(units_[i].c)) return false;
    }
    return true;
  }

  void judge_sequence(const std::vector<std::pair<std::size_t, std::size_t>>& groups) {
    constexpr std::size_t kMostGroups = 6;
    for (std::size_t first = 0; first + 1 < groups.size(); ++first) {
      for (std::size_t count = std::min(groups.size() - first, kMostGroups); count >= 2; --count) {
        if (judge_window(groups, first, count)) {
          first += count - 1;
          break;
        }
      }
    }
  }

  bool judge_window(const std::vector<std::pair<std::size_t, std::size_t>>& groups, std::size_t first,
                    std::size_t count) {
    const std::size_t begin = groups[first].first, end = groups[first + count - 1].second;
    if (overlaps(begin, end)) return false;
    std::string digits;
    bool fours = count >= 4;  // a bank card: groups of four, the last of one to four
    for (std::size_t k = first; k < first + count; ++k) {
      const std::size_t size = groups[k].second - groups[k].first;
      digits += chars(groups[k].first, groups[k].second);
      if (k + 1 < first + count ? size != 4 : size > 4) fours = false;
    }
    if (is_public(digits)) return false;
    if (digits.size() == 18 && is_resident_id18(digits)) {
      add(ScreenKind::resident_id, begin, end, mask_keeping(digits, 6, 4));
      return true;
    }
    // The check character X may stand apart like a group of its own ("110105 1949 1231 002 X").
    std::size_t x_at = end;
    while (x_at < units_.size() && x_at - end < 3 && is_separator(units_[x_at].c)) ++x_at;
    const auto x = static_cast<std::ptrdiff_t>(x_at);
    if (digits.size() == 17 && at(x) == 'X' && !is_digit(at(x + 1)) && is_resident_id18(digits + "X")) {
      add(ScreenKind::resident_id, begin, x_at + 1, mask_keeping(digits + "X", 6, 4));
      return true;
    }
    const std::string_view mobile = mobile_part(digits);
    if (is_mobile(mobile) && !is_public(std::string(mobile))) {
      add(ScreenKind::mobile, begin, end, mask_keeping(mobile, 3, 4));
      return true;
    }
    if (fours && is_bank_card(digits)) {
      add(ScreenKind::bank_card, begin, end, mask_keeping(digits, 4, 4));
      return true;
    }
    return false;
  }

  std::vector<Unit> units_;
  std::string_view field_;
  const ScreenPolicy& policy_;
  std::vector<ScreenMatch> matches_;
  std::vector<std::pair<std::size_t, std::size_t>> claimed_;  // unit spans already reported
};

}  // namespace

std::string screen_digits(std::string_view text) {
  std::string out;
  for (const Unit& unit : units_of(text)) {
    if (is_digit(unit.c)) out += unit.c;
  }
  return out;
}

std::vector<ScreenMatch> screen_text(std::string_view text, std::string_view field, const ScreenPolicy& policy) {
  std::vector<ScreenMatch> matches = FieldScanner(text, field, policy).scan();
  for (const auto& term : policy.sensitive_terms) {
    if (term.empty()) continue;
    for (auto pos = text.find(term); pos != std::string_view::npos; pos = text.find(term, pos + term.size())) {
      matches.push_back({ScreenKind::sensitive_term, std::string(field), pos, term.size(), term, true});
    }
  }
  std::stable_sort(matches.begin(), matches.end(),
                   [](const ScreenMatch& a, const ScreenMatch& b) { return a.offset < b.offset; });
  return matches;
}

}  // namespace fabu
