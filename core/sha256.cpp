#include "core/sha256.h"

#include <openssl/evp.h>

namespace fabu {

namespace {

// The provider's SHA-256 fetched once for the process: EVP_sha256() makes EVP_Digest look the
// implementation up again on every call (OpenSSL 3's implicit fetch). Kept until the process ends.
const EVP_MD* sha256_md() {
  static const EVP_MD* const fetched = [] {
    const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return md != nullptr ? md : EVP_sha256();
  }();
  return fetched;
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, sha256_md(), nullptr) != 1) return {};
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0F];
  }
  return out;
}

}  // namespace fabu
