// WeiboChannel's account look-up: through the index parse_weibo_channel() builds, and by a scan when
// the accounts changed after it.
#include <gtest/gtest.h>

#include "adapters/weibo/weibo_channel.h"
#include "tests/adapters/weibo_test_support.h"

namespace fabu::testing {
namespace {

TEST(WeiboChannelFind, FindsEveryAccountByIdAndNothingElse) {
  auto hall = weibo::parse_weibo_channel(weibo_channel_from(weibo_hall_toml("http://sandbox.test/2/")), "fabu.toml");
  ASSERT_TRUE(hall.has_value());
  ASSERT_EQ(hall->accounts.size(), 4u);
  for (const auto& account : hall->accounts) {
    const weibo::Account* found = hall->find(account.id);
    ASSERT_NE(found, nullptr) << account.id;
    EXPECT_EQ(found, &account);
  }
  EXPECT_EQ(hall->find("nobody"), nullptr);
  EXPECT_EQ(hall->find(""), nullptr);
  EXPECT_EQ(hall->find("linyi_fab"), nullptr);
  EXPECT_EQ(hall->lead_account().name, "临沂发布");

  // A copy finds its own accounts, not the original's.
  const weibo::WeiboChannel copy = *hall;
  EXPECT_EQ(copy.find("jiaoyu"), &copy.accounts.back());
}

TEST(WeiboChannelFind, AnAccountAddedLaterIsFoundBeforeAndAfterReindexing) {
  auto hall = weibo::parse_weibo_channel(weibo_channel_from(weibo_hall_toml("http://sandbox.test/2/")), "fabu.toml");
  ASSERT_TRUE(hall.has_value());
  weibo::Account added;
  added.id = "feixian_fabu";
  hall->accounts.push_back(added);
  ASSERT_NE(hall->find("feixian_fabu"), nullptr);
  EXPECT_EQ(hall->find("feixian_fabu")->id, "feixian_fabu");
  hall->index_accounts();
  EXPECT_EQ(hall->find("feixian_fabu"), &hall->accounts.back());
  EXPECT_EQ(hall->find("yinan_fabu"), &hall->accounts[2]);
}

}  // namespace
}  // namespace fabu::testing
