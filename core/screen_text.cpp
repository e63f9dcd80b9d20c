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

char32_t decode(std::string_view text, std::size_t pos, std::size_t n) {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  switch (n) {
    case 1: return b(0);
    case 2: return ((b(0) & 0x1Fu) << 6) | (b(1) & 0x3Fu);
    case 3: return ((b(0) & 0x0Fu) << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    default: return ((b(0) & 0x07u) << 18) | ((b(1) & 0x3Fu) << 12) | ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
  }
}

// Format characters and selectors that a reader does not see between two digits.
bool is_invisible(char32_t cp) {
  return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x180E || (cp >= 0x180B && cp <= 0x180D) ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
         (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

char normalise(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII forms
  if (cp < 0x80) {
    const char c = static_cast<char>(cp);
    if (std::isdigit(static_cast<unsigned char>(c))) return c;
    if (std::isalpha(static_cast<unsigned char>(c))) return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c == ' ' || c == '\t') return ' ';
    if (c == '-' || c == '/' || c == '.' || c == '+') return c;
    return '#';
  }
  // Spaces: no-break, Ogham, the en quad to the hair space, narrow no-break, medium mathematical,
  // ideographic.
  if (cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
      cp == 0x3000) {
    return ' ';
  }
  // Hyphens and dashes, the minus sign, the small and full-width forms of the hyphen-minus.
  if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE58 || cp == 0xFE63) return '-';
  return '#';
}

std::vector<Unit> units_of(std::string_view text) {
  std::vector<Unit> units;
  units.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t n = utf8_sequence_length(text, pos);
    if (n != 0 && is_invisible(decode(text, pos, n))) {
      if (!units.empty()) units.back().length += n;
      pos += n;
      continue;
    }
    const char c = n == 0 ? '#' : normalise(decode(text, pos, n));
    if (n == 0) n = 1;  // a malformed byte is a unit of its own
    units.push_back({c, pos, n});
    pos += n;
  }
  return units;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); }
bool is_joiner(char c) { return c == '-' || c == '/' || c == '.'; }

class FieldScanner {
 public:
  FieldScanner(std::string_view text, std::string_view field, const ScreenPolicy& policy)
      : units_(units_of(text)), field_(field), policy_(policy) {}

  std::vector<ScreenMatch> scan() {
    credit_codes();
    digit_runs();
    separated_groups();
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
    const bool alone = !is_alnum(at(b - 1)) && !is_alnum(at(static_cast<std::ptrdiff_t>(end)));
    if (!alone || is_public(digits)) return;
    if (digits.size() == 15 && is_resident_id15(digits)) {
      return add(ScreenKind::resident_id_15, begin, end, mask_keeping(digits, 6, 3));
    }
    if (joined(begin, end)) return;
    if (is_mobile(digits)) return add(ScreenKind::mobile, begin, end, mask_keeping(digits, 3, 4));
    if (is_bank_card(digits)) return add(ScreenKind::bank_card, begin, end, mask_keeping(digits, 4, 4));
  }

  // Numbers written in groups with one separator: a mobile as 3-4-4 (138-1234-5678, 138 1234 5678),
  // a bank card as groups of four (6222 0212 3456 7890 123), an ID number as 6 and the rest.
  void separated_groups() {
    for (std::size_t i = 0; i < units_.size();) {
      if (!is_digit(units_[i].c)) {
        ++i;
        continue;
      }
      std::vector<std::size_t> sizes;
      std::size_t end = i;
      char separator = 0;
      for (;;) {
        const std::size_t group_end = run_end(end, is_digit);
        sizes.push_back(group_end - end);
        end = group_end;
        const char next = at(static_cast<std::ptrdiff_t>(end));
        if ((next != ' ' && next != '-') || (separator != 0 && next != separator) ||
            !is_digit(at(static_cast<std::ptrdiff_t>(end) + 1))) {
          break;
        }
        separator = next;
        ++end;
      }
      if (sizes.size() > 1) judge_groups(i, end, sizes);
      i = end;
    }
  }

  void judge_groups(std::size_t begin, std::size_t end, const std::vector<std::size_t>& sizes) {
    const auto b = static_cast<std::ptrdiff_t>(begin), e = static_cast<std::ptrdiff_t>(end);
    // An ID number written in groups (110105 19491231 002X, 110105-1949-1231-002X): the six digits of
    // its area first, 18 characters in all. Caught whatever touches it, as when written whole.
    if (sizes.front() == 6 && !overlaps(begin, end)) {
      const std::string digits = chars(begin, end, true);
      if (digits.size() == 18 && is_resident_id18(digits) && !is_public(digits)) {
        return add(ScreenKind::resident_id, begin, end, mask_keeping(digits, 6, 4));
      }
      if (digits.size() == 17 && at(e) == 'X' && !is_digit(at(e + 1)) && is_resident_id18(digits + "X")) {
        return add(ScreenKind::resident_id, begin, end + 1, mask_keeping(digits + "X", 6, 4));
      }
    }
    if (is_alnum(at(b - 1)) || is_alnum(at(e)) || joined(begin, end)) return;
    if (overlaps(begin, end)) return;
    const std::string digits = chars(begin, end, true);
    if (is_public(digits)) return;
    if (sizes == std::vector<std::size_t>{3, 4, 4} && is_mobile(digits)) {
      return add(ScreenKind::mobile, begin, end, mask_keeping(digits, 3, 4));
    }
    const bool fours = sizes.size() >= 4 && sizes.back() >= 1 && sizes.back() <= 4 &&
                       std::all_of(sizes.begin(), sizes.end() - 1, [](std::size_t n) { return n == 4; });
    if (fours && is_bank_card(digits)) add(ScreenKind::bank_card, begin, end, mask_keeping(digits, 4, 4));
  }

  std::vector<Unit> units_;
  std::string_view field_;
  const ScreenPolicy& policy_;
  std::vector<ScreenMatch> matches_;
  std::vector<std::pair<std::size_t, std::size_t>> claimed_;  // unit spans already reported
};

}  // namespace

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
