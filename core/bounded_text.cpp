// Cutting outside values at a UTF-8 boundary, with their size stated.
#include "core/bounded_text.h"

namespace fabu {

std::string size_phrase(std::size_t size, std::size_t max_bytes) {
  return std::to_string(size) + " bytes, at most " + std::to_string(max_bytes);
}

std::string bounded(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Step back over continuation bytes so a multi-byte character is never split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  std::string out(text.substr(0, end));
  out += "… (" + size_phrase(text.size(), max_bytes) + ")";
  return out;
}

}  // namespace fabu
