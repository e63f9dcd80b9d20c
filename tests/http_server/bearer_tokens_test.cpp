#include "http_server/bearer_tokens.h"

#include <set>

#include <gtest/gtest.h>

namespace fabu {
namespace {

using Verdict = BearerTokens::Verdict;

TEST(BearerTokens, Sha256HexMatchesTheStandardVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(BearerTokens, NewTokensAreRandomBase64Url) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const auto token = new_bearer_token();
    ASSERT_EQ(token.size(), 43u);
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST(BearerTokens, ChecksTokenAndRole) {
  const BearerTokens tokens({{"cms", {"submit"}, sha256_hex("cms-secret")},
                             {"grafana", {"read"}, sha256_hex("grafana-secret")},
                             {"ops", {"operate"}, sha256_hex("OPS-SECRET")}});
  EXPECT_EQ(tokens.check("Bearer cms-secret", {"submit"}).verdict, Verdict::allowed);
  EXPECT_EQ(tokens.check("Bearer cms-secret", {"submit"}).token_name, "cms");
  EXPECT_EQ(tokens.check("bearer  cms-secret ", {"submit"}).verdict, Verdict::allowed);
  EXPECT_EQ(tokens.check("Bearer cms-secret", {"read"}).verdict, Verdict::forbidden);
  EXPECT_EQ(tokens.check("Bearer grafana-secret", {"submit"}).verdict, Verdict::forbidden);
  EXPECT_EQ(tokens.check("Bearer OPS-SECRET", {"read", "operate"}).verdict, Verdict::allowed);
  EXPECT_EQ(tokens.check("Bearer ops-secret", {"read", "operate"}).verdict, Verdict::unauthenticated);
  EXPECT_EQ(tokens.check("", {"read"}).verdict, Verdict::unauthenticated);
  EXPECT_EQ(tokens.check("Bearer ", {"read"}).verdict, Verdict::unauthenticated);
  EXPECT_EQ(tokens.check("Basic Y21zOmNtcy1zZWNyZXQ=", {"submit"}).verdict, Verdict::unauthenticated);
  // The hash of a token is not a token.
  EXPECT_EQ(tokens.check("Bearer " + sha256_hex("cms-secret"), {"submit"}).verdict, Verdict::unauthenticated);
}

TEST(BearerTokens, AMalformedHashNeverMatches) {
  const BearerTokens tokens({{"bad", {"read"}, "not-a-hash"}});
  EXPECT_TRUE(tokens.empty());
  EXPECT_EQ(tokens.check("Bearer not-a-hash", {"read"}).verdict, Verdict::unauthenticated);
}

}  // namespace
}  // namespace fabu
