#include "core/base64.h"

#include <array>
#include <cstdint>

namespace fabu {
namespace {

constexpr std::string_view standard_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) | std::uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(n >> shift) & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (rest == 2) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) out += alphabet[(n >> 6) & 63];
    if (pad) out.append(rest == 1 ? 2 : 1, '=');
  }
  return out;
}

std::optional<std::string> decode(std::string_view text, std::string_view alphabet, bool padded) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t k = 0; k < alphabet.size(); ++k) value[std::uint8_t(alphabet[k])] = int(k);

  std::size_t padding = 0;
  if (padded) {
    if (text.size() % 4 != 0) return std::nullopt;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
    text.remove_suffix(padding);
  }
  if (text.size() % 4 == 1) return std::nullopt;
  if (padded && padding != (4 - text.size() % 4) % 4) return std::nullopt;

  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value[std::uint8_t(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xFF);
    }
  }
  // Bits left over must be zero, or two texts would decode to the same bytes.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) { return encode(bytes, standard_alphabet, true); }
std::optional<std::string> base64_decode(std::string_view text) { return decode(text, standard_alphabet, true); }
std::string base64url_encode(std::string_view bytes) { return encode(bytes, url_alphabet, false); }
std::optional<std::string> base64url_decode(std::string_view text) { return decode(text, url_alphabet, false); }

}  // namespace fabu
