// SealingKey and seal/unseal: secrets that fabu must keep somewhere others can read (the access
// tokens an operator sets at run time live in Redis, so every instance sees them) are stored sealed
// with AES-256-GCM, so a Redis dump or a replica does not hand out the accounts.
//
// A sealed value is the text "aes256gcm:" followed by base64 of nonce (12 bytes) || ciphertext ||
// tag (16 bytes). `context` is authenticated but not stored: a value sealed for one account cannot be
// moved to another account's record and still open. A fresh random nonce is drawn for every seal.
// Pure computation, no I/O; a SealingKey is immutable and may be shared by threads.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace fabu {

class SealingKey {
 public:
  static constexpr std::size_t size = 32;

  // From the text of a key file: base64 of exactly 32 bytes (as `openssl rand -base64 32` writes it),
  // surrounding whitespace ignored. The error says what was wrong, never what the file held.
  static Result<SealingKey> from_base64(std::string_view text);

  const std::array<unsigned char, size>& bytes() const { return bytes_; }

 private:
  std::array<unsigned char, size> bytes_{};
};

inline constexpr std::string_view sealed_prefix = "aes256gcm:";

// True for text in the sealed format above (it says nothing of whether it opens).
bool is_sealed(std::string_view text);

// Seals `plaintext`. Fails only when OpenSSL cannot draw a nonce or encrypt.
Result<std::string> seal(const SealingKey& key, std::string_view plaintext, std::string_view context);

// Opens a value sealed with the same key and context. A wrong key, another context or a changed value
// all fail the same way (ErrorKind::config: a key that does not match is a setup problem).
Result<std::string> unseal(const SealingKey& key, std::string_view sealed, std::string_view context);

}  // namespace fabu
