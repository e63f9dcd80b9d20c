// Ed25519 (RFC 8032) through OpenSSL 3's EVP interface: verifying approval signatures, and for
// `fabuctl keygen`/`approve` making keys and signatures. Keys and signatures are byte strings in
// memory; reading and writing files is the caller's business. Every OpenSSL handle is owned by a
// unique_ptr inside the .cpp. Pure functions, thread-safe (OpenSSL 3 needs no global setup).
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace fabu {

inline constexpr std::size_t ed25519_public_key_bytes = 32;
inline constexpr std::size_t ed25519_signature_bytes = 64;

// True only when `signature` (64 raw bytes) is a valid Ed25519 signature of `message` by the raw
// 32-byte `public_key`. Wrong sizes and malformed keys are simply "does not verify".
bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature);

struct Ed25519KeyPair {
  std::string private_pem;  // PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----")
  std::string public_raw;   // the 32 raw bytes
};

// A new key pair from OpenSSL's random source; the error says what OpenSSL refused.
std::expected<Ed25519KeyPair, std::string> ed25519_generate();

// The key pair of a PKCS#8 PEM private key; an error when it is not an Ed25519 private key.
std::expected<Ed25519KeyPair, std::string> ed25519_read_private_pem(std::string_view private_pem);

// The raw 32-byte public key of a SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----").
std::expected<std::string, std::string> ed25519_read_public_pem(std::string_view public_pem);

// SubjectPublicKeyInfo PEM of a raw 32-byte public key (what `fabuctl keygen` writes to NAME.pub).
std::expected<std::string, std::string> ed25519_public_pem(std::string_view public_key);

// The 64-byte signature of `message` with the PKCS#8 PEM private key.
std::expected<std::string, std::string> ed25519_sign(std::string_view private_pem, std::string_view message);

}  // namespace fabu
