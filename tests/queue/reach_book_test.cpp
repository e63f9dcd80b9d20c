// The Redis ReachBook against a real redis-server: entering a post once, leases on due posts, the
// next checkpoint, the hourly budget shared by two connections, the followers turn, and the read-back.
#include <gtest/gtest.h>

#include "queue/reach_book.h"
#include "tests/support/test_redis_config.h"

namespace fabu::testing {
namespace {

constexpr std::int64_t T0 = 1'800'000'000'000 - 1'800'000'000'000 % 3'600'000;
constexpr std::int64_t kHour = 3'600'000;

class ReachBookTest : public ::testing::Test {
 protected:
  RedisConfig config_ = shared_redis_config();
  std::unique_ptr<ReachBook> book_ = make_redis_reach_book(config_, 400);
  DeliveredPost post_{"rel-1", "microblog", "lead", "4100000000000001", T0};
};

TEST_F(ReachBookTest, APostIsEnteredOnceAndReadAtEachCheckpointUnderALease) {
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 1200, 5, 9}}, T0 - kHour));
  ASSERT_TRUE(book_->add_posts({post_}));
  ASSERT_TRUE(book_->add_posts({post_}));  // a replay changes nothing
  auto early = book_->claim_due(T0 + kHour - 1, 100, std::chrono::minutes(10));
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());
  auto due = book_->claim_due(T0 + kHour, 100, std::chrono::minutes(10));
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].post.post_id, post_.post_id);
  EXPECT_EQ((*due)[0].checkpoint, 0u);
  // Leased: another instance claiming now gets nothing; after the lease it would get it again.
  EXPECT_TRUE(book_->claim_due(T0 + kHour, 100, std::chrono::minutes(10))->empty());
  ASSERT_TRUE(book_->record_posts({{(*due)[0], PostCounts{post_.post_id, 3, 1, 40}}}, T0 + kHour + 5));
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 1250, 5, 10}}, T0 + 2 * kHour));

  auto reach = book_->release_reach("rel-1");
  ASSERT_TRUE(reach);
  ASSERT_EQ(reach->size(), 1u);
  const AccountReach& lead = (*reach)[0];
  EXPECT_EQ(lead.channel, "microblog");
  EXPECT_EQ(lead.post_id, post_.post_id);
  EXPECT_EQ(lead.delivered_ms, T0);
  EXPECT_EQ(lead.followers_at_delivery, 1200);
  EXPECT_EQ(lead.followers_now, 1250);
  ASSERT_EQ(lead.checkpoints.size(), 1u);
  EXPECT_EQ(lead.checkpoints.at("1h").at_ms, T0 + kHour + 5);
  EXPECT_EQ(lead.checkpoints.at("1h").counts.likes, 40);
  // Next: +6h, not before.
  EXPECT_TRUE(book_->claim_due(T0 + 6 * kHour - 1, 100, std::chrono::minutes(10))->empty());
  auto next = book_->claim_due(T0 + 6 * kHour, 100, std::chrono::minutes(10));
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].checkpoint, 1u);
  // Gone from the platform: dropped.
  ASSERT_TRUE(book_->record_posts({{(*next)[0], std::nullopt}}, T0 + 6 * kHour));
  EXPECT_TRUE(book_->claim_due(T0 + 30 * 24 * kHour, 100, std::chrono::minutes(10))->empty());
}

TEST_F(ReachBookTest, ABatchOfPostsLongerThanOneCallIsEnteredOnceEach) {
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 700, 5, 9}}, T0 - kHour));
  std::vector<DeliveredPost> posts;
  for (int i = 0; i < 300; ++i) {
    posts.push_back({"rel-" + std::to_string(i % 7), "microblog", "acct-" + std::to_string(i),
                     std::to_string(4200000000000000 + i), T0 + i});
  }
  posts.push_back(post_);
  ASSERT_TRUE(book_->add_posts(posts));
  // The same account of the same release posted again (a replay of the batch, another post id): no change.
  DeliveredPost again = posts[3];
  again.post_id = "4299999999999999";
  ASSERT_TRUE(book_->add_posts({again, posts[0]}));
  auto due = book_->claim_due(T0 + 2 * kHour, 1000, std::chrono::minutes(10));
  ASSERT_TRUE(due);
  EXPECT_EQ(due->size(), posts.size());
  auto reach = book_->release_reach("rel-3");
  ASSERT_TRUE(reach);
  ASSERT_FALSE(reach->empty());
  EXPECT_EQ((*reach)[0].account, "acct-10");
  EXPECT_EQ((*reach)[0].post_id, "4200000000000010");
  EXPECT_FALSE((*reach)[0].followers_at_delivery);  // acct-10 has no readings
  for (const auto& account : *reach) {
    if (account.account == "acct-3") {
      EXPECT_EQ(account.post_id, "4200000000000003");  // the first stays
    }
  }
  auto lead = book_->release_reach("rel-1");
  ASSERT_TRUE(lead);
  bool found = false;
  for (const auto& account : *lead) {
    if (account.account == "lead") {
      found = true;
      EXPECT_EQ(account.post_id, post_.post_id);
      EXPECT_EQ(account.followers_at_delivery, 700);
    }
    if (account.account == "acct-8") {
      EXPECT_EQ(account.post_id, "4200000000000008");
    }
  }
  EXPECT_TRUE(found);
}

// One call reads each account's followers once where it can: each post still gets the newest reading
// at or before its own time, also when a reading came between two posts of the batch.
TEST_F(ReachBookTest, EachPostOfABatchGetsTheFollowersReadBeforeIt) {
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 500, 5, 9}}, T0 - kHour));
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 600, 5, 9}}, T0 + 10));
  const DeliveredPost before{"rel-a", "microblog", "lead", "4300000000000001", T0};
  const DeliveredPost after{"rel-b", "microblog", "lead", "4300000000000002", T0 + 20};
  const DeliveredPost exactly{"rel-c", "microblog", "lead", "4300000000000003", T0 + 10};
  DeliveredPost twice = after;  // the same account of the same release, named again in the batch
  twice.post_id = "4300000000000009";
  ASSERT_TRUE(book_->add_posts({after, before, twice, exactly}));

  const auto lead_of = [&](const std::string& release) {
    auto reach = book_->release_reach(release);
    EXPECT_TRUE(reach);
    EXPECT_EQ(reach->size(), 1u);
    return reach->empty() ? AccountReach{} : reach->front();
  };
  EXPECT_EQ(lead_of("rel-a").followers_at_delivery, 500);
  EXPECT_EQ(lead_of("rel-b").followers_at_delivery, 600);
  EXPECT_EQ(lead_of("rel-b").post_id, after.post_id);  // the first named stays
  EXPECT_EQ(lead_of("rel-c").followers_at_delivery, 600);
  auto due = book_->claim_due(T0 + 2 * kHour, 100, std::chrono::minutes(10));
  ASSERT_TRUE(due);
  EXPECT_EQ(due->size(), 3u);
}

TEST_F(ReachBookTest, TheHourlyBudgetIsSharedByEveryConnection) {
  auto other = make_redis_reach_book(config_, 400);
  int taken = 0;
  for (int i = 0; i < 5; ++i) {
    taken += *book_->take_call(T0 + i, 3) ? 1 : 0;
    taken += *other->take_call(T0 + i, 3) ? 1 : 0;
  }
  EXPECT_EQ(taken, 3);
  EXPECT_EQ(book_->budget_use(T0 + 100, 3)->used, 3);
  EXPECT_TRUE(*other->take_call(T0 + kHour, 3));  // a new clock hour
  EXPECT_EQ(other->budget_use(T0 + kHour, 3)->used, 1);
}

TEST_F(ReachBookTest, OneFollowersTurnPerInterval) {
  auto other = make_redis_reach_book(config_, 400);
  const auto every = std::chrono::hours(6);
  EXPECT_TRUE(*book_->take_followers_turn(T0, every));
  EXPECT_FALSE(*other->take_followers_turn(T0 + 1, every));
  EXPECT_FALSE(*book_->take_followers_turn(T0 + 6 * kHour - 1, every));
  EXPECT_TRUE(*other->take_followers_turn(T0 + 6 * kHour, every));
}

TEST_F(ReachBookTest, LatestFollowersAreTheNewestReadingOfEachAccount) {
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 100}, {"county", 7}}, T0));
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 120}}, T0 + kHour));
  auto latest = book_->latest_followers({{"microblog", "county"}, {"microblog", "never-read"}, {"microblog", "lead"}});
  ASSERT_TRUE(latest) << latest.error().message;
  ASSERT_EQ(latest->size(), 3u);
  EXPECT_EQ((*latest)[0], 7);
  EXPECT_EQ((*latest)[1], std::nullopt);
  EXPECT_EQ((*latest)[2], 120);
  EXPECT_TRUE(book_->latest_followers({})->empty());
}

TEST_F(ReachBookTest, FollowersSinceATimeOldestFirstPerAccount) {
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 100}, {"county", 7}}, T0));
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 120}}, T0 + kHour));
  ASSERT_TRUE(book_->record_followers("microblog", {{"lead", 130}}, T0 + 2 * kHour));
  auto series = book_->followers_since({{"microblog", "lead"}, {"microblog", "county"}, {"microblog", "never-read"}},
                                       T0 + kHour, 10);
  ASSERT_TRUE(series) << series.error().message;
  ASSERT_EQ(series->size(), 3u);
  ASSERT_EQ((*series)[0].size(), 2u);
  EXPECT_EQ((*series)[0][0].at_ms, T0 + kHour);
  EXPECT_EQ((*series)[0][0].followers, 120);
  EXPECT_EQ((*series)[0][1].followers, 130);
  EXPECT_TRUE((*series)[1].empty());  // county's one reading is older
  EXPECT_TRUE((*series)[2].empty());
  auto capped = book_->followers_since({{"microblog", "lead"}}, T0, 1);
  ASSERT_TRUE(capped);
  ASSERT_EQ((*capped)[0].size(), 1u);
  EXPECT_EQ((*capped)[0][0].followers, 100);
  EXPECT_TRUE(book_->followers_since({}, T0, 10)->empty());
}

TEST_F(ReachBookTest, DeferredPostsComeBackAtTheirNewTime) {
  ASSERT_TRUE(book_->add_posts({post_}));
  auto due = book_->claim_due(T0 + kHour, 100, std::chrono::minutes(10));
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(book_->defer(*due, T0 + 2 * kHour));
  EXPECT_TRUE(book_->claim_due(T0 + 2 * kHour - 1, 100, std::chrono::minutes(10))->empty());
  EXPECT_EQ(book_->claim_due(T0 + 2 * kHour, 100, std::chrono::minutes(10))->size(), 1u);
  EXPECT_TRUE(book_->release_reach("no-such-release")->empty());
}

}  // namespace
}  // namespace fabu::testing
