// BearerTokens: SHA-256 hashes, constant-time comparison, random token generation (OpenSSL).
#include "http_server/bearer_tokens.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace fabu {
namespace {

std::array<unsigned char, 32> digest_of(std::string_view text) {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), out.data());
  return out;
}

std::optional<std::array<unsigned char, 32>> parse_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  std::array<unsigned char, 32> out{};
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

// The token of "Bearer <token>" (scheme case-insensitive, RFC 6750), or nullopt.
std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return std::nullopt;
  }
  std::string_view token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace

BearerTokens::BearerTokens(const std::vector<BearerTokenEntry>& entries) {
  for (const auto& e : entries) {
    auto digest = parse_hex(e.sha256_hex);
    if (!digest) continue;
    tokens_.push_back(Known{e.name, e.roles, *digest});
  }
}

BearerTokens::Check BearerTokens::check(std::string_view authorization,
                                        std::initializer_list<std::string_view> any_of_roles) const {
  const auto token = bearer_token(authorization);
  if (!token) return {Verdict::unauthenticated, {}};
  const auto presented = digest_of(*token);
  const Known* match = nullptr;
  for (const auto& known : tokens_) {  // every hash is compared: the time does not depend on the match
    if (CRYPTO_memcmp(presented.data(), known.digest.data(), presented.size()) == 0) match = &known;
  }
  if (match == nullptr) return {Verdict::unauthenticated, {}};
  for (const auto& role : any_of_roles) {
    if (std::find(match->roles.begin(), match->roles.end(), role) != match->roles.end()) {
      return {Verdict::allowed, match->name};
    }
  }
  return {Verdict::forbidden, match->name};
}

std::string new_bearer_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return out;
}

}  // namespace fabu
