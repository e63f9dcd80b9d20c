// RFC 8785 canonical JSON of a DocNode tree, and of JSON text through that tree.
#include "core/canonical_json.h"

#include "core/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "core/release_document.h"
#include "core/text.h"

namespace fabu {
namespace {

using release_detail::DocNode;

// The code points of well-formed UTF-8 as UTF-16 code units (a malformed byte becomes U+FFFD).
std::u16string to_utf16(std::string_view text) {
  std::u16string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 0) {
      out.push_back(u'\uFFFD');
      ++i;
      continue;
    }
    const auto byte = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(text[i + k])); };
    char32_t cp = 0;
    switch (n) {
      case 1: cp = byte(0); break;
      case 2: cp = ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F); break;
      case 3: cp = ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F); break;
      default:
        cp = ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += n;
  }
  return out;
}

// Integers keep their decimal digits in DocNode::text; JCS reads every number as a double.
double integer_value(const std::string& digits) { return std::strtod(digits.c_str(), nullptr); }

std::expected<void, std::string> append_node(std::string& out, const DocNode& node) {
  switch (node.kind) {
    case DocNode::Kind::null:
      out += "null";
      return {};
    case DocNode::Kind::boolean:
      out += node.boolean ? "true" : "false";
      return {};
    case DocNode::Kind::integer:
    case DocNode::Kind::floating: {
      const double value = node.kind == DocNode::Kind::integer ? integer_value(node.text) : node.number;
      if (!std::isfinite(value)) return std::unexpected("a number that is not finite has no JSON form");
      out += canonical_number(value);
      return {};
    }
    case DocNode::Kind::string:
    case DocNode::Kind::date:
    case DocNode::Kind::offset_datetime:
    case DocNode::Kind::local_datetime:
    case DocNode::Kind::local_time:
      if (node.had_invalid_utf8 || !is_valid_utf8(node.text)) return std::unexpected("a string is not valid UTF-8");
      append_canonical_string(out, node.text);
      return {};
    case DocNode::Kind::array: {
      out += '[';
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        if (i > 0) out += ',';
        if (auto ok = append_node(out, node.items[i]); !ok) return ok;
      }
      out += ']';
      return {};
    }
    case DocNode::Kind::table: {
      std::vector<const std::pair<std::string, DocNode>*> members;
      members.reserve(node.fields.size());
      for (const auto& field : node.fields) {
        if (!is_valid_utf8(field.first)) return std::unexpected("a member name is not valid UTF-8");
        members.push_back(&field);
      }
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return utf16_less(a->first, b->first); });
      out += '{';
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out += ',';
        append_canonical_string(out, members[i]->first);
        out += ':';
        if (auto ok = append_node(out, members[i]->second); !ok) return ok;
      }
      out += '}';
      return {};
    }
  }
  return std::unexpected("unknown value kind");
}

}  // namespace

bool utf16_less(std::string_view a, std::string_view b) { return to_utf16(a) < to_utf16(b); }

std::string canonical_number(double value) {
  if (value == 0) return "0";  // also -0
  if (value < 0) return "-" + canonical_number(-value);
  // Shortest round-trip digits, as d.ddde±x: C++17's to_chars guarantees what ECMAScript asks for.
  char buf[64];
  const auto written = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(written.ptr - buf));
  const std::size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // ECMAScript's n: the decimal point sits after n digits
  if (k <= n && n <= 21) return digits + std::string(static_cast<std::size_t>(n - k), '0');
  if (0 < n && n <= 21) return digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
  if (-6 < n && n <= 0) return "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  std::string out = digits.substr(0, 1);
  if (k > 1) out += "." + digits.substr(1);
  out += n - 1 >= 0 ? "e+" : "e-";
  out += std::to_string(n - 1 >= 0 ? n - 1 : 1 - n);
  return out;
}

void append_canonical_string(std::string& out, std::string_view text) {
  // For well-formed UTF-8, RFC 8785's escaping is the one JSON writer fabu has: named escapes for
  // \b \f \n \r \t " \\, \u00xx (lower case) for other control characters, the rest as it is.
  append_json_string(out, text);
}

std::expected<std::string, std::string> canonicalize_json(std::string_view json_object) {
  auto document = release_detail::parse_json_document(json_object);
  if (!document) return std::unexpected(join(document.error()));
  return release_detail::canonical_json(*document);
}

namespace release_detail {

std::expected<std::string, std::string> canonical_json(const DocNode& node) {
  std::string out;
  if (auto ok = append_node(out, node); !ok) return std::unexpected(ok.error());
  return out;
}

}  // namespace release_detail
}  // namespace fabu
