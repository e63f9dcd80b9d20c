// A lexer just deep enough to know where toml++ 3.3.0 will ask its whitespace lookup a question.
#include "core/toml_guard.h"

#include <cstdint>
#include <cstdio>
#include <vector>

#include "core/text.h"

namespace fabu {
namespace {

char32_t decode_at(std::string_view text, std::size_t pos, std::size_t length) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[pos + k]); };
  switch (length) {
    case 1: return byte(0);
    case 2: return (char32_t{byte(0)} & 0x1F) << 6 | (byte(1) & 0x3F);
    case 3: return (char32_t{byte(0)} & 0x0F) << 12 | (char32_t{byte(1)} & 0x3F) << 6 | (byte(2) & 0x3F);
    default:
      return (char32_t{byte(0)} & 0x07) << 18 | (char32_t{byte(1)} & 0x3F) << 12 | (char32_t{byte(2)} & 0x3F) << 6 |
             (byte(3) & 0x3F);
  }
}

std::string code_point_name(char32_t c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

bool is_bare_key_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '"' || c == '\'';
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

class Scanner {
 public:
  Scanner(std::string_view text, std::size_t max_nesting) : text_(text), max_nesting_(max_nesting) {}

  std::optional<TomlHazard> run() {
    for (std::size_t i = 0; i < text_.size();) {
      if (text_[i] == '\0') return hazard(i, "contains a NUL byte at byte " + std::to_string(i));
      const std::size_t n = utf8_sequence_length(text_, i);
      if (n == 0) return hazard(i, "is not valid UTF-8 at byte " + std::to_string(i));
      i += n;
    }
    std::size_t i = text_.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // toml++ skips a leading BOM
    while (i < text_.size()) {
      const char c = text_[i];
      if (static_cast<unsigned char>(c) >= 0x80) {
        return hazard(i, "character " + code_point_name(code_point(i)) +
                             " outside a quoted string or comment (keys and values other than strings are ASCII)");
      }
      // toml++ reads a bare value (a number, a date, a boolean) up to the next whitespace, ']', '}',
      // ',' or '#', quotes and brackets included: `1"é"` is one token to it, not a number and a string.
      if (bare_) {
        if (!is_value_terminator(c)) {
          if ((c == 'T' || c == 't') && date_without_time(i)) {
            return hazard(i, "a date followed by 'T' must go on with a time of day HH:MM:SS");
          }
          ++i;
          continue;
        }
        bare_ = false;
      }
      switch (c) {
        case '#':
          while (i < text_.size() && text_[i] != '\n') ++i;
          continue;
        case '"':
        case '\'': {
          std::optional<TomlHazard> found;
          i = skip_string(i, found);
          if (found) return found;
          value_seen();
          continue;
        }
        case '\n':
          if (open_.empty()) {
            line_start_ = true;
            in_value_ = false;
          }
          ++i;
          continue;
        case ' ':
        case '\t':
        case '\r':
          ++i;
          continue;
        case '=':
          if (in_value_) {
            bare_ = true;  // a value that starts with '=' is read as a bare token too
          } else {
            in_value_ = true;
          }
          ++i;
          continue;
        case '[':
          if (open_.empty() && line_start_) {
            if (auto found = check_table_header(i)) return found;
            line_start_ = false;
            i += i + 1 < text_.size() && text_[i + 1] == '[' ? 2 : 1;  // `[[` opens no array
            continue;
          }
          [[fallthrough]];
        case '{':
          value_seen();
          open_.push_back({c, c == '['});
          in_value_ = c == '[';  // array elements are values; an inline table starts with a key
          if (open_.size() > max_nesting_) {
            return hazard(i, "arrays and inline tables nested deeper than " + std::to_string(max_nesting_) + " levels");
          }
          ++i;
          continue;
        case '}':
          // toml++ asserts that an array element does not start with `}` (`a = [}`, `a = [1, }`).
          if (!open_.empty() && open_.back().bracket == '[' && open_.back().expect_element) {
            return hazard(i, "'}' where an array element or ']' is expected");
          }
          [[fallthrough]];
        case ']':
          if (!open_.empty()) open_.pop_back();
          value_seen();
          in_value_ = !open_.empty() || !line_start_;  // the rest of the line or container is after a value
          ++i;
          continue;
        case ',':
          if (!open_.empty()) {
            if (open_.back().bracket == '[') open_.back().expect_element = true;
            in_value_ = open_.back().bracket == '[';
          }
          ++i;
          continue;
        default:
          value_seen();
          bare_ = in_value_;
          ++i;
          continue;
      }
    }
    return std::nullopt;
  }

 private:
  char32_t code_point(std::size_t pos) const { return decode_at(text_, pos, utf8_sequence_length(text_, pos)); }

  static bool is_value_terminator(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ']' || c == '}' || c == ',' || c == '#';
  }

  // toml++ asserts a digit after a date's 'T' once the value holds a ':' (`1979-05-27T:`).
  bool date_without_time(std::size_t pos) const {
    return follows_date(pos) && (pos + 1 >= text_.size() || text_[pos + 1] < '0' || text_[pos + 1] > '9');
  }

  // The ten characters before `pos` look like YYYY-MM-DD.
  bool follows_date(std::size_t pos) const {
    if (pos < 10) return false;
    static constexpr std::string_view shape = "dddd-dd-dd";
    for (std::size_t k = 0; k < shape.size(); ++k) {
      const char c = text_[pos - 10 + k];
      if (shape[k] == 'd' ? (c < '0' || c > '9') : c != '-') return false;
    }
    return true;
  }

  TomlHazard hazard(std::size_t pos, std::string reason) const {
    TomlHazard h{1, 1, std::move(reason)};
    for (std::size_t i = 0; i < pos && i < text_.size();) {
      if (text_[i] == '\n') {
        ++h.line;
        h.column = 1;
        ++i;
        continue;
      }
      const std::size_t n = utf8_sequence_length(text_, i);
      i += n == 0 ? 1 : n;
      ++h.column;
    }
    return h;
  }

  std::optional<TomlHazard> undefined_at(std::size_t pos, std::string_view where) const {
    if (pos >= text_.size() || static_cast<unsigned char>(text_[pos]) < 0x80) return std::nullopt;
    const char32_t c = code_point(pos);
    if (!toml_whitespace_lookup_undefined(c)) return std::nullopt;
    return hazard(pos, "character " + code_point_name(c) + " " + std::string(where) +
                           " cannot be read safely by this TOML parser; write it as an escape (\\u" +
                           code_point_name(c).substr(2) + ")");
  }

  // `[` or `[[` at the start of a line: the first character after it must be able to start a key.
  std::optional<TomlHazard> check_table_header(std::size_t at) const {
    std::size_t j = at + 1;
    if (j < text_.size() && text_[j] == '[') ++j;
    while (j < text_.size() && is_space(text_[j])) ++j;
    if (j >= text_.size() || text_[j] == ']' || is_bare_key_start(text_[j])) return std::nullopt;
    return hazard(j, "a table header must start with a key (a bare key or a quoted one)");
  }

  // Skips the string that starts at `at`; returns the index after it. Sets `found` on a hazard.
  std::size_t skip_string(std::size_t at, std::optional<TomlHazard>& found) const {
    const char quote = text_[at];
    const bool basic = quote == '"';
    const bool multi_line = text_.substr(at, 3) == std::string_view(basic ? "\"\"\"" : "'''");
    std::size_t i = at + (multi_line ? 3 : 1);
    while (i < text_.size()) {
      const char c = text_[i];
      if (c == quote) {
        if (!multi_line) return i + 1;
        if (text_.substr(i, 3) == std::string_view(basic ? "\"\"\"" : "'''")) {
          std::size_t end = i + 3;
          // Up to two quotes may stand right before the closing delimiter.
          for (int extra = 0; extra < 2 && end < text_.size() && text_[end] == quote; ++extra) ++end;
          return end;
        }
        ++i;
        continue;
      }
      if (c == '\n' && !multi_line) {
        found = hazard(i, "a line break inside a single-line string");
        return i;
      }
      if (c == '\\' && basic) {
        std::size_t j = i + 1;
        if (multi_line && j < text_.size() &&
            (is_space(text_[j]) || text_[j] == '\n' || text_[j] == '\r')) {
          // A line-ending backslash: toml++ tests the first character after the skipped whitespace.
          while (j < text_.size() && (is_space(text_[j]) || text_[j] == '\n' || text_[j] == '\r')) ++j;
          if (auto h = undefined_at(j, "after a line-ending backslash")) {
            found = h;
            return j;
          }
          i = j;
          continue;
        }
        if (multi_line) {
          if (auto h = undefined_at(j, "after a backslash")) {
            found = h;
            return j;
          }
        }
        if (j >= text_.size()) return j;
        const std::size_t n = utf8_sequence_length(text_, j);
        i = j + (n == 0 ? 1 : n);
        continue;
      }
      const std::size_t n = utf8_sequence_length(text_, i);
      i += n == 0 ? 1 : n;
    }
    return i;  // unterminated: toml++ reports it
  }

  std::string_view text_;
  std::size_t max_nesting_;
  // Something other than whitespace, a comment or a comma was read at the current level.
  void value_seen() {
    line_start_ = false;
    if (!open_.empty()) open_.back().expect_element = false;
  }

  struct Open {
    char bracket;         // '[' array or '{' inline table, inside a value
    bool expect_element;  // an array right after '[' or ','
  };
  std::vector<Open> open_;
  bool line_start_ = true;  // at the top level with only whitespace since the last line break
  bool in_value_ = false;   // after '=' or inside an array, where bare tokens are values
  bool bare_ = false;       // inside a bare value token (a number, a date, a boolean)
};

}  // namespace

bool toml_whitespace_lookup_undefined(char32_t c) {
  // Mirrors the generated lookup of toml++ 3.3.0 (impl/unicode_autogenerated.h): the code points
  // that pass its bitmask and its three explicit checks but match no case of its switch.
  if (c <= 0xA0 || c > 0xFEFF) return false;
  const std::uint64_t child = (static_cast<std::uint64_t>(c) - 0xA0) / 0x3FA;
  if ((std::uint64_t{1} << child) & 0x7FFFFFFFFFFFF75Eull) return false;
  if (c == 0x3000 || c == 0xFEFF) return false;
  return child != 0x05 && child != 0x07;
}

std::optional<TomlHazard> find_toml_hazard(std::string_view text, std::size_t max_nesting) {
  return Scanner(text, max_nesting).run();
}

}  // namespace fabu
