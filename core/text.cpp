// UTF-8 checks, Weibo length counting and grapheme-safe truncation, HTML escaping.
// Markdown rendering lives in markdown.cpp.
#include "core/text.h"

#include <utf8proc.h>

#include <vector>

namespace fabu {
namespace {

bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

bool starts_with_ascii_nocase(std::string_view text, std::size_t pos, std::string_view prefix) {
  if (text.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[pos + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// A URL runs from its scheme to the first whitespace, control or non-ASCII character (Weibo
// clients stop a link at CJK and full-width punctuation, which are all non-ASCII).
bool ends_url(unsigned char b) { return b <= 0x20 || b >= 0x7F; }

// Byte length of the http(s) URL starting at `pos`, 0 when none starts there.
std::size_t url_length_at(std::string_view text, std::size_t pos) {
  if (pos >= text.size() || (text[pos] | 0x20) != 'h') return 0;  // most characters: answered at once
  std::size_t scheme = 0;
  if (starts_with_ascii_nocase(text, pos, "http://")) {
    scheme = 7;
  } else if (starts_with_ascii_nocase(text, pos, "https://")) {
    scheme = 8;
  } else {
    return 0;
  }
  std::size_t end = pos + scheme;
  while (end < text.size() && !ends_url(static_cast<unsigned char>(text[end]))) ++end;
  return end == pos + scheme ? 0 : end - pos;  // a bare scheme with no host is plain text
}

constexpr std::size_t url_units = 20;

// One piece truncation may keep or drop as a whole: a URL or an extended grapheme cluster.
struct Atom {
  std::size_t end = 0;  // byte offset just past the atom
  std::size_t units = 0;
};

std::size_t code_point_units(char32_t cp) { return cp < 0x80 ? 1 : 2; }

std::vector<Atom> split_atoms(std::string_view text) {
  std::vector<Atom> atoms;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (const std::size_t url = url_length_at(text, pos); url > 0) {
      pos += url;
      atoms.push_back({pos, url_units});
      continue;
    }
    char32_t cp = 0;
    std::size_t n = decode_utf8(text, pos, cp);
    if (n == 0) {  // a malformed byte stands alone
      atoms.push_back({++pos, 2});
      continue;
    }
    std::size_t units = code_point_units(cp);
    pos += n;
    utf8proc_int32_t state = 0;
    char32_t previous = cp;
    while (pos < text.size() && url_length_at(text, pos) == 0) {
      char32_t next = 0;
      n = decode_utf8(text, pos, next);
      if (n == 0 || utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(previous),
                                                     static_cast<utf8proc_int32_t>(next), &state)) {
        break;
      }
      units += code_point_units(next);
      pos += n;
      previous = next;
    }
    atoms.push_back({pos, units});
  }
  return atoms;
}

std::size_t units_to_length(std::size_t units) { return (units + 1) / 2; }

// Counted without decoding: an ASCII character is 1 unit, anything else (a code point of two to four
// bytes, or a malformed byte) 2. It runs over every post's text, often more than once.
std::size_t weibo_units(std::string_view text) {
  std::size_t units = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      if (const std::size_t url = url_length_at(text, pos); url > 0) {
        units += url_units;
        pos += url;
      } else {
        units += 1;
        pos += 1;
      }
      continue;
    }
    const std::size_t n = utf8_sequence_length(text, pos);
    units += 2;
    pos += n == 0 ? 1 : n;
  }
  return units;
}

}  // namespace

std::size_t decode_utf8(std::string_view text, std::size_t pos, char32_t& cp) {
  const std::size_t n = utf8_sequence_length(text, pos);
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[pos + k]); };
  switch (n) {
    case 1: cp = byte(0); break;
    case 2: cp = (char32_t{byte(0)} & 0x1F) << 6 | (byte(1) & 0x3F); break;
    case 3: cp = (char32_t{byte(0)} & 0x0F) << 12 | (char32_t{byte(1)} & 0x3F) << 6 | (byte(2) & 0x3F); break;
    case 4:
      cp = (char32_t{byte(0)} & 0x07) << 18 | (char32_t{byte(1)} & 0x3F) << 12 | (char32_t{byte(2)} & 0x3F) << 6 |
           (byte(3) & 0x3F);
      break;
    default: cp = 0xFFFD; break;
  }
  return n;
}

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  const auto b0 = static_cast<unsigned char>(text[pos]);
  const std::size_t left = text.size() - pos;
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[pos + k]); };
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return left >= 2 && is_continuation(at(1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3) return 0;
    // E0 would be overlong below A0; ED A0..BF would encode UTF-16 surrogates.
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;
    return at(1) >= lo && at(1) <= hi && is_continuation(at(2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4) return 0;
    // F0 would be overlong below 90; F4 above 8F would pass U+10FFFF.
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return at(1) >= lo && at(1) <= hi && is_continuation(at(2)) && is_continuation(at(3)) ? 4 : 0;
  }
  return 0;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t n = utf8_sequence_length(text, pos);
    if (n == 0) return false;
    pos += n;
  }
  return true;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    if (!is_continuation(static_cast<unsigned char>(c))) ++count;
  }
  return count;
}

std::size_t weibo_length(std::string_view text) { return units_to_length(weibo_units(text)); }

std::string truncate_weibo(std::string_view text, std::size_t max_length, std::string_view ellipsis) {
  if (weibo_length(text) <= max_length) return std::string(text);
  const std::size_t budget = max_length * 2;
  const std::size_t ellipsis_units = weibo_units(ellipsis);
  if (ellipsis_units > budget) return {};

  const std::vector<Atom> atoms = split_atoms(text);
  std::size_t kept = 0;  // atoms kept
  std::size_t units = ellipsis_units;
  while (kept < atoms.size() && units + atoms[kept].units <= budget) units += atoms[kept++].units;

  // Units add up per atom except where the ellipsis touches a URL (an ASCII ellipsis would extend
  // it), so confirm with the real count and give back atoms until it fits.
  for (;;) {
    std::size_t end = kept == 0 ? 0 : atoms[kept - 1].end;
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\n' || text[end - 1] == '\t')) --end;
    std::string result(text.substr(0, end));
    result.append(ellipsis);
    if (weibo_length(result) <= max_length || kept == 0) return result;
    --kept;
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c; break;
    }
  }
  return out;
}

}  // namespace fabu
