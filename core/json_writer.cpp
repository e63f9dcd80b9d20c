#include "core/json_writer.h"

#include <charconv>

namespace fabu {
namespace {

// Length of the longest beginning of a UTF-8 sequence at text[pos] that is well-formed so far
// (Unicode 15, table 3-7), and whether it is complete. A byte that cannot start a sequence gives 0.
struct Utf8Prefix {
  std::size_t length = 0;
  bool complete = false;
};

Utf8Prefix utf8_prefix(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t need = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 1;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 2;
    if (lead == 0xE0) low = 0xA0;   // no overlongs
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 3;
    if (lead == 0xF0) low = 0x90;   // no overlongs
    if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
  } else {
    return {};
  }
  std::size_t length = 1;
  for (std::size_t i = 0; i < need; ++i, ++length) {
    if (pos + length >= text.size()) return {length, false};
    const auto c = static_cast<unsigned char>(text[pos + length]);
    if (c < (i == 0 ? low : 0x80) || c > (i == 0 ? high : 0xBF)) return {length, false};
  }
  return {length, true};
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  out += '"';
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Copy the run of bytes that need nothing at once.
    std::size_t run = pos;
    while (run < text.size()) {
      const auto c = static_cast<unsigned char>(text[run]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++run;
    }
    out.append(text.data() + pos, run - pos);
    pos = run;
    if (pos == text.size()) break;
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x80) {
      const Utf8Prefix prefix = utf8_prefix(text, pos);
      if (prefix.complete) {
        out.append(text.data() + pos, prefix.length);
      } else {
        out += kReplacement;
      }
      pos += prefix.length == 0 ? 1 : prefix.length;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0x0F];
    }
    ++pos;
  }
  out += '"';
}

JsonObjectWriter::JsonObjectWriter(std::string& out) : out_(out) { out_ += '{'; }

void JsonObjectWriter::key(std::string_view name) {
  if (!first_) out_ += ',';
  first_ = false;
  append_json_string(out_, name);
  out_ += ':';
}

JsonObjectWriter& JsonObjectWriter::text(std::string_view key_name, std::string_view value) {
  key(key_name);
  append_json_string(out_, value);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::number(std::string_view key_name, std::int64_t value) {
  key(key_name);
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out_.append(digits, end);
  return *this;
}

JsonObjectWriter& JsonObjectWriter::flag(std::string_view key_name, bool value) {
  key(key_name);
  out_ += value ? "true" : "false";
  return *this;
}

void JsonObjectWriter::close() { out_ += '}'; }

}  // namespace fabu
