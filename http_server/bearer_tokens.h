// BearerTokens: who may call the API, from `Authorization: Bearer <token>` headers.
//
// Only the SHA-256 of each token is kept; a presented token is hashed and compared with every known
// hash in constant time (CRYPTO_memcmp, no early exit), so neither timing nor a leaked config gives
// the token away. Roles are plain names; which role a route needs is the caller's business.
// Thread rules: immutable after construction; check() may be called from any thread.
#pragma once

#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sha256.h"  // sha256_hex: what [[api.tokens]] sha256 holds

namespace fabu {

struct BearerTokenEntry {
  std::string name;
  std::vector<std::string> roles;
  std::string sha256_hex;  // 64 hex digits; an entry with a malformed hash never matches
};

class BearerTokens {
 public:
  explicit BearerTokens(const std::vector<BearerTokenEntry>& entries);

  enum class Verdict { allowed, unauthenticated, forbidden };
  struct Check {
    Verdict verdict;
    std::string token_name;  // the matched token's name ("" when unauthenticated)
  };
  // `authorization` is the Authorization header's value ("" when absent). Allowed when it carries a
  // known token holding any of `any_of_roles`; forbidden when the token is known but lacks them.
  Check check(std::string_view authorization, std::initializer_list<std::string_view> any_of_roles) const;
  bool empty() const { return tokens_.empty(); }

 private:
  struct Known {
    std::string name;
    std::vector<std::string> roles;
    std::array<unsigned char, 32> digest{};
  };
  std::vector<Known> tokens_;
};

// A new random token: 32 bytes from OpenSSL's RAND_bytes, base64url without padding (43 characters).
// Empty when the random generator fails.
std::string new_bearer_token();

}  // namespace fabu
