// Token-expiry warnings and applying token replacements to a channel set, with a fake adapter.
#include "daemon/account_watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fabu {
namespace {

using ::testing::HasSubstr;

AccountInfo account(const std::string& id) {
  return AccountInfo{"microblog/" + id, id, id + "发布", "county", "post", std::nullopt, token_fingerprint("tok-" + id)};
}

TEST(TokenExpiryWarning, WithinTheWindowSaysWhenAndHowToFixIt) {
  auto w = token_expiry_warning("microblog", account("lanshan_fabu"), Date{2026, 12, 3}, Date{2026, 11, 30}, 7);
  ASSERT_TRUE(w.has_value());
  EXPECT_THAT(*w, HasSubstr("account lanshan_fabu"));
  EXPECT_THAT(*w, HasSubstr("expires on 2026-12-03, in 3 days"));
  EXPECT_THAT(*w, HasSubstr("fabuctl accounts set-token lanshan_fabu`"));
}

TEST(TokenExpiryWarning, OutsideTheWindowSaysNothing) {
  EXPECT_FALSE(token_expiry_warning("microblog", account("a"), Date{2026, 12, 8}, Date{2026, 11, 30}, 7));
  EXPECT_TRUE(token_expiry_warning("microblog", account("a"), Date{2026, 12, 7}, Date{2026, 11, 30}, 7));
}

TEST(TokenExpiryWarning, TodayAndExpiredAreSaidSo) {
  auto today = token_expiry_warning("microblog", account("a"), Date{2026, 11, 30}, Date{2026, 11, 30}, 0);
  ASSERT_TRUE(today.has_value());
  EXPECT_THAT(*today, HasSubstr("expires on 2026-11-30, today"));
  auto past = token_expiry_warning("weibo2", account("a"), Date{2026, 11, 29}, Date{2026, 12, 1}, 7);
  ASSERT_TRUE(past.has_value());
  EXPECT_THAT(*past, HasSubstr("expired on 2026-11-29 (2 days ago)"));
  EXPECT_THAT(*past, HasSubstr("set-token a --channel weibo2"));
}

TEST(DaysBetween, CrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ(days_between(Date{2026, 12, 31}, Date{2027, 1, 1}), 1);
  EXPECT_EQ(days_between(Date{2028, 2, 28}, Date{2028, 3, 1}), 2);
  EXPECT_EQ(days_between(Date{2026, 3, 1}, Date{2026, 2, 28}), -1);
}

// A channel of accounts that records set_token calls.
class FakeAccountsAdapter final : public Adapter {
 public:
  std::string_view type() const override { return "fake_accounts"; }
  std::expected<std::vector<PlannedDelivery>, FieldErrors> plan(const Release&, const std::string&,
                                                                const std::vector<std::string>&) const override {
    return std::vector<PlannedDelivery>{};
  }
  std::vector<LaneLimits> lanes(const std::string&) const override { return {}; }
  void deliver(const DeliveryJob&, DeliveryCallback done) override { done(DeliveryReceipt{}); }
  void retract(const DeliveryJob&, const DeliveryReceipt&, RetractCallback done) override { done({}); }
  std::vector<AccountInfo> accounts(const std::string&) const override { return {account("a"), account("b")}; }
  bool set_token(const std::string& destination, const std::string& token) override {
    if (destination != "a" && destination != "b") return false;
    set.emplace_back(destination, token);
    return true;
  }
  static inline std::vector<std::pair<std::string, std::string>> set;
};

class FakeAccountsFactory final : public AdapterFactory {
 public:
  std::string_view type() const override { return "fake_accounts"; }
  std::expected<std::unique_ptr<Adapter>, ConfigErrors> create(const ChannelConfig&, const std::string&,
                                                               AdapterEnv&) const override {
    return std::make_unique<FakeAccountsAdapter>();
  }
};

std::shared_ptr<const ChannelSet> fake_channels() {
  auto config = parse_config("[channels.microblog]\ntype = \"fake_accounts\"\n", "t.toml");
  EXPECT_TRUE(config.has_value());
  AdapterRegistry registry;
  registry.add(std::make_unique<FakeAccountsFactory>());
  AdapterEnv env;
  auto channels = ChannelSet::create(**config, registry, env);
  EXPECT_TRUE(channels.has_value());
  return *channels;
}

TokenOverride replacement(const std::string& id, const std::string& token, const std::string& replaces) {
  return TokenOverride{"microblog/" + id, "microblog", id, token, replaces, "", 0};
}

TEST(ApplyTokenOverrides, AppliesReplacementsOfTheConfiguredTokenOnly) {
  FakeAccountsAdapter::set.clear();
  auto channels = fake_channels();
  auto applied = apply_token_overrides(
      *channels, {replacement("a", "tok-a-new", token_fingerprint("tok-a")),
                  // made for a token the config no longer has: the config's newer token wins
                  replacement("b", "tok-b-stale", token_fingerprint("tok-b-older")),
                  replacement("nobody", "tok-x", token_fingerprint("tok-nobody"))});
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].destination, "a");
  ASSERT_EQ(FakeAccountsAdapter::set.size(), 1u);
  EXPECT_EQ(FakeAccountsAdapter::set[0], std::make_pair(std::string("a"), std::string("tok-a-new")));
}

TEST(ApplyTokenOverrides, IgnoresUnknownChannels) {
  FakeAccountsAdapter::set.clear();
  auto channels = fake_channels();
  auto o = replacement("a", "tok-a-new", token_fingerprint("tok-a"));
  o.channel = "portal";
  EXPECT_TRUE(apply_token_overrides(*channels, {o}).empty());
  EXPECT_TRUE(FakeAccountsAdapter::set.empty());
}

}  // namespace
}  // namespace fabu
