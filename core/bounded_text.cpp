// Cutting outside values at a UTF-8 boundary, with their size stated.
#include "core/bounded_text.h"

#include <string>

namespace fabu {

std::string size_phrase(std::size_t size, std::size_t max_bytes) {
  return std::to_string(size) + " bytes, at most " + std::to_string(max_bytes);
}

namespace {

// Whether `text` is already what bounded(original, max_bytes) made of a longer original: a prefix of
// at most `max_bytes` bytes and "… (N bytes, at most M)". Cutting it again would state its own size.
bool already_bounded(std::string_view text, std::size_t max_bytes) {
  const std::string tail = " bytes, at most " + std::to_string(max_bytes) + ")";
  if (!text.ends_with(tail)) return false;
  const std::string_view head = text.substr(0, text.size() - tail.size());
  const std::size_t open = head.rfind("… (");
  if (open == std::string_view::npos || open > max_bytes) return false;
  const std::string_view digits = head.substr(open + std::string_view("… (").size());
  return !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string bounded(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes || already_bounded(text, max_bytes)) return std::string(text);
  std::size_t end = max_bytes;
  // Step back over continuation bytes so a multi-byte character is never split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  std::string out(text.substr(0, end));
  out += "… (" + size_phrase(text.size(), max_bytes) + ")";
  return out;
}

}  // namespace fabu
