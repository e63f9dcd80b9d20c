#include "core/sealed_secret.h"

#include <gtest/gtest.h>

#include "core/base64.h"

namespace fabu {
namespace {

SealingKey test_key(char fill = 'k') {
  auto key = SealingKey::from_base64(base64_encode(std::string(32, fill)));
  EXPECT_TRUE(key.has_value());
  return *key;
}

TEST(SealingKey, NeedsExactly32BytesOfBase64) {
  EXPECT_TRUE(SealingKey::from_base64(base64_encode(std::string(32, 'a')) + "\n").has_value());
  auto short_key = SealingKey::from_base64(base64_encode(std::string(16, 'a')));
  ASSERT_FALSE(short_key.has_value());
  EXPECT_NE(short_key.error().message.find("16 bytes"), std::string::npos);
  auto not_base64 = SealingKey::from_base64("this is the secret itself");
  ASSERT_FALSE(not_base64.has_value());
  EXPECT_EQ(not_base64.error().message.find("secret itself"), std::string::npos) << "the error must not echo the key";
}

TEST(Seal, RoundTripsAndHidesThePlaintext) {
  const auto key = test_key();
  auto sealed = seal(key, "2.00ABCDEF-access-token", "microblog/lanshan");
  ASSERT_TRUE(sealed.has_value());
  EXPECT_TRUE(is_sealed(*sealed));
  EXPECT_EQ(sealed->find("access-token"), std::string::npos);
  auto opened = unseal(key, *sealed, "microblog/lanshan");
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, "2.00ABCDEF-access-token");
}

TEST(Seal, EverySealDrawsAFreshNonce) {
  const auto key = test_key();
  EXPECT_NE(*seal(key, "same", "ctx"), *seal(key, "same", "ctx"));
}

TEST(Seal, RefusesAnotherKeyAnotherContextAndAnyChange) {
  const auto key = test_key();
  const std::string sealed = *seal(key, "token", "microblog/a");
  EXPECT_FALSE(unseal(test_key('x'), sealed, "microblog/a").has_value());
  EXPECT_FALSE(unseal(key, sealed, "microblog/b").has_value());
  for (std::size_t i = sealed_prefix.size(); i < sealed.size(); ++i) {
    std::string changed = sealed;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(unseal(key, changed, "microblog/a").has_value()) << "byte " << i;
  }
  EXPECT_FALSE(unseal(key, "token", "microblog/a").has_value());
  EXPECT_FALSE(unseal(key, std::string(sealed_prefix) + "AAAA", "microblog/a").has_value());
}

TEST(Seal, EmptyPlaintext) {
  const auto key = test_key();
  auto opened = unseal(key, *seal(key, "", "c"), "c");
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, "");
}

}  // namespace
}  // namespace fabu
