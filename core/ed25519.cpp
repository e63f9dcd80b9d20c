#include "core/ed25519.h"

#include <memory>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace fabu {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

// OpenSSL's reason for the last failure on this thread, and the error queue emptied.
std::string openssl_reason(std::string_view what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  std::string out(what);
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out += " (";
    out += buf;
    out += ")";
  }
  return out;
}

Bio memory_bio(std::string_view text) {
  return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string{};
}

Pkey public_key_of(std::string_view raw) {
  if (raw.size() != ed25519_public_key_bytes) return nullptr;
  return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                          reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
}

std::expected<Ed25519KeyPair, std::string> pair_of(EVP_PKEY* key) {
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) return std::unexpected("not an Ed25519 key");
  Ed25519KeyPair pair;
  pair.public_raw.resize(ed25519_public_key_bytes);
  std::size_t length = pair.public_raw.size();
  if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(pair.public_raw.data()), &length) != 1 ||
      length != ed25519_public_key_bytes) {
    return std::unexpected(openssl_reason("cannot read the public key"));
  }
  Bio out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return std::unexpected(openssl_reason("cannot write the private key"));
  }
  pair.private_pem = bio_contents(out.get());
  return pair;
}

Pkey private_key_of(std::string_view pem) {
  Bio in = memory_bio(pem);
  if (!in) return nullptr;
  // A passphrase callback that refuses: an encrypted key is reported, not prompted for.
  return Pkey(PEM_read_bio_PrivateKey(in.get(), nullptr, [](char*, int, int, void*) { return -1; }, nullptr));
}

}  // namespace

bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (signature.size() != ed25519_signature_bytes) return false;
  Pkey key = public_key_of(public_key);
  MdCtx ctx(EVP_MD_CTX_new());
  const bool ok = key && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
                  EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                                   signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                                   message.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::expected<Ed25519KeyPair, std::string> ed25519_generate() {
  PkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return std::unexpected(openssl_reason("cannot generate an Ed25519 key"));
  }
  Pkey key(raw);
  return pair_of(key.get());
}

std::expected<Ed25519KeyPair, std::string> ed25519_read_private_pem(std::string_view private_pem) {
  Pkey key = private_key_of(private_pem);
  if (!key) return std::unexpected(openssl_reason("not a PEM private key (PKCS#8, unencrypted)"));
  return pair_of(key.get());
}

std::expected<std::string, std::string> ed25519_read_public_pem(std::string_view public_pem) {
  Bio in = memory_bio(public_pem);
  Pkey key(in ? PEM_read_bio_PUBKEY(in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) return std::unexpected(openssl_reason("not a PEM public key (SubjectPublicKeyInfo)"));
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return std::unexpected("not an Ed25519 public key");
  std::string raw(ed25519_public_key_bytes, '\0');
  std::size_t length = raw.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(raw.data()), &length) != 1) {
    return std::unexpected(openssl_reason("cannot read the public key"));
  }
  return raw;
}

std::expected<std::string, std::string> ed25519_public_pem(std::string_view public_key) {
  Pkey key = public_key_of(public_key);
  if (!key) return std::unexpected("not a 32-byte Ed25519 public key");
  Bio out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) {
    return std::unexpected(openssl_reason("cannot write the public key"));
  }
  return bio_contents(out.get());
}

std::expected<std::string, std::string> ed25519_sign(std::string_view private_pem, std::string_view message) {
  Pkey key = private_key_of(private_pem);
  if (!key) return std::unexpected(openssl_reason("not a PEM private key (PKCS#8, unencrypted)"));
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return std::unexpected("not an Ed25519 private key");
  MdCtx ctx(EVP_MD_CTX_new());
  std::string signature(ed25519_signature_bytes, '\0');
  std::size_t length = signature.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return std::unexpected(openssl_reason("cannot sign"));
  }
  signature.resize(length);
  return signature;
}

}  // namespace fabu
