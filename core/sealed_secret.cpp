#include "core/sealed_secret.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>

#include "core/base64.h"

namespace fabu {
namespace {

constexpr int nonce_bytes = 12;  // the GCM nonce size NIST SP 800-38D recommends
constexpr int tag_bytes = 16;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

Error cannot_open() {
  return Error::config("a sealed secret does not open with this key (another key, another account, or a changed record)");
}

}  // namespace

Result<SealingKey> SealingKey::from_base64(std::string_view text) {
  const auto raw = base64_decode(trimmed(text));
  if (!raw) return fail(Error::config("the key is not base64 text (make one with `openssl rand -base64 32`)"));
  if (raw->size() != size) {
    return fail(Error::config("the key has " + std::to_string(raw->size()) + " bytes, AES-256 needs 32 " +
                              "(make one with `openssl rand -base64 32`)"));
  }
  SealingKey key;
  std::copy(raw->begin(), raw->end(), key.bytes_.begin());
  return key;
}

bool is_sealed(std::string_view text) { return text.starts_with(sealed_prefix); }

Result<std::string> seal(const SealingKey& key, std::string_view plaintext, std::string_view context) {
  std::string out(nonce_bytes + plaintext.size() + tag_bytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  auto* cipher = nonce + nonce_bytes;
  if (RAND_bytes(nonce, nonce_bytes) != 1) return fail(Error::transient("sealing a secret: no random nonce"));

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), nonce) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes_of(context), int(context.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), cipher, &len, bytes_of(plaintext), int(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), cipher + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_bytes, cipher + plaintext.size()) == 1;
  if (!ok) return fail(Error::transient("sealing a secret: AES-256-GCM failed"));
  return std::string(sealed_prefix) + base64_encode(out);
}

Result<std::string> unseal(const SealingKey& key, std::string_view sealed, std::string_view context) {
  if (!is_sealed(sealed)) return fail(cannot_open());
  auto raw = base64_decode(sealed.substr(sealed_prefix.size()));
  if (!raw || raw->size() < std::size_t(nonce_bytes + tag_bytes)) return fail(cannot_open());

  const auto* nonce = bytes_of(*raw);
  const auto* cipher = nonce + nonce_bytes;
  const int cipher_len = int(raw->size()) - nonce_bytes - tag_bytes;
  std::string plain(std::size_t(cipher_len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  unsigned char tag[tag_bytes];
  std::copy_n(cipher + cipher_len, tag_bytes, tag);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes_of(context), int(context.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out, &len, cipher, cipher_len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_bytes, tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) == 1;  // fails unless the tag matches
  if (!ok) return fail(cannot_open());
  return plain;
}

}  // namespace fabu
