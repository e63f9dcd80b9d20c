// Run-time token replacement and the lanes' circuit breaker, against a real redis-server.
#include <gtest/gtest.h>

#include "core/base64.h"
#include "tests/queue/ledger_fixture.h"

namespace fabu::testing {
namespace {

// What a person with redis-cli (or a dump of the data) sees.
std::string redis_cli(int port, const std::string& args) {
  std::string out;
  run_shell("redis-cli -p " + std::to_string(port) + " --raw " + args, out);
  return out;
}

SealingKey key_of(char fill) { return *SealingKey::from_base64(base64_encode(std::string(SealingKey::size, fill))); }

class LedgerAccountsTest : public LedgerTest {
 protected:
  void SetUp() override {
    config_.token_key = key_of('k');
    LedgerTest::SetUp();
  }

  TokenOverride replacement(const std::string& token) {
    return TokenOverride{"microblog/a", "microblog", "a", token, "0123456789abcdef", "2027-06-30", T0};
  }
};

TEST_F(LedgerAccountsTest, SetTokenStoresTheTokenBumpsTheVersionAndCountsHeldDeliveries) {
  set_lane("microblog/a", 2);
  admit(request("r1", {spec("microblog", "a", "microblog/a")}));
  admit(request("r2", {spec("microblog", "a", "microblog/a")}));
  auto claimed = claim(T0, 1);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::needs_auth, T0 + 10, 0, "21327 expired_token"));
  ASSERT_FALSE(lane("microblog/a").parked_reason.empty());
  EXPECT_EQ(*ledger_->tokens_version(), 0);

  auto held = ledger_->set_token(replacement("tok-a-new"));
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(*held, 1);  // the parked one; the other is merely queued behind it
  EXPECT_EQ(*ledger_->tokens_version(), 1);
  // Still parked: each fabud unparks the lane once it has loaded the token.
  EXPECT_FALSE(lane("microblog/a").parked_reason.empty());

  ASSERT_TRUE(ledger_->set_token(replacement("tok-a-newer")));
  auto all = ledger_->token_overrides();
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->version, 2);
  ASSERT_EQ(all->overrides.size(), 1u);  // one per lane: the newer replaced the first
  const auto& o = all->overrides[0];
  EXPECT_EQ(o.lane, "microblog/a");
  EXPECT_EQ(o.channel, "microblog");
  EXPECT_EQ(o.destination, "a");
  EXPECT_EQ(o.token, "tok-a-newer");
  EXPECT_EQ(o.replaces, "0123456789abcdef");
  EXPECT_EQ(o.expires, "2027-06-30");

  // What a fabud does after applying it: the held delivery becomes due again.
  ASSERT_TRUE(ledger_->unpark_lane("microblog/a", T0 + 20));
  EXPECT_EQ(status(claimed[0].id).state, DeliveryState::queued);
  EXPECT_EQ(ids_of(claim(T0 + 20, 4)), (std::vector<std::string>{"r1|microblog|a", "r2|microblog|a"}));
}

TEST_F(LedgerAccountsTest, SetTokenRefusesAnEmptyToken) {
  EXPECT_FALSE(ledger_->set_token(replacement("")));
  EXPECT_EQ(*ledger_->tokens_version(), 0);
}

TEST_F(LedgerAccountsTest, TokensAreSealedInRedisAndOpenOnlyWithTheSameKey) {
  ASSERT_TRUE(ledger_->set_token(replacement("tok-a-secret")));
  const std::string raw = redis_cli(config_.port, "HGET '" + config_.prefix + ":{" + config_.prefix + "}:tokens' microblog/a");
  EXPECT_EQ(raw.find("tok-a-secret"), std::string::npos) << raw;
  EXPECT_NE(raw.find("aes256gcm:"), std::string::npos) << raw;

  // Another instance with another key (or none) cannot use it, and says which lane it could not open.
  for (std::optional<SealingKey> other : {std::optional<SealingKey>(key_of('x')), std::optional<SealingKey>()}) {
    config_.token_key = other;
    auto elsewhere = connect();
    auto all = elsewhere->token_overrides();
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_TRUE(all->overrides.empty());
    EXPECT_EQ(all->unreadable, std::vector<std::string>{"microblog/a"});
  }
}

TEST_F(LedgerAccountsTest, WithoutAKeyNoTokenIsStored) {
  config_.token_key.reset();
  auto keyless = connect();
  auto refused = keyless->set_token(replacement("tok-a-new"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::config);
  EXPECT_NE(refused.error().message.find("redis.token_key_file"), std::string::npos) << refused.error().message;
  EXPECT_EQ(*ledger_->tokens_version(), 0);
}

TEST_F(LedgerAccountsTest, LaneBreakerOpensAfterConsecutiveTransientFailuresAndProbesAfterTheCooloff) {
  ASSERT_TRUE(ledger_->set_breaker({3, std::chrono::seconds(10)}));
  admit(request("r1", {spec("microblog", "a", "microblog/a")}));
  std::int64_t now = T0;
  for (int i = 0; i < 3; ++i) {
    auto claimed = claim(now);
    ASSERT_EQ(claimed.size(), 1u) << "failure " << i;
    ASSERT_TRUE(finish(claimed[0], CompletionOutcome::retry, now + 5, now + 100, "HTTP 503"));
    now += 100;
  }
  const std::int64_t opened_at = now - 100 + 5;
  auto l = lane("microblog/a");
  EXPECT_EQ(l.consecutive_failures, 3);
  EXPECT_EQ(l.breaker_until_ms, opened_at + 10'000);
  // Due by its own backoff, but the lane's breaker holds it until the cool-off ends.
  EXPECT_TRUE(claim(opened_at + 9'999).empty());
  auto probe = claim(opened_at + 10'000);
  ASSERT_EQ(probe.size(), 1u);
  ASSERT_TRUE(finish(probe[0], CompletionOutcome::delivered, opened_at + 10'100));
  l = lane("microblog/a");
  EXPECT_EQ(l.consecutive_failures, 0);
  EXPECT_EQ(l.breaker_until_ms, 0);
}

TEST_F(LedgerAccountsTest, RejectionsAndTokenErrorsDoNotCountTowardsTheBreaker) {
  ASSERT_TRUE(ledger_->set_breaker({2, std::chrono::seconds(10)}));
  set_lane("microblog/a", 4);
  admit(request("r1", {spec("microblog", "a", "microblog/a")}));
  admit(request("r2", {spec("microblog", "a", "microblog/a")}));
  admit(request("r3", {spec("microblog", "a", "microblog/a")}));
  auto claimed = claim(T0);
  ASSERT_EQ(claimed.size(), 3u);
  ASSERT_TRUE(finish(claimed[0], CompletionOutcome::dead, T0 + 1, 0, "20021 illegal content"));
  ASSERT_TRUE(finish(claimed[1], CompletionOutcome::dead, T0 + 2, 0, "20012 text too long"));
  ASSERT_TRUE(finish(claimed[2], CompletionOutcome::needs_auth, T0 + 3, 0, "21327 expired_token"));
  auto l = lane("microblog/a");
  EXPECT_EQ(l.consecutive_failures, 0);
  EXPECT_EQ(l.breaker_until_ms, 0);
}

TEST_F(LedgerAccountsTest, AnOpenLaneSendsOneProbeAtATimeAndAFailedProbeReopensIt) {
  ASSERT_TRUE(ledger_->set_breaker({2, std::chrono::seconds(10)}));
  set_lane("microblog/a", 4);
  for (const char* id : {"r1", "r2", "r3", "r4"}) admit(request(id, {spec("microblog", "a", "microblog/a")}));
  auto first = claim(T0);
  ASSERT_EQ(first.size(), 4u);
  ASSERT_TRUE(finish(first[0], CompletionOutcome::retry, T0 + 1, T0 + 50, "timeout"));
  ASSERT_TRUE(finish(first[1], CompletionOutcome::retry, T0 + 2, T0 + 50, "timeout"));
  ASSERT_TRUE(finish(first[2], CompletionOutcome::retry, T0 + 3, T0 + 50, "timeout"));
  ASSERT_TRUE(finish(first[3], CompletionOutcome::retry, T0 + 4, T0 + 50, "timeout"));
  const std::int64_t until = lane("microblog/a").breaker_until_ms;
  EXPECT_EQ(until, T0 + 4 + 10'000);  // each failure past the threshold restarts the cool-off

  auto probe = claim(until, 16);
  ASSERT_EQ(probe.size(), 1u) << "a lane whose breaker opened sends a single probe";
  EXPECT_TRUE(claim(until + 1, 16).empty());
  ASSERT_TRUE(finish(probe[0], CompletionOutcome::retry, until + 500, until + 600, "HTTP 502"));
  EXPECT_EQ(lane("microblog/a").breaker_until_ms, until + 500 + 10'000);
  EXPECT_TRUE(claim(until + 9'000, 16).empty());
}

}  // namespace
}  // namespace fabu::testing
